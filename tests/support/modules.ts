import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import wabtInit from 'wabt';
import { Plugin, type PluginOptions } from '../../host/index.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

// A module built by `route-keys build --test-modules` (npm test runs it first).
export function testModule(name: string): Uint8Array {
  return readFileSync(join(ROOT, 'dist', 'test', `${name}.wasm`));
}

export function pluginModule(name: string): Uint8Array {
  return readFileSync(join(ROOT, 'dist', `${name}.wasm`));
}

const wabt = await wabtInit();

// Compiles WebAssembly text written inside a test.
export function wat(text: string): Uint8Array {
  const module = wabt.parseWat('inline.wat', text);
  try {
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

export function load(wasm: Uint8Array, options: Partial<PluginOptions> = {}): Plugin {
  return Plugin.load({ wasm, name: options.rootId ?? 'test', vmId: 'test', failurePolicy: 'FAIL_CLOSED', ...options });
}

// The value of the first header of that name in a [name, value] list.
export function header(headers: [string, string][] | undefined, name: string): string | undefined {
  return headers?.find(([n]) => n === name)?.[1];
}

export function headerValues(headers: [string, string][] | undefined, name: string): string[] {
  return (headers ?? []).filter(([n]) => n === name).map(([, v]) => v);
}

// The smallest valid module body around some WAT: memory, ABI marker, bump allocator.
export function rawModule(body: string, imports = '', abi = '0_2_1'): Uint8Array {
  return wat(`(module
    ${imports}
    (memory (export "memory") 1)
    (global $heap (mut i32) (i32.const 8192))
    (func (export "proxy_abi_version_${abi}"))
    (func (export "proxy_on_memory_allocate") (param $size i32) (result i32)
      (local $p i32)
      (local.set $p (global.get $heap))
      (global.set $heap (i32.add (global.get $heap) (local.get $size)))
      (local.get $p))
    ${body})`);
}
