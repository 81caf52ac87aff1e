// Base64url (RFC 4648 §5), with or without padding, decoded straight from bytes to bytes.
//
// Not as-base64: it decodes a UTF-16 string one bounds-checked call per character, many times slower
// on every token (README, Benchmarks); it stays the reference the as-pect tests compare with.

// 0..63 for the base64url alphabet, 255 for every other byte.
const DECODE_TABLE = memory.data<u8>([
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 62, 255,
  255, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 255, 255, 255, 255, 255, 255, 255, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
  12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 255, 255, 255, 255, 63, 255, 26, 27, 28, 29, 30, 31, 32, 33,
  34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
  255, 255, 255, 255, 255, 255, 255, 255, 255,
]);

// The decoded bytes, or null when the segment is not base64url: a byte outside the alphabet,
// padding anywhere but at the end, or a length no encoding produces (4n+1).
export function decodeBase64Url(start: usize, length: i32): Uint8Array | null {
  const size = decodedSize(start, length);
  if (size < 0) return null;
  const out = new Uint8Array(size);
  return decodeBase64UrlInto(start, length, out.dataStart) < 0 ? null : out;
}

// The decoded length of a segment, or -1 when its length or padding cannot be base64url.
export function decodedSize(start: usize, length: i32): i32 {
  let dataLength = length;
  while (dataLength > 0 && load<u8>(start + <usize>(dataLength - 1)) == 0x3d) dataLength--;
  const padding = length - dataLength;
  if (padding > 2 || (padding > 0 && (length & 3) != 0)) return -1;
  const tail = dataLength & 3;
  if (tail == 1) return -1;
  return (dataLength >> 2) * 3 + (tail == 0 ? 0 : tail - 1);
}

// Decodes into memory at `o` (decodedSize bytes); the length written, or -1 for a bad byte.
export function decodeBase64UrlInto(start: usize, length: i32, o: usize): i32 {
  let dataLength = length;
  while (dataLength > 0 && load<u8>(start + <usize>(dataLength - 1)) == 0x3d) dataLength--;
  const tail = dataLength & 3;
  if (tail == 1) return -1;
  let w: usize = 0;
  let i = 0;
  const whole = dataLength - tail;
  // 16 characters (12 bytes) at a time with SIMD; a block holding a byte outside the alphabet is
  // left to the scalar loop, which finds it and answers -1.
  // The constant vectors are loaded from memory once, before the loop: V8 rebuilds a v128.const
  // at every use, and Binaryen would fold constant globals back into the loop.
  const lowNibble = v128.load(SIMD_CONSTANTS);
  const rowOfHigh = v128.load(SIMD_CONSTANTS + 16);
  const rowsOfLow = v128.load(SIMD_CONSTANTS + 32);
  const shiftOfHigh = v128.load(SIMD_CONSTANTS + 48);
  const underscore = v128.load(SIMD_CONSTANTS + 64);
  const underscoreShift = v128.load(SIMD_CONSTANTS + 80);
  const one = v128.load(SIMD_CONSTANTS + 96);

  while (i + 16 <= whole) {
    const chars = v128.load(start + <usize>i);
    const high = i8x16.shr_u(chars, 4);
    // Each byte's row bit (by high nibble) against the rows its low nibble is valid in.
    const valid = v128.and(i8x16.swizzle(rowOfHigh, high), i8x16.swizzle(rowsOfLow, v128.and(chars, lowNibble)));
    if (!i8x16.all_true(valid)) break;
    const shift = v128.bitselect(underscoreShift, i8x16.swizzle(shiftOfHigh, high), i8x16.eq(chars, underscore));
    packSextets(i8x16.sub(i8x16.add(chars, shift), one), o + w);
    w += 12;
    i += 16;
  }
  while (i < whole) {
    const a = <u32>load<u8>(DECODE_TABLE + <usize>load<u8>(start + <usize>i));
    const b = <u32>load<u8>(DECODE_TABLE + <usize>load<u8>(start + <usize>(i + 1)));
    const c = <u32>load<u8>(DECODE_TABLE + <usize>load<u8>(start + <usize>(i + 2)));
    const d = <u32>load<u8>(DECODE_TABLE + <usize>load<u8>(start + <usize>(i + 3)));
    if ((a | b | c | d) > 63) return -1;
    const bits = (a << 18) | (b << 12) | (c << 6) | d;
    store<u8>(o + w, <u8>(bits >> 16));
    store<u8>(o + w + 1, <u8>(bits >> 8));
    store<u8>(o + w + 2, <u8>bits);
    w += 3;
    i += 4;
  }
  if (tail >= 2) {
    const a = <u32>load<u8>(DECODE_TABLE + <usize>load<u8>(start + <usize>i));
    const b = <u32>load<u8>(DECODE_TABLE + <usize>load<u8>(start + <usize>(i + 1)));
    const c = tail == 3 ? <u32>load<u8>(DECODE_TABLE + <usize>load<u8>(start + <usize>(i + 2))) : 0;
    if ((a | b | c) > 63) return -1;
    const bits = (a << 18) | (b << 12) | (c << 6);
    store<u8>(o + w, <u8>(bits >> 16));
    w++;
    if (tail == 3) {
      store<u8>(o + w, <u8>(bits >> 8));
      w++;
    }
  }
  return <i32>w;
}

// The SIMD loop's constant vectors. Validity: the alphabet is, by high nibble, 2:{D} 3:{0-9}
// 4,6:{1-F} 5:{0-A,F} 7:{0-A}; each high nibble has a row bit, each low nibble the bits of the
// rows it is valid in, and a byte is in the alphabet when the two share a bit. Value + 1 = byte +
// shift, the shift set by the high nibble ('-' +18, '0' +5, 'A' -64, 'a' -70) except for '_'
// (-31), the one byte of its row with another.
const SIMD_CONSTANTS = memory.data<u8>(
  [
    0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0x0f, 0, 0, 0x01, 0x02,
    0x04, 0x08, 0x04, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0x1a, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1e, 0x1c,
    0x04, 0x04, 0x05, 0x04, 0x0c, 0, 0, 18, 5, 192, 192, 186, 186, 0, 0, 0, 0, 0, 0, 0, 0, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f,
    0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 0x5f, 225, 225, 225, 225, 225, 225, 225, 225, 225, 225,
    225, 225, 225, 225, 225, 225, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  ],
  16,
);

// Sixteen 6-bit values (four per 32-bit lane, first in the low byte) to their 12 bytes at `out`.
@inline function packSextets(values: v128, out: usize): void {
  const a = i32x4.shl(v128.and(values, i32x4.splat(0x3f)), 18);
  const b = i32x4.shl(v128.and(values, i32x4.splat(0x3f00)), 4);
  const c = i32x4.shr_u(v128.and(values, i32x4.splat(0x3f0000)), 10);
  const d = i32x4.shr_u(values, 24);
  const bits = v128.or(v128.or(a, b), v128.or(c, d));
  // Each lane's 24 bits, most significant byte first, lanes in order.
  const bytes = i8x16.shuffle(bits, bits, 2, 1, 0, 6, 5, 4, 10, 9, 8, 14, 13, 12, 0, 0, 0, 0);
  v128.store64_lane(out, bytes, 0);
  v128.store32_lane(out + 8, bytes, 2);
}
