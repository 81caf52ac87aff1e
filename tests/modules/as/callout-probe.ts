// An auth-style plugin that asks another cluster before letting a request go, and a few calls the
// host may not model. Configuration words (space-separated):
//   http      on request headers: GET /check to cluster "auth" (the request's x-user forwarded),
//             then wait; a 200 answer adds x-auth: <answer body> and continues the request, any
//             other answer (or a failed call) sends a local 403 "denied by auth"
//   shared    on request headers: the shared counter "counter" read and written back one higher
//             with the CAS it was read with (logged "counter <n> <status>"), then written again
//             with that now stale CAS (logged "stale <status>")
//   tick      on configure: a 1 s tick period; each on_tick is logged
//   queue     on request headers: registers the shared queue "jobs" and enqueues "job-<context id>";
//             on_queue_ready dequeues and logs "queue_ready <item>" until the queue is Empty
//   grpc      on request headers: proxy_grpc_call, its status logged
//   noswitch  the answer is acted on without proxy_set_effective_context (on the root context)
export * from "../../../assembly/proxy/exports";
import {
  BufferType,
  Context,
  FilterHeadersStatus,
  HeaderMap,
  HeaderMapType,
  HeaderPair,
  RootContext,
  WasmResult,
  continueRequest,
  getBufferBytes,
  logInfo,
  registerRootContext,
  sendLocalResponse,
  serializePairs,
  stream_context,
} from "../../../assembly/proxy";


@external("env", "proxy_http_call")
declare function proxy_http_call(
  upstreamPtr: usize,
  upstreamSize: usize,
  headersPtr: usize,
  headersSize: usize,
  bodyPtr: usize,
  bodySize: usize,
  trailersPtr: usize,
  trailersSize: usize,
  timeoutMilliseconds: u32,
  tokenOut: usize,
): u32;


@external("env", "proxy_set_shared_data")
declare function proxy_set_shared_data(keyPtr: usize, keySize: usize, valuePtr: usize, valueSize: usize, cas: u32): u32;


@external("env", "proxy_get_shared_data")
declare function proxy_get_shared_data(
  keyPtr: usize,
  keySize: usize,
  valuePtrOut: usize,
  valueSizeOut: usize,
  casOut: usize,
): u32;


@external("env", "proxy_register_shared_queue")
declare function proxy_register_shared_queue(namePtr: usize, nameSize: usize, tokenOut: usize): u32;


@external("env", "proxy_enqueue_shared_queue")
declare function proxy_enqueue_shared_queue(token: u32, dataPtr: usize, dataSize: usize): u32;


@external("env", "proxy_dequeue_shared_queue")
declare function proxy_dequeue_shared_queue(token: u32, dataPtrOut: usize, dataSizeOut: usize): u32;


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


@external("env", "proxy_set_effective_context")
declare function proxy_set_effective_context(contextId: u32): u32;


@external("env", "proxy_set_tick_period_milliseconds")
declare function proxy_set_tick_period_milliseconds(period: u32): u32;

const HTTP_CALL_RESPONSE_HEADERS: u32 = 6;
const scratch = new ArrayBuffer(16);
// The stream context that made each call, by token: the answer arrives on the root context.
const callers = new Map<u32, u32>();
let switchToCaller = true;

class CalloutRoot extends RootContext {
  words: string[] = [];

  onConfigure(configurationSize: u32): bool {
    this.words = this.getConfiguration(configurationSize).split(" ");
    switchToCaller = !this.words.includes("noswitch");
    if (this.words.includes("tick")) proxy_set_tick_period_milliseconds(1000);
    return true;
  }

  onTick(): void {
    logInfo("on_tick");
  }

  createContext(contextId: u32): Context {
    return new CalloutStream(contextId, this);
  }
}

function setShared(key: ArrayBuffer, text: string, cas: u32): u32 {
  const value = String.UTF8.encode(text);
  return proxy_set_shared_data(changetype<usize>(key), key.byteLength, changetype<usize>(value), value.byteLength, cas);
}

function countInSharedData(): void {
  const key = String.UTF8.encode("counter");
  const out = changetype<usize>(scratch);
  const read = proxy_get_shared_data(changetype<usize>(key), key.byteLength, out, out + 4, out + 8);
  if (read != WasmResult.Ok) {
    logInfo("counter 1 " + setShared(key, "1", 0).toString());
    return;
  }
  const bytes = new ArrayBuffer(load<u32>(out + 4));
  memory.copy(changetype<usize>(bytes), load<usize>(out), bytes.byteLength);
  const value = String.UTF8.decode(bytes);
  const cas = load<u32>(out + 8);
  const next = (I32.parseInt(value) + 1).toString();
  logInfo("counter " + next + " " + setShared(key, next, cas).toString());
  logInfo("stale " + setShared(key, "stale", cas).toString());
}

class CalloutStream extends Context {
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const words = (<CalloutRoot>this.root).words;
    if (words.includes("shared")) countInSharedData();
    if (words.includes("queue")) {
      const name = String.UTF8.encode("jobs");
      const out = changetype<usize>(scratch);
      proxy_register_shared_queue(changetype<usize>(name), name.byteLength, out);
      const item = String.UTF8.encode("job-" + this.contextId.toString());
      const enqueued = proxy_enqueue_shared_queue(load<u32>(out), changetype<usize>(item), item.byteLength);
      logInfo("enqueue " + enqueued.toString());
    }
    if (words.includes("grpc")) {
      const called = proxy_grpc_call(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1000, changetype<usize>(scratch));
      logInfo("grpc_call " + called.toString());
    }
    if (!words.includes("http")) return FilterHeadersStatus.Continue;
    const user = stream_context.headers.request.get("x-user");
    const headers = serializePairs([
      new HeaderPair(":method", "GET"),
      new HeaderPair(":path", "/check"),
      new HeaderPair(":authority", "auth"),
      new HeaderPair("x-user", user !== null ? user : ""),
    ]);
    const cluster = String.UTF8.encode("auth");
    const out = changetype<usize>(scratch);
    const headersPtr = changetype<usize>(headers);
    const clusterPtr = changetype<usize>(cluster);
    const headersSize = headers.byteLength;
    const status = proxy_http_call(clusterPtr, cluster.byteLength, headersPtr, headersSize, 0, 0, 0, 0, 500, out);
    logInfo("http_call " + status.toString());
    if (status != WasmResult.Ok) {
      sendLocalResponse(500, "auth call failed", String.UTF8.encode("auth call failed"), []);
      return FilterHeadersStatus.StopIteration;
    }
    callers.set(load<u32>(out), this.contextId);
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
}

export function proxy_on_queue_ready(rootContextId: u32, token: u32): void {
  const out = changetype<usize>(scratch);
  while (proxy_dequeue_shared_queue(token, out, out + 4) == WasmResult.Ok) {
    const bytes = new ArrayBuffer(load<u32>(out + 4));
    memory.copy(changetype<usize>(bytes), load<usize>(out), bytes.byteLength);
    logInfo("queue_ready " + String.UTF8.decode(bytes));
  }
}

export function proxy_on_http_call_response(
  contextId: u32,
  token: u32,
  headerCount: u32,
  bodySize: u32,
  trailerCount: u32,
): void {
  logInfo("on_http_call_response " + contextId.toString() + " " + headerCount.toString() + " " + bodySize.toString());
  if (!callers.has(token)) return;
  if (switchToCaller) proxy_set_effective_context(callers.get(token));
  const status = new HeaderMap(<HeaderMapType>HTTP_CALL_RESPONSE_HEADERS).get(":status");
  if (status !== null && status == "200") {
    const body = bodySize == 0 ? "" : String.UTF8.decode(getBufferBytes(BufferType.HttpCallResponseBody, 0, bodySize));
    stream_context.headers.request.replace("x-auth", body);
    continueRequest();
    return;
  }
  sendLocalResponse(403, "denied by auth", String.UTF8.encode("denied by auth"), []);
}

registerRootContext((contextId: u32): RootContext => new CalloutRoot(contextId), "callout");
