// RING_HASH as Envoy builds and searches it (ring_hash_lb.cc): hashes per host scaled so the
// lightest host gets a whole number, "<key>_<i>" hashed with xxHash64 or MurmurHash2, sorted,
// searched with the ketama binary search Envoy ported.
import type { Endpoint } from './endpoints.ts';
import { hostKey, type NormalizedHosts } from './host-weights.ts';
import { murmurHash2String } from './murmur-hash-2.ts';
import { xxHash64String } from './xxhash64.ts';

export type RingHashFunction = 'xx_hash' | 'murmur_hash_2';

export interface RingHashOptions {
  minRingSize: number;
  maxRingSize: number;
  hashFunction: RingHashFunction;
  useHostname: boolean;
}

export const DEFAULT_MIN_RING_SIZE = 1024;
export const DEFAULT_MAX_RING_SIZE = 8 * 1024 * 1024;

export class Ring {
  // Sorted by hash; hosts[i] is the endpoint at hashes[i].
  readonly hashes: BigUint64Array;
  readonly hosts: Endpoint[];
  // The same hashes as 32-bit halves, so a lookup compares numbers instead of making BigInts.
  private readonly high: Uint32Array;
  private readonly low: Uint32Array;

  constructor(normalized: NormalizedHosts, options: RingHashOptions) {
    if (options.minRingSize > options.maxRingSize)
      throw new Error(
        `ring hash: minimum_ring_size (${options.minRingSize}) > maximum_ring_size (${options.maxRingSize})`,
      );
    const entries: { hash: bigint; host: Endpoint }[] = [];
    if (normalized.hosts.length > 0) {
      const scale = Math.min(Math.ceil(normalized.min * options.minRingSize) / normalized.min, options.maxRingSize);
      const hash =
        options.hashFunction === 'murmur_hash_2'
          ? (key: string) => murmurHash2String(key)
          : (key: string) => xxHash64String(key);
      let current = 0;
      let target = 0;
      for (const { endpoint, weight } of normalized.hosts) {
        const prefix = `${hostKey(endpoint, options.useHostname)}_`;
        target += scale * weight;
        for (let i = 0; current < target; i++, current++) entries.push({ hash: hash(prefix + i), host: endpoint });
      }
      entries.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));
    }
    this.hashes = BigUint64Array.from(entries, (e) => e.hash);
    this.hosts = entries.map((e) => e.host);
    this.high = Uint32Array.from(entries, (e) => Number(e.hash >> 32n));
    this.low = Uint32Array.from(entries, (e) => Number(e.hash & 0xffffffffn));
  }

  get size(): number {
    return this.hosts.length;
  }

  // The ring position Envoy's chooseHost lands on for a hash (attempt 0), or -1 for an empty ring.
  position(hash: bigint): number {
    const size = this.hosts.length;
    if (size === 0) return -1;
    const hashHigh = Number(hash >> 32n);
    const hashLow = Number(hash & 0xffffffffn);
    // Sign of ring[i] - hash.
    const compare = (i: number) => (this.high[i]! !== hashHigh ? this.high[i]! - hashHigh : this.low[i]! - hashLow);
    let low = 0;
    let high = size;
    for (;;) {
      const mid = Math.floor((low + high) / 2);
      if (mid === size) return 0;
      const midVersusHash = compare(mid);
      // hash <= ring[mid] and hash > ring[mid - 1] (0 before the first entry)
      if (midVersusHash >= 0 && (mid === 0 ? hashHigh !== 0 || hashLow !== 0 : compare(mid - 1) < 0)) return mid;
      if (midVersusHash < 0) low = mid + 1;
      else high = mid - 1;
      if (low > high) return 0;
    }
  }

  choose(hash: bigint): Endpoint | null {
    const position = this.position(hash);
    return position < 0 ? null : this.hosts[position]!;
  }

  // The fraction of the 64-bit hash space each endpoint receives: the arcs that end at its entries.
  shares(): Map<Endpoint, number> {
    const shares = new Map<Endpoint, number>();
    const size = this.hashes.length;
    for (let i = 0; i < size; i++) {
      const arc =
        i === 0
          ? this.hashes[0]! + 1n + (0xffffffffffffffffn - this.hashes[size - 1]!)
          : this.hashes[i]! - this.hashes[i - 1]!;
      const host = this.hosts[i]!;
      shares.set(host, (shares.get(host) ?? 0) + Number(arc) / 2 ** 64);
    }
    return shares;
  }
}
