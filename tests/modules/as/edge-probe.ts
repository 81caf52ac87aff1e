// Probes the host's edges, one behaviour per configuration word (space-separated, "phase:action"):
//   request_headers:reply | reply-twice | reply-empty | stop-all-buffer
//   request_body:buffer (StopIterationAndBuffer until end of stream, then Continue) | read-path
//   response_headers:reply | trap | stop
//   response_body:reply | release (Continue at end of stream, StopIterationAndBuffer before)
//   log:lifecycle (logs "on_log", "on_done", "on_delete" with the context id) | log:properties
//   configure:metrics (logs the ids of a counter, gauge, histogram, then a second counter)
//   request_headers:foreign (logs the status of the foreign function clear_route_cache)
export * from "../../../assembly/proxy/exports";
import {
  Context,
  FilterDataStatus,
  FilterHeadersStatus,
  HeaderPair,
  MetricType,
  RootContext,
  getProperty,
  logInfo,
  registerRootContext,
  sendLocalResponse,
  stream_context,
} from "../../../assembly/proxy";


@external("env", "proxy_call_foreign_function")
declare function proxy_call_foreign_function(
  namePtr: usize,
  nameSize: usize,
  argPtr: usize,
  argSize: usize,
  resultPtrOut: usize,
  resultSizeOut: usize,
): u32;


@external("env", "proxy_define_metric")
declare function proxy_define_metric(metricType: u32, namePtr: usize, nameSize: usize, idOut: usize): u32;

const scratch = new ArrayBuffer(16);

function defineMetricId(metricType: MetricType, name: string): u32 {
  const bytes = String.UTF8.encode(name);
  proxy_define_metric(metricType, changetype<usize>(bytes), bytes.byteLength, changetype<usize>(scratch));
  return load<u32>(changetype<usize>(scratch));
}

// Properties read in on_log with log:properties, each logged as "<path>=<value or missing>".
const LOGGED_PROPERTIES: string[][] = [
  ["request", "size"],
  ["request", "total_size"],
  ["request", "duration"],
  ["request", "id"],
  ["response", "code_details"],
  ["response", "headers", "x-upstream"],
  ["xds", "node", "id"],
];

function propertyText(path: string[]): string {
  const value = getProperty(path);
  if (value === null) return "missing";
  // Integers arrive as 8 little-endian bytes; everything else here is text.
  const last = path[path.length - 1];
  if (last == "size" || last == "total_size" || last == "duration") {
    return value.byteLength == 8 ? load<i64>(changetype<usize>(value)).toString() : "bad";
  }
  return String.UTF8.decode(value);
}

class EdgeRoot extends RootContext {
  words: string[] = [];

  onConfigure(configurationSize: u32): bool {
    this.words = this.getConfiguration(configurationSize).split(" ");
    if (this.has("configure:metrics")) {
      const counter = defineMetricId(MetricType.Counter, "edge.counter");
      const gauge = defineMetricId(MetricType.Gauge, "edge.gauge");
      const histogram = defineMetricId(MetricType.Histogram, "edge.histogram");
      const second = defineMetricId(MetricType.Counter, "edge.second");
      const ids = [counter, gauge, histogram, second].map<string>((id: u32) => id.toString());
      logInfo("metric ids " + ids.join(" "));
    }
    return true;
  }

  has(word: string): bool {
    return this.words.includes(word);
  }

  createContext(contextId: u32): Context {
    return new EdgeStream(contextId, this);
  }
}

function reply(status: u32, details: string, body: string, headers: HeaderPair[]): void {
  sendLocalResponse(status, details, String.UTF8.encode(body), headers);
}

class EdgeStream extends Context {
  get edge(): EdgeRoot {
    return <EdgeRoot>this.root;
  }

  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const edge = this.edge;
    if (edge.has("request_headers:foreign")) {
      const name = String.UTF8.encode("clear_route_cache");
      const out = changetype<usize>(scratch);
      const status = proxy_call_foreign_function(changetype<usize>(name), name.byteLength, 0, 0, out, out + 4);
      logInfo("clear_route_cache " + status.toString());
    }
    if (edge.has("request_headers:reply")) {
      reply(403, "edge reply", "denied by edge", [new HeaderPair("x-edge", "1")]);
      return FilterHeadersStatus.StopIteration;
    }
    if (edge.has("request_headers:reply-twice")) {
      reply(401, "first reply", "first", []);
      reply(402, "second reply", "second", []);
      return FilterHeadersStatus.StopIteration;
    }
    if (edge.has("request_headers:reply-empty")) {
      const stale = [new HeaderPair("content-type", "application/json"), new HeaderPair("content-length", "7")];
      reply(403, "empty reply", "", stale);
      return FilterHeadersStatus.StopIteration;
    }
    if (edge.has("request_headers:stop-all-buffer")) return FilterHeadersStatus.StopAllIterationAndBuffer;
    if (edge.has("request_headers:stop")) return FilterHeadersStatus.StopIteration;
    return FilterHeadersStatus.Continue;
  }

  onRequestBody(bodyBufferLength: usize, endOfStream: bool): FilterDataStatus {
    const edge = this.edge;
    logInfo("on_request_body " + bodyBufferLength.toString());
    if (edge.has("request_body:read-path")) {
      const path = stream_context.headers.request.get(":path");
      logInfo("path in body " + (path !== null ? path : "unreadable"));
    }
    if (edge.has("request_body:buffer") && !endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    return FilterDataStatus.Continue;
  }

  onResponseHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const edge = this.edge;
    logInfo("on_response_headers");
    if (edge.has("response_headers:reply")) {
      reply(502, "edge response reply", "replaced by edge", []);
      return FilterHeadersStatus.StopIteration;
    }
    if (edge.has("response_headers:trap")) unreachable();
    if (edge.has("response_headers:stop")) return FilterHeadersStatus.StopIteration;
    return FilterHeadersStatus.Continue;
  }

  onResponseBody(bodyBufferLength: usize, endOfStream: bool): FilterDataStatus {
    const edge = this.edge;
    logInfo("on_response_body " + bodyBufferLength.toString() + (endOfStream ? " end" : ""));
    if (edge.has("response_body:reply")) {
      reply(502, "edge body reply", "too late", []);
      return FilterDataStatus.StopIterationNoBuffer;
    }
    if (edge.has("response_body:release") && !endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    return FilterDataStatus.Continue;
  }

  onLog(): void {
    if (this.edge.has("log:lifecycle")) logInfo("on_log " + this.contextId.toString());
    if (this.edge.has("log:properties")) {
      for (let i = 0; i < LOGGED_PROPERTIES.length; i++) {
        logInfo(LOGGED_PROPERTIES[i].join(".") + "=" + propertyText(LOGGED_PROPERTIES[i]));
      }
    }
  }

  onDone(): bool {
    if (this.edge.has("log:lifecycle")) logInfo("on_done " + this.contextId.toString());
    return true;
  }

  onDelete(): void {
    if (this.edge.has("log:lifecycle")) logInfo("on_delete " + this.contextId.toString());
  }
}

registerRootContext((contextId: u32): RootContext => new EdgeRoot(contextId), "edge");
