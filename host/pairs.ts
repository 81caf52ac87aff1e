// The Proxy-Wasm pairs serialization (spec "Serialization"; cpp-host pairs_util.cc):
// u32 count, count x (u32 nameLen, u32 valueLen), then count x (name, NUL, value, NUL), little-endian.

export type HeaderPair = [name: string, value: string];
export type BytePair = [name: Uint8Array, value: Uint8Array];

// cpp-host PROXY_WASM_HOST_PAIRS_MAX_BYTES / _MAX_COUNT.
export const PAIRS_MAX_BYTES = 1024 * 1024;
export const PAIRS_MAX_COUNT = 1024;

const utf8 = new TextEncoder();

export function encodePairs(pairs: readonly (HeaderPair | BytePair)[]): Uint8Array {
  const encoded = pairs.map(([name, value]) => [toBytes(name), toBytes(value)] as const);
  let size = 4 + encoded.length * 8;
  for (const [name, value] of encoded) size += name.length + value.length + 2;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, encoded.length, true);
  let offset = 4;
  for (const [name, value] of encoded) {
    view.setUint32(offset, name.length, true);
    view.setUint32(offset + 4, value.length, true);
    offset += 8;
  }
  for (const [name, value] of encoded) {
    out.set(name, offset);
    offset += name.length + 1;
    out.set(value, offset);
    offset += value.length + 1;
  }
  return out;
}

// Strict parse as the host does it: any violation yields null, which callers turn into an empty list.
export function decodePairs(bytes: Uint8Array): BytePair[] | null {
  if (bytes.length === 0) return [];
  if (bytes.length > PAIRS_MAX_BYTES || bytes.length < 4) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(0, true);
  if (count > PAIRS_MAX_COUNT) return null;
  let offset = 4 + count * 8;
  if (offset > bytes.length) return null;
  const pairs: BytePair[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = view.getUint32(4 + i * 8, true);
    const valueLength = view.getUint32(8 + i * 8, true);
    if (offset + nameLength + valueLength + 2 > bytes.length) return null;
    const name = bytes.subarray(offset, offset + nameLength);
    offset += nameLength;
    if (bytes[offset++] !== 0) return null;
    const value = bytes.subarray(offset, offset + valueLength);
    offset += valueLength;
    if (bytes[offset++] !== 0) return null;
    pairs.push([name, value]);
  }
  return offset === bytes.length ? pairs : null;
}

function toBytes(value: string | Uint8Array): Uint8Array {
  return typeof value === 'string' ? utf8.encode(value) : value;
}
