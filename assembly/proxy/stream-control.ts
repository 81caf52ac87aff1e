// Local replies and stream control. Envoy carries these out after the current callback returns.
import { StreamType, WasmResult } from "./enums";
import { proxy_close_stream, proxy_continue_stream, proxy_send_local_response } from "./imports";
import { HeaderPair, serializePairs } from "./pairs";

export const GRPC_STATUS_NONE: i32 = -1;

// The caller's callback should then return a Stop status (Envoy forces one anyway).
export function sendLocalResponse(
  statusCode: u32,
  details: string,
  body: ArrayBuffer,
  headers: Array<HeaderPair>,
  grpcStatus: i32 = GRPC_STATUS_NONE,
): WasmResult {
  const detailBytes = String.UTF8.encode(details);
  const headerBytes = serializePairs(headers);
  return <WasmResult>(
    proxy_send_local_response(
      statusCode,
      changetype<usize>(detailBytes),
      detailBytes.byteLength,
      changetype<usize>(body),
      body.byteLength,
      changetype<usize>(headerBytes),
      headerBytes.byteLength,
      grpcStatus,
    )
  );
}

export function continueRequest(): bool {
  return proxy_continue_stream(StreamType.Request) == WasmResult.Ok;
}

export function continueResponse(): bool {
  return proxy_continue_stream(StreamType.Response) == WasmResult.Ok;
}

export function closeRequest(): bool {
  return proxy_close_stream(StreamType.Request) == WasmResult.Ok;
}
