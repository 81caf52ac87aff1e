import { WasmResult } from '../abi.ts';
import { HostHeaderMap } from '../header-map.ts';
import { decodePairs } from '../pairs.ts';
import { getSharedData, setSharedData } from '../shared-data.ts';
import { dequeue, enqueue, registerQueue, resolveQueue } from '../shared-queues.ts';
import { readText, type HostCallGroup } from './define.ts';

const byteString = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

// Host calls a routing filter does not need. Of the foreign functions only clear_route_cache exists
// (Envoy 1.33+ foreign.cc).
export const miscCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  return {
    proxy_get_current_time_nanoseconds: (out: number) =>
      memory.writeU64(out, host.env.clock.now()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess,
    // One period per VM, whichever context sets it; on_tick runs as the clock passes each period.
    proxy_set_tick_period_milliseconds: (period: number) => {
      host.setTickPeriod(period >>> 0);
      return WasmResult.Ok;
    },
    proxy_set_effective_context: (id: number) => host.setEffectiveContext(id >>> 0),
    // Streams have no pending done; only a root context shutting down does (cpp-host context.cc).
    proxy_done: () => WasmResult.NotFound,
    proxy_call_foreign_function: (namePointer: number, nameLength: number) => {
      const name = readText(memory, namePointer, nameLength);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      if (name !== 'clear_route_cache') return WasmResult.NotFound;
      host.context()?.clearRouteCache();
      return WasmResult.Ok;
    },
    proxy_http_call: (
      upstreamPointer: number,
      upstreamLength: number,
      headersPointer: number,
      headersLength: number,
      bodyPointer: number,
      bodyLength: number,
      _trailersPointer: number,
      _trailersLength: number,
      _timeoutMilliseconds: number,
      tokenOut: number,
    ) => {
      const cluster = readText(memory, upstreamPointer, upstreamLength);
      const headerBytes = memory.read(headersPointer, headersLength);
      const body = memory.read(bodyPointer, bodyLength);
      if (cluster === null || headerBytes === null || body === null) return WasmResult.InvalidMemoryAccess;
      const context = host.context();
      if (context === null) return WasmResult.BadArgument;
      const headers = new HostHeaderMap();
      for (const [name, value] of decodePairs(headerBytes) ?? []) headers.add(byteString(name), byteString(value));
      const call = context.httpCall(cluster, headers, body.slice());
      if (call.result !== WasmResult.Ok) return call.result;
      return memory.writeU32(tokenOut, call.token!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_get_shared_data: (
      keyPointer: number,
      keyLength: number,
      valueOut: number,
      sizeOut: number,
      casOut: number,
    ) => {
      const key = readText(memory, keyPointer, keyLength);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const entry = getSharedData(host.vmId, key);
      if (entry === undefined) return WasmResult.NotFound;
      const copied = memory.copyOut(entry.value, valueOut, sizeOut);
      if (copied !== WasmResult.Ok) return copied;
      return memory.writeU32(casOut, entry.cas) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_shared_data: (
      keyPointer: number,
      keyLength: number,
      valuePointer: number,
      valueLength: number,
      cas: number,
    ) => {
      const key = readText(memory, keyPointer, keyLength);
      const value = memory.read(valuePointer, valueLength);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      return setSharedData(host.vmId, key, value.slice(), cas >>> 0);
    },
    proxy_register_shared_queue: (namePointer: number, nameLength: number, tokenOut: number) => {
      const name = readText(memory, namePointer, nameLength);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const token = registerQueue(host.vmId, name, (ready) => host.queueReady(ready));
      return memory.writeU32(tokenOut, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_resolve_shared_queue: (
      vmIdPointer: number,
      vmIdLength: number,
      namePointer: number,
      nameLength: number,
      tokenOut: number,
    ) => {
      const vmId = readText(memory, vmIdPointer, vmIdLength);
      const name = readText(memory, namePointer, nameLength);
      if (vmId === null || name === null) return WasmResult.InvalidMemoryAccess;
      const token = resolveQueue(vmId, name);
      if (token === undefined) return WasmResult.NotFound;
      return memory.writeU32(tokenOut, token) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_dequeue_shared_queue: (token: number, dataOut: number, sizeOut: number) => {
      const item = dequeue(token >>> 0);
      return typeof item === 'number' ? item : memory.copyOut(item, dataOut, sizeOut);
    },
    proxy_enqueue_shared_queue: (token: number, dataPointer: number, dataLength: number) => {
      const data = memory.read(dataPointer, dataLength);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      return enqueue(token >>> 0, data.slice());
    },
    emscripten_notify_memory_growth: () => undefined,
  };
};
