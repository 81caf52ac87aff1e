// Modules written as WebAssembly text inside a test (wabt is loaded only by the tests that import this).
import wabtInit from 'wabt';

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
