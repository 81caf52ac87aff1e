// Finds fields of an application/x-www-form-urlencoded body that arrives in chunks: a small state
// machine over "name=value&...", holding only the current name and value (both bounded). Runs of
// bytes without a delimiter are found 16 bytes at a time and taken (or skipped) in one copy.
import { percentDecode } from "../../assembly/codecs/query";

const MAX_NAME: i32 = 256;

export class FormFieldStream {
  private name: StaticArray<u8> = new StaticArray<u8>(MAX_NAME);
  private nameLength: i32 = 0;
  private value: StaticArray<u8>;
  private valueLength: i32 = 0;
  private inValue: bool = false;
  private capturing: i32 = -1;
  private overflow: bool = false;
  readonly values: Array<ArrayBuffer | null> = [];
  readonly invalid: Array<bool> = [];
  found: i32 = 0;
  bytesRead: i64 = 0;

  // Field names compared after percent-decoding; values are capped at maxValueLength (encoded).
  constructor(
    private names: Array<ArrayBuffer>,
    readonly maxValueLength: i32,
  ) {
    this.value = new StaticArray<u8>(maxValueLength * 3);
    for (let i = 0; i < names.length; i++) {
      this.values.push(null);
      this.invalid.push(false);
    }
  }

  get complete(): bool {
    return this.found == this.names.length;
  }

  feed(start: usize, length: i32): bool {
    let i = 0;
    while (i < length) {
      if (this.complete) return false;
      // A name ends at '=' or '&', a value only at '&'.
      const run = untilDelimiter(start + <usize>i, length - i, !this.inValue);
      if (run > 0) {
        this.take(start + <usize>i, run);
        i += run;
        this.bytesRead += run;
        continue;
      }
      this.step(<u32>load<u8>(start + <usize>i));
      this.bytesRead++;
      i++;
    }
    return !this.complete;
  }

  // Bytes with no delimiter among them: part of the current name, or of the current value.
  private take(p: usize, length: i32): void {
    if (!this.inValue) {
      const room = MAX_NAME - this.nameLength;
      if (room < 0) return;
      if (length > room) {
        memory.copy(changetype<usize>(this.name) + <usize>this.nameLength, p, <usize>room);
        this.nameLength = MAX_NAME + 1;
        return;
      }
      memory.copy(changetype<usize>(this.name) + <usize>this.nameLength, p, <usize>length);
      this.nameLength += length;
      return;
    }
    if (this.capturing < 0) return;
    const room = this.value.length - this.valueLength;
    if (length > room) this.overflow = true;
    const kept = length > room ? room : length;
    memory.copy(changetype<usize>(this.value) + <usize>this.valueLength, p, <usize>kept);
    this.valueLength += kept;
  }

  finish(): void {
    if (this.inValue || this.nameLength > 0) this.endField();
  }

  private step(c: u32): void {
    if (c == 0x26) {
      this.endField();
      return;
    }
    if (!this.inValue) {
      if (c == 0x3d) {
        this.inValue = true;
        this.capturing = this.matchName();
        this.valueLength = 0;
        this.overflow = false;
        return;
      }
      if (this.nameLength < MAX_NAME) this.name[this.nameLength++] = <u8>c;
      else this.nameLength = MAX_NAME + 1;
      return;
    }
    if (this.capturing < 0) return;
    if (this.valueLength >= this.value.length) {
      this.overflow = true;
      return;
    }
    this.value[this.valueLength++] = <u8>c;
  }

  private matchName(): i32 {
    if (this.nameLength > MAX_NAME) return -1;
    const start = changetype<usize>(this.name);
    const length = this.nameLength;
    for (let i = 0; i < this.names.length; i++) {
      if (this.values[i] !== null || this.invalid[i]) continue;
      if (decodedEquals(start, length, this.names[i])) return i;
    }
    return -1;
  }

  private endField(): void {
    const i = this.capturing;
    if (i >= 0) {
      const decoded = percentDecode(changetype<usize>(this.value), this.valueLength);
      if (this.overflow || decoded.byteLength > this.maxValueLength) this.invalid[i] = true;
      else this.values[i] = decoded;
      this.found++;
    }
    this.capturing = -1;
    this.inValue = false;
    this.nameLength = 0;
    this.valueLength = 0;
  }
}

// The number of bytes from `p` before a '&' (or an '=' too, when `equals`), at most `length`.
function untilDelimiter(p: usize, length: i32, equals: bool): i32 {
  const amp = i8x16.splat(0x26);
  const eq = i8x16.splat(equals ? 0x3d : 0x26);
  let i = 0;
  while (i + 16 <= length) {
    const chunk = v128.load(p + <usize>i);
    const mask = i8x16.bitmask(v128.or(i8x16.eq(chunk, amp), i8x16.eq(chunk, eq)));
    if (mask != 0) return i + <i32>ctz(mask);
    i += 16;
  }
  while (i < length) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x26 || (equals && c == 0x3d)) return i;
    i++;
  }
  return i;
}

// Whether [p, p + length) percent-decodes (as percentDecode does) to `wanted`, without allocating
// the decoded copy for every field name of the body.
function decodedEquals(p: usize, length: i32, wanted: ArrayBuffer): bool {
  const w = changetype<usize>(wanted);
  const n = wanted.byteLength;
  // Decoding shortens by at most two bytes in three.
  if (n > length || n * 3 < length) return false;
  let o = 0;
  for (let i = 0; i < length; i++) {
    if (o >= n) return false;
    let c = <u32>load<u8>(p + <usize>i);
    if (c == 0x2b) c = 0x20;
    else if (c == 0x25 && i + 2 < length) {
      const high = hexValue(<u32>load<u8>(p + <usize>(i + 1)));
      const low = hexValue(<u32>load<u8>(p + <usize>(i + 2)));
      if (high >= 0 && low >= 0) {
        c = <u32>((high << 4) | low);
        i += 2;
      }
    }
    if (c != <u32>load<u8>(w + <usize>o)) return false;
    o++;
  }
  return o == n;
}

function hexValue(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const lower = c | 0x20;
  if (lower - 0x61 < 6) return <i32>(lower - 0x61 + 10);
  return -1;
}
