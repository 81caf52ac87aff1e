import { WasmResult } from '../abi.ts';
import { readText, type HostCallGroup } from './define.ts';

// Host calls a routing filter does not need. Of the foreign functions only clear_route_cache exists
// (Envoy 1.33+ foreign.cc). Callouts, shared data, queues and timers are not modelled: they answer as
// Envoy does with nothing configured, and the outcome lists them as unsupported.
export const miscCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  // Envoy's answer when nothing is configured for the call, with the call reported as unsupported.
  const unsupported = (name: string, status: number) => () => {
    host.reportUnsupported(name);
    return status;
  };
  return {
    proxy_get_current_time_nanoseconds: (out: number) =>
      memory.writeU64(out, host.env.clock.now()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess,
    // Answers Ok as Envoy does, but no timer fires here: reported as unsupported.
    proxy_set_tick_period_milliseconds: unsupported('proxy_set_tick_period_milliseconds', WasmResult.Ok),
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
    proxy_http_call: unsupported('proxy_http_call', WasmResult.BadArgument),
    proxy_grpc_call: unsupported('proxy_grpc_call', WasmResult.ParseFailure),
    proxy_grpc_stream: unsupported('proxy_grpc_stream', WasmResult.ParseFailure),
    proxy_grpc_send: unsupported('proxy_grpc_send', WasmResult.NotFound),
    proxy_grpc_cancel: unsupported('proxy_grpc_cancel', WasmResult.NotFound),
    proxy_grpc_close: unsupported('proxy_grpc_close', WasmResult.NotFound),
    proxy_get_shared_data: unsupported('proxy_get_shared_data', WasmResult.NotFound),
    proxy_set_shared_data: unsupported('proxy_set_shared_data', WasmResult.Unimplemented),
    proxy_register_shared_queue: unsupported('proxy_register_shared_queue', WasmResult.Unimplemented),
    proxy_resolve_shared_queue: unsupported('proxy_resolve_shared_queue', WasmResult.NotFound),
    proxy_dequeue_shared_queue: unsupported('proxy_dequeue_shared_queue', WasmResult.NotFound),
    proxy_enqueue_shared_queue: unsupported('proxy_enqueue_shared_queue', WasmResult.NotFound),
    emscripten_notify_memory_growth: () => undefined,
  };
};
