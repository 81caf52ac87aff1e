import { BufferType, MapType, StreamType, WasmResult } from './abi.ts';
import { BodyBuffer } from './body-buffer.ts';
import type { CalloutReadables } from './callout-readables.ts';
import { GrpcCallouts, type GrpcOwner } from './grpc-callouts.ts';
import type { HostHeaderMap } from './header-map.ts';
import type { GrpcCallRequest, HostCallContext, LocalReply, MapLookup } from './hostcalls/index.ts';
import type { CalloutAnswer } from './request.ts';
import { str, type PropertyValue } from './properties.ts';
import type { WasmVm } from './vm.ts';

export type { LocalReply, MapLookup };

// The PluginConfig fields a context can see.
export interface PluginIdentity {
  name: string;
  rootId: string;
  vmId: string;
  vmConfiguration: Uint8Array;
}

// Envoy's Wasm Context as the host calls see it. The root context uses these defaults: it has
// no stream, so maps are BadArgument and stream properties NotFound.
export class HostContext implements HostCallContext, GrpcOwner {
  // PLUGIN_CONFIGURATION is readable only while Envoy configures the plugin (temp_plugin_).
  pluginConfiguration: Uint8Array | null = null;
  // Header writes Envoy's codecs would refuse, one line each; null until the first (none is the rule).
  invalidWrites: string[] | null = null;
  // Used on the root context only, as in Envoy: callouts are the root context's. Made when first
  // used, so a stream context costs nothing for them.
  private calloutState: CalloutReadables | null = null;
  private grpcState: GrpcCallouts | null = null;

  get callout(): CalloutReadables {
    return (this.calloutState ??= {
      httpResponse: null,
      grpcMessage: null,
      grpcInitialMetadata: null,
      grpcTrailingMetadata: null,
      statusCode: WasmResult.Ok,
      statusMessage: '',
    });
  }

  get grpc(): GrpcCallouts {
    return (this.grpcState ??= new GrpcCallouts(this));
  }

  get grpcWaiting(): boolean {
    return this.grpcState !== null && this.grpcState.waiting;
  }

  constructor(
    readonly vm: WasmVm,
    readonly id: number,
    readonly plugin: PluginIdentity,
    readonly logPrefix: string,
  ) {}

  // ---- what the root context's callouts need.

  invokeCallout(name: string, args: number[]): boolean {
    if (!this.vm.has(name)) return false;
    this.vm.call(this, name, args);
    return true;
  }

  nextCalloutToken(kind: 'call' | 'stream'): number {
    return kind === 'call' ? this.vm.nextGrpcCallToken() : this.vm.nextGrpcStreamToken();
  }

  reportUnsupported(name: string): void {
    this.vm.reportUnsupported(name);
  }

  logCalloutError(message: string): void {
    this.vm.env.logs.write(4, this.logPrefix, message);
  }

  // A stream context's root; the root context is its own.
  rootContext(): HostContext {
    return this;
  }

  // The callouts the request file answers; a root context has none.
  calloutAnswers(): CalloutAnswer[] {
    return [];
  }

  getMap(type: number): MapLookup {
    return this.calloutMap(type) ?? WasmResult.BadArgument;
  }

  // Callout maps are read-only (Envoy getMap has no case for them).
  getMutableMap(_type: number): MapLookup {
    return WasmResult.BadArgument;
  }

  protected calloutMap(type: number): HostHeaderMap | null {
    const readables = this.rootContext().callout;
    switch (type) {
      case MapType.GrpcReceiveInitialMetadata:
        return readables.grpcInitialMetadata;
      case MapType.GrpcReceiveTrailingMetadata:
        return readables.grpcTrailingMetadata;
      case MapType.HttpCallResponseHeaders:
        return readables.httpResponse?.headers ?? null;
      case MapType.HttpCallResponseTrailers:
        return readables.httpResponse?.trailers ?? null;
      default:
        return null;
    }
  }

  headersModified(_type: number): void {}

  reportInvalidWrite(line: string): void {
    (this.invalidWrites ??= []).push(line);
  }

  getBuffer(type: number): BodyBuffer | Uint8Array | number {
    if (type > BufferType.CallData) return WasmResult.BadArgument;
    if (type === BufferType.VmConfiguration) return this.plugin.vmConfiguration;
    if (type === BufferType.PluginConfiguration) return this.pluginConfiguration ?? WasmResult.NotFound;
    // Envoy's body buffers always exist; outside a body callback they are empty.
    if (type === BufferType.HttpRequestBody || type === BufferType.HttpResponseBody) return new BodyBuffer();
    const readables = this.rootContext().callout;
    if (type === BufferType.HttpCallResponseBody) return readables.httpResponse?.body ?? WasmResult.NotFound;
    // Envoy's buffer wraps the root's receive buffer, null or not: empty outside proxy_on_grpc_receive.
    if (type === BufferType.GrpcReceiveBuffer) return readables.grpcMessage ?? new Uint8Array(0);
    return WasmResult.NotFound;
  }

  property(segments: string[]): PropertyValue | undefined {
    switch (segments[0]) {
      case 'plugin_name':
        return segments.length === 1 ? str(this.plugin.name) : undefined;
      case 'plugin_root_id':
        return segments.length === 1 ? str(this.plugin.rootId) : undefined;
      case 'plugin_vm_id':
        return segments.length === 1 ? str(this.plugin.vmId) : undefined;
      default:
        return undefined;
    }
  }

  setProperty(_path: string, _value: Uint8Array): number {
    return WasmResult.NotFound;
  }

  // A root context has no filter callbacks: Envoy answers Ok and does nothing (context.cc
  // sendLocalResponse, continueStream, closeStream), as a callout's answer acted on there finds.
  sendLocalResponse(_reply: LocalReply): number {
    return WasmResult.Ok;
  }

  continueStream(type: number): number {
    if (type > StreamType.Upstream) return WasmResult.BadArgument;
    return type === StreamType.Upstream ? WasmResult.Unimplemented : WasmResult.Ok;
  }

  closeStream(type: number): number {
    return type > StreamType.Upstream ? WasmResult.BadArgument : WasmResult.Ok;
  }

  // A root context has no route to clear.
  clearRouteCache(): void {}

  // Callouts from a root context are not modelled: Envoy's answer for an unknown cluster.
  httpCall(_cluster: string, _headers: HostHeaderMap, _body: Uint8Array): { result: number; token?: number } {
    this.vm.reportUnsupported('proxy_http_call');
    return { result: WasmResult.BadArgument };
  }

  callStatus(): { code: number; message: string } {
    const readables = this.rootContext().callout;
    return { code: readables.statusCode, message: readables.statusMessage };
  }

  // gRPC callouts go to the root context whichever context makes them (cpp-host exports.cc), with
  // the answers of the request that context belongs to.
  grpcCall(request: GrpcCallRequest): { result: number; token?: number } {
    return this.rootContext().grpc.open('call', request, this.calloutAnswers());
  }

  grpcStream(request: GrpcCallRequest): { result: number; token?: number } {
    return this.rootContext().grpc.open('stream', request, this.calloutAnswers());
  }

  grpcSend(token: number, message: Uint8Array, endOfStream: boolean): number {
    return this.rootContext().grpc.send(token, message, endOfStream);
  }

  grpcCancel(token: number): number {
    return this.rootContext().grpc.cancel(token);
  }

  grpcClose(token: number): number {
    return this.rootContext().grpc.close(token);
  }
}

export function makeLogPrefix(parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .map((p) => ` ${p}`)
    .join('');
}
