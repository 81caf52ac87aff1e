// Envoy's MurmurHash::murmurHash2 (ring_hash's MURMUR_HASH_2): the 64-bit MurmurHash2 of
// libstdc++'s std::hash<std::string> on 64-bit platforms, with its seed 0xc70f6907.
const MASK = 0xffffffffffffffffn;
const MUL = 0xc6a4a7935bd1e995n;
export const STD_HASH_SEED = 0xc70f6907n;

const shiftMix = (value: bigint) => value ^ (value >> 47n);

export function murmurHash2(input: Uint8Array, seed = STD_HASH_SEED): bigint {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const length = input.byteLength;
  const aligned = length & ~7;
  let hash = seed ^ ((BigInt(length) * MUL) & MASK);
  for (let offset = 0; offset < aligned; offset += 8) {
    const data = (shiftMix((view.getBigUint64(offset, true) * MUL) & MASK) * MUL) & MASK;
    hash = ((hash ^ data) * MUL) & MASK;
  }
  if ((length & 7) !== 0) {
    // The last 1..7 bytes, little-endian, as load_bytes reads them.
    let data = 0n;
    for (let i = length - 1; i >= aligned; i--) data = (data << 8n) | BigInt(input[i]!);
    hash = ((hash ^ data) * MUL) & MASK;
  }
  hash = (shiftMix(hash) * MUL) & MASK;
  return shiftMix(hash);
}

const encoder = new TextEncoder();

export function murmurHash2String(input: string, seed = STD_HASH_SEED): bigint {
  return murmurHash2(encoder.encode(input), seed);
}
