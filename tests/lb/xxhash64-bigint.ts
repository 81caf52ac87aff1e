// XXH64 written directly with BigInt, kept as the reference the 32-bit implementation of
// cli/lb/xxhash64.ts is checked against (tests/lb/xxhash64.property.test.ts).
const MASK = 0xffffffffffffffffn;
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;

const rotl = (value: bigint, bits: bigint) => ((value << bits) | (value >> (64n - bits))) & MASK;

function round(accumulator: bigint, lane: bigint): bigint {
  return (rotl((accumulator + lane * P2) & MASK, 31n) * P1) & MASK;
}

function mergeRound(accumulator: bigint, lane: bigint): bigint {
  return ((((accumulator ^ round(0n, lane)) * P1) & MASK) + P4) & MASK;
}

export function xxHash64(input: Uint8Array, seed = 0n): bigint {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const length = input.byteLength;
  let offset = 0;
  let hash: bigint;
  if (length >= 32) {
    let v1 = (seed + P1 + P2) & MASK;
    let v2 = (seed + P2) & MASK;
    let v3 = seed;
    let v4 = (seed - P1) & MASK;
    for (; offset + 32 <= length; offset += 32) {
      v1 = round(v1, view.getBigUint64(offset, true));
      v2 = round(v2, view.getBigUint64(offset + 8, true));
      v3 = round(v3, view.getBigUint64(offset + 16, true));
      v4 = round(v4, view.getBigUint64(offset + 24, true));
    }
    hash = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    hash = mergeRound(hash, v1);
    hash = mergeRound(hash, v2);
    hash = mergeRound(hash, v3);
    hash = mergeRound(hash, v4);
  } else {
    hash = (seed + P5) & MASK;
  }
  hash = (hash + BigInt(length)) & MASK;
  for (; offset + 8 <= length; offset += 8) {
    hash ^= round(0n, view.getBigUint64(offset, true));
    hash = (rotl(hash, 27n) * P1 + P4) & MASK;
  }
  if (offset + 4 <= length) {
    hash ^= (BigInt(view.getUint32(offset, true)) * P1) & MASK;
    hash = (rotl(hash, 23n) * P2 + P3) & MASK;
    offset += 4;
  }
  for (; offset < length; offset++) {
    hash ^= (BigInt(input[offset]!) * P5) & MASK;
    hash = (rotl(hash, 11n) * P1) & MASK;
  }
  hash ^= hash >> 33n;
  hash = (hash * P2) & MASK;
  hash ^= hash >> 29n;
  hash = (hash * P3) & MASK;
  return hash ^ (hash >> 32n);
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
