import { FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus } from './abi.ts';
import { BodyBuffer } from './body-buffer.ts';
import type { HostHeaderMap } from './header-map.ts';
import type { LocalReply } from './hostcalls/index.ts';
import type { StallReport } from './request.ts';
import type { DeferredEffects, HostStreamContext } from './stream-context.ts';

export type HeaderStop = 'none' | 'single' | 'all-buffer' | 'all-watermark';

// Where one direction's iteration stands at one filter (Envoy ActiveStreamDecoderFilter/EncoderFilter).
export interface FilterSlot {
  readonly name: string;
  readonly context: HostStreamContext | null;
  headerStop: HeaderStop;
  // What the plugin returned from its headers callback, for the stall report.
  headersResult: number;
  dataStop: 'none' | 'buffer' | 'watermark';
  held: BodyBuffer | null;
  heldEnd: boolean;
  heldTrailers: HostHeaderMap | null;
}

export function newSlot(name: string, context: HostStreamContext | null): FilterSlot {
  return {
    name,
    context,
    headerStop: 'none',
    headersResult: 0,
    dataStop: 'none',
    held: null,
    heldEnd: false,
    heldTrailers: null,
  };
}

// The filter callbacks of one direction: decode* for the request, encode* for the response.
export interface Direction {
  readonly side: 'request' | 'response';
  headers(context: HostStreamContext, headers: HostHeaderMap, end: boolean): number;
  data(context: HostStreamContext, body: BodyBuffer, end: boolean): number;
  trailers(context: HostStreamContext, trailers: HostHeaderMap): number;
  continueAsked(effects: DeferredEffects): boolean;
}

// What the stream does when a filter of this direction ends it.
export interface IterationOwner {
  readonly bufferLimitBytes: number;
  ended(): boolean;
  // A local reply (or the fail-closed 503) asked for in a callback of this direction.
  localReply(reply: LocalReply): void;
  // A buffering filter's body passed the buffer limit.
  bufferOverflow(): void;
  // The headers passed every filter: the router takes them (a copy), or they go downstream; null
  // when the router refused them (the stream has ended).
  headersPassed(side: 'request' | 'response', headers: HostHeaderMap): HostHeaderMap | null;
}

// Envoy's FilterManager iteration for one direction: each filter's status decides whether the
// headers, body frames and trailers go on to the next filter, wait, or are buffered for it.
export class FilterIteration {
  // Set once the headers have passed every filter (the router took them, or they went downstream).
  headersOut: HostHeaderMap | null = null;
  readonly framesOut: Uint8Array[] = [];
  trailersOut: HostHeaderMap | null = null;
  complete = false;

  constructor(
    private readonly slots: FilterSlot[],
    private readonly direction: Direction,
    private readonly owner: IterationOwner,
    private readonly headers: HostHeaderMap,
    private readonly headersEnd: boolean,
  ) {}

  sendHeaders(from = 0): void {
    for (let i = from; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot.context === null) continue;
      const status = this.direction.headers(slot.context, this.headers, this.headersEnd);
      slot.headersResult = slot.context.lastHeadersResult;
      if (this.afterCallback(slot)) return;
      if (status === FilterHeadersStatus.Continue) continue;
      slot.headerStop =
        status === FilterHeadersStatus.StopIteration
          ? 'single'
          : status === FilterHeadersStatus.StopAllIterationAndBuffer
            ? 'all-buffer'
            : 'all-watermark';
      this.resumeIfAsked(slot, i);
      return;
    }
    const passed = this.owner.headersPassed(this.direction.side, this.headers);
    if (passed === null) return;
    this.headersOut = passed;
    if (this.headersEnd) this.complete = true;
  }

  sendData(from: number, chunk: BodyBuffer, end: boolean): void {
    let data = chunk;
    for (let i = from; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot.context === null) continue;
      // StopAll on headers: the body is held for the filter and not handed to it.
      if (slot.headerStop === 'all-buffer' || slot.headerStop === 'all-watermark') {
        this.hold(slot, data, end, slot.headerStop === 'all-buffer');
        return;
      }
      let seen = data;
      if (slot.dataStop === 'buffer') {
        slot.held!.append(data.bytes);
        seen = slot.held!;
        // Envoy's wasm decodeData/encodeData: past the limit the stream ends before the VM is called.
        if (!this.withinLimit(slot.held!, true)) return;
      }
      const status = this.direction.data(slot.context, seen, end);
      if (this.afterCallback(slot)) return;
      if (status === FilterDataStatus.Continue) {
        data = this.release(slot, seen);
        if (slot.headerStop === 'single') {
          slot.headerStop = 'none';
          this.sendHeaders(i + 1);
          if (this.owner.ended()) return;
        }
        continue;
      }
      if (status === FilterDataStatus.StopIterationAndBuffer) {
        if (slot.dataStop !== 'buffer') {
          slot.held = new BodyBuffer(concat(slot.held?.bytes, seen.bytes));
          slot.dataStop = 'buffer';
        }
        slot.heldEnd = end;
        if (!this.withinLimit(slot.held!, true)) return;
      } else if (status === FilterDataStatus.StopIterationAndWatermark) {
        slot.held = new BodyBuffer(concat(slot.held?.bytes, seen.bytes));
        slot.dataStop = 'watermark';
        slot.heldEnd = end;
      }
      // StopIterationNoBuffer: the chunk is dropped.
      this.resumeIfAsked(slot, i);
      return;
    }
    if (data.length > 0) this.framesOut.push(data.bytes);
    if (end) this.complete = true;
  }

  sendTrailers(from: number, trailers: HostHeaderMap): void {
    for (let i = from; i < this.slots.length; i++) {
      const slot = this.slots[i];
      if (slot.context === null) continue;
      if (slot.headerStop === 'all-buffer' || slot.headerStop === 'all-watermark') {
        slot.heldTrailers = trailers;
        return;
      }
      const status = this.direction.trailers(slot.context, trailers);
      if (this.afterCallback(slot)) return;
      if (status !== FilterTrailersStatus.Continue) {
        slot.heldTrailers = trailers;
        this.resumeIfAsked(slot, i);
        return;
      }
      if (!this.flushHeld(slot, i, false)) return;
    }
    this.trailersOut = trailers;
    this.complete = true;
  }

  // Why the direction waits, naming the filter and the status that holds it.
  stallReport(): StallReport | null {
    const side = this.direction.side;
    for (const slot of this.slots) {
      const filter = slot.name;
      if (slot.headerStop !== 'none') return { filter, phase: `${side}_headers`, reason: headerStopReason(slot, side) };
      if (slot.dataStop !== 'none') {
        return { filter, phase: `${side}_body`, reason: `body held (${slot.dataStop}) at end of stream` };
      }
      if (slot.heldTrailers !== null) return { filter, phase: `${side}_trailers`, reason: 'trailers held' };
    }
    return null;
  }

  // A local reply or a fail-closed 503 ends the direction; returns true when it did.
  private afterCallback(slot: FilterSlot): boolean {
    if (this.owner.ended()) return true;
    // Callout answers arrive once the callback that made the calls has returned.
    if (slot.context!.callsWaiting) slot.context!.deliverCallouts();
    const reply = slot.context!.effects.localReply;
    if (reply === null) return false;
    slot.context!.takeEffects();
    this.owner.localReply(reply);
    return true;
  }

  // proxy_continue_stream for this direction, carried out after the callback that asked for it.
  private resumeIfAsked(slot: FilterSlot, index: number): void {
    const effects = slot.context!.takeEffects();
    if (effects.localReply !== null) {
      this.owner.localReply(effects.localReply);
      return;
    }
    if (this.direction.continueAsked(effects)) this.flushHeld(slot, index, true);
  }

  // Lets what a stopped filter holds go on: headers to the next filter, then the held body, then
  // trailers. After StopAll the held body goes to this filter first (Envoy iterate_from_current_filter_).
  private flushHeld(slot: FilterSlot, index: number, resumed: boolean): boolean {
    const wasStoppedAll = slot.headerStop === 'all-buffer' || slot.headerStop === 'all-watermark';
    if (slot.headerStop !== 'none') {
      slot.headerStop = 'none';
      this.sendHeaders(index + 1);
      if (this.owner.ended()) return false;
    }
    const held = slot.held;
    const heldEnd = slot.heldEnd;
    const trailers = slot.heldTrailers;
    slot.held = null;
    slot.dataStop = 'none';
    slot.heldTrailers = null;
    if (held !== null) {
      this.sendData(wasStoppedAll && resumed ? index : index + 1, held, heldEnd);
      if (this.owner.ended()) return false;
    }
    if (trailers !== null && resumed) this.sendTrailers(wasStoppedAll ? index : index + 1, trailers);
    return !this.owner.ended();
  }

  private release(slot: FilterSlot, seen: BodyBuffer): BodyBuffer {
    const out = slot.dataStop === 'watermark' ? new BodyBuffer(concat(slot.held!.bytes, seen.bytes)) : seen;
    slot.dataStop = 'none';
    slot.held = null;
    return out;
  }

  private hold(slot: FilterSlot, data: BodyBuffer, end: boolean, buffering: boolean): void {
    slot.held ??= new BodyBuffer();
    slot.held.append(data.bytes);
    slot.heldEnd = end;
    this.withinLimit(slot.held, buffering);
  }

  // Past the buffer limit in buffering mode Envoy ends the stream (filter_manager requestDataTooLarge,
  // responseDataTooLarge); in watermark mode it stops reading instead, which leaves the stream waiting.
  private withinLimit(buffer: BodyBuffer, buffering: boolean): boolean {
    if (!buffering || buffer.length <= this.owner.bufferLimitBytes) return true;
    this.owner.bufferOverflow();
    return false;
  }
}

function headerStopReason(slot: FilterSlot, side: 'request' | 'response'): string {
  if (slot.headerStop === 'single') return 'headers held (StopIteration) and the body did not let them go';
  const continueCall = `proxy_continue_stream(${side === 'request' ? 'HttpRequest' : 'HttpResponse'})`;
  if (slot.headerStop === 'all-buffer') {
    return `StopAllIterationAndBuffer on ${side} headers: the body is buffered for the filter until ${continueCall}`;
  }
  if (slot.headersResult === FilterHeadersStatus.StopIteration) {
    return (
      `StopIteration on ${side} headers runs as StopAllIterationAndWatermark without ` +
      'allow_on_headers_stop_iteration: the body is held for the filter and never delivered until it calls ' +
      continueCall
    );
  }
  return `StopAllIterationAndWatermark on ${side} headers: the body is held for the filter until ${continueCall}`;
}

function concat(a: Uint8Array | undefined, b: Uint8Array): Uint8Array {
  if (a === undefined || a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
