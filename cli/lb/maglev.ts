// MAGLEV as Envoy builds its table (maglev_lb.cc): hosts sorted by hash key, offset and skip from
// xxHash64 of the key (seeds 0 and 1), each host claiming its next free slot in turn, as often as
// its weight allows; a lookup is table[hash % size].
import type { Endpoint } from './endpoints.ts';
import { hostKey, type NormalizedHosts } from './host-weights.ts';
import { xxHash64 } from './xxhash64.ts';

export const DEFAULT_TABLE_SIZE = 65537;

export interface MaglevOptions {
  tableSize: number;
  useHostname: boolean;
}

export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

export class MaglevTable {
  readonly hosts: Endpoint[];
  // Index into hosts per slot.
  readonly table: Uint32Array;
  private readonly sizeBig: bigint;

  constructor(normalized: NormalizedHosts, options: MaglevOptions) {
    const size = options.tableSize;
    if (!isPrime(size)) throw new Error('The table size of maglev must be prime number');
    const keyed = normalized.hosts.map((h) => ({ ...h, key: Buffer.from(hostKey(h.endpoint, options.useHostname)) }));
    // Envoy sorts by key bytes so the table does not depend on the order hosts arrive in.
    keyed.sort((a, b) => Buffer.compare(a.key, b.key));
    this.hosts = keyed.map((h) => h.endpoint);
    this.table = new Uint32Array(keyed.length === 0 ? 0 : size);
    this.sizeBig = BigInt(this.table.length);
    if (keyed.length === 0) return;
    const sizeBig = BigInt(size);
    const entries = keyed.map((h) => {
      return {
        offset: Number(xxHash64(h.key) % sizeBig),
        skip: Number(xxHash64(h.key, 1n) % (sizeBig - 1n)) + 1,
        weight: h.weight,
        target: 0,
        next: 0,
      };
    });
    const taken = new Uint8Array(size);
    let filled = 0;
    for (let iteration = 1; filled < size; iteration++) {
      for (let i = 0; i < entries.length && filled < size; i++) {
        const entry = entries[i]!;
        if (iteration * entry.weight < entry.target) continue;
        entry.target += normalized.max;
        // offset + skip * next stays below 2^53 for every prime table size Envoy accepts.
        let slot = (entry.offset + entry.skip * entry.next) % size;
        while (taken[slot]) {
          entry.next++;
          slot = (entry.offset + entry.skip * entry.next) % size;
        }
        taken[slot] = 1;
        this.table[slot] = i;
        entry.next++;
        filled++;
      }
    }
  }

  get size(): number {
    return this.table.length;
  }

  choose(hash: bigint): Endpoint | null {
    if (this.table.length === 0) return null;
    return this.hosts[this.table[Number(hash % this.sizeBig)]!]!;
  }

  shares(): Map<Endpoint, number> {
    const counts = new Map<Endpoint, number>();
    for (const index of this.table) counts.set(this.hosts[index]!, (counts.get(this.hosts[index]!) ?? 0) + 1);
    for (const [host, count] of counts) counts.set(host, count / this.table.length);
    return counts;
  }
}
