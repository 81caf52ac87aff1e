// What Envoy's thread-aware balancers build from (thread_aware_lb_impl.cc): the healthy hosts of
// priority 0, or all of them when fewer than the panic threshold are healthy, each with its
// weight divided by the sum of weights.
import type { Endpoint } from './endpoints.ts';

export interface WeightedHost {
  endpoint: Endpoint;
  weight: number;
}

export interface NormalizedHosts {
  hosts: WeightedHost[];
  min: number;
  max: number;
}

// Envoy's default healthy_panic_threshold, in percent.
export const PANIC_THRESHOLD = 50;

export function normalizedHosts(endpoints: readonly Endpoint[]): NormalizedHosts {
  const healthy = endpoints.filter((e) => e.healthy);
  const panic = endpoints.length === 0 || (100 * healthy.length) / endpoints.length < PANIC_THRESHOLD;
  const chosen = panic ? endpoints : healthy;
  const sum = chosen.reduce((total, e) => total + e.weight, 0);
  let min = 1;
  let max = 0;
  const hosts = chosen.map((endpoint) => {
    const weight = (endpoint.weight * 1.0) / sum;
    min = Math.min(min, weight);
    max = Math.max(max, weight);
    return { endpoint, weight };
  });
  return { hosts, min, max };
}

// The string an endpoint is hashed by: envoy.lb hash_key, else hostname or address.
export function hostKey(endpoint: Endpoint, useHostname: boolean): string {
  if (endpoint.hashKey !== '') return endpoint.hashKey;
  const key = useHostname ? endpoint.hostname : endpoint.address;
  if (key === '') throw new Error(`${endpoint.address} has no hostname to hash with use_hostname_for_hashing`);
  return key;
}
