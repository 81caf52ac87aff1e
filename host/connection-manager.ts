import { randomUUID } from 'node:crypto';
import type { HostHeaderMap } from './header-map.ts';

// Envoy's HTTP connection manager changes request headers before any filter runs
// (ConnectionManagerUtility::mutateRequestHeaders, source/common/http/conn_manager_utility.cc).
// Modelled with the listener defaults: use_remote_address false, so no request counts as an edge
// request; generate_request_id true.

// x-forwarded-proto from the downstream connection's scheme, only when the client sent none.
export function addForwardedProto(headers: HostHeaderMap, scheme: string): void {
  if (headers.first('x-forwarded-proto') === undefined)
    headers.add('x-forwarded-proto', scheme === 'https' ? 'https' : 'http');
}

// x-request-id kept when the client sent one (not an edge request), otherwise a new UUID v4;
// `id` stands in for Envoy's random generator where a test needs a known value.
export function addRequestId(headers: HostHeaderMap, id?: string): void {
  if (headers.first('x-request-id') === undefined) headers.add('x-request-id', id ?? randomUUID());
}
