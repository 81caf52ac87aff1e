// The pairs serialization of header maps (spec "Serialization"): u32 count, then count x
// (u32 nameLength, u32 valueLength), then count x (name, NUL, value, NUL); little-endian.
// Pure: no host calls, so as-pect tests it directly.

export class HeaderPair {
  constructor(
    public name: string,
    public value: string,
  ) {}
}

export function serializePairs(pairs: Array<HeaderPair>): ArrayBuffer {
  const count = pairs.length;
  const names = new Array<ArrayBuffer>(count);
  const values = new Array<ArrayBuffer>(count);
  let size = 4 + count * 8;
  for (let i = 0; i < count; i++) {
    names[i] = String.UTF8.encode(pairs[i].name);
    values[i] = String.UTF8.encode(pairs[i].value);
    size += names[i].byteLength + values[i].byteLength + 2;
  }
  const out = new ArrayBuffer(size);
  const base = changetype<usize>(out);
  store<u32>(base, count);
  let offset: usize = 4 + <usize>count * 8;
  for (let i = 0; i < count; i++) {
    const name = names[i];
    const value = values[i];
    store<u32>(base + 4 + <usize>i * 8, name.byteLength);
    store<u32>(base + 8 + <usize>i * 8, value.byteLength);
    memory.copy(base + offset, changetype<usize>(name), name.byteLength);
    offset += <usize>name.byteLength + 1;
    memory.copy(base + offset, changetype<usize>(value), value.byteLength);
    offset += <usize>value.byteLength + 1;
  }
  return out;
}

// Parses what the host serialized. Anything malformed (lengths past the end) yields what was
// read so far rather than a trap; an empty buffer is an empty map.
export function deserializePairs(buffer: ArrayBuffer): Array<HeaderPair> {
  const pairs = new Array<HeaderPair>();
  const size = <usize>buffer.byteLength;
  if (size < 4) return pairs;
  const base = changetype<usize>(buffer);
  const count = <usize>load<u32>(base);
  if (<usize>4 + count * 8 > size) return pairs;
  let offset: usize = <usize>4 + count * 8;
  for (let i: usize = 0; i < count; i++) {
    const nameLength = <usize>load<u32>(base + 4 + i * 8);
    const valueLength = <usize>load<u32>(base + 8 + i * 8);
    if (offset + nameLength + valueLength + 2 > size) break;
    const name = String.UTF8.decodeUnsafe(base + offset, nameLength);
    offset += nameLength + 1;
    const value = String.UTF8.decodeUnsafe(base + offset, valueLength);
    offset += valueLength + 1;
    pairs.push(new HeaderPair(name, value));
  }
  return pairs;
}

// A property path: segments joined by NUL, as proxy_get_property expects ("request\0path").
export function propertyPath(segments: Array<string>): ArrayBuffer {
  let size = 0;
  const encoded = new Array<ArrayBuffer>(segments.length);
  for (let i = 0; i < segments.length; i++) {
    encoded[i] = String.UTF8.encode(segments[i]);
    size += encoded[i].byteLength + (i > 0 ? 1 : 0);
  }
  const out = new ArrayBuffer(size);
  let offset: usize = 0;
  for (let i = 0; i < encoded.length; i++) {
    if (i > 0) store<u8>(changetype<usize>(out) + offset++, 0);
    memory.copy(changetype<usize>(out) + offset, changetype<usize>(encoded[i]), encoded[i].byteLength);
    offset += <usize>encoded[i].byteLength;
  }
  return out;
}
