import type { HostHeaderMap } from './header-map.ts';

// What a callout's callback reads. Envoy keeps it on the root context (rootContext()->
// http_call_response_, grpc_receive_buffer_, grpc_receive_*_metadata_, status_code_), so a stream
// context made effective in the callback reads the same.
export interface CalloutReadables {
  httpResponse: { headers: HostHeaderMap; body: Uint8Array; trailers: HostHeaderMap } | null;
  grpcMessage: Uint8Array | null;
  grpcInitialMetadata: HostHeaderMap | null;
  grpcTrailingMetadata: HostHeaderMap | null;
  // proxy_get_status: the code stays until the next failure or close sets it; the message is cleared.
  statusCode: number;
  statusMessage: string;
}
