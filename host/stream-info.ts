// Facts about a stream that Envoy exposes as properties and that a request description may set.
export interface StreamInfo {
  // "ip:port", as Envoy's remote address asString() prints it.
  sourceAddress: string;
  destinationAddress: string;
  protocol: string;
  connectionId: number;
  mtls: boolean;
  requestedServerName: string;
  startTimeNanos: bigint;
  // Dynamic metadata: filter_metadata namespace → Struct (as JSON), e.g. what jwt_authn writes.
  filterMetadata: Record<string, Record<string, unknown>>;
  // Filter state objects by name (proxy_set_property writes `wasm.<path>` here).
  filterState: Map<string, Uint8Array>;
  routeName: string;
  clusterName: string;
  // The Envoy node's id (xds.node.id), from its bootstrap or --service-node.
  nodeId: string;
}

export interface StreamInfoInput {
  sourceAddress?: string;
  destinationAddress?: string;
  protocol?: string;
  connectionId?: number;
  mtls?: boolean;
  requestedServerName?: string;
  filterMetadata?: Record<string, Record<string, unknown>>;
  filterState?: Record<string, string>;
  routeName?: string;
  clusterName?: string;
  nodeId?: string;
}

// The downstream peer and Envoy's own address when a request names none: a client and a pod on an
// RFC 1918 network, neither loopback.
export const DEFAULT_SOURCE_ADDRESS = '10.0.0.7:51234';
export const DEFAULT_DESTINATION_ADDRESS = '10.0.0.1:8080';

export function makeStreamInfo(input: StreamInfoInput, nowNanos: bigint, connectionId: number): StreamInfo {
  return {
    sourceAddress: input.sourceAddress ?? DEFAULT_SOURCE_ADDRESS,
    destinationAddress: input.destinationAddress ?? DEFAULT_DESTINATION_ADDRESS,
    protocol: input.protocol ?? 'HTTP/1.1',
    connectionId: input.connectionId ?? connectionId,
    mtls: input.mtls ?? false,
    requestedServerName: input.requestedServerName ?? '',
    startTimeNanos: nowNanos,
    filterMetadata: input.filterMetadata ?? {},
    filterState: new Map(Object.entries(input.filterState ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8')])),
    routeName: input.routeName ?? '',
    clusterName: input.clusterName ?? '',
    nodeId: input.nodeId ?? '',
  };
}

// "ip:port" → port; IPv6 addresses are bracketed ("[::1]:8080").
export function portOf(address: string): number {
  const colon = address.lastIndexOf(':');
  return colon < 0 ? 0 : Number(address.slice(colon + 1));
}
