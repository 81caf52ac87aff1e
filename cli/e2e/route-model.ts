// The part of Envoy's router the scenarios need when Envoy itself cannot run: first route whose
// prefix and header matches hold, and, for a hash_policy cluster, an endpoint chosen by a stable
// hash of the header (the same key always gives the same endpoint, as with ring_hash and maglev;
// which endpoint differs from Envoy's ring).
import { createHash } from 'node:crypto';
import type { Cluster, EnvoyBootstrap, Route } from './envoy-config.ts';

export function matchRoute(routes: Route[], path: string, headers: [string, string][]): Route | null {
  const value = (name: string) => {
    const values = headers.filter(([n]) => n === name).map(([, v]) => v);
    // Envoy matches repeated headers against their values joined by ",".
    return values.length === 0 ? undefined : values.join(',');
  };
  return (
    routes.find(
      (route) =>
        path.startsWith(route.prefix) &&
        route.headers.every((h) => (h.exact !== undefined ? value(h.name) === h.exact : (value(h.name) !== undefined) === h.present)),
    ) ?? null
  );
}

export function pickEndpoint(cluster: Cluster, hashKey: string | undefined, requestIndex: number): { host: string; port: number } {
  const { endpoints } = cluster;
  if (endpoints.length === 0) throw new Error(`cluster ${cluster.name} has no endpoints`);
  // No key: Envoy picks at random for hash policies; round robin otherwise. Either way not sticky.
  if (hashKey === undefined) return endpoints[requestIndex % endpoints.length]!;
  const hash = createHash('sha256').update(hashKey).digest().readUInt32BE(0);
  return endpoints[hash % endpoints.length]!;
}

export function clusterOf(bootstrap: EnvoyBootstrap, route: Route): Cluster {
  const cluster = bootstrap.clusters.get(route.cluster);
  if (!cluster) throw new Error(`${bootstrap.file}: route ${route.name} names cluster ${route.cluster}, which is not defined`);
  return cluster;
}
