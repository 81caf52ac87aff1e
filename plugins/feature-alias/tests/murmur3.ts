// MurmurHash3 x86_32 written out in TypeScript from the reference algorithm, and flagd's
// fractional bucketing on top of it: the independent model the plugin is checked against.
export function murmur3(bytes: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = bytes.length >> 2;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const mix = (k: number) => {
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    return Math.imul(k, c2);
  };
  for (let i = 0; i < blocks; i++) {
    h ^= mix(view.getUint32(i * 4, true));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  const tail = blocks * 4;
  switch (bytes.length & 3) {
    case 3:
      k ^= bytes[tail + 2] << 16;
    // falls through
    case 2:
      k ^= bytes[tail + 1] << 8;
    // falls through
    case 1:
      k ^= bytes[tail];
      h ^= mix(k);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// flagd fractional: hash(salt + key), point = (hash × total) >> 32, first cumulative weight above it.
export function fractional(salt: string, key: string, weights: [string, number][]): string {
  const hash = murmur3(new TextEncoder().encode(salt + key));
  const total = weights.reduce((sum, [, w]) => sum + w, 0);
  const point = Number((BigInt(hash) * BigInt(total)) >> 32n);
  let cumulative = 0;
  for (const [variant, weight] of weights) {
    cumulative += weight;
    if (point < cumulative) return variant;
  }
  return weights[weights.length - 1][0];
}
