import type { AbiVersion } from '../abi.ts';
import { HostTrap, type WasmVm } from '../vm.ts';
import { bufferCalls } from './buffers.ts';
import type { HostFunctionTable, HostImpl } from './define.ts';
import { headerCalls } from './headers.ts';
import { loggingCalls } from './logging.ts';
import { metricCalls } from './metrics.ts';
import { miscCalls } from './misc.ts';
import { propertyCalls } from './properties.ts';
import { streamCalls } from './stream.ts';
import { wasiCalls } from './wasi.ts';

// Which host calls each ABI version may import (cpp-host wasm.cc registerCallbacks).
const ONLY_IN: Record<string, AbiVersion[]> = {
  proxy_get_log_level: ['0.2.1'],
  proxy_continue_stream: ['0.2.0', '0.2.1'],
  proxy_close_stream: ['0.2.0', '0.2.1'],
};

// Host calls allowed while _start/_initialize run and while the allocator runs (cpp-host #306);
// any other call then traps with restricted_callback.
const ALLOWED_AT_START = new Set(['proxy_log', 'emscripten_notify_memory_growth']);
const ALLOWED_IN_ALLOCATOR = new Set(['proxy_log', 'fd_write', 'clock_time_get', 'poll_oneoff']);

function tables(vm: WasmVm, abiVersion: AbiVersion): { env: HostFunctionTable; wasi: HostFunctionTable } {
  const env: HostFunctionTable = {
    ...loggingCalls(vm),
    ...headerCalls(vm),
    ...bufferCalls(vm),
    ...propertyCalls(vm),
    ...metricCalls(vm),
    ...streamCalls(vm),
    ...miscCalls(vm),
  };
  for (const [name, versions] of Object.entries(ONLY_IN)) if (!versions.includes(abiVersion)) delete env[name];
  return { env, wasi: wasiCalls(vm) };
}

// "module.name" → signature, for link-time checks.
export function hostFunctionSignatures(abiVersion: AbiVersion): Map<string, string> {
  const { env, wasi } = tables(null as unknown as WasmVm, abiVersion);
  const signatures = new Map<string, string>();
  for (const [name, fn] of Object.entries(env)) signatures.set(`env.${name}`, fn.signature);
  for (const module of ['wasi_snapshot_preview1', 'wasi_unstable']) {
    for (const [name, fn] of Object.entries(wasi)) signatures.set(`${module}.${name}`, fn.signature);
  }
  return signatures;
}

export function buildImports(vm: WasmVm, abiVersion: AbiVersion): Record<string, Record<string, WebAssembly.ImportValue>> {
  const { env, wasi } = tables(vm, abiVersion);
  const guard = (table: HostFunctionTable, isWasi: boolean) => {
    const out: Record<string, WebAssembly.ImportValue> = {};
    for (const [name, { signature, impl }] of Object.entries(table)) {
      const slot = vm.hostCallSlot(name);
      const check = () => {
        vm.countHostCall(slot);
        const restriction = vm.restriction;
        if (restriction === 'start' && !isWasi && !ALLOWED_AT_START.has(name)) throw new HostTrap(`restricted_callback: ${name} called during VM start`);
        if (restriction === 'allocator' && !ALLOWED_IN_ALLOCATOR.has(name)) throw new HostTrap(`restricted_callback: ${name} called from the allocator`);
      };
      out[name] = withArity(parameterCount(signature), check, impl);
    }
    return out;
  };
  const wasiImports = guard(wasi, true);
  return { env: guard(env, false), wasi_snapshot_preview1: wasiImports, wasi_unstable: wasiImports };
}

function parameterCount(signature: string): number {
  const params = signature.slice(1, signature.indexOf(')'));
  return params === '' ? 0 : params.split(',').length;
}

// A wrapper whose arity matches the Wasm signature exactly: V8 calls an import with matching
// arity on its fast path, and a mismatch (or rest parameters) costs an adapter on every call.
function withArity(arity: number, check: () => void, impl: HostImpl): HostImpl {
  const f = impl as (...args: any[]) => number | void;
  switch (arity) {
    case 0: return () => (check(), f());
    case 1: return (a: any) => (check(), f(a));
    case 2: return (a: any, b: any) => (check(), f(a, b));
    case 3: return (a: any, b: any, c: any) => (check(), f(a, b, c));
    case 4: return (a: any, b: any, c: any, d: any) => (check(), f(a, b, c, d));
    case 5: return (a: any, b: any, c: any, d: any, e: any) => (check(), f(a, b, c, d, e));
    case 6: return (a: any, b: any, c: any, d: any, e: any, g: any) => (check(), f(a, b, c, d, e, g));
    case 8: return (a: any, b: any, c: any, d: any, e: any, g: any, h: any, i: any) => (check(), f(a, b, c, d, e, g, h, i));
    default: return (...args: any[]) => (check(), f(...args));
  }
}
