import type { BodyBuffer } from '../body-buffer.ts';
import type { Clock } from '../clock.ts';
import type { GuestMemory } from '../guest-memory.ts';
import type { HostHeaderMap } from '../header-map.ts';
import type { LogSink } from '../logs.ts';
import type { MetricStore } from '../metrics.ts';
import type { PropertyValue } from '../properties.ts';

export interface LocalReply {
  status: number;
  details: string;
  body: Uint8Array;
  headers: [string, string][];
  grpcStatus: number | null;
}

// A gRPC call or stream as proxy_grpc_call / proxy_grpc_stream pass it (a stream has no message).
export interface GrpcCallRequest {
  // A serialized GrpcService or a cluster name (Envoy context.cc grpcCall).
  service: Uint8Array;
  serviceName: string;
  method: string;
  metadata: [string, string][];
  message: Uint8Array;
}

// What a host call may find for a header map: the map, or the status that says why not.
export type MapLookup = HostHeaderMap | number;

// A Wasm context (root or stream) as host calls act on it.
export interface HostCallContext {
  readonly logPrefix: string;
  readonly plugin: { readonly name: string };
  getMap(type: number): MapLookup;
  getMutableMap(type: number): MapLookup;
  headersModified(type: number): void;
  // A header write Envoy's upstream codec would refuse: one line for the outcome's errors.
  reportInvalidWrite(line: string): void;
  getBuffer(type: number): BodyBuffer | Uint8Array | number;
  property(segments: string[]): PropertyValue | undefined;
  setProperty(path: string, value: Uint8Array): number;
  sendLocalResponse(reply: LocalReply): number;
  continueStream(type: number): number;
  closeStream(type: number): number;
  clearRouteCache(): void;
  // proxy_http_call: Ok with the call's token, or the status that refuses it.
  httpCall(cluster: string, headers: HostHeaderMap, body: Uint8Array): { result: number; token?: number };
  // proxy_get_status: the last callout's status and message.
  callStatus(): { code: number; message: string };
  // proxy_grpc_*: Ok with the call's token, or the status that refuses it.
  grpcCall(request: GrpcCallRequest): { result: number; token?: number };
  grpcStream(request: GrpcCallRequest): { result: number; token?: number };
  grpcSend(token: number, message: Uint8Array, endOfStream: boolean): number;
  grpcCancel(token: number): number;
  grpcClose(token: number): number;
}

// What a VM shares with every context: where logs and metrics go, the clock, WASI's environment.
export interface VmEnvironment {
  logs: LogSink;
  metrics: MetricStore;
  clock: Clock;
  environment: Record<string, string>;
}

// Everything a host call reaches: the module's memory, the current context, the VM's environment.
export interface HostCallTarget {
  readonly memory: GuestMemory;
  // The plugin's vm_id: shared data and queues are keyed by it.
  readonly vmId: string;
  readonly env: VmEnvironment;
  context(): HostCallContext | null;
  setEffectiveContext(id: number): number;
  // A host call this host answers without modelling what Envoy would do: reported, not hidden.
  reportUnsupported(name: string): void;
  // proxy_on_queue_ready on this VM's root context.
  queueReady(token: number): void;
  // proxy_set_tick_period_milliseconds; 0 stops the timer.
  setTickPeriod(milliseconds: number): void;
}
