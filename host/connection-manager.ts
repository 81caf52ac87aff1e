import { randomUUID } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import type { HostHeaderMap } from './header-map.ts';
import type { UnderscoresAction } from './downstream-codec.ts';

// Envoy's HTTP connection manager changes request headers before any filter runs
// (ConnectionManagerUtility::mutateRequestHeaders, source/common/http/conn_manager_utility.cc),
// with the default x-forwarded-for original IP detection and generate_request_id on. Not modelled:
// upgrade and hop-by-hop headers, via, user_agent, x-forwarded-port, x-forwarded-client-cert.

// The HttpConnectionManager fields an edge gateway sets; each defaults as in Envoy.
export interface ConnectionManagerSettings {
  // use_remote_address: the downstream address is the client's, appended to x-forwarded-for.
  useRemoteAddress?: boolean;
  // xff_num_trusted_hops: addresses at the end of x-forwarded-for written by trusted proxies.
  xffNumTrustedHops?: number;
  skipXffAppend?: boolean;
  // preserve_external_request_id: an edge request keeps the x-request-id its client sent.
  preserveExternalRequestId?: boolean;
  // internal_address_config. Absent: no address is internal (Envoy 1.33+). Present without
  // cidrRanges: Network::Utility::isInternalAddress (10/8, 172.16/12, 192.168/16, 127.0.0.1,
  // fd00::/8, ::1). With cidrRanges: those ranges only.
  internalAddresses?: { cidrRanges?: string[] };
  // common_http_protocol_options.headers_with_underscores_action: ALLOW (default), DROP_HEADER
  // (dropped by the codec, counted), REJECT_REQUEST (HTTP/1 answers 400, HTTP/2 resets the stream).
  headersWithUnderscoresAction?: UnderscoresAction;
}

// The downstream connection: its peer ("ip:port"), Envoy's own address, and whether it is TLS.
export interface DownstreamConnection {
  remoteAddress: string;
  localAddress: string;
  tls: boolean;
}

// Headers cleanInternalHeaders removes from every request that is not internal; the first three
// only from edge requests.
const EDGE_ONLY = [
  'x-envoy-decorator-operation',
  'x-envoy-downstream-service-cluster',
  'x-envoy-downstream-service-node',
];
const EXTERNAL = [
  'x-envoy-retriable-status-codes',
  'x-envoy-retriable-header-names',
  'x-envoy-retry-on',
  'x-envoy-retry-grpc-on',
  'x-envoy-max-retries',
  'x-envoy-upstream-alt-stat-name',
  'x-envoy-upstream-rq-timeout-ms',
  'x-envoy-upstream-rq-per-try-timeout-ms',
  'x-envoy-upstream-rq-timeout-alt-response',
  'x-envoy-expected-rq-timeout-ms',
  'x-envoy-force-trace',
  'x-envoy-ip-tags',
  'x-envoy-original-url',
  'x-envoy-hedge-on-per-try-timeout',
];

// Applies the connection manager's request-header rules; returns whether the request is an edge
// request whose x-request-id Envoy replaces (the caller then draws a new id per stream).
export function mutateRequestHeaders(
  headers: HostHeaderMap,
  settings: ConnectionManagerSettings,
  connection: DownstreamConnection,
): { replaceRequestId: boolean } {
  headers.remove('x-envoy-internal');
  const scheme = connection.tls ? 'https' : 'http';
  const hops = settings.xffNumTrustedHops ?? 0;
  const remote = ipOf(connection.remoteAddress);
  let finalRemote: string | null = null;
  let trustedChecks: boolean;
  if (settings.useRemoteAddress) {
    trustedChecks = headers.first('x-forwarded-for') === undefined;
    if (hops > 0) finalRemote = lastForwardedFor(headers, hops - 1).address;
    finalRemote ??= remote;
    if (!settings.skipXffAppend)
      appendForwardedFor(headers, isLoopback(remote) ? ipOf(connection.localAddress) : remote);
    // The previous hop is trusted with x-forwarded-proto only when some hops are.
    if (hops === 0 || headers.first('x-forwarded-proto') === undefined) headers.replace('x-forwarded-proto', scheme);
  } else {
    const last = lastForwardedFor(headers, hops);
    finalRemote = last.address;
    trustedChecks = last.single;
  }
  if (headers.first('x-forwarded-proto') === undefined) headers.add('x-forwarded-proto', scheme);
  // Internal only when x-forwarded-for held a single address (or none, at the edge) that is internal.
  const internal = trustedChecks && finalRemote !== null && isInternal(finalRemote, settings.internalAddresses);
  finalRemote ??= remote;
  const edge = !internal && settings.useRemoteAddress === true;
  if (internal) {
    headers.replace('x-envoy-internal', 'true');
  } else {
    for (const name of edge ? [...EDGE_ONLY, ...EXTERNAL] : EXTERNAL) headers.remove(name);
  }
  if (edge && isIP(finalRemote) !== 0) headers.replace('x-envoy-external-address', finalRemote);
  return { replaceRequestId: edge && settings.preserveExternalRequestId !== true };
}

// x-request-id kept when present (the caller removes it first for an edge request), otherwise a
// new UUID v4; `id` stands in for Envoy's random generator where a test needs a known value.
export function addRequestId(headers: HostHeaderMap, id?: string): void {
  if (headers.first('x-request-id') === undefined) headers.add('x-request-id', id ?? randomUUID());
}

// Utility::appendXff: ",<ip>" after what is there (no space), or the header itself.
function appendForwardedFor(headers: HostHeaderMap, ip: string): void {
  const present = headers.first('x-forwarded-for');
  headers.replace('x-forwarded-for', present === undefined || present === '' ? ip : `${present},${ip}`);
}

// Utility::getLastAddressFromXFF: skip `skip` addresses from the end, parse the one before;
// `single` when the header held just that one and nothing was skipped.
function lastForwardedFor(headers: HostHeaderMap, skip: number): { address: string | null; single: boolean } {
  let list = headers.first('x-forwarded-for');
  if (list === undefined) return { address: null, single: false };
  for (let i = 0; i < skip; i++) {
    const comma = list.lastIndexOf(',');
    if (comma < 0) return { address: null, single: false };
    list = list.slice(0, comma);
  }
  const comma = list.lastIndexOf(',');
  const candidate = (comma >= 0 && comma + 1 < list.length ? list.slice(comma + 1) : list).trim();
  if (isIP(candidate) === 0) return { address: null, single: false };
  return { address: candidate, single: comma < 0 && skip === 0 };
}

// "ip:port" or "[ipv6]:port" → the IP.
function ipOf(address: string): string {
  if (address.startsWith('[')) return address.slice(1, address.indexOf(']'));
  const colon = address.lastIndexOf(':');
  return colon < 0 || address.indexOf(':') !== colon ? address : address.slice(0, colon);
}

// Network::Utility::isLoopbackAddress: 127/8 and ::1.
function isLoopback(ip: string): boolean {
  return isIP(ip) === 4 ? ip.startsWith('127.') : ip === '::1';
}

const DEFAULT_INTERNAL = rangeList([
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.1/32',
  'fd00::/8',
  '::1/128',
]);
const configuredRanges = new WeakMap<string[], BlockList>();

function isInternal(ip: string, config: ConnectionManagerSettings['internalAddresses']): boolean {
  if (config === undefined) return false;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (config.cidrRanges === undefined || config.cidrRanges.length === 0) return DEFAULT_INTERNAL.check(ip, family);
  let ranges = configuredRanges.get(config.cidrRanges);
  if (ranges === undefined) configuredRanges.set(config.cidrRanges, (ranges = rangeList(config.cidrRanges)));
  return ranges.check(ip, family);
}

function rangeList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [ip, prefix] = cidr.split('/');
    const family = isIP(ip);
    const bits = Number(prefix);
    if (family === 0 || !/^[0-9]+$/.test(prefix ?? '') || bits > (family === 4 ? 32 : 128)) {
      throw new Error(`internal address range ${JSON.stringify(cidr)} is not a CIDR range (address/prefix length)`);
    }
    list.addSubnet(ip, bits, family === 4 ? 'ipv4' : 'ipv6');
  }
  return list;
}
