// Exercises the runtime layer's API so that host tests can check it end to end:
// configuration "reject" → onConfigure false; "trap" → a throw during configure.
// Per request: x-echo → x-echo-seen (or "absent"); request.path property → x-path-prop;
// a missing property → x-missing-prop: null; plugin_name → x-plugin-name; the pair count →
// x-pair-count; metrics probe.requests (counter), probe.sizes (histogram), probe.last (gauge);
// x-reply → local 403 "denied"; x-trap → a throw (abort → critical log → trap).
export * from "../../../assembly/proxy/exports";
import {
  Context,
  Counter,
  FilterHeadersStatus,
  Gauge,
  HeaderPair,
  Histogram,
  LogLevel,
  RootContext,
  getPropertyString,
  log,
  logEnabled,
  logInfo,
  registerRootContext,
  sendLocalResponse,
  stream_context,
} from "../../../assembly/proxy";

let debugMessagesBuilt: i32 = 0;

function expensiveDebugMessage(): string {
  debugMessagesBuilt++;
  return "debug message number " + debugMessagesBuilt.toString();
}

class ProbeRoot extends RootContext {
  requests: Counter | null = null;
  sizes: Histogram | null = null;
  last: Gauge | null = null;

  onConfigure(configurationSize: u32): bool {
    const configuration = this.getConfiguration(configurationSize);
    if (configuration == "reject") {
      logInfo("probe refuses configuration 'reject'");
      return false;
    }
    if (configuration == "trap") throw new Error("probe configure trap");
    this.requests = new Counter("probe.requests");
    this.sizes = new Histogram("probe.sizes");
    this.last = new Gauge("probe.last");
    return true;
  }

  createContext(contextId: u32): Context {
    return new ProbeStream(contextId, this);
  }
}

class ProbeStream extends Context {
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const root = <ProbeRoot>this.root;
    const request = stream_context.headers.request;
    const echo = request.get("x-echo");
    request.add("x-echo-seen", echo !== null ? echo : "absent");
    const path = getPropertyString(["request", "path"]);
    request.add("x-path-prop", path !== null ? path : "null");
    request.add("x-missing-prop", getPropertyString(["no", "such"]) === null ? "null" : "present");
    const pluginName = getPropertyString(["plugin_name"]);
    request.add("x-plugin-name", pluginName !== null ? pluginName : "null");
    request.add("x-pair-count", request.pairs().length.toString());
    root.requests!.increment(1);
    root.sizes!.record(7);
    root.last!.set(3);
    logInfo("probe saw request");
    if (logEnabled(LogLevel.Debug)) log(LogLevel.Debug, expensiveDebugMessage());
    request.add("x-debug-built", debugMessagesBuilt.toString());
    if (request.get("x-reply") !== null) {
      sendLocalResponse(403, "probe denied", String.UTF8.encode("denied"), [new HeaderPair("x-probe", "1")]);
      return FilterHeadersStatus.StopIteration;
    }
    if (request.get("x-trap") !== null) throw new Error("probe trap");
    return FilterHeadersStatus.Continue;
  }
}

registerRootContext((contextId: u32): RootContext => new ProbeRoot(contextId), "probe");
