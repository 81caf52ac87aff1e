import type { WasmVm } from '../vm.ts';

export type HostImpl = (...args: any[]) => number | void;

export interface HostFunction {
  signature: string;
  impl: HostImpl;
}

export type HostFunctionTable = Record<string, HostFunction>;
export type HostFunctionGroup = (vm: WasmVm) => HostFunctionTable;

// Signatures in the form binary.ts prints them: (i32,i64)->(i32).
export function hostFunction(params: string, results: string, impl: HostImpl): HostFunction {
  const expand = (spec: string) => spec.split('').map((c) => (c === 'I' ? 'i64' : 'i32')).join(',');
  return { signature: `(${expand(params)})->(${expand(results)})`, impl };
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function readText(vm: WasmVm, pointer: number, length: number): string | null {
  const bytes = vm.read(pointer, length);
  return bytes === null ? null : decoder.decode(bytes);
}

// Header names and values travel as byte strings (one char per byte), as Envoy keeps them.
export function readByteString(vm: WasmVm, pointer: number, length: number): string | null {
  return vm.readByteString(pointer, length);
}
