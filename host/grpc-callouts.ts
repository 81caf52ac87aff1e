import { WasmResult } from './abi.ts';
import type { CalloutReadables } from './callout-readables.ts';
import { grpcTarget } from './grpc-service.ts';
import { HostHeaderMap, utf8ToBytes } from './header-map.ts';
import type { GrpcCallRequest } from './hostcalls/index.ts';
import { percentEncode } from './local-reply.ts';
import type { CalloutAnswer, GrpcAnswer, HeaderList } from './request.ts';

const encoder = new TextEncoder();

// gRPC status codes the host itself produces (grpc/status.h WellKnownGrpcStatus).
const INTERNAL = 13;
const UNAVAILABLE = 14;

// The root context that owns the calls, as far as the calls need it.
export interface GrpcOwner {
  readonly id: number;
  readonly callout: CalloutReadables;
  // Runs a callback on the root context; false when the module does not export it.
  invokeCallout(name: string, args: number[]): boolean;
  nextCalloutToken(kind: 'call' | 'stream'): number;
  reportUnsupported(name: string): void;
  logCalloutError(message: string): void;
}

interface OpenCall {
  token: number;
  kind: 'call' | 'stream';
  cluster: string;
  // null: an envoy_grpc service naming a cluster nothing answers ("Cluster not available").
  answer: CalloutAnswer | null;
  request: GrpcCallRequest;
  localClosed: boolean;
  remoteClosed: boolean;
}

type Step =
  | { kind: 'initial_metadata'; metadata: HostHeaderMap }
  | { kind: 'message'; message: Uint8Array }
  | { kind: 'trailing_metadata'; metadata: HostHeaderMap }
  | { kind: 'close'; status: number; message: string };

// A root context's gRPC calls and streams (Envoy context.cc grpcCall, grpcStream, grpcSend,
// grpcClose, grpcCancel), answered from the request's `callouts` once the callback that made
// them has returned, through the root context's proxy_on_grpc_* callbacks.
export class GrpcCallouts {
  private readonly calls = new Map<number, OpenCall>();
  private readonly queued: OpenCall[] = [];

  constructor(private readonly owner: GrpcOwner) {}

  get waiting(): boolean {
    return this.queued.length > 0;
  }

  open(
    kind: 'call' | 'stream',
    request: GrpcCallRequest,
    answers: CalloutAnswer[],
  ): { result: number; token?: number } {
    const hostCall = kind === 'call' ? 'proxy_grpc_call' : 'proxy_grpc_stream';
    const target = grpcTarget(request.service);
    if (target.kind === 'unset' || target.kind === 'google_grpc') {
      // Envoy panics on a GrpcService without a target and would connect out with Google gRPC.
      this.owner.reportUnsupported(hostCall);
      return { result: WasmResult.BadArgument };
    }
    const answer = answers.find((candidate) => candidate.cluster === target.cluster && candidate.grpc !== undefined);
    if (answer === undefined) this.owner.reportUnsupported(hostCall);
    if (answer === undefined && target.kind === 'cluster') return { result: WasmResult.ParseFailure };
    const call: OpenCall = {
      token: this.owner.nextCalloutToken(kind),
      kind,
      cluster: target.cluster,
      answer: answer ?? null,
      request,
      localClosed: false,
      remoteClosed: false,
    };
    this.queued.push(call);
    // The async client closes a call to an unknown cluster before returning: the call fails and
    // the close still reaches the plugin after its callback (async_client_impl.cc initialize).
    if (answer === undefined) return { result: WasmResult.InternalFailure };
    this.calls.set(call.token, call);
    return { result: WasmResult.Ok, token: call.token };
  }

  send(token: number, _message: Uint8Array, _endOfStream: boolean): number {
    if (token % 4 !== 2) return WasmResult.BadArgument;
    return this.calls.has(token) ? WasmResult.Ok : WasmResult.NotFound;
  }

  // A call is cancelled; a stream is reset and forgotten.
  cancel(token: number): number {
    if (token % 4 !== 1 && token % 4 !== 2) return WasmResult.BadArgument;
    if (!this.calls.delete(token)) return WasmResult.NotFound;
    return WasmResult.Ok;
  }

  // A call is cancelled; a stream is half-closed and kept until the server closes it too.
  close(token: number): number {
    if (token % 4 === 1) return this.cancel(token);
    if (token % 4 !== 2) return WasmResult.BadArgument;
    const stream = this.calls.get(token);
    if (stream === undefined) return WasmResult.NotFound;
    if (stream.remoteClosed) this.calls.delete(token);
    else stream.localClosed = true;
    return WasmResult.Ok;
  }

  // Each queued call's answer, callback by callback, until the plugin cancels it.
  deliver(): void {
    while (this.queued.length > 0) {
      const call = this.queued.shift()!;
      const difference = call.answer === null ? null : expectationMismatch(call.request, call.answer);
      if (difference !== null) this.owner.logCalloutError(`grpc callout to ${call.cluster}: ${difference}`);
      for (const step of stepsFor(call)) {
        if (call.answer !== null && this.calls.get(call.token) !== call) break;
        this.run(call, step);
      }
    }
  }

  private run(call: OpenCall, step: Step): void {
    const { owner } = this;
    const readables = owner.callout;
    const args = (count: number) => [owner.id, call.token, count];
    switch (step.kind) {
      case 'initial_metadata':
        readables.grpcInitialMetadata = step.metadata;
        owner.invokeCallout('proxy_on_grpc_receive_initial_metadata', args(step.metadata.size));
        readables.grpcInitialMetadata = null;
        return;
      case 'message':
        readables.grpcMessage = step.message;
        owner.invokeCallout('proxy_on_grpc_receive', args(step.message.length));
        readables.grpcMessage = null;
        if (call.kind === 'call') this.calls.delete(call.token);
        return;
      case 'trailing_metadata':
        readables.grpcTrailingMetadata = step.metadata;
        owner.invokeCallout('proxy_on_grpc_receive_trailing_metadata', args(step.metadata.size));
        readables.grpcTrailingMetadata = null;
        return;
      case 'close': {
        const saved = readables.statusCode;
        readables.statusCode = step.status;
        readables.statusMessage = step.message;
        // Without proxy_on_grpc_close Envoy sets no status (onGrpcCloseWrapper).
        if (!owner.invokeCallout('proxy_on_grpc_close', args(step.status))) readables.statusCode = saved;
        readables.statusMessage = '';
        call.remoteClosed = true;
        if (call.kind === 'call' || call.localClosed) this.calls.delete(call.token);
      }
    }
  }
}

// The callbacks in the order Envoy's gRPC async client makes them (source/common/grpc/
// async_client_impl.cc): a stream gets initial metadata, each message, trailing metadata, then
// the close; a unary call only the message on OK, else the close (AsyncRequestImpl::onRemoteClose).
function stepsFor(call: OpenCall): Step[] {
  const answer = call.answer;
  if (answer === null) return [{ kind: 'close', status: UNAVAILABLE, message: 'Cluster not available' }];
  // A reset stream fails with Internal after empty trailing metadata (streamError).
  if (answer.reset) {
    const close: Step = { kind: 'close', status: INTERNAL, message: '' };
    return call.kind === 'call' ? [close] : [{ kind: 'trailing_metadata', metadata: new HostHeaderMap() }, close];
  }
  // A timeout is the router's 504 local reply, which a gRPC request gets as grpc-status 14.
  const grpc: GrpcAnswer = answer.timeout ? { status: UNAVAILABLE, message: 'upstream request timeout' } : answer.grpc!;
  const status = grpc.status ?? 0;
  const statusMessage = grpc.message ?? '';
  const messages = (grpc.messages ?? []).map((m) => (typeof m === 'string' ? encoder.encode(m) : m));
  if (call.kind === 'call') {
    if (status !== 0) return [{ kind: 'close', status, message: statusMessage }];
    if (messages.length === 0) return [{ kind: 'close', status: INTERNAL, message: '' }];
    // AsyncRequestImpl keeps the last message it received.
    return [{ kind: 'message', message: messages[messages.length - 1] }];
  }
  const headers = mapOf(
    [
      [':status', '200'],
      ['content-type', 'application/grpc'],
    ],
    grpc.initialMetadata,
  );
  const trailers = mapOf([], grpc.trailingMetadata);
  trailers.add('grpc-status', String(status));
  if (statusMessage !== '') trailers.add('grpc-message', percentEncode(encoder.encode(statusMessage)));
  const close: Step = { kind: 'close', status, message: statusMessage };
  // No message and no initial metadata: a trailers-only response, whose headers end the stream
  // (onHeaders delivers empty initial metadata, then the headers as trailing metadata).
  if (messages.length === 0 && grpc.initialMetadata === undefined) {
    for (const [name, value] of trailers.pairs()) headers.add(name, value);
    return [
      { kind: 'initial_metadata', metadata: new HostHeaderMap() },
      { kind: 'trailing_metadata', metadata: headers },
      close,
    ];
  }
  return [
    { kind: 'initial_metadata', metadata: headers },
    ...messages.map((message): Step => ({ kind: 'message', message })),
    { kind: 'trailing_metadata', metadata: trailers },
    close,
  ];
}

function mapOf(first: HeaderList, rest: HeaderList | undefined): HostHeaderMap {
  const map = new HostHeaderMap();
  for (const [name, value] of [...first, ...(rest ?? [])]) map.add(utf8ToBytes(name), utf8ToBytes(value));
  return map;
}

function expectationMismatch(request: GrpcCallRequest, answer: CalloutAnswer): string | null {
  const expected = answer.grpc?.expect;
  if (expected === undefined) return null;
  if (expected.service !== undefined && request.serviceName !== expected.service) {
    return `expected service ${expected.service}, the plugin called ${request.serviceName}`;
  }
  if (expected.method !== undefined && request.method !== expected.method) {
    return `expected method ${expected.method}, the plugin called ${request.method}`;
  }
  for (const [name, value] of expected.metadata ?? []) {
    const sent = request.metadata.find(([n]) => n === utf8ToBytes(name))?.[1];
    if (sent !== utf8ToBytes(value)) return `expected metadata ${name}: ${value}, the plugin sent ${sent ?? 'none'}`;
  }
  return null;
}
