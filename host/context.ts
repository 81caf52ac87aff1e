import { BufferType, WasmResult } from './abi.ts';
import { BodyBuffer } from './body-buffer.ts';
import type { HostHeaderMap } from './header-map.ts';
import type { HostCallContext, LocalReply, MapLookup } from './hostcalls/index.ts';
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
export class HostContext implements HostCallContext {
  // PLUGIN_CONFIGURATION is readable only while Envoy configures the plugin (temp_plugin_).
  pluginConfiguration: Uint8Array | null = null;
  // Header writes Envoy's codecs would refuse, one line each; null until the first (none is the rule).
  invalidWrites: string[] | null = null;

  constructor(
    readonly vm: WasmVm,
    readonly id: number,
    readonly plugin: PluginIdentity,
    readonly logPrefix: string,
  ) {}

  getMap(_type: number): MapLookup {
    return WasmResult.BadArgument;
  }

  getMutableMap(type: number): MapLookup {
    return this.getMap(type);
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

  sendLocalResponse(_reply: LocalReply): number {
    return WasmResult.BadArgument;
  }

  continueStream(_type: number): number {
    return WasmResult.BadArgument;
  }

  closeStream(_type: number): number {
    return WasmResult.BadArgument;
  }

  // A root context has no route to clear.
  clearRouteCache(): void {}

  // Callouts from a root context are not modelled: Envoy's answer for an unknown cluster.
  httpCall(_cluster: string, _headers: HostHeaderMap, _body: Uint8Array): { result: number; token?: number } {
    this.vm.reportUnsupported('proxy_http_call');
    return { result: WasmResult.BadArgument };
  }

  callStatus(): { code: number; message: string } {
    return { code: WasmResult.Ok, message: '' };
  }
}

export function makeLogPrefix(parts: string[]): string {
  return parts
    .filter((p) => p !== '')
    .map((p) => ` ${p}`)
    .join('');
}
