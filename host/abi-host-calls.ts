import type { AbiVersion } from './abi.ts';

// The host calls Envoy links into a Proxy-Wasm module, as data: the Wasm signature each must be
// imported with (cpp-host exports.h and wasm.cc registerCallbacks) and the ABI version that added it.
// Parameter and result types are one letter each: i = i32, I = i64.
export interface HostCallSpec {
  params: string;
  results: string;
  // The first ABI version that links it; absent for calls every version has.
  since?: AbiVersion;
}

export const ENV_HOST_CALLS: Record<string, HostCallSpec> = {
  proxy_log: { params: 'iii', results: 'i' },
  proxy_get_log_level: { params: 'i', results: 'i', since: '0.2.1' },
  proxy_get_status: { params: 'iii', results: 'i' },
  proxy_get_header_map_value: { params: 'iiiii', results: 'i' },
  proxy_get_header_map_pairs: { params: 'iii', results: 'i' },
  proxy_set_header_map_pairs: { params: 'iii', results: 'i' },
  proxy_get_header_map_size: { params: 'ii', results: 'i' },
  proxy_add_header_map_value: { params: 'iiiii', results: 'i' },
  proxy_replace_header_map_value: { params: 'iiiii', results: 'i' },
  proxy_remove_header_map_value: { params: 'iii', results: 'i' },
  proxy_get_buffer_bytes: { params: 'iiiii', results: 'i' },
  proxy_get_buffer_status: { params: 'iii', results: 'i' },
  proxy_set_buffer_bytes: { params: 'iiiii', results: 'i' },
  proxy_get_property: { params: 'iiii', results: 'i' },
  proxy_set_property: { params: 'iiii', results: 'i' },
  proxy_define_metric: { params: 'iiii', results: 'i' },
  proxy_increment_metric: { params: 'iI', results: 'i' },
  proxy_record_metric: { params: 'iI', results: 'i' },
  proxy_get_metric: { params: 'ii', results: 'i' },
  proxy_send_local_response: { params: 'iiiiiiii', results: 'i' },
  proxy_continue_stream: { params: 'i', results: 'i', since: '0.2.0' },
  proxy_close_stream: { params: 'i', results: 'i', since: '0.2.0' },
  proxy_get_current_time_nanoseconds: { params: 'i', results: 'i' },
  proxy_set_tick_period_milliseconds: { params: 'i', results: 'i' },
  proxy_set_effective_context: { params: 'i', results: 'i' },
  proxy_done: { params: '', results: 'i' },
  proxy_call_foreign_function: { params: 'iiiiii', results: 'i' },
  proxy_http_call: { params: 'iiiiiiiiii', results: 'i' },
  proxy_grpc_call: { params: 'iiiiiiiiiiii', results: 'i' },
  proxy_grpc_stream: { params: 'iiiiiiiii', results: 'i' },
  proxy_grpc_send: { params: 'iiii', results: 'i' },
  proxy_grpc_cancel: { params: 'i', results: 'i' },
  proxy_grpc_close: { params: 'i', results: 'i' },
  proxy_get_shared_data: { params: 'iiiii', results: 'i' },
  proxy_set_shared_data: { params: 'iiiii', results: 'i' },
  proxy_register_shared_queue: { params: 'iii', results: 'i' },
  proxy_resolve_shared_queue: { params: 'iiiii', results: 'i' },
  proxy_dequeue_shared_queue: { params: 'iii', results: 'i' },
  proxy_enqueue_shared_queue: { params: 'iii', results: 'i' },
  emscripten_notify_memory_growth: { params: 'i', results: '' },
};

// WASI, registered under both module names (cpp-host exports.h FOR_ALL_WASI_FUNCTIONS).
export const WASI_MODULES = ['wasi_snapshot_preview1', 'wasi_unstable'] as const;

export const WASI_HOST_CALLS: Record<string, HostCallSpec> = {
  fd_write: { params: 'iiii', results: 'i' },
  fd_read: { params: 'iiii', results: 'i' },
  fd_seek: { params: 'iIii', results: 'i' },
  fd_close: { params: 'i', results: 'i' },
  fd_fdstat_get: { params: 'ii', results: 'i' },
  fd_fdstat_set_flags: { params: 'ii', results: 'i' },
  fd_prestat_get: { params: 'ii', results: 'i' },
  fd_prestat_dir_name: { params: 'iii', results: 'i' },
  path_open: { params: 'iiiiiIIii', results: 'i' },
  environ_sizes_get: { params: 'ii', results: 'i' },
  environ_get: { params: 'ii', results: 'i' },
  args_sizes_get: { params: 'ii', results: 'i' },
  args_get: { params: 'ii', results: 'i' },
  clock_time_get: { params: 'iIi', results: 'i' },
  clock_res_get: { params: 'ii', results: 'i' },
  random_get: { params: 'ii', results: 'i' },
  proc_exit: { params: 'i', results: '' },
  sched_yield: { params: '', results: 'i' },
  poll_oneoff: { params: 'iiii', results: 'i' },
};

// Host calls allowed while _start/_initialize run and while the allocator runs (cpp-host #306);
// any other call then traps with restricted_callback.
export const ALLOWED_AT_START: ReadonlySet<string> = new Set(['proxy_log', 'emscripten_notify_memory_growth']);
export const ALLOWED_IN_ALLOCATOR: ReadonlySet<string> = new Set([
  'proxy_log',
  'fd_write',
  'clock_time_get',
  'poll_oneoff',
]);

const VERSION_ORDER: AbiVersion[] = ['0.1.0', '0.2.0', '0.2.1'];

export function linkedIn(spec: HostCallSpec, abiVersion: AbiVersion): boolean {
  return spec.since === undefined || VERSION_ORDER.indexOf(abiVersion) >= VERSION_ORDER.indexOf(spec.since);
}

// The form binary.ts prints a signature in: (i32,i64)->(i32).
export function signatureOf(spec: HostCallSpec): string {
  const expand = (letters: string) => [...letters].map((c) => (c === 'I' ? 'i64' : 'i32')).join(',');
  return `(${expand(spec.params)})->(${expand(spec.results)})`;
}

// "module.name" → signature, for the link-time checks of one ABI version.
export function hostCallSignatures(abiVersion: AbiVersion): Map<string, string> {
  const signatures = new Map<string, string>();
  for (const [name, spec] of Object.entries(ENV_HOST_CALLS)) {
    if (linkedIn(spec, abiVersion)) signatures.set(`env.${name}`, signatureOf(spec));
  }
  for (const module of WASI_MODULES) {
    for (const [name, spec] of Object.entries(WASI_HOST_CALLS)) signatures.set(`${module}.${name}`, signatureOf(spec));
  }
  return signatures;
}
