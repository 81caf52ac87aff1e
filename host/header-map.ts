// A header map with Envoy's HeaderMapImpl semantics as the Wasm ABI sees them:
// names lower-cased, pseudo-headers kept ahead of regular ones, repeated names kept as separate
// entries, values held as byte strings (one char per byte) so that no byte is lost.

export type ByteString = string;

// Names from plugins are nearly always lower-case already: no new string for them (and a char
// loop, not a regular expression, on this per-call path).
function lower(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return name.toLowerCase();
  }
  return name;
}

export class HostHeaderMap {
  // Parallel arrays, walked with indexed loops: the host's hottest code.
  private names: ByteString[] = [];
  private values: ByteString[] = [];
  // The pairs serialization, kept until the map changes. Never written after it is made, so a
  // clone shares it: a request copied from a template serializes once, not once per request.
  private serialized: Uint8Array | null = null;

  static fromPairs(pairs: Iterable<readonly [string, string]>): HostHeaderMap {
    const map = new HostHeaderMap();
    for (const [name, value] of pairs) map.add(utf8ToBytes(name), utf8ToBytes(value));
    return map;
  }

  get size(): number {
    return this.names.length;
  }

  // Envoy HeaderMap::byteSize(): the sum of name and value lengths (what proxy_get_header_map_size returns).
  get byteSize(): number {
    let size = 0;
    for (let i = 0; i < this.names.length; i++) size += this.names[i].length + this.values[i].length;
    return size;
  }

  first(name: ByteString): ByteString | undefined {
    const key = lower(name);
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === key) return this.values[i];
    return undefined;
  }

  all(name: ByteString): ByteString[] {
    const key = lower(name);
    const out: ByteString[] = [];
    for (let i = 0; i < this.names.length; i++) if (this.names[i] === key) out.push(this.values[i]);
    return out;
  }

  add(name: ByteString, value: ByteString): void {
    this.serialized = null;
    const key = lower(name);
    if (key.charCodeAt(0) === 0x3a) {
      let index = 0;
      while (index < this.names.length && this.names[index].charCodeAt(0) === 0x3a) index++;
      this.names.splice(index, 0, key);
      this.values.splice(index, 0, value);
    } else {
      this.names.push(key);
      this.values.push(value);
    }
  }

  // Envoy's appendToHeader on an inline entry: the first entry of the name keeps its place and
  // takes `delimiter` and the value (an empty value adds nothing); added when absent.
  append(name: ByteString, value: ByteString, delimiter: ByteString): void {
    const key = lower(name);
    const index = this.names.indexOf(key);
    if (index < 0) return this.add(key, value);
    if (value === '') return;
    this.serialized = null;
    const present = this.values[index];
    this.values[index] = present === '' ? value : present + delimiter + value;
  }

  // setCopy in current Envoy: every value of the name goes, then one is added.
  replace(name: ByteString, value: ByteString): void {
    this.remove(name);
    this.add(name, value);
  }

  remove(name: ByteString): void {
    const key = lower(name);
    for (let i = this.names.length - 1; i >= 0; i--) {
      if (this.names[i] === key) {
        this.serialized = null;
        this.names.splice(i, 1);
        this.values.splice(i, 1);
      }
    }
  }

  clear(): void {
    this.serialized = null;
    this.names = [];
    this.values = [];
  }

  // The pairs serialization (u32 count, (u32, u32) lengths, name NUL value NUL ...). Byte strings
  // have one char per byte, so lengths are string lengths.
  serializedPairs(): Uint8Array {
    if (this.serialized !== null) return this.serialized;
    const n = this.names.length;
    let size = 4 + 8 * n;
    for (let i = 0; i < n; i++) size += this.names[i].length + this.values[i].length + 2;
    const bytes = Buffer.alloc(size);
    bytes.writeUInt32LE(n, 0);
    let offset = 4 + 8 * n;
    for (let i = 0; i < n; i++) {
      const name = this.names[i];
      const value = this.values[i];
      bytes.writeUInt32LE(name.length, 4 + 8 * i);
      bytes.writeUInt32LE(value.length, 8 + 8 * i);
      offset += bytes.write(name, offset, 'latin1') + 1;
      offset += bytes.write(value, offset, 'latin1') + 1;
    }
    this.serialized = bytes;
    return bytes;
  }

  pairs(): [ByteString, ByteString][] {
    return this.names.map((n, i) => [n, this.values[i]]);
  }

  clone(): HostHeaderMap {
    const copy = new HostHeaderMap();
    copy.names = this.names.slice();
    copy.values = this.values.slice();
    copy.serialized = this.serialized;
    return copy;
  }

  // Readable pairs for reports and tests: byte strings decoded as UTF-8.
  toUtf8Pairs(): [string, string][] {
    return this.names.map((n, i) => [bytesToUtf8(n), bytesToUtf8(this.values[i])]);
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
