import { WasmResult } from '../abi.ts';
import { hostFunction, type HostFunctionGroup } from './define.ts';

// Host calls a routing filter does not need. Calls and foreign functions answer as Envoy does when
// nothing is configured for them (no clusters, no function of that name); shared data and queues
// are not modelled and answer Unimplemented or NotFound, so a plugin relying on them fails visibly.
export const miscCalls: HostFunctionGroup = (vm) => ({
  proxy_get_current_time_nanoseconds: hostFunction('i', 'i', (out: number) =>
    vm.writeU64(out, vm.env.clock.now()) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess,
  ),
  proxy_set_tick_period_milliseconds: hostFunction('i', 'i', () => WasmResult.Ok),
  proxy_set_effective_context: hostFunction('i', 'i', (id: number) => vm.setEffectiveContext(id >>> 0)),
  // Streams have no pending done; only a root context shutting down does (cpp-host context.cc).
  proxy_done: hostFunction('', 'i', () => WasmResult.NotFound),
  proxy_call_foreign_function: hostFunction('iiiiii', 'i', () => WasmResult.NotFound),
  proxy_http_call: hostFunction('iiiiiiiiii', 'i', () => WasmResult.BadArgument),
  proxy_grpc_call: hostFunction('iiiiiiiiiiii', 'i', () => WasmResult.ParseFailure),
  proxy_grpc_stream: hostFunction('iiiiiiiii', 'i', () => WasmResult.ParseFailure),
  proxy_grpc_send: hostFunction('iiii', 'i', () => WasmResult.NotFound),
  proxy_grpc_cancel: hostFunction('i', 'i', () => WasmResult.NotFound),
  proxy_grpc_close: hostFunction('i', 'i', () => WasmResult.NotFound),
  proxy_get_shared_data: hostFunction('iiiii', 'i', () => WasmResult.NotFound),
  proxy_set_shared_data: hostFunction('iiiii', 'i', () => WasmResult.Unimplemented),
  proxy_register_shared_queue: hostFunction('iii', 'i', () => WasmResult.Unimplemented),
  proxy_resolve_shared_queue: hostFunction('iiiii', 'i', () => WasmResult.NotFound),
  proxy_dequeue_shared_queue: hostFunction('iii', 'i', () => WasmResult.NotFound),
  proxy_enqueue_shared_queue: hostFunction('iii', 'i', () => WasmResult.NotFound),
  emscripten_notify_memory_growth: hostFunction('i', '', () => undefined),
});
