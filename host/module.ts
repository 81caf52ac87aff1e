import { ABI_MARKERS, type AbiVersion } from './abi.ts';
import { BinaryFormatError, readModuleShape, signatureText, type ModuleShape, type Signature } from './binary.ts';
import { hostCallSignatures } from './abi-host-calls.ts';

// Exports the host calls, with the signatures cpp-host (wasm.h) requires of them for ABI 0.2.x.
const i = 'i32' as const;
const CALLBACK_SIGNATURES: Record<string, Signature> = {
  _initialize: { params: [], results: [] },
  _start: { params: [], results: [] },
  main: { params: [i, i], results: [i] },
  malloc: { params: [i], results: [i] },
  proxy_on_memory_allocate: { params: [i], results: [i] },
  proxy_on_vm_start: { params: [i, i], results: [i] },
  proxy_on_configure: { params: [i, i], results: [i] },
  proxy_validate_configuration: { params: [i, i], results: [i] },
  proxy_on_context_create: { params: [i, i], results: [] },
  proxy_on_request_headers: { params: [i, i, i], results: [i] },
  proxy_on_response_headers: { params: [i, i, i], results: [i] },
  proxy_on_request_body: { params: [i, i, i], results: [i] },
  proxy_on_response_body: { params: [i, i, i], results: [i] },
  proxy_on_request_trailers: { params: [i, i], results: [i] },
  proxy_on_response_trailers: { params: [i, i], results: [i] },
  proxy_on_done: { params: [i], results: [i] },
  proxy_on_log: { params: [i], results: [] },
  proxy_on_delete: { params: [i], results: [] },
  proxy_on_tick: { params: [i], results: [] },
  proxy_on_http_call_response: { params: [i, i, i, i, i], results: [] },
  proxy_on_grpc_receive_initial_metadata: { params: [i, i, i], results: [] },
  proxy_on_grpc_receive: { params: [i, i, i], results: [] },
  proxy_on_grpc_receive_trailing_metadata: { params: [i, i, i], results: [] },
  proxy_on_grpc_close: { params: [i, i, i], results: [] },
  proxy_on_queue_ready: { params: [i, i], results: [] },
  proxy_on_foreign_function: { params: [i, i, i], results: [] },
};

export class ModuleLoadError extends Error {}

export interface CompiledModule {
  module: WebAssembly.Module;
  shape: ModuleShape;
  abiVersion: AbiVersion;
  allocatorExport: 'malloc' | 'proxy_on_memory_allocate';
}

// Load-time checks in the order Envoy applies them: the ABI marker, then linking (every import
// known, signatures exact, no imported globals), then the signatures of the callbacks it uses.
export function compileModule(bytes: Uint8Array): CompiledModule {
  let shape: ModuleShape;
  try {
    shape = readModuleShape(bytes);
  } catch (error) {
    if (error instanceof BinaryFormatError) throw new ModuleLoadError(`not a WebAssembly module: ${error.message}`);
    throw error;
  }
  const marker = shape.exports.find((e) => e.kind === 'function' && e.name in ABI_MARKERS);
  if (marker === undefined) {
    throw new ModuleLoadError('not a Proxy-Wasm module: Missing or unknown Proxy-Wasm ABI version');
  }
  const abiVersion = ABI_MARKERS[marker.name];
  if (abiVersion === '0.1.0') {
    throw new ModuleLoadError('Proxy-Wasm ABI 0.1.0 is not supported by this host (0.2.0 and 0.2.1 are)');
  }

  const provided = hostCallSignatures(abiVersion);
  for (const entry of shape.imports) {
    const where = `${entry.module}.${entry.name}`;
    if (entry.kind === 'global') {
      throw new ModuleLoadError(`Failed to load Wasm module due to an imported global: ${where}`);
    }
    if (entry.kind !== 'function') continue;
    const expected = provided.get(where);
    if (expected === undefined) {
      throw new ModuleLoadError(`Failed to load Wasm module due to a missing import: ${where}`);
    }
    const actual = signatureText(entry.signature!);
    if (actual !== expected) {
      throw new ModuleLoadError(
        `Failed to load Wasm module due to an import type mismatch: ${where}, want ${expected}, ` +
          `but the module imports it as ${actual}`,
      );
    }
  }
  for (const entry of shape.exports) {
    const expected = CALLBACK_SIGNATURES[entry.name];
    if (entry.kind !== 'function' || expected === undefined) continue;
    if (signatureText(entry.signature!) !== signatureText(expected)) {
      const actual = signatureText(entry.signature!);
      const wanted = signatureText(expected);
      throw new ModuleLoadError(`Bad function signature for: ${entry.name}: ${actual}, want ${wanted}`);
    }
  }
  const exportNames = new Set(shape.exports.map((e) => e.name));
  // cpp-host looks for malloc first and falls back to proxy_on_memory_allocate (wasm.cc getFunctions).
  const allocatorExport = exportNames.has('malloc')
    ? 'malloc'
    : exportNames.has('proxy_on_memory_allocate')
      ? 'proxy_on_memory_allocate'
      : null;
  if (allocatorExport === null) throw new ModuleLoadError('Wasm module is missing malloc function.');
  if (!shape.exports.some((e) => e.kind === 'memory') && !shape.imports.some((e) => e.kind === 'memory')) {
    throw new ModuleLoadError('Wasm module has no memory');
  }

  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    throw new ModuleLoadError(`Failed to compile Wasm module: ${(error as Error).message}`);
  }
  return { module, shape, abiVersion, allocatorExport };
}
