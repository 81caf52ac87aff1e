// An auth-style plugin that asks another cluster before letting a request go, and a few calls the
// host may not model. Configuration words (space-separated):
//   http      on request headers: GET /check to cluster "auth" (the request's x-user forwarded),
//             then wait; a 200 answer adds x-auth: <answer body> and continues the request, any
//             other answer (or a failed call) sends a local 403 "denied by auth"
//   shared    on request headers: proxy_set_shared_data, its status logged
//   tick      on configure: a 1 s tick period; each on_tick is logged
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

@external("env", "proxy_set_tick_period_milliseconds")
declare function proxy_set_tick_period_milliseconds(period: u32): u32;

const HTTP_CALL_RESPONSE_HEADERS: u32 = 6;
const scratch = new ArrayBuffer(8);

class CalloutRoot extends RootContext {
  words: string[] = [];

  onConfigure(configurationSize: u32): bool {
    this.words = this.getConfiguration(configurationSize).split(" ");
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

class CalloutStream extends Context {
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const words = (<CalloutRoot>this.root).words;
    if (words.includes("shared")) {
      const key = String.UTF8.encode("seen");
      const value = String.UTF8.encode("1");
      const valuePtr = changetype<usize>(value);
      const status = proxy_set_shared_data(changetype<usize>(key), key.byteLength, valuePtr, value.byteLength, 0);
      logInfo("set_shared_data " + status.toString());
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
    const status = proxy_http_call(clusterPtr, cluster.byteLength, headersPtr, headers.byteLength, 0, 0, 0, 0, 500, out);
    logInfo("http_call " + status.toString());
    if (status != WasmResult.Ok) {
      sendLocalResponse(500, "auth call failed", String.UTF8.encode("auth call failed"), []);
      return FilterHeadersStatus.StopIteration;
    }
    return FilterHeadersStatus.StopAllIterationAndWatermark;
  }
}

export function proxy_on_http_call_response(
  contextId: u32,
  token: u32,
  headerCount: u32,
  bodySize: u32,
  trailerCount: u32,
): void {
  logInfo("on_http_call_response " + headerCount.toString() + " " + bodySize.toString());
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
