// A header map with Envoy's HeaderMapImpl semantics as the Wasm ABI sees them:
// names lower-cased, pseudo-headers kept ahead of regular ones, repeated names kept as separate
// entries, values held as byte strings (one char per byte) so that no byte is lost.

export type ByteString = string;

export class HeaderMap {
  private entries: [ByteString, ByteString][] = [];

  static fromPairs(pairs: Iterable<readonly [string, string]>): HeaderMap {
    const map = new HeaderMap();
    for (const [name, value] of pairs) map.add(utf8ToBytes(name), utf8ToBytes(value));
    return map;
  }

  get size(): number {
    return this.entries.length;
  }

  // HeaderMap::byteSize(): the sum of name and value lengths (what proxy_get_header_map_size returns).
  get byteSize(): number {
    let size = 0;
    for (const [name, value] of this.entries) size += name.length + value.length;
    return size;
  }

  first(name: ByteString): ByteString | undefined {
    const key = name.toLowerCase();
    for (const [n, v] of this.entries) if (n === key) return v;
    return undefined;
  }

  all(name: ByteString): ByteString[] {
    const key = name.toLowerCase();
    return this.entries.filter(([n]) => n === key).map(([, v]) => v);
  }

  add(name: ByteString, value: ByteString): void {
    const key = name.toLowerCase();
    if (key.startsWith(':')) {
      let index = 0;
      while (index < this.entries.length && this.entries[index][0].startsWith(':')) index++;
      this.entries.splice(index, 0, [key, value]);
    } else {
      this.entries.push([key, value]);
    }
  }

  // setCopy in current Envoy: every value of the name goes, then one is added.
  replace(name: ByteString, value: ByteString): void {
    this.remove(name);
    this.add(name, value);
  }

  remove(name: ByteString): void {
    const key = name.toLowerCase();
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i][0] === key) this.entries.splice(i, 1);
  }

  clear(): void {
    this.entries = [];
  }

  pairs(): [ByteString, ByteString][] {
    return this.entries.map(([n, v]) => [n, v]);
  }

  clone(): HeaderMap {
    const copy = new HeaderMap();
    copy.entries = this.pairs();
    return copy;
  }

  // Readable pairs for reports and tests: byte strings decoded as UTF-8.
  toUtf8Pairs(): [string, string][] {
    return this.entries.map(([n, v]) => [bytesToUtf8(n), bytesToUtf8(v)]);
  }
}

// ASCII reads the same as UTF-8 and as byte strings, and is nearly every header: no copy then.
const NON_ASCII = /[^\x00-\x7f]/;

export function utf8ToBytes(text: string): ByteString {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

export function bytesToUtf8(bytes: ByteString): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

export function byteStringOf(bytes: Uint8Array): ByteString {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function bytesOf(text: ByteString): Uint8Array {
  return Buffer.from(text, 'latin1');
}
