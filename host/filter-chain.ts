import { BodyBuffer } from './body-buffer.ts';
import type { Clock } from './clock.ts';
import { codecErrorResponse, requestTemplate, upstreamCodecRefusal, type CodecRefusal } from './codecs.ts';
import { FilterIteration, newSlot, type Direction, type FilterSlot, type IterationOwner } from './filter-iteration.ts';
import { addRequestId } from './connection-manager.ts';
import { HostHeaderMap, utf8ToBytes } from './header-map.ts';
import { HttpCallouts } from './http-callouts.ts';
import { isGrpcRequest, prepareLocalReply, type LocalReply, type PreparedReply } from './local-reply.ts';
import { ChainOutcome, joinFrames, ResponseView, UpstreamView } from './outcome.ts';
import type { Plugin } from './plugin.ts';
import type { BodyInput, Decision, DownstreamResponse, HttpRequest, StallReport, Outcome } from './request.ts';
import { makeStreamInfo } from './stream-info.ts';
import type { HostStreamContext } from './stream-context.ts';

export interface ChainOptions {
  // The stream's buffer limit (per_connection_buffer_limit_bytes); Envoy's default is 1 MiB.
  bufferLimitBytes?: number;
}

const encoder = new TextEncoder();
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
    if (request.advanceMilliseconds !== undefined) this.advanceClocks(request.advanceMilliseconds);
    const stream = new ActiveStream(this, request, ++this.connections);
    // Ticks due when the request arrives fire first; their logs belong to this outcome.
    for (const plugin of this.plugins) if (plugin.vm.tickPeriodMilliseconds !== 0) plugin.fireDueTicks();
    return stream.run();
  }

  // Moves every settable plugin clock (fixedClock) forward; timers that fall due then fire.
  advanceClocks(milliseconds: number): void {
    const advanced = new Set<Clock>();
    for (const plugin of this.plugins) {
      const clock = plugin.clock as Clock & { advance?: (seconds: number) => void };
      if (advanced.has(clock) || clock.advance === undefined) continue;
      advanced.add(clock);
      clock.advance(milliseconds / 1000);
    }
  }
}

// Envoy's decode direction: the plugins in order, the router after the last.
const DECODE: Direction = {
  side: 'request',
  headers: (context, headers, end) => context.decodeHeaders(headers, end),
  data: (context, body, end) => context.decodeData(body, end),
  trailers: (context, trailers) => context.decodeTrailers(trailers),
  continueAsked: (effects) => effects.continueRequest,
};

// The encode direction: the plugins in reverse order, downstream after the first.
const ENCODE: Direction = {
  side: 'response',
  headers: (context, headers, end) => context.encodeHeaders(headers, end),
  data: (context, body, end) => context.encodeData(body, end),
  trailers: (context, trailers) => context.encodeTrailers(trailers),
  continueAsked: (effects) => effects.continueResponse,
};

class ActiveStream implements IterationOwner {
  readonly bufferLimitBytes: number;
  private readonly contexts: (HostStreamContext | null)[];
  private readonly headers: HostHeaderMap;
  private readonly trailers: HostHeaderMap | null;
  private readonly refusal: CodecRefusal | null;
  private readonly codecCounters: Record<string, number>;
  private readonly decoder: FilterIteration;
  private encoder: FilterIteration | null = null;
  // The local reply that ended decoding.
  private terminal: LocalReply | null = null;
  // While encoding: a reply sent before the headers went downstream replaces the response
  // (FilterManager sendDirectLocalReply); after that, the stream is reset.
  private directReply: PreparedReply | null = null;
  private resetDetails: string | null = null;
  private upstreamHeaders: HostHeaderMap | null = null;
  private responseHeaders: HostHeaderMap | null = null;
  private responseTrailers: HostHeaderMap | null = null;
  private readonly logMarks: number[];
  private readonly chunks: Uint8Array[];

  constructor(
    private readonly chain: FilterChain,
    private readonly request: HttpRequest,
    connectionId: number,
  ) {
    this.bufferLimitBytes = chain.bufferLimitBytes;
    const clock = chain.plugins[0]?.clock;
    const info = makeStreamInfo(request.stream ?? {}, clock ? clock.now() : 0n, connectionId);
    this.logMarks = chain.plugins.map((p) => p.logs.records.length);
    for (const plugin of chain.plugins) plugin.vm.resetHostCalls();
    const template = requestTemplate(request);
    this.refusal = template.refusal;
    this.codecCounters = template.codecCounters;
    this.headers = template.headers.clone();
    // A new id for every request, as Envoy draws one per stream.
    addRequestId(this.headers);
    this.trailers = template.trailers === null ? null : template.trailers.clone();
    // A request the downstream codec refuses never gets a filter chain: no context is created.
    this.contexts = chain.plugins.map((plugin) => (this.refusal === null ? plugin.newStream(info) : null));
    if (request.callouts !== undefined) {
      for (const context of this.contexts) if (context !== null) context.callouts = new HttpCallouts(request.callouts);
    }
    const slots = chain.plugins.map((plugin, index) => newSlot(plugin.name, this.contexts[index]));
    this.chunks = bodyChunks(request.body);
    const headersEnd = this.chunks.length === 0 && this.trailers === null;
    this.decoder = new FilterIteration(slots, DECODE, this, this.headers, headersEnd);
  }

  // The router takes a copy of the request headers: later changes by filters cannot reach upstream.
  // A header a filter wrote that the upstream codec refuses makes the router answer 503 instead.
  headersPassed(side: 'request' | 'response', headers: HostHeaderMap): HostHeaderMap | null {
    if (side === 'response') return headers;
    if (this.invalidWriteSeen()) {
      const reply = upstreamCodecRefusal(headers);
      if (reply !== null) {
        this.localReply(reply);
        return null;
      }
    }
    this.upstreamHeaders = headers.clone();
    return this.upstreamHeaders;
  }

  // Only then is the map scanned: client headers were checked once, when the request came in.
  private invalidWriteSeen(): boolean {
    const contexts = this.contexts;
    for (let i = 0; i < contexts.length; i++) if (contexts[i]?.invalidWrites != null) return true;
    return false;
  }

  run(): ChainOutcome {
    if (this.refusal !== null) return this.refuse(this.refusal);
    const chunks = this.chunks;
    const trailers = this.trailers;
    this.decoder.sendHeaders();
    // No copy of the frames: a BodyBuffer never writes into the array it was made from.
    for (let index = 0; index < chunks.length && this.terminal === null; index++) {
      const chunk = chunks[index];
      const end = index === chunks.length - 1 && trailers === null;
      // Envoy's bytes received, read by request.size and request.total_size.
      for (const context of this.contexts) if (context !== null) context.requestBodyBytes += chunk.length;
      this.decoder.sendData(0, new BodyBuffer(chunk), end);
    }
    if (trailers !== null && this.terminal === null) this.decoder.sendTrailers(0, trailers);

    let outcome: ChainOutcome;
    if (this.terminal !== null) {
      // A local reply runs through the encoder filters like a response (sendLocalReplyViaFilterChain).
      const reply = prepareLocalReply(this.terminal, isGrpcRequest(this.headers));
      const frames = reply.body.length > 0 ? [reply.body] : [];
      outcome = this.encode(reply.headers, frames, null, reply.details, 'local_reply');
    } else if (this.decoder.complete) {
      const answer = this.request.upstreamResponse ?? {};
      const headers = new HostHeaderMap();
      headers.add(':status', String(answer.status ?? 200));
      for (const [name, value] of answer.headers ?? []) headers.add(utf8ToBytes(name), utf8ToBytes(value));
      const trailers = answer.trailers === undefined ? null : HostHeaderMap.fromPairs(answer.trailers);
      const frames = bodyChunks(answer.body).filter((frame) => frame.length > 0);
      outcome = this.encode(headers, frames, trailers, 'via_upstream', 'continue');
    } else {
      const unfinished: StallReport = { filter: '', phase: 'request_headers', reason: 'the request did not complete' };
      const stall = this.decoder.stallReport() ?? unfinished;
      outcome = this.finish('stalled', null, stall);
    }
    this.destroy(outcome);
    return outcome;
  }

  // The downstream codec answers 400 itself (Envoy ServerConnectionImpl::sendProtocolError). Trailers
  // are checked up front here; in Envoy the stream would be reset when they arrive.
  private refuse(refusal: CodecRefusal): ChainOutcome {
    let response: ResponseView | null = null;
    if (refusal.reset !== true) {
      const { headers, body } = codecErrorResponse();
      this.responseHeaders = headers;
      response = new ResponseView(400, body, refusal.details, headers);
    }
    const outcome = new ChainOutcome(refusal.reset ? 'reset' : 'local_reply', null, response, null, this.chain.plugins);
    outcome.codecCounters = this.codecCounters;
    outcome.errors.push(refusal.error);
    this.destroy(outcome);
    return outcome;
  }

  ended(): boolean {
    return this.encoder === null ? this.terminal !== null : this.directReply !== null || this.resetDetails !== null;
  }

  localReply(reply: LocalReply): void {
    if (this.encoder === null) {
      this.terminal ??= reply;
    } else if (this.directReply === null && this.resetDetails === null) {
      if (this.encoder.headersOut === null) this.directReply = prepareLocalReply(reply, isGrpcRequest(this.headers));
      else this.resetDetails = reply.details;
    }
  }

  // Envoy's requestDataTooLarge answers 413; responseDataTooLarge a 500 (or a reset once headers went).
  bufferOverflow(): void {
    if (this.encoder === null) {
      this.localReply(textReply(413, 'request_payload_too_large', 'Payload Too Large'));
    } else {
      this.localReply(textReply(500, 'response_payload_too_large', 'Internal Server Error'));
    }
  }

  // ---- encoding: the local reply or the upstream's answer runs through the filters in reverse.

  private encode(
    headers: HostHeaderMap,
    frames: Uint8Array[],
    trailers: HostHeaderMap | null,
    details: string,
    decision: Decision,
  ): ChainOutcome {
    for (const context of this.contexts) if (context !== null) context.responseCodeDetails = details;
    const slots: FilterSlot[] = [];
    for (let i = this.contexts.length - 1; i >= 0; i--) {
      slots.push(newSlot(this.chain.plugins[i].name, this.contexts[i]));
    }
    const headersEnd = frames.length === 0 && trailers === null;
    const encoder = new FilterIteration(slots, ENCODE, this, headers, headersEnd);
    this.encoder = encoder;
    encoder.sendHeaders();
    for (let index = 0; index < frames.length && !this.ended(); index++) {
      encoder.sendData(0, new BodyBuffer(frames[index].slice()), index === frames.length - 1 && trailers === null);
    }
    if (trailers !== null && !this.ended()) encoder.sendTrailers(0, trailers);

    if (this.directReply !== null) {
      const reply = this.directReply;
      for (const context of this.contexts) if (context !== null) context.responseCodeDetails = reply.details;
      this.responseHeaders = reply.headers;
      const status = Number(reply.headers.first(':status'));
      return this.finish('local_reply', new ResponseView(status, reply.body, reply.details, reply.headers), null);
    }
    if (this.resetDetails !== null) {
      const resetDetails = this.resetDetails;
      for (const context of this.contexts) if (context !== null) context.responseCodeDetails = resetDetails;
      this.responseHeaders = encoder.headersOut;
      return this.finish('reset', null, null);
    }
    if (!encoder.complete) {
      const reason = 'the response did not complete';
      const unfinished: StallReport = { filter: '', phase: 'response_headers', reason };
      const stall = encoder.stallReport() ?? unfinished;
      return this.finish('stalled', null, stall);
    }
    this.responseHeaders = encoder.headersOut;
    this.responseTrailers = encoder.trailersOut;
    const status = Number(encoder.headersOut!.first(':status'));
    const body = joinFrames(encoder.framesOut);
    return this.finish(decision, new ResponseView(status, body, details, encoder.headersOut!), null);
  }

  private finish(decision: Decision, response: DownstreamResponse | null, stall: StallReport | null): ChainOutcome {
    const trailers = this.decoder.trailersOut?.toUtf8Pairs() ?? null;
    const upstream =
      this.decoder.complete && this.upstreamHeaders !== null
        ? new UpstreamView(this.upstreamHeaders, this.decoder.framesOut, trailers)
        : null;
    const outcome = new ChainOutcome(decision, upstream, response, stall, this.chain.plugins);
    outcome.codecCounters = this.codecCounters;
    return outcome;
  }

  // Access log (proxy_on_log) for every filter, then filter destruction (on_done, on_delete).
  private destroy(outcome: ChainOutcome): void {
    const view = {
      requestHeaders: this.headers,
      responseHeaders: this.responseHeaders,
      responseTrailers: this.responseTrailers,
    };
    for (const context of this.contexts) {
      if (context === null) continue;
      context.complete = true;
      context.log(view);
    }
    for (const context of this.contexts) context?.destroy();
    const plugins = this.chain.plugins;
    for (let index = 0; index < plugins.length; index++) {
      const plugin = plugins[index];
      const context = this.contexts[index];
      outcome.routeCacheClears[plugin.name] = context?.routeCacheClears ?? 0;
      if (context != null && context.invalidWrites !== null) outcome.errors.push(...context.invalidWrites);
      outcome.hostCallCounts.push(plugin.vm.hostCallSnapshot());
      for (const record of plugin.logs.since(this.logMarks[index])) {
        outcome.logs.push({ ...record, plugin: plugin.name });
      }
    }
  }
}

function textReply(status: number, details: string, body: string): LocalReply {
  return { status, details, body: encoder.encode(body), headers: [], grpcStatus: null };
}

function bodyChunks(body: BodyInput | BodyInput[] | undefined): Uint8Array[] {
  if (body === undefined) return [];
  const chunks = Array.isArray(body) ? body : [body];
  return chunks.map(toBytes);
}
