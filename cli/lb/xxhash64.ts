// XXH64 (xxHash, 64-bit), the hash Envoy's HashUtil::xxHash64 computes: header hash policies,
// ring entries (XX_HASH) and Maglev permutations. 64-bit words are kept as two unsigned 32-bit
// halves (hi, lo) so hashing allocates nothing; only the result becomes a BigInt.
const P1_HI = 0x9e3779b1,
  P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d,
  P2_LO = 0x27d4eb4f;
const P3_HI = 0x165667b1,
  P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77,
  P4_LO = 0xc2b2ae63;
const P5_HI = 0x27d4eb2f,
  P5_LO = 0x165667c5;

// The result of the last operation.
let hi = 0;
let lo = 0;

// (ah, al) * (bh, bl) mod 2^64: al * bl in full from 16-bit halves (each partial product exact in
// a double), the cross terms only for their low 32 bits.
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff,
    a1 = al >>> 16,
    b0 = bl & 0xffff,
    b1 = bl >>> 16;
  const middle = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (middle & 0xffff) * 65536;
  lo = low >>> 0;
  hi =
    (a1 * b1 + Math.floor(middle / 65536) + (low >= 4294967296 ? 1 : 0) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

function add(ah: number, al: number, bh: number, bl: number): void {
  const low = al + bl;
  lo = low >>> 0;
  hi = (ah + bh + (low > 0xffffffff ? 1 : 0)) >>> 0;
}

function rotl(h: number, l: number, bits: number): void {
  hi = ((h << bits) | (l >>> (32 - bits))) >>> 0;
  lo = ((l << bits) | (h >>> (32 - bits))) >>> 0;
}

// round(acc, lane): acc + lane * P2, rotated left 31, times P1.
function round(ah: number, al: number, lh: number, ll: number): void {
  mul(lh, ll, P2_HI, P2_LO);
  add(ah, al, hi, lo);
  rotl(hi, lo, 31);
  mul(hi, lo, P1_HI, P1_LO);
}

function mergeRound(ah: number, al: number, vh: number, vl: number): void {
  round(0, 0, vh, vl);
  mul((ah ^ hi) >>> 0, (al ^ lo) >>> 0, P1_HI, P1_LO);
  add(hi, lo, P4_HI, P4_LO);
}

const u32 = (b: Uint8Array, i: number) => (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;

export function xxHash64(input: Uint8Array, seed = 0n): bigint {
  const seedHi = Number((seed >> 32n) & 0xffffffffn);
  const seedLo = Number(seed & 0xffffffffn);
  const length = input.length;
  let offset = 0;
  let h: number, l: number;
  if (length >= 32) {
    add(seedHi, seedLo, P1_HI, P1_LO);
    add(hi, lo, P2_HI, P2_LO);
    let v1h = hi,
      v1l = lo;
    add(seedHi, seedLo, P2_HI, P2_LO);
    let v2h = hi,
      v2l = lo;
    let v3h = seedHi,
      v3l = seedLo;
    // seed - P1 is seed + (2^64 - P1).
    add(seedHi, seedLo, 0x61c8864e, 0x7a143579);
    let v4h = hi,
      v4l = lo;
    for (; offset + 32 <= length; offset += 32) {
      round(v1h, v1l, u32(input, offset + 4), u32(input, offset));
      v1h = hi;
      v1l = lo;
      round(v2h, v2l, u32(input, offset + 12), u32(input, offset + 8));
      v2h = hi;
      v2l = lo;
      round(v3h, v3l, u32(input, offset + 20), u32(input, offset + 16));
      v3h = hi;
      v3l = lo;
      round(v4h, v4l, u32(input, offset + 28), u32(input, offset + 24));
      v4h = hi;
      v4l = lo;
    }
    rotl(v1h, v1l, 1);
    let sh = hi,
      sl = lo;
    rotl(v2h, v2l, 7);
    add(sh, sl, hi, lo);
    sh = hi;
    sl = lo;
    rotl(v3h, v3l, 12);
    add(sh, sl, hi, lo);
    sh = hi;
    sl = lo;
    rotl(v4h, v4l, 18);
    add(sh, sl, hi, lo);
    mergeRound(hi, lo, v1h, v1l);
    mergeRound(hi, lo, v2h, v2l);
    mergeRound(hi, lo, v3h, v3l);
    mergeRound(hi, lo, v4h, v4l);
    h = hi;
    l = lo;
  } else {
    add(seedHi, seedLo, P5_HI, P5_LO);
    h = hi;
    l = lo;
  }
  add(h, l, Math.floor(length / 2 ** 32), length >>> 0);
  h = hi;
  l = lo;
  for (; offset + 8 <= length; offset += 8) {
    round(0, 0, u32(input, offset + 4), u32(input, offset));
    rotl((h ^ hi) >>> 0, (l ^ lo) >>> 0, 27);
    mul(hi, lo, P1_HI, P1_LO);
    add(hi, lo, P4_HI, P4_LO);
    h = hi;
    l = lo;
  }
  if (offset + 4 <= length) {
    mul(0, u32(input, offset), P1_HI, P1_LO);
    rotl((h ^ hi) >>> 0, (l ^ lo) >>> 0, 23);
    mul(hi, lo, P2_HI, P2_LO);
    add(hi, lo, P3_HI, P3_LO);
    h = hi;
    l = lo;
    offset += 4;
  }
  for (; offset < length; offset++) {
    mul(0, input[offset]!, P5_HI, P5_LO);
    rotl((h ^ hi) >>> 0, (l ^ lo) >>> 0, 11);
    mul(hi, lo, P1_HI, P1_LO);
    h = hi;
    l = lo;
  }
  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  mul(h, (l ^ (h >>> 1)) >>> 0, P2_HI, P2_LO);
  h = hi;
  l = lo;
  mul((h ^ (h >>> 29)) >>> 0, (l ^ ((l >>> 29) | (h << 3))) >>> 0, P3_HI, P3_LO);
  h = hi;
  l = (lo ^ hi) >>> 0;
  return (BigInt(h) << 32n) | BigInt(l);
}

const encoder = new TextEncoder();

export function xxHash64String(input: string, seed = 0n): bigint {
  return xxHash64(encoder.encode(input), seed);
}

// HashUtil::xxHash64 over several values: each value's hash seeds the next.
export function xxHash64Chain(values: readonly string[], seed = 0n): bigint {
  if (values.length === 0) return xxHash64(new Uint8Array(0), seed);
  let hash = seed;
  for (const value of values) hash = xxHash64String(value, hash);
  return hash;
}
