import { HostHeaderMap } from './header-map.ts';
import type { LocalReply } from './hostcalls/index.ts';

export type { LocalReply };

// A local reply as Envoy encodes it (source/common/http/utility.cc prepareLocalReply).
export interface PreparedReply {
  headers: HostHeaderMap;
  body: Uint8Array;
  details: string;
}

const NO_BYTES = new Uint8Array(0);

// Grpc::Common::hasGrpcContentType: application/grpc, alone or followed by '+' or ';'.
export function isGrpcRequest(headers: HostHeaderMap): boolean {
  const type = headers.first('content-type');
  if (type === undefined || !type.startsWith('application/grpc')) return false;
  const next = type.charAt('application/grpc'.length);
  return next === '' || next === '+' || next === ';';
}

// Grpc::Utility::httpToGrpcStatus, for a gRPC reply whose sender gave no grpc-status.
function grpcStatusFor(httpStatus: number): number {
  switch (httpStatus) {
    case 400:
      return 13;
    case 401:
      return 16;
    case 403:
      return 7;
    case 404:
      return 12;
    case 429:
    case 502:
    case 503:
    case 504:
      return 14;
    default:
      return 2;
  }
}

// Http::Utility::PercentEncoding::encode: bytes outside visible ASCII, and '%', become %XX.
export function percentEncode(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) {
    const plain = byte >= 0x20 && byte <= 0x7e && byte !== 0x25;
    out += plain ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

// The plugin's headers are added, then: a gRPC request gets a trailers-only 200 with grpc-status
// (and grpc-message from the body); otherwise a body sets content-length (and text/plain when no
// type was given) and an empty body removes both.
export function prepareLocalReply(reply: LocalReply, grpc: boolean): PreparedReply {
  const headers = new HostHeaderMap();
  headers.add(':status', String(reply.status));
  for (const [name, value] of reply.headers) headers.add(name, value);
  if (grpc) {
    headers.replace(':status', '200');
    headers.replace('content-type', 'application/grpc');
    if (headers.first('grpc-status') === undefined) {
      headers.add('grpc-status', String(reply.grpcStatus ?? grpcStatusFor(reply.status)));
    }
    if (reply.body.length > 0) headers.replace('grpc-message', percentEncode(reply.body));
    headers.remove('content-length');
    return { headers, body: NO_BYTES, details: reply.details };
  }
  if (reply.body.length > 0) {
    headers.replace('content-length', String(reply.body.length));
    if (headers.first('content-type') === undefined) headers.add('content-type', 'text/plain');
  } else {
    headers.remove('content-length');
    headers.remove('content-type');
  }
  return { headers, body: reply.body, details: reply.details };
}
