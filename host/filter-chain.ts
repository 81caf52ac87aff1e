import { FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus } from './abi.ts';
import { BodyBuffer } from './body-buffer.ts';
import type { LocalReply } from './context.ts';
import { HeaderMap, bytesToUtf8, utf8ToBytes } from './header-map.ts';
import { headerNameProblem, headerValueProblem, requestTargetProblem, tokenProblem, trimOptionalWhitespace } from './header-validation.ts';
import type { Plugin } from './plugin.ts';
import type { BodyInput, DownstreamResponse, HttpRequest, Outcome, StallReport, UpstreamRequest } from './request.ts';
import { makeStreamInfo } from './stream-info.ts';
import type { StreamContext } from './stream-context.ts';

export interface ChainOptions {
  // The stream's buffer limit (per_connection_buffer_limit_bytes); Envoy's default is 1 MiB.
  bufferLimitBytes?: number;
}

// Where the decode iteration stands at one filter (Envoy ActiveStreamDecoderFilter state).
interface DecoderState {
  plugin: Plugin;
  context: StreamContext | null;
  headerStop: 'none' | 'single' | 'all-buffer' | 'all-watermark';
  dataStop: 'none' | 'buffer' | 'watermark';
  held: BodyBuffer | null;
  heldEnd: boolean;
  heldTrailers: HeaderMap | null;
}

const encoder = new TextEncoder();
const NO_BYTES = new Uint8Array(0);
const toBytes = (body: BodyInput) => (typeof body === 'string' ? encoder.encode(body) : body);

// Envoy's HTTP filter chain for one listener: the plugins run in order on each request, as the
// filter manager drives them, and the router at the end takes what they let through.
export class FilterChain {
  readonly bufferLimitBytes: number;
  private connections = 0;

  constructor(
    readonly plugins: Plugin[],
    options: ChainOptions = {},
  ) {
    this.bufferLimitBytes = options.bufferLimitBytes ?? 1024 * 1024;
  }

  send(request: HttpRequest): Outcome {
    return new ActiveStream(this, request, ++this.connections).run();
  }
}

// A request Envoy's downstream codec refuses before any filter sees it: the line for the outcome's
// errors and the response code details of its 400.
interface CodecRefusal {
  error: string;
  details: string;
}

class ActiveStream {
  private readonly filters: DecoderState[];
  private readonly headers: HeaderMap;
  private readonly refusal: CodecRefusal | null;
  private readonly trailers: HeaderMap | null;
  private readonly headersEnd: boolean;
  private terminal: LocalReply | null = null;
  private upstreamHeaders: HeaderMap | null = null;
  // Frames as they reach the router, joined only if the caller reads the upstream body.
  private readonly upstreamFrames: Uint8Array[] = [];
  private upstreamTrailers: HeaderMap | null = null;
  private upstreamComplete = false;
  private responseHeaders: HeaderMap | null = null;
  private readonly logMarks: number[];

  constructor(
    private readonly chain: FilterChain,
    private readonly request: HttpRequest,
    connectionId: number,
  ) {
    const clock = chain.plugins[0]?.clock;
    const info = makeStreamInfo(request.stream ?? {}, clock ? clock.now() : 0n, connectionId);
    this.logMarks = chain.plugins.map((p) => p.logs.records.length);
    for (const plugin of chain.plugins) plugin.vm.resetHostCalls();
    this.filters = chain.plugins.map((plugin) => ({
      plugin,
      context: plugin.newStream(info),
      headerStop: 'none',
      dataStop: 'none',
      held: null,
      heldEnd: false,
      heldTrailers: null,
    }));
    const template = requestTemplate(request);
    this.headers = template.headers.clone();
    this.refusal = template.refusal;
    this.trailers = template.trailers;
    this.headersEnd = bodyChunks(request).length === 0 && request.trailers === undefined;
  }

  run(): Outcome {
    if (this.refusal !== null) return this.refuse(this.refusal);
    this.decodeHeaders(0);
    const chunks = bodyChunks(this.request);
    // No copy of the frames: a BodyBuffer never writes into the array it was made from.
    chunks.forEach((chunk, index) => {
      if (this.terminal === null) this.decodeData(0, new BodyBuffer(chunk), index === chunks.length - 1 && this.request.trailers === undefined);
    });
    if (this.trailers !== null && this.terminal === null) this.decodeTrailers(0, this.trailers.clone());

    let outcome: ChainOutcome;
    if (this.terminal !== null) {
      outcome = this.finish('local_reply', this.encodeLocalReply(this.terminal), null);
    } else if (this.upstreamComplete) {
      outcome = this.finish('continue', this.encodeUpstreamResponse(), null);
    } else {
      outcome = this.finish('stalled', null, this.stallReport());
    }
    this.destroy(outcome);
    return outcome;
  }

  // The downstream codec answers 400 itself: no filter is created, none of their callbacks runs
  // (Envoy ServerConnectionImpl::sendProtocolError). Trailers are checked up front here; in Envoy
  // the stream would be reset when they arrive.
  private refuse(refusal: CodecRefusal): Outcome {
    const body = encoder.encode('Bad Request');
    const headers = new HeaderMap();
    headers.add(':status', '400');
    headers.add('content-length', String(body.length));
    headers.add('content-type', 'text/plain');
    const outcome = new ChainOutcome('local_reply', null, new ResponseView(400, body, refusal.details, headers), null, this.chain.plugins);
    outcome.errors.push(refusal.error);
    this.chain.plugins.forEach((plugin, index) => {
      outcome.routeCacheClears[plugin.name] = 0;
      outcome.hostCallCounts.push(plugin.vm.hostCallSnapshot());
      for (const record of plugin.logs.since(this.logMarks[index])) outcome.logs.push({ ...record, plugin: plugin.name });
    });
    return outcome;
  }

  // ---- decoding, filter by filter (Envoy FilterManager::decodeHeaders/decodeData/decodeTrailers).

  private decodeHeaders(from: number): void {
    for (let i = from; i < this.filters.length; i++) {
      const state = this.filters[i];
      if (state.context === null) continue;
      const status = state.context.decodeHeaders(this.headers, this.headersEnd);
      if (this.afterCallback(state)) return;
      if (status === FilterHeadersStatus.Continue) continue;
      state.headerStop =
        status === FilterHeadersStatus.StopIteration ? 'single' : status === FilterHeadersStatus.StopAllIterationAndBuffer ? 'all-buffer' : 'all-watermark';
      this.resumeIfAsked(state, i);
      return;
    }
    // The router takes the headers now; later changes by filters cannot reach upstream.
    if (this.invalidWriteSeen()) {
      const reply = upstreamCodecRefusal(this.headers);
      if (reply !== null) {
        this.terminal = reply;
        return;
      }
    }
    this.upstreamHeaders = this.headers.clone();
    if (this.headersEnd) this.upstreamComplete = true;
  }

  private decodeData(from: number, chunk: BodyBuffer, end: boolean): void {
    let data = chunk;
    for (let i = from; i < this.filters.length; i++) {
      const state = this.filters[i];
      if (state.context === null) continue;
      // StopAll on headers: the body is held for the filter and not handed to it.
      if (state.headerStop === 'all-buffer' || state.headerStop === 'all-watermark') {
        this.hold(state, data, end, state.headerStop === 'all-buffer');
        return;
      }
      let seen = data;
      if (state.dataStop === 'buffer') {
        state.held!.append(data.bytes);
        seen = state.held!;
      }
      const status = state.context.decodeData(seen, end);
      if (this.afterCallback(state)) return;
      if (status === FilterDataStatus.Continue) {
        data = this.release(state, seen);
        if (state.headerStop === 'single') {
          state.headerStop = 'none';
          this.decodeHeaders(i + 1);
          if (this.terminal !== null) return;
        }
        continue;
      }
      if (status === FilterDataStatus.StopIterationAndBuffer) {
        if (state.dataStop !== 'buffer') {
          state.held = new BodyBuffer(concat(state.held?.bytes, seen.bytes));
          state.dataStop = 'buffer';
        }
        state.heldEnd = end;
        if (!this.checkLimit(state.held!, true)) return;
      } else if (status === FilterDataStatus.StopIterationAndWatermark) {
        state.held = new BodyBuffer(concat(state.held?.bytes, seen.bytes));
        state.dataStop = 'watermark';
        state.heldEnd = end;
      }
      // StopIterationNoBuffer: the chunk is dropped.
      this.resumeIfAsked(state, i);
      return;
    }
    if (data.length > 0) this.upstreamFrames.push(data.bytes);
    if (end) this.upstreamComplete = true;
  }

  private decodeTrailers(from: number, trailers: HeaderMap): void {
    for (let i = from; i < this.filters.length; i++) {
      const state = this.filters[i];
      if (state.context === null) continue;
      if (state.headerStop === 'all-buffer' || state.headerStop === 'all-watermark') {
        state.heldTrailers = trailers;
        return;
      }
      const status = state.context.decodeTrailers(trailers);
      if (this.afterCallback(state)) return;
      if (status !== FilterTrailersStatus.Continue) {
        state.heldTrailers = trailers;
        this.resumeIfAsked(state, i);
        return;
      }
      if (!this.flushHeld(state, i, false)) return;
    }
    this.upstreamTrailers = trailers;
    this.upstreamComplete = true;
  }

  // Only then is the map scanned: client headers were checked once, when the request came in.
  private invalidWriteSeen(): boolean {
    for (let i = 0; i < this.filters.length; i++) if (this.filters[i].context?.invalidWrites != null) return true;
    return false;
  }

  // A local reply or a fail-closed 503 ends decoding; returns true when it did.
  private afterCallback(state: DecoderState): boolean {
    if (this.terminal !== null) return true;
    const reply = state.context!.effects.localReply;
    if (reply !== null) {
      state.context!.takeEffects();
      this.terminal = reply;
      return true;
    }
    return false;
  }

  // proxy_continue_stream(HttpRequest), carried out after the callback that asked for it.
  private resumeIfAsked(state: DecoderState, index: number): void {
    const effects = state.context!.takeEffects();
    if (effects.localReply !== null) {
      this.terminal = effects.localReply;
      return;
    }
    if (effects.continueRequest) this.flushHeld(state, index, true);
  }

  // Lets what a stopped filter holds go on: headers to the next filter, then the held body, then
  // trailers. After StopAll the held body goes to this filter first (Envoy iterate_from_current_filter_).
  private flushHeld(state: DecoderState, index: number, resumed: boolean): boolean {
    const wasStoppedAll = state.headerStop === 'all-buffer' || state.headerStop === 'all-watermark';
    if (state.headerStop !== 'none') {
      state.headerStop = 'none';
      this.decodeHeaders(index + 1);
      if (this.terminal !== null) return false;
    }
    const held = state.held;
    const heldEnd = state.heldEnd;
    const trailers = state.heldTrailers;
    state.held = null;
    state.dataStop = 'none';
    state.heldTrailers = null;
    if (held !== null) {
      this.decodeData(wasStoppedAll && resumed ? index : index + 1, held, heldEnd);
      if (this.terminal !== null) return false;
    }
    if (trailers !== null && resumed) this.decodeTrailers(wasStoppedAll ? index : index + 1, trailers);
    return this.terminal === null;
  }

  private release(state: DecoderState, seen: BodyBuffer): BodyBuffer {
    const out = state.dataStop === 'watermark' ? new BodyBuffer(concat(state.held!.bytes, seen.bytes)) : seen;
    state.dataStop = 'none';
    state.held = null;
    return out;
  }

  private hold(state: DecoderState, data: BodyBuffer, end: boolean, buffering: boolean): void {
    state.held ??= new BodyBuffer();
    state.held.append(data.bytes);
    state.heldEnd = end;
    this.checkLimit(state.held, buffering);
  }

  // Past the buffer limit in buffering mode Envoy answers 413 (filter_manager requestDataTooLarge);
  // in watermark mode it stops reading instead, which leaves the request waiting.
  private checkLimit(buffer: BodyBuffer, buffering: boolean): boolean {
    if (!buffering || buffer.length <= this.chain.bufferLimitBytes) return true;
    this.terminal = { status: 413, details: 'request_payload_too_large', body: encoder.encode('Payload Too Large'), headers: [], grpcStatus: null };
    return false;
  }

  private stallReport(): StallReport {
    for (const state of this.filters) {
      if (state.headerStop !== 'none') {
        const reason =
          state.headerStop === 'single'
            ? 'headers held (StopIteration) and the body did not let them go'
            : 'StopIteration on request headers runs as StopAllIterationAndWatermark without allow_on_headers_stop_iteration: the body is held for the filter and never delivered until it calls proxy_continue_stream';
        return { filter: state.plugin.name, phase: 'request_headers', reason };
      }
      if (state.dataStop !== 'none') return { filter: state.plugin.name, phase: 'request_body', reason: `body held (${state.dataStop}) at end of stream` };
      if (state.heldTrailers !== null) return { filter: state.plugin.name, phase: 'request_trailers', reason: 'trailers held' };
    }
    return { filter: '', phase: 'request_headers', reason: 'the request did not complete' };
  }

  // ---- encoding: the local reply or the upstream's answer runs through the filters in reverse.

  private encodeLocalReply(reply: LocalReply) {
    const headers = new HeaderMap();
    headers.add(':status', String(reply.status));
    for (const [name, value] of reply.headers) headers.add(name, value);
    // Envoy's local reply: content-length for a body, text/plain unless the sender set a type.
    if (reply.body.length > 0) {
      headers.replace('content-length', String(reply.body.length));
      if (headers.first('content-type') === undefined) headers.add('content-type', 'text/plain');
    }
    return this.encode(headers, reply.body, reply.details);
  }

  private encodeUpstreamResponse() {
    const answer = this.request.upstreamResponse ?? {};
    const headers = new HeaderMap();
    headers.add(':status', String(answer.status ?? 200));
    for (const [name, value] of answer.headers ?? []) headers.add(utf8ToBytes(name), utf8ToBytes(value));
    return this.encode(headers, answer.body === undefined ? NO_BYTES : toBytes(answer.body), 'via_upstream');
  }

  private encode(headers: HeaderMap, bodyBytes: Uint8Array, details: string) {
    const body = new BodyBuffer(bodyBytes.slice());
    for (let i = this.filters.length - 1; i >= 0; i--) {
      const context = this.filters[i].context;
      if (context === null) continue;
      context.encodeHeaders(headers, body.length === 0);
      context.takeEffects();
      if (body.length > 0) {
        context.encodeData(body, true);
        context.takeEffects();
      }
    }
    this.responseHeaders = headers;
    return new ResponseView(Number(headers.first(':status')), body.bytes, details, headers);
  }

  private finish(decision: Outcome['decision'], response: Outcome['response'], stall: StallReport | null): ChainOutcome {
    const upstream = decision === 'continue' && this.upstreamHeaders !== null ? new UpstreamView(this.upstreamHeaders, this.upstreamFrames, this.upstreamTrailers?.toUtf8Pairs() ?? null) : null;
    return new ChainOutcome(decision, upstream, response, stall, this.chain.plugins);
  }

  // Access log (proxy_on_log) for every filter, then filter destruction (on_done, on_delete).
  private destroy(outcome: ChainOutcome): void {
    for (const state of this.filters) {
      state.context?.log({ requestHeaders: this.headers, responseHeaders: this.responseHeaders, responseTrailers: null });
    }
    for (const state of this.filters) state.context?.destroy();
    const plugins = this.chain.plugins;
    for (let index = 0; index < plugins.length; index++) {
      const plugin = plugins[index];
      const context = this.filters[index].context;
      outcome.routeCacheClears[plugin.name] = context?.routeCacheClears ?? 0;
      if (context != null && context.invalidWrites !== null) outcome.errors.push(...context.invalidWrites);
      outcome.hostCallCounts.push(plugin.vm.hostCallSnapshot());
      for (const record of plugin.logs.since(this.logMarks[index])) outcome.logs.push({ ...record, plugin: plugin.name });
    }
  }
}

// What a stream produced. Readable forms (header pairs as UTF-8, the joined body, host calls by
// name, metrics) are made only when read: benchmarks never read them, and classes with getters
// cost nothing per stream where a closure per lazy field did.
class ChainOutcome implements Outcome {
  readonly routeCacheClears: Record<string, number> = {};
  readonly errors: string[] = [];
  readonly logs: Outcome['logs'] = [];
  // Per plugin, its host-call counts for this stream (slots of its VM).
  readonly hostCallCounts: number[][] = [];
  #plugins: Plugin[];
  #hostCalls: Outcome['hostCalls'] | undefined;

  constructor(
    readonly decision: Outcome['decision'],
    readonly upstream: UpstreamRequest | null,
    readonly response: DownstreamResponse | null,
    readonly stall: StallReport | null,
    plugins: Plugin[],
  ) {
    this.#plugins = plugins;
  }

  get hostCalls(): Outcome['hostCalls'] {
    this.#hostCalls ??= Object.fromEntries(this.#plugins.map((plugin, index) => [plugin.name, plugin.vm.hostCallsByName(this.hostCallCounts[index])]));
    return this.#hostCalls;
  }

  // Read when asked for: a snapshot per request would dominate the host's cost.
  get metrics(): Outcome['metrics'] {
    return Object.fromEntries(this.#plugins.map((plugin) => [plugin.name, plugin.metrics.snapshot()]));
  }
}

class UpstreamView implements UpstreamRequest {
  #map: HeaderMap;
  #frames: Uint8Array[];
  #pairs: [string, string][] | undefined;
  #body: Uint8Array | undefined;

  constructor(map: HeaderMap, frames: Uint8Array[], readonly trailers: [string, string][] | null) {
    this.#map = map;
    this.#frames = frames;
  }

  get headers(): [string, string][] {
    this.#pairs ??= this.#map.toUtf8Pairs();
    return this.#pairs;
  }

  // Frames as they reached the router, joined on first read.
  get body(): Uint8Array {
    this.#body ??= joinFrames(this.#frames);
    return this.#body;
  }
}

class ResponseView implements DownstreamResponse {
  #map: HeaderMap;
  #pairs: [string, string][] | undefined;

  constructor(
    readonly status: number,
    readonly body: Uint8Array,
    readonly details: string,
    map: HeaderMap,
  ) {
    this.#map = map;
  }

  get headers(): [string, string][] {
    this.#pairs ??= this.#map.toUtf8Pairs();
    return this.#pairs;
  }
}

function joinFrames(frames: Uint8Array[]): Uint8Array {
  if (frames.length === 1) return frames[0]!;
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let offset = 0;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}

// The request's header map and the codec's verdict on it, made once per request object; each
// send copies the map.
interface RequestTemplate {
  headers: HeaderMap;
  trailers: HeaderMap | null;
  refusal: CodecRefusal | null;
}

const requestTemplates = new WeakMap<HttpRequest, RequestTemplate>();

function requestTemplate(request: HttpRequest): RequestTemplate {
  let template = requestTemplates.get(request);
  if (template === undefined) {
    template = buildRequestTemplate(request);
    // Serialized once here, so every copy answers proxy_get_header_map_pairs without redoing it
    // until a filter changes that copy.
    template.headers.serializedPairs();
    requestTemplates.set(request, template);
  }
  return template;
}

function buildRequestTemplate(request: HttpRequest): RequestTemplate {
  const map = new HeaderMap();
  let refusal: CodecRefusal | null = null;
  const refuse = (what: string, problem: string | null, details: string) => {
    if (problem !== null && refusal === null) refusal = { error: `${what}: ${problem}; Envoy's codec answers 400 (${details}) before any filter runs`, details };
  };
  const method = request.method ?? 'GET';
  const authority = utf8ToBytes(request.authority ?? 'example.com');
  const path = utf8ToBytes(request.path ?? '/');
  refuse(`method ${JSON.stringify(method)}`, tokenProblem(method), 'http1.codec_error');
  refuse(`path ${JSON.stringify(request.path)}`, requestTargetProblem(path), 'http1.codec_error');
  refuse(`authority ${JSON.stringify(request.authority)}`, requestTargetProblem(authority), 'http1.codec_error');
  map.add(':method', method);
  map.add(':scheme', request.scheme ?? 'http');
  map.add(':authority', authority);
  map.add(':path', path);
  for (const [name, value] of request.headers ?? []) {
    const [nameBytes, valueBytes] = checkedField('request header', name, value, refuse);
    map.add(nameBytes, valueBytes);
  }
  let trailers: HeaderMap | null = null;
  if (request.trailers !== undefined) {
    trailers = new HeaderMap();
    for (const [name, value] of request.trailers) {
      const [nameBytes, valueBytes] = checkedField('request trailer', name, value, refuse);
      trailers.add(nameBytes, valueBytes);
    }
  }
  return { headers: map, trailers, refusal };
}

// A field as the codec delivers it (value without surrounding whitespace), after its checks.
function checkedField(what: string, name: string, value: string, refuse: (what: string, problem: string | null, details: string) => void): [string, string] {
  const nameBytes = utf8ToBytes(name);
  const valueBytes = trimOptionalWhitespace(utf8ToBytes(value));
  refuse(`${what} ${JSON.stringify(name)}`, headerNameProblem(nameBytes), 'http1.codec_error');
  refuse(`${what} ${JSON.stringify(name)}`, headerValueProblem(valueBytes), 'http1.invalid_characters');
  return [nameBytes, valueBytes];
}

// The upstream codec's check of what the filters left (HeaderUtility::checkValidRequestHeaders in
// http1/http2 encodeHeaders); the router answers a failure with a 503 (upstream_request.cc).
function upstreamCodecRefusal(headers: HeaderMap): LocalReply | null {
  for (const [name, value] of headers.pairs()) {
    const pseudo = name.charCodeAt(0) === 0x3a;
    const nameProblem = headerNameProblem(pseudo ? name.slice(1) : name);
    if (nameProblem === null && headerValueProblem(value) === null) continue;
    const message = `invalid header ${nameProblem !== null ? 'name' : 'value for'}: ${JSON.stringify(bytesToUtf8(name)).slice(1, -1)}`;
    const details = `filter_removed_required_request_headers{${message.replace(/ /g, '_')}}`;
    return { status: 503, details, body: encoder.encode(message), headers: [], grpcStatus: null };
  }
  return null;
}

function bodyChunks(request: HttpRequest): Uint8Array[] {
  if (request.body === undefined) return [];
  const chunks = Array.isArray(request.body) ? request.body : [request.body];
  return chunks.map(toBytes);
}

function concat(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  if (a === undefined || a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

