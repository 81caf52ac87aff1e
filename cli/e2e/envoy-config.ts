// Reads an Envoy v3 bootstrap from envoy-test-configs/: its listener, route table, clusters and
// Wasm filters. Only the route features the host's route model implements are accepted, so a
// configuration the model would misread fails loudly instead of routing wrongly.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const WASM_FILTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm';
const HCM_TYPE = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

export interface HeaderMatch {
  name: string;
  exact?: string;
  present?: boolean;
}

export interface Route {
  name: string;
  prefix: string;
  headers: HeaderMatch[];
  cluster: string;
  // The request header a hash_policy hashes on (ring_hash, maglev).
  hashHeader: string | null;
}

export interface Cluster {
  name: string;
  lbPolicy: string;
  endpoints: { host: string; port: number }[];
}

export interface WasmFilter {
  name: string;
  rootId: string;
  vmId: string;
  configuration: string;
  // code.local.filename, relative to the directory Envoy runs in (the repository root).
  filename: string;
  failurePolicy: 'FAIL_CLOSED' | 'FAIL_OPEN';
  allowOnHeadersStopIteration: boolean;
}

export interface EnvoyBootstrap {
  file: string;
  listener: { host: string; port: number };
  admin: { host: string; port: number } | null;
  routes: Route[];
  clusters: Map<string, Cluster>;
  wasmFilters: WasmFilter[];
  httpFilterNames: string[];
}

type Node = Record<string, any>;

function socket(address: Node | undefined, where: string): { host: string; port: number } {
  const sa = address?.socket_address;
  if (!sa || typeof sa.address !== 'string' || !Number.isInteger(sa.port_value)) throw new Error(`${where}: expected socket_address { address, port_value }`);
  return { host: sa.address, port: sa.port_value };
}

export function readBootstrap(file: string): EnvoyBootstrap {
  const doc = parse(readFileSync(file, 'utf8')) as Node;
  const listeners = (doc.static_resources?.listeners ?? []) as Node[];
  if (listeners.length !== 1) throw new Error(`${file}: expected one listener, found ${listeners.length}`);
  const listener = listeners[0]!;
  const hcm = (listener.filter_chains?.[0]?.filters ?? []).find((f: Node) => f.typed_config?.['@type'] === HCM_TYPE)?.typed_config as Node | undefined;
  if (!hcm) throw new Error(`${file}: the listener has no http_connection_manager`);
  const virtualHosts = (hcm.route_config?.virtual_hosts ?? []) as Node[];
  if (virtualHosts.length !== 1) throw new Error(`${file}: expected one virtual host`);
  const routes = (virtualHosts[0]!.routes as Node[]).map((r, i) => readRoute(r, `${file}: route ${i}`));
  const clusters = new Map<string, Cluster>();
  for (const c of (doc.static_resources?.clusters ?? []) as Node[]) {
    const endpoints = (c.load_assignment?.endpoints ?? []).flatMap((group: Node) =>
      (group.lb_endpoints ?? []).map((e: Node) => socket(e.endpoint?.address, `${file}: cluster ${c.name}`)),
    );
    clusters.set(c.name, { name: c.name, lbPolicy: c.lb_policy ?? 'ROUND_ROBIN', endpoints });
  }
  const httpFilters = (hcm.http_filters ?? []) as Node[];
  const wasmFilters = httpFilters.filter((f) => f.typed_config?.['@type'] === WASM_FILTER_TYPE).map((f) => readWasmFilter(f, file));
  return {
    file,
    listener: socket(listener.address, `${file}: listener`),
    admin: doc.admin?.address ? socket(doc.admin.address, `${file}: admin`) : null,
    routes,
    clusters,
    wasmFilters,
    httpFilterNames: httpFilters.map((f) => f.name),
  };
}

function readRoute(route: Node, where: string): Route {
  const match = route.match ?? {};
  const known = new Set(['prefix', 'headers']);
  for (const key of Object.keys(match)) if (!known.has(key)) throw new Error(`${where}: match.${key} is not modelled by the host's route table`);
  if (typeof match.prefix !== 'string') throw new Error(`${where}: expected match.prefix`);
  const headers = ((match.headers ?? []) as Node[]).map((h): HeaderMatch => {
    if (h.string_match && Object.keys(h.string_match).join() === 'exact') return { name: h.name, exact: String(h.string_match.exact) };
    if (h.present_match !== undefined) return { name: h.name, present: Boolean(h.present_match) };
    throw new Error(`${where}: header match on ${h.name}: only string_match.exact and present_match are modelled`);
  });
  const action = route.route ?? {};
  if (typeof action.cluster !== 'string') throw new Error(`${where}: expected route.cluster`);
  const hashPolicies = (action.hash_policy ?? []) as Node[];
  if (hashPolicies.length > 1 || hashPolicies.some((p) => !p.header?.header_name)) throw new Error(`${where}: only one header hash_policy is modelled`);
  return { name: route.name ?? where, prefix: match.prefix, headers, cluster: action.cluster, hashHeader: hashPolicies[0]?.header.header_name ?? null };
}

function readWasmFilter(filter: Node, file: string): WasmFilter {
  const config = filter.typed_config.config as Node;
  const where = `${file}: filter ${filter.name}`;
  const value = config.configuration?.value;
  if (config.configuration?.['@type'] !== 'type.googleapis.com/google.protobuf.StringValue' || typeof value !== 'string') {
    throw new Error(`${where}: configuration must be a StringValue holding the plugin's JSON`);
  }
  const filename = config.vm_config?.code?.local?.filename;
  if (typeof filename !== 'string') throw new Error(`${where}: vm_config.code.local.filename is missing`);
  return {
    name: filter.name,
    rootId: config.root_id ?? '',
    vmId: config.vm_config.vm_id ?? '',
    configuration: value,
    filename,
    failurePolicy: config.failure_policy === 'FAIL_OPEN' ? 'FAIL_OPEN' : 'FAIL_CLOSED',
    allowOnHeadersStopIteration: config.allow_on_headers_stop_iteration === true,
  };
}
