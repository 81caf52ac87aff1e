// The `service` argument of proxy_grpc_call / proxy_grpc_stream (Envoy context.cc grpcCall): first
// parsed as a serialized envoy.config.core.v3.GrpcService; bytes that do not parse are a cluster name.

export type GrpcTarget =
  // Not a GrpcService: the bytes name a cluster, which must exist (else ParseFailure).
  | { kind: 'cluster'; cluster: string }
  // GrpcService.envoy_grpc: the client is made with skip_cluster_check, an unknown cluster fails later.
  | { kind: 'envoy_grpc'; cluster: string }
  | { kind: 'google_grpc' }
  // A GrpcService with no target (an empty argument parses as one).
  | { kind: 'unset' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function grpcTarget(service: Uint8Array): GrpcTarget {
  const parsed = parseGrpcService(service);
  return parsed ?? { kind: 'cluster', cluster: new TextDecoder().decode(service) };
}

// GrpcService: envoy_grpc = 1 and google_grpc = 2 share a oneof (the last one wins); other fields
// only need to be well formed, as protobuf's parser keeps unknown fields.
function parseGrpcService(bytes: Uint8Array): GrpcTarget | null {
  let target: GrpcTarget = { kind: 'unset' };
  const ok = walkFields(bytes, 0, bytes.length, (field, wireType, start, end) => {
    if (wireType !== 2) return true;
    if (field === 1) {
      const cluster = parseEnvoyGrpc(bytes.subarray(start, end));
      if (cluster === null) return false;
      target = { kind: 'envoy_grpc', cluster };
    } else if (field === 2) {
      if (!walkFields(bytes, start, end, () => true)) return false;
      target = { kind: 'google_grpc' };
    }
    return true;
  });
  return ok ? target : null;
}

// EnvoyGrpc: cluster_name = 1 and authority = 2 are proto3 strings, which must be valid UTF-8.
function parseEnvoyGrpc(bytes: Uint8Array): string | null {
  let cluster = '';
  const ok = walkFields(bytes, 0, bytes.length, (field, wireType, start, end) => {
    if (wireType !== 2 || (field !== 1 && field !== 2)) return true;
    let text: string;
    try {
      text = utf8.decode(bytes.subarray(start, end));
    } catch {
      return false;
    }
    if (field === 1) cluster = text;
    return true;
  });
  return ok ? cluster : null;
}

type FieldVisitor = (field: number, wireType: number, start: number, end: number) => boolean;

// Protobuf wire format from start to end: each field's tag, then its value by wire type; false when
// anything is malformed (a bad wire type, a truncated value, an unmatched group end).
function walkFields(bytes: Uint8Array, start: number, end: number, visit: FieldVisitor): boolean {
  let at = start;
  const groups: number[] = [];
  while (at < end) {
    const tag = readVarint(bytes, at, end);
    if (tag === null) return false;
    at = tag.next;
    const field = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (field === 0) return false;
    let valueStart = at;
    switch (wireType) {
      case 0: {
        const value = readVarint(bytes, at, end);
        if (value === null) return false;
        at = value.next;
        break;
      }
      case 1:
        at += 8;
        break;
      case 2: {
        const length = readVarint(bytes, at, end);
        if (length === null) return false;
        valueStart = length.next;
        at = length.next + length.value;
        break;
      }
      case 3:
        groups.push(field);
        continue;
      case 4:
        if (groups.pop() !== field) return false;
        continue;
      case 5:
        at += 4;
        break;
      default:
        return false;
    }
    if (at > end) return false;
    if (groups.length === 0 && !visit(field, wireType, valueStart, at)) return false;
  }
  return groups.length === 0;
}

function readVarint(bytes: Uint8Array, at: number, end: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10 && at + i < end; i++) {
    const byte = bytes[at + i];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, next: at + i + 1 };
  }
  return null;
}
