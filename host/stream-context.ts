import {
  BufferType,
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  MapType,
  StreamType,
  WasmResult,
} from './abi.ts';
import { BodyBuffer } from './body-buffer.ts';
import { HostContext, type LocalReply, type MapLookup, type PluginIdentity } from './context.ts';
import { bytesOf, type HostHeaderMap } from './header-map.ts';
import { HttpCallouts } from './http-callouts.ts';
import type { CalloutAnswer } from './request.ts';
import { bool, fromJson, int, map, str, uint, walk, type PropertyValue } from './properties.ts';
import { portOf, type StreamInfo } from './stream-info.ts';
import type { WasmVm } from './vm.ts';

export interface FailurePolicy {
  failOpen: boolean;
  allowOnHeadersStopIteration: boolean;
}

// What a callback asked for that Envoy carries out only after the callback returns.
export interface DeferredEffects {
  localReply: LocalReply | null;
  continueRequest: boolean;
  continueResponse: boolean;
  closeStream: boolean;
}

export interface AccessLogView {
  requestHeaders: HostHeaderMap | null;
  responseHeaders: HostHeaderMap | null;
  responseTrailers: HostHeaderMap | null;
}

const NO_CALLOUTS = new HttpCallouts([]);

const FAIL_STREAM_REPLY: LocalReply = {
  status: 503,
  details: 'wasm_fail_stream',
  body: new Uint8Array(0),
  headers: [],
  grpcStatus: 14,
};

// Envoy's Wasm Context for one HTTP stream (source/extensions/common/wasm/context.cc): it owns the
// in-VM stream context, decides which maps and buffers the plugin can reach in each phase, maps
// the plugin's return codes to filter statuses, and defers what Envoy defers.
export class HostStreamContext extends HostContext {
  private requestHeaders: HostHeaderMap | null = null;
  private requestTrailers: HostHeaderMap | null = null;
  private responseHeaders: HostHeaderMap | null = null;
  private responseTrailers: HostHeaderMap | null = null;
  private requestBody: BodyBuffer | null = null;
  private responseBody: BodyBuffer | null = null;
  private accessLog: AccessLogView | null = null;
  private created = false;
  private failReplySent = false;
  // The plugin's raw result from its last headers callback (before Envoy's status mapping).
  lastHeadersResult = 0;
  // The request's callout answers; set by the filter chain before the stream starts.
  callouts = NO_CALLOUTS;
  // Envoy's response code details once the response is decided, for response.code_details.
  responseCodeDetails: string | null = null;
  // Request bytes received (body frames), for request.size and request.total_size.
  requestBodyBytes = 0;
  // Set when the stream completes: request.duration exists from then on (in on_log), measured when read.
  complete = false;
  effects: DeferredEffects = emptyEffects();
  // Number of request-header mutations; Envoy clears the route cache on each one for ABI 0.2.x.
  routeCacheClears = 0;
  responseCode: number | null = null;

  constructor(
    vm: WasmVm,
    id: number,
    plugin: PluginIdentity,
    private readonly root: HostContext,
    private readonly policy: FailurePolicy,
    readonly info: StreamInfo,
    logPrefix: string,
  ) {
    super(vm, id, plugin, logPrefix);
  }

  takeEffects(): DeferredEffects {
    const effects = this.effects;
    this.effects = emptyEffects();
    return effects;
  }

  // ---- filter callbacks, as Envoy's decode*/encode*/log/onDestroy call them.

  // Envoy's onCreate: the in-VM context is made at request headers, or at the access log for a
  // filter whose stream ended before its headers came (Context::log).
  private create(): void {
    if (this.created || this.vm.failed) return;
    this.created = true;
    this.vm.contexts.set(this.id, this);
    this.vm.call(this, 'proxy_on_context_create', [this.id, this.root.id]);
  }

  decodeHeaders(headers: HostHeaderMap, endOfStream: boolean): number {
    this.requestHeaders = headers;
    this.create();
    const result = this.invoke('proxy_on_request_headers', [this.id, headers.size, endOfStream ? 1 : 0]);
    const status = this.headersStatus(result);
    if (status === FilterHeadersStatus.Continue) this.requestHeaders = null;
    return status;
  }

  decodeData(body: BodyBuffer, endOfStream: boolean): number {
    this.requestBody = body;
    const status = this.dataStatus(this.invoke('proxy_on_request_body', [this.id, body.length, endOfStream ? 1 : 0]));
    // Only the body pointer goes (Envoy decodeData): held headers stay readable.
    if (status === FilterDataStatus.Continue) this.requestBody = null;
    return status;
  }

  decodeTrailers(trailers: HostHeaderMap): number {
    this.requestTrailers = trailers;
    const status = this.trailersStatus(this.invoke('proxy_on_request_trailers', [this.id, trailers.size]));
    if (status === FilterTrailersStatus.Continue) this.requestTrailers = null;
    return status;
  }

  encodeHeaders(headers: HostHeaderMap, endOfStream: boolean): number {
    this.responseHeaders = headers;
    this.responseCode = Number(headers.first(':status') ?? 0);
    // No response callbacks for a context that never reached the VM, or after the fail-closed 503
    // (Envoy Context::encodeHeaders, failure_local_reply_sent_).
    if (!this.created || this.failReplySent) return FilterHeadersStatus.Continue;
    const result = this.invoke('proxy_on_response_headers', [this.id, headers.size, endOfStream ? 1 : 0]);
    const status = this.headersStatus(result);
    if (status === FilterHeadersStatus.Continue) this.responseHeaders = null;
    return status;
  }

  encodeData(body: BodyBuffer, endOfStream: boolean): number {
    if (!this.created || this.failReplySent) return FilterDataStatus.Continue;
    this.responseBody = body;
    const status = this.dataStatus(this.invoke('proxy_on_response_body', [this.id, body.length, endOfStream ? 1 : 0]));
    if (status === FilterDataStatus.Continue) this.responseBody = null;
    return status;
  }

  encodeTrailers(trailers: HostHeaderMap): number {
    if (!this.created || this.failReplySent) return FilterTrailersStatus.Continue;
    this.responseTrailers = trailers;
    const status = this.trailersStatus(this.invoke('proxy_on_response_trailers', [this.id, trailers.size]));
    if (status === FilterTrailersStatus.Continue) this.responseTrailers = null;
    return status;
  }

  // Access log phase: read-only copies of what the access log has (proxy_on_log before on_done).
  log(view: AccessLogView): void {
    this.create();
    if (!this.created || this.vm.failed) return;
    this.accessLog = view;
    this.vm.call(this, 'proxy_on_log', [this.id]);
    this.accessLog = null;
  }

  // onDestroy: on_done (result ignored for streams) then on_delete; none of it on a failed VM.
  destroy(): void {
    if (!this.created) return;
    if (!this.vm.failed) {
      this.vm.call(this, 'proxy_on_done', [this.id]);
      this.vm.call(this, 'proxy_on_delete', [this.id]);
    }
    this.vm.contexts.delete(this.id);
    this.created = false;
  }

  // ---- status handling.

  // A callback on a failed VM (before or during this call): fail-open continues, fail-closed
  // answers 503 wasm_fail_stream once per stream and stops (Envoy failStream).
  private invoke(name: string, args: number[]): number | null {
    if (!this.vm.failed) {
      const result = this.vm.call(this, name, args);
      if (!this.vm.failed) return result ?? 0;
    }
    if (this.policy.failOpen) return 0;
    if (!this.failReplySent) {
      this.failReplySent = true;
      this.effects.localReply = { ...FAIL_STREAM_REPLY };
    }
    return null;
  }

  // cpp-host: StopIteration becomes StopAllIterationAndWatermark unless allow_on_headers_stop_iteration;
  // ContinueAndEndStream (2) falls to Continue; anything above 4 is StopAllIterationAndWatermark.
  private headersStatus(result: number | null): number {
    this.lastHeadersResult = result ?? FilterHeadersStatus.StopAllIterationAndWatermark;
    if (result === null || this.effects.localReply !== null) return FilterHeadersStatus.StopAllIterationAndWatermark;
    switch (result) {
      case 0:
      case 2:
        return FilterHeadersStatus.Continue;
      case 1:
        return this.policy.allowOnHeadersStopIteration
          ? FilterHeadersStatus.StopIteration
          : FilterHeadersStatus.StopAllIterationAndWatermark;
      case 3:
        return FilterHeadersStatus.StopAllIterationAndBuffer;
      default:
        return FilterHeadersStatus.StopAllIterationAndWatermark;
    }
  }

  private dataStatus(result: number | null): number {
    if (result === null || this.effects.localReply !== null || result > 3) {
      return FilterDataStatus.StopIterationNoBuffer;
    }
    return result;
  }

  private trailersStatus(result: number | null): number {
    if (result === null || this.effects.localReply !== null) return FilterTrailersStatus.StopIteration;
    return result === 0 ? FilterTrailersStatus.Continue : FilterTrailersStatus.StopIteration;
  }

  private releaseRequest(): void {
    this.requestHeaders = null;
    this.requestBody = null;
    this.requestTrailers = null;
  }

  // ---- what host calls see.

  override rootContext(): HostContext {
    return this.root;
  }

  override calloutAnswers(): CalloutAnswer[] {
    return this.callouts.answers;
  }

  override getMap(type: number): MapLookup {
    if (type >= MapType.GrpcReceiveInitialMetadata) return this.calloutMap(type) ?? WasmResult.BadArgument;
    if (this.accessLog !== null) {
      const view = this.accessLog;
      const found =
        type === MapType.HttpRequestHeaders
          ? view.requestHeaders
          : type === MapType.HttpResponseHeaders
            ? view.responseHeaders
            : type === MapType.HttpResponseTrailers
              ? view.responseTrailers
              : null;
      return found ?? WasmResult.NotFound;
    }
    return this.liveMap(type) ?? WasmResult.BadArgument;
  }

  override getMutableMap(type: number): MapLookup {
    if (this.accessLog !== null) return WasmResult.BadArgument;
    return this.liveMap(type) ?? WasmResult.BadArgument;
  }

  private liveMap(type: number): HostHeaderMap | null {
    switch (type) {
      case MapType.HttpRequestHeaders:
        return this.requestHeaders;
      case MapType.HttpRequestTrailers:
        return this.requestTrailers;
      case MapType.HttpResponseHeaders:
        return this.responseHeaders;
      case MapType.HttpResponseTrailers:
        return this.responseTrailers;
      default:
        return null;
    }
  }

  // ---- callouts, answered from the request's callouts after the callback that made them.

  override httpCall(cluster: string, headers: HostHeaderMap, _body: Uint8Array): { result: number; token?: number } {
    const call = this.callouts.call(cluster, headers, () => this.vm.nextHttpCallToken());
    // No answer for the cluster: Envoy's unknown cluster, and reported, since a request file can give one.
    if (!this.callouts.knows(cluster)) this.vm.reportUnsupported('proxy_http_call');
    return call;
  }

  get callsWaiting(): boolean {
    return this.callouts.waiting || this.root.grpcWaiting;
  }

  // Envoy makes every callout on the root context (cpp-host exports.cc http_call, grpc_call) and
  // delivers its answer there, outside any other callback: the plugin reaches its stream again
  // with proxy_set_effective_context. A trap there fails the VM, not this stream.
  deliverCallouts(): void {
    const root = this.root;
    this.callouts.deliver(
      root.callout,
      (token, headers, bodySize, trailers) => {
        root.invokeCallout('proxy_on_http_call_response', [root.id, token, headers, bodySize, trailers]);
      },
      (message) => root.logCalloutError(message),
    );
    if (root.grpcWaiting) root.grpc.deliver();
  }

  override headersModified(type: number): void {
    if (type === MapType.HttpRequestHeaders) this.routeCacheClears++;
  }

  override getBuffer(type: number): BodyBuffer | Uint8Array | number {
    if (type === BufferType.HttpRequestBody) return this.requestBody ?? new BodyBuffer();
    if (type === BufferType.HttpResponseBody) return this.responseBody ?? new BodyBuffer();
    return super.getBuffer(type);
  }

  // Envoy queues each reply as an after-call action; the first one ends the stream, so it is kept.
  override sendLocalResponse(reply: LocalReply): number {
    this.effects.localReply ??= reply;
    return WasmResult.Ok;
  }

  // Foreign function clear_route_cache (Envoy 1.33+ foreign.cc): one more route cache clear.
  override clearRouteCache(): void {
    this.routeCacheClears++;
  }

  override continueStream(type: number): number {
    if (type > StreamType.Upstream) return WasmResult.BadArgument;
    if (type === StreamType.Upstream) return WasmResult.Unimplemented;
    if (type === StreamType.HttpRequest) this.effects.continueRequest = true;
    if (type === StreamType.HttpResponse) this.effects.continueResponse = true;
    // Envoy's continueStream falls through and drops the request pointers for either direction.
    if (type <= StreamType.HttpResponse) this.releaseRequest();
    return WasmResult.Ok;
  }

  override closeStream(type: number): number {
    if (type > StreamType.Upstream) return WasmResult.BadArgument;
    this.effects.closeStream = true;
    return WasmResult.Ok;
  }

  override setProperty(path: string, value: Uint8Array): number {
    this.info.filterState.set(`wasm.${path}`, value);
    return WasmResult.Ok;
  }

  override property(segments: string[]): PropertyValue | undefined {
    const [top, ...rest] = segments;
    const own = super.property(segments);
    if (own !== undefined) return own;
    // request.<field> is resolved alone: building the whole request map per read is wasted work.
    if (top === 'request' && rest.length > 0) {
      const field = this.requestProperties(rest[0]).find(([key]) => key === rest[0])?.[1];
      return walk(field, rest.slice(1));
    }
    const value = this.topLevelProperty(top);
    if (value !== undefined) return walk(value, rest);
    // Any other name is filter state `wasm.<name>` (Envoy context.cc findValue fallback).
    const state = this.info.filterState.get(`wasm.${top}`) ?? this.info.filterState.get(top);
    return state !== undefined && rest.length === 0 ? { type: 'bytes', value: state } : undefined;
  }

  private topLevelProperty(name: string): PropertyValue | undefined {
    const info = this.info;
    switch (name) {
      case 'request':
        return map(this.requestProperties());
      case 'source':
        return map([
          ['address', str(info.sourceAddress)],
          ['port', int(portOf(info.sourceAddress))],
        ]);
      case 'destination':
        return map([
          ['address', str(info.destinationAddress)],
          ['port', int(portOf(info.destinationAddress))],
        ]);
      case 'connection':
        return map([
          ['id', uint(info.connectionId)],
          ['mtls', bool(info.mtls)],
          ['requested_server_name', str(info.requestedServerName)],
        ]);
      case 'connection_id':
        return uint(info.connectionId);
      case 'metadata': {
        const namespaces = Object.entries(info.filterMetadata);
        const structs = namespaces.map(([ns, struct]): [string, PropertyValue] => [ns, fromJson(struct)]);
        return { type: 'message', entries: [['filter_metadata', map(structs)]] };
      }
      case 'filter_state':
        return map([...info.filterState].map(([k, v]) => [k, { type: 'bytes', value: v }]));
      case 'xds':
        return map([
          ['route_name', str(info.routeName)],
          ['cluster_name', str(info.clusterName)],
          ['node', { type: 'message', entries: [['id', str(info.nodeId)]] }],
        ]);
      case 'response':
        return this.responseProperties();
      default:
        return undefined;
    }
  }

  // Envoy's response attributes: the code once response headers exist, the details once the
  // response is decided, the headers while they are held or in on_log.
  private responseProperties(): PropertyValue | undefined {
    const entries: [string, PropertyValue][] = [];
    if (this.responseCode !== null) entries.push(['code', int(this.responseCode)]);
    if (this.responseCodeDetails !== null) entries.push(['code_details', str(this.responseCodeDetails)]);
    const headers = this.responseHeaders ?? this.accessLog?.responseHeaders ?? null;
    if (headers !== null) entries.push(['headers', joinedHeaders(headers)]);
    return entries.length === 0 ? undefined : map(entries);
  }

  // Header-derived request fields exist only while request headers are held (or in on_log).
  private requestProperties(only?: string): [string, PropertyValue][] {
    const entries: [string, PropertyValue][] = [
      ['time', { type: 'timestamp', nanos: this.info.startTimeNanos }],
      ['protocol', str(this.info.protocol)],
    ];
    if (this.complete) {
      entries.push(['duration', { type: 'duration', nanos: this.vm.env.clock.now() - this.info.startTimeNanos }]);
    }
    const headers = this.requestHeaders ?? this.accessLog?.requestHeaders ?? null;
    // request.size is content-length when given, else the body bytes received (Envoy attributes).
    const contentLength = headers?.first('content-length');
    const declared = contentLength !== undefined && /^[0-9]+$/.test(contentLength);
    const size = declared ? Number(contentLength) : this.requestBodyBytes;
    entries.push(['size', int(size)]);
    const headerBytes = headers?.byteSize ?? 0;
    entries.push(['headers_bytes', int(headerBytes)], ['total_size', int(headerBytes + this.requestBodyBytes)]);
    if (headers === null) return entries;
    const raw = (value: string | undefined): PropertyValue | undefined =>
      value === undefined ? undefined : { type: 'bytes', value: bytesOf(value) };
    const path = headers.first(':path');
    const query = path?.includes('?') ? path.slice(path.indexOf('?') + 1) : path === undefined ? undefined : '';
    const add = (key: string, value: PropertyValue | undefined) =>
      value !== undefined && (only === undefined || only === key) && entries.push([key, value]);
    add('path', raw(path));
    add('url_path', raw(path?.split('?')[0]));
    add('host', raw(headers.first(':authority')));
    add('scheme', raw(headers.first(':scheme')));
    add('method', raw(headers.first(':method')));
    add('referer', raw(headers.first('referer')));
    add('useragent', raw(headers.first('user-agent')));
    add('id', raw(headers.first('x-request-id')));
    add('query', raw(query));
    if (only === undefined || only === 'headers') add('headers', joinedHeaders(headers));
    return entries;
  }
}

function emptyEffects(): DeferredEffects {
  return { localReply: null, continueRequest: false, continueResponse: false, closeStream: false };
}

// A header map as Envoy's CEL layer shows it: repeated values joined with a comma.
function joinedHeaders(headers: HostHeaderMap): PropertyValue {
  const byName = new Map<string, string[]>();
  for (const [n, v] of headers.pairs()) byName.set(n, [...(byName.get(n) ?? []), v]);
  return map([...byName].map(([n, values]) => [n, { type: 'bytes', value: bytesOf(values.join(',')) }]));
}
