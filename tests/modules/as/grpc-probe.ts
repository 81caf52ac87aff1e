// An authorization plugin that asks a gRPC service before letting a request go, written as SDKs
// write it for Envoy: the answer arrives on the root context, which finds the stream by the call's
// token and makes it effective before acting on it. Configuration words (space-separated):
//   call      on request headers: proxy_grpc_call to authz.v1.Authz/Check on cluster "authz" (the
//             cluster name as the service argument), metadata x-user, the message the x-user value
//   proto     the same call with a serialized GrpcService { envoy_grpc { cluster_name: "authz" } }
//   stream    proxy_grpc_stream instead, the x-user value sent with end_of_stream
//   cancel    cancels the call or stream right after making it
// A message starting with "allow" adds x-authz: <message> and continues; any other message answers
// 403 "denied: <message>"; a close (proxy_on_grpc_close) with a non-zero status answers 503
// "authz closed: <status> <message>". Every callback is logged with its arguments.
export * from "../../../assembly/proxy/exports";
import {
  BufferType,
  Context,
  FilterHeadersStatus,
  HeaderMap,
  HeaderMapType,
  HeaderPair,
  RootContext,
  continueRequest,
  getBufferBytes,
  logInfo,
  registerRootContext,
  sendLocalResponse,
  serializePairs,
  stream_context,
} from "../../../assembly/proxy";


@external("env", "proxy_grpc_call")
declare function proxy_grpc_call(
  servicePtr: usize,
  serviceSize: usize,
  serviceNamePtr: usize,
  serviceNameSize: usize,
  methodPtr: usize,
  methodSize: usize,
  metadataPtr: usize,
  metadataSize: usize,
  messagePtr: usize,
  messageSize: usize,
  timeoutMilliseconds: u32,
  tokenOut: usize,
): u32;


@external("env", "proxy_grpc_stream")
declare function proxy_grpc_stream(
  servicePtr: usize,
  serviceSize: usize,
  serviceNamePtr: usize,
  serviceNameSize: usize,
  methodPtr: usize,
  methodSize: usize,
  metadataPtr: usize,
  metadataSize: usize,
  tokenOut: usize,
): u32;


@external("env", "proxy_grpc_send")
declare function proxy_grpc_send(token: u32, messagePtr: usize, messageSize: usize, endOfStream: u32): u32;


@external("env", "proxy_grpc_cancel")
declare function proxy_grpc_cancel(token: u32): u32;


@external("env", "proxy_get_status")
declare function proxy_get_status(codeOut: usize, messagePtrOut: usize, messageSizeOut: usize): u32;


@external("env", "proxy_set_effective_context")
declare function proxy_set_effective_context(contextId: u32): u32;

const GRPC_TRAILING_METADATA: u32 = 5;
const scratch = new ArrayBuffer(16);
// The stream context that made each call, by token (what SDKs keep for their callouts).
const callers = new Map<u32, u32>();

class GrpcRoot extends RootContext {
  words: string[] = [];

  onConfigure(configurationSize: u32): bool {
    this.words = this.getConfiguration(configurationSize).split(" ");
    return true;
  }

  createContext(contextId: u32): Context {
    return new GrpcStream(contextId, this);
  }
}

// GrpcService { envoy_grpc (1) { cluster_name (1): "authz" } } in protobuf wire format.
function serializedService(): ArrayBuffer {
  const bytes = new Uint8Array(9);
  bytes[0] = 0x0a;
  bytes[1] = 7;
  bytes[2] = 0x0a;
  bytes[3] = 5;
  const cluster = Uint8Array.wrap(String.UTF8.encode("authz"));
  bytes.set(cluster, 4);
  return bytes.buffer;
}

class GrpcStream extends Context {
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const words = (<GrpcRoot>this.root).words;
    const found = stream_context.headers.request.get("x-user");
    const user = found !== null ? found : "";
    const service = words.includes("proto") ? serializedService() : String.UTF8.encode("authz");
    const name = String.UTF8.encode("authz.v1.Authz");
    const method = String.UTF8.encode("Check");
    const metadata = serializePairs([new HeaderPair("x-user", user)]);
    const message = String.UTF8.encode(user);
    const out = changetype<usize>(scratch);
    const servicePtr = changetype<usize>(service);
    const namePtr = changetype<usize>(name);
    const methodPtr = changetype<usize>(method);
    const metadataPtr = changetype<usize>(metadata);
    const messagePtr = changetype<usize>(message);
    let status: u32;
    if (words.includes("stream")) {
      status = proxy_grpc_stream(
        servicePtr,
        service.byteLength,
        namePtr,
        name.byteLength,
        methodPtr,
        method.byteLength,
        metadataPtr,
        metadata.byteLength,
        out,
      );
      if (status == 0)
        logInfo("grpc_send " + proxy_grpc_send(load<u32>(out), messagePtr, message.byteLength, 1).toString());
    } else {
      status = proxy_grpc_call(
        servicePtr,
        service.byteLength,
        namePtr,
        name.byteLength,
        methodPtr,
        method.byteLength,
        metadataPtr,
        metadata.byteLength,
        messagePtr,
        message.byteLength,
        1000,
        out,
      );
    }
    const token = status == 0 ? load<u32>(out) : 0;
    logInfo("grpc_open " + status.toString() + " token " + token.toString());
    if (status != 0) {
      sendLocalResponse(500, "authz_call_failed", String.UTF8.encode("authz call failed"), []);
      return FilterHeadersStatus.StopIteration;
    }
    callers.set(token, this.contextId);
    if (words.includes("cancel")) logInfo("grpc_cancel " + proxy_grpc_cancel(token).toString());
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
}

// Makes the stream that made the call effective; false when the call is not one of ours.
function enterCaller(token: u32): bool {
  if (!callers.has(token)) return false;
  proxy_set_effective_context(callers.get(token));
  return true;
}

function decide(message: string): void {
  if (message.startsWith("allow")) {
    stream_context.headers.request.replace("x-authz", message);
    continueRequest();
  } else {
    sendLocalResponse(403, "authz_denied", String.UTF8.encode("denied: " + message), []);
  }
}

export function proxy_on_grpc_receive_initial_metadata(contextId: u32, token: u32, count: u32): void {
  logInfo("initial_metadata " + contextId.toString() + " " + token.toString() + " " + count.toString());
}

export function proxy_on_grpc_receive(contextId: u32, token: u32, size: u32): void {
  const message = size == 0 ? "" : String.UTF8.decode(getBufferBytes(BufferType.GrpcReceiveBuffer, 0, size));
  logInfo("receive " + contextId.toString() + " " + token.toString() + " " + message);
  if (enterCaller(token)) decide(message);
}

export function proxy_on_grpc_receive_trailing_metadata(contextId: u32, token: u32, count: u32): void {
  const status = new HeaderMap(<HeaderMapType>GRPC_TRAILING_METADATA).get("grpc-status");
  const shown = status !== null ? status : "none";
  logInfo("trailing_metadata " + contextId.toString() + " " + token.toString() + " " + count.toString() + " " + shown);
}

export function proxy_on_grpc_close(contextId: u32, token: u32, statusCode: u32): void {
  const out = changetype<usize>(scratch);
  proxy_get_status(out, out + 4, out + 8);
  const size = load<u32>(out + 8);
  const bytes = new ArrayBuffer(size);
  if (size > 0) memory.copy(changetype<usize>(bytes), load<usize>(out + 4), size);
  const message = String.UTF8.decode(bytes);
  logInfo("close " + contextId.toString() + " " + token.toString() + " " + statusCode.toString() + " " + message);
  if (statusCode == 0 || !enterCaller(token)) return;
  const body = "authz closed: " + statusCode.toString() + " " + message;
  sendLocalResponse(503, "authz_closed", String.UTF8.encode(body), []);
}

registerRootContext((contextId: u32): RootContext => new GrpcRoot(contextId), "grpc");
