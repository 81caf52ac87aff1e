// One consistent-hash balancer over a set of endpoints, ring_hash or maglev, with Envoy's
// defaults; what lb, mint, id-service and the host's route model share.
import type { Endpoint } from './endpoints.ts';
import { normalizedHosts } from './host-weights.ts';
import { DEFAULT_TABLE_SIZE, MaglevTable } from './maglev.ts';
import { DEFAULT_MAX_RING_SIZE, DEFAULT_MIN_RING_SIZE, Ring, type RingHashFunction } from './ring-hash.ts';

export type Policy = 'ring_hash' | 'maglev';

export interface BalancerOptions {
  policy: Policy;
  minRingSize?: number;
  maxRingSize?: number;
  hashFunction?: RingHashFunction;
  tableSize?: number;
  useHostname?: boolean;
}

export interface Balancer {
  policy: Policy;
  endpoints: readonly Endpoint[];
  // Ring entries or table slots.
  size: number;
  choose(hash: bigint): Endpoint | null;
  // Each endpoint's fraction of the hash space (endpoints without one are absent).
  shares(): Map<Endpoint, number>;
}

export function buildBalancer(endpoints: readonly Endpoint[], options: BalancerOptions): Balancer {
  const normalized = normalizedHosts(endpoints);
  const structure =
    options.policy === 'ring_hash'
      ? new Ring(normalized, {
          minRingSize: options.minRingSize ?? DEFAULT_MIN_RING_SIZE,
          maxRingSize: options.maxRingSize ?? DEFAULT_MAX_RING_SIZE,
          hashFunction: options.hashFunction ?? 'xx_hash',
          useHostname: options.useHostname ?? false,
        })
      : new MaglevTable(normalized, {
          tableSize: options.tableSize ?? DEFAULT_TABLE_SIZE,
          useHostname: options.useHostname ?? false,
        });
  return {
    policy: options.policy,
    endpoints,
    size: structure.size,
    choose: (hash) => structure.choose(hash),
    shares: () => structure.shares(),
  };
}

export function findEndpoint(balancer: Balancer, address: string): Endpoint {
  const endpoint = balancer.endpoints.find((e) => e.address === address);
  if (!endpoint)
    throw new Error(`${address} is not one of the endpoints (${balancer.endpoints.map((e) => e.address).join(', ')})`);
  return endpoint;
}
