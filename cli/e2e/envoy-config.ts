// Reads an Envoy v3 bootstrap from envoy-test-configs/: its listeners (each with its route table
// and Wasm filters), clusters and their balancers. Only the route and cluster features the host's
// route model implements are accepted, so a configuration the model would misread fails loudly
// instead of routing wrongly.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { BalancerOptions } from '../lb/balancer.ts';
import type { Endpoint } from '../lb/endpoints.ts';
import type { ConnectionManagerSettings, UnderscoresAction } from '../../host/index.ts';

export const WASM_FILTER_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm';
const HCM_TYPE =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

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
  // For RING_HASH and MAGLEV: the balancer's settings and its endpoints (weight, hostname, hash_key).
  balancer: { options: BalancerOptions; endpoints: Endpoint[] } | null;
  // The listener of this bootstrap the cluster's one endpoint is (a data centre's gateway), or null.
  gateway: string | null;
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

export interface Listener {
  name: string;
  host: string;
  port: number;
  routes: Route[];
  wasmFilters: WasmFilter[];
  httpFilterNames: string[];
  // The HttpConnectionManager settings the host models that this listener sets.
  connectionManager: ConnectionManagerSettings;
}

export interface EnvoyBootstrap {
  file: string;
  // The first listener's address, routes and filters: where scenarios enter unless they name another.
  listener: { host: string; port: number };
  admin: { host: string; port: number } | null;
  routes: Route[];
  clusters: Map<string, Cluster>;
  wasmFilters: WasmFilter[];
  httpFilterNames: string[];
  listeners: Listener[];
}

type Node = Record<string, any>;

function socket(address: Node | undefined, where: string): { host: string; port: number } {
  const sa = address?.socket_address;
  if (!sa || typeof sa.address !== 'string' || !Number.isInteger(sa.port_value))
    throw new Error(`${where}: expected socket_address { address, port_value }`);
  return { host: sa.address, port: sa.port_value };
}

export function readBootstrap(file: string): EnvoyBootstrap {
  const doc = parse(readFileSync(file, 'utf8')) as Node;
  const listenerNodes = (doc.static_resources?.listeners ?? []) as Node[];
  if (listenerNodes.length === 0) throw new Error(`${file}: no listener`);
  const listeners = listenerNodes.map((node) => readListener(node, file));
  const clusters = new Map<string, Cluster>();
  for (const c of (doc.static_resources?.clusters ?? []) as Node[]) {
    const cluster = readCluster(c, `${file}: cluster ${c.name}`);
    const gateway = listeners.find((l) => cluster.endpoints.some((e) => e.host === l.host && e.port === l.port));
    if (gateway && cluster.endpoints.length !== 1)
      throw new Error(`${file}: cluster ${c.name}: a gateway cluster has the listener as its only endpoint`);
    clusters.set(c.name, { ...cluster, gateway: gateway?.name ?? null });
  }
  const [first] = listeners;
  return {
    file,
    listener: { host: first!.host, port: first!.port },
    admin: doc.admin?.address ? socket(doc.admin.address, `${file}: admin`) : null,
    routes: first!.routes,
    clusters,
    wasmFilters: first!.wasmFilters,
    httpFilterNames: first!.httpFilterNames,
    listeners,
  };
}

function readListener(listener: Node, file: string): Listener {
  const where = `${file}: listener ${listener.name ?? ''}`.trim();
  const hcm = (listener.filter_chains?.[0]?.filters ?? []).find((f: Node) => f.typed_config?.['@type'] === HCM_TYPE)
    ?.typed_config as Node | undefined;
  if (!hcm) throw new Error(`${where}: no http_connection_manager`);
  const virtualHosts = (hcm.route_config?.virtual_hosts ?? []) as Node[];
  if (virtualHosts.length !== 1) throw new Error(`${where}: expected one virtual host`);
  const routes = (virtualHosts[0]!.routes as Node[]).map((r, i) => readRoute(r, `${where}: route ${i}`));
  const httpFilters = (hcm.http_filters ?? []) as Node[];
  return {
    name: String(listener.name ?? ''),
    ...socket(listener.address, where),
    routes,
    wasmFilters: httpFilters
      .filter((f) => f.typed_config?.['@type'] === WASM_FILTER_TYPE)
      .map((f) => readWasmFilter(f, file)),
    httpFilterNames: httpFilters.map((f) => f.name),
    connectionManager: readConnectionManager(hcm, where),
  };
}

const UNDERSCORE_ACTIONS: UnderscoresAction[] = ['ALLOW', 'DROP_HEADER', 'REJECT_REQUEST'];

// Of common_http_protocol_options, headers_with_underscores_action; another field is refused, as
// the host would not apply it.
function readConnectionManager(hcm: Node, where: string): ConnectionManagerSettings {
  const common = (hcm.common_http_protocol_options ?? {}) as Node;
  for (const key of Object.keys(common))
    if (key !== 'headers_with_underscores_action')
      throw new Error(`${where}: common_http_protocol_options.${key} is not modelled by the host`);
  const action = common.headers_with_underscores_action ?? 'ALLOW';
  if (!UNDERSCORE_ACTIONS.includes(action))
    throw new Error(
      `${where}: headers_with_underscores_action ${action} is not one of ${UNDERSCORE_ACTIONS.join(', ')}`,
    );
  return { headersWithUnderscoresAction: action };
}

const HASH_FUNCTIONS: Record<string, 'xx_hash' | 'murmur_hash_2'> = {
  XX_HASH: 'xx_hash',
  MURMUR_HASH_2: 'murmur_hash_2',
};

function readCluster(c: Node, where: string): Omit<Cluster, 'gateway'> {
  const lbPolicy = c.lb_policy ?? 'ROUND_ROBIN';
  const groups = (c.load_assignment?.endpoints ?? []) as Node[];
  const lbEndpoints = groups.flatMap((group) => {
    if ((group.priority ?? 0) !== 0)
      throw new Error(`${where}: priority ${group.priority}: only priority 0 is modelled`);
    return (group.lb_endpoints ?? []) as Node[];
  });
  const endpoints = lbEndpoints.map((e) => socket(e.endpoint?.address, where));
  if (lbPolicy !== 'RING_HASH' && lbPolicy !== 'MAGLEV') return { name: c.name, lbPolicy, endpoints, balancer: null };
  const common = (c.common_lb_config ?? {}) as Node;
  for (const key of Object.keys(common))
    if (key !== 'consistent_hashing_lb_config')
      throw new Error(`${where}: common_lb_config.${key} is not modelled by the host's balancers`);
  const consistent = (common.consistent_hashing_lb_config ?? {}) as Node;
  for (const key of Object.keys(consistent))
    if (key !== 'use_hostname_for_hashing')
      throw new Error(`${where}: consistent_hashing_lb_config.${key} is not modelled`);
  if (c.health_checks !== undefined)
    throw new Error(`${where}: health_checks are not modelled (every endpoint is taken as healthy)`);
  const ring = (c.ring_hash_lb_config ?? {}) as Node;
  const hashFunction = HASH_FUNCTIONS[ring.hash_function ?? 'XX_HASH'];
  if (!hashFunction) throw new Error(`${where}: ring_hash_lb_config.hash_function ${ring.hash_function} is unknown`);
  const options: BalancerOptions = {
    policy: lbPolicy === 'RING_HASH' ? 'ring_hash' : 'maglev',
    minRingSize: ring.minimum_ring_size,
    maxRingSize: ring.maximum_ring_size,
    hashFunction,
    tableSize: c.maglev_lb_config?.table_size,
    useHostname: consistent.use_hostname_for_hashing === true,
  };
  const balancerEndpoints: Endpoint[] = lbEndpoints.map((e, i) => ({
    address: `${endpoints[i]!.host}:${endpoints[i]!.port}`,
    weight: e.load_balancing_weight ?? 1,
    hostname: e.endpoint?.hostname ?? '',
    hashKey: String(e.metadata?.filter_metadata?.['envoy.lb']?.hash_key ?? ''),
    healthy: true,
  }));
  return { name: c.name, lbPolicy, endpoints, balancer: { options, endpoints: balancerEndpoints } };
}

function readRoute(route: Node, where: string): Route {
  const match = route.match ?? {};
  const known = new Set(['prefix', 'headers']);
  for (const key of Object.keys(match))
    if (!known.has(key)) throw new Error(`${where}: match.${key} is not modelled by the host's route table`);
  if (typeof match.prefix !== 'string') throw new Error(`${where}: expected match.prefix`);
  const headers = ((match.headers ?? []) as Node[]).map((h): HeaderMatch => {
    if (h.string_match && Object.keys(h.string_match).join() === 'exact')
      return { name: h.name, exact: String(h.string_match.exact) };
    if (h.present_match !== undefined) return { name: h.name, present: Boolean(h.present_match) };
    throw new Error(`${where}: header match on ${h.name}: only string_match.exact and present_match are modelled`);
  });
  const action = route.route ?? {};
  if (typeof action.cluster !== 'string') throw new Error(`${where}: expected route.cluster`);
  const hashPolicies = (action.hash_policy ?? []) as Node[];
  if (hashPolicies.length > 1 || hashPolicies.some((p) => !p.header?.header_name))
    throw new Error(`${where}: only one header hash_policy is modelled`);
  return {
    name: route.name ?? where,
    prefix: match.prefix,
    headers,
    cluster: action.cluster,
    hashHeader: hashPolicies[0]?.header.header_name ?? null,
  };
}

function readWasmFilter(filter: Node, file: string): WasmFilter {
  const config = filter.typed_config.config as Node;
  const where = `${file}: filter ${filter.name}`;
  const value = config.configuration?.value;
  if (
    config.configuration?.['@type'] !== 'type.googleapis.com/google.protobuf.StringValue' ||
    typeof value !== 'string'
  ) {
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
