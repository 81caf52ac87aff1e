// The part of Envoy's router the scenarios need when Envoy itself cannot run: first route whose
// prefix and header matches hold, and, for a RING_HASH or MAGLEV cluster, the endpoint Envoy's
// balancer picks for the route's header hash (cli/lb: the same ring, table and lookup).
import { type Balancer, buildBalancer } from '../lb/balancer.ts';
import { headerHash, headerValues } from '../lb/header-hash.ts';
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
        route.headers.every((h) =>
          h.exact !== undefined ? value(h.name) === h.exact : (value(h.name) !== undefined) === h.present,
        ),
    ) ?? null
  );
}

const balancers = new WeakMap<Cluster, Balancer>();

function balancerOf(cluster: Cluster): Balancer | null {
  if (cluster.balancer === null) return null;
  let balancer = balancers.get(cluster);
  if (!balancer)
    balancers.set(cluster, (balancer = buildBalancer(cluster.balancer.endpoints, cluster.balancer.options)));
  return balancer;
}

export function pickEndpoint(
  cluster: Cluster,
  route: Route,
  headers: [string, string][],
  requestIndex: number,
): { host: string; port: number } {
  const { endpoints } = cluster;
  if (endpoints.length === 0) throw new Error(`cluster ${cluster.name} has no endpoints`);
  const balancer = balancerOf(cluster);
  const hash = route.hashHeader === null ? null : headerHash(headerValues(headers, route.hashHeader));
  // No hash: Envoy picks at random for hash policies; round robin otherwise. Either way not sticky.
  if (balancer === null || hash === null) return endpoints[requestIndex % endpoints.length]!;
  const chosen = balancer.choose(hash)!;
  return endpoints[cluster.balancer!.endpoints.indexOf(chosen)]!;
}

export function clusterOf(bootstrap: EnvoyBootstrap, route: Route): Cluster {
  const cluster = bootstrap.clusters.get(route.cluster);
  if (!cluster)
    throw new Error(`${bootstrap.file}: route ${route.name} names cluster ${route.cluster}, which is not defined`);
  return cluster;
}
