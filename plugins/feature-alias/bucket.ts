// Sticky percentage buckets, computed as OpenFeature flagd's `fractional` computes them (flagd
// core 0.15 and later): MurmurHash3 x86_32 with seed 0 over the salt followed by the key, then
// (hash × total weight) >> 32 picks a point in [0, total weight), matched against cumulative
// weights. The same key and salt always land in the same bucket, here and in flagd.

@inline function rotl32(x: u32, r: u32): u32 {
  return (x << r) | (x >>> (32 - r));
}

// MurmurHash3 x86_32 (Austin Appleby's reference algorithm) over bytes [start, start + length).
export function murmur3(start: usize, length: i32, seed: u32): u32 {
  const c1: u32 = 0xcc9e2d51;
  const c2: u32 = 0x1b873593;
  let h: u32 = seed;
  const blocks = length >> 2;
  for (let i = 0; i < blocks; i++) {
    let k = load<u32>(start + ((<usize>i) << 2));
    k *= c1;
    k = rotl32(k, 15);
    k *= c2;
    h ^= k;
    h = rotl32(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const tail = start + ((<usize>blocks) << 2);
  let k: u32 = 0;
  const rest = length & 3;
  if (rest == 3) k ^= (<u32>load<u8>(tail + 2)) << 16;
  if (rest >= 2) k ^= (<u32>load<u8>(tail + 1)) << 8;
  if (rest >= 1) {
    k ^= <u32>load<u8>(tail);
    k *= c1;
    k = rotl32(k, 15);
    k *= c2;
    h ^= k;
  }
  h ^= <u32>length;
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

// The hash of salt followed by key, without building the concatenation when it fits a scratch area.
const SCRATCH_SIZE: i32 = 512;
const scratch = memory.data(512);

export function saltedHash(salt: ArrayBuffer, keyStart: usize, keyLength: i32): u32 {
  const saltLength = salt.byteLength;
  const total = saltLength + keyLength;
  if (total <= SCRATCH_SIZE) {
    memory.copy(scratch, changetype<usize>(salt), <usize>saltLength);
    memory.copy(scratch + <usize>saltLength, keyStart, <usize>keyLength);
    return murmur3(scratch, total, 0);
  }
  const joined = new ArrayBuffer(total);
  memory.copy(changetype<usize>(joined), changetype<usize>(salt), <usize>saltLength);
  memory.copy(changetype<usize>(joined) + <usize>saltLength, keyStart, <usize>keyLength);
  return murmur3(changetype<usize>(joined), total, 0);
}

// The index of the bucket the hash falls in, given cumulative weights (the last one is the total).
export function bucketFor(hash: u32, cumulativeWeights: StaticArray<u32>): i32 {
  const total = cumulativeWeights[cumulativeWeights.length - 1];
  const point = <u32>((<u64>hash * <u64>total) >> 32);
  for (let i = 0; i < cumulativeWeights.length; i++) if (point < cumulativeWeights[i]) return i;
  return cumulativeWeights.length - 1;
}
