// What Envoy refuses to load, the host refuses too, with Envoy's reason.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ModuleLoadError, Plugin } from '../../host/index.ts';
import { rawModule, wat } from '../support/wat.ts';

const rejects = (wasm: Uint8Array, pattern: RegExp) =>
  assert.throws(
    () => Plugin.load({ wasm }),
    (e: unknown) => e instanceof ModuleLoadError && pattern.test(e.message),
  );

test('a module without an ABI marker is not a Proxy-Wasm module', () => {
  rejects(
    wat('(module (memory (export "memory") 1) (func (export "malloc") (param i32) (result i32) (i32.const 0)))'),
    /Missing or unknown Proxy-Wasm ABI version/,
  );
});

test('bytes that are not WebAssembly are refused', () => {
  rejects(new TextEncoder().encode('{"not":"wasm"}'), /not a WebAssembly module/);
});

test('an import the host does not provide fails to link, naming it (env.abort is not provided)', () => {
  rejects(rawModule('', '(import "env" "abort" (func (param i32 i32 i32 i32)))'), /missing import: env\.abort/);
});

test('an import with the wrong signature fails to link', () => {
  rejects(
    rawModule('', '(import "env" "proxy_log" (func (param i32 i32) (result i32)))'),
    /import type mismatch: env\.proxy_log/,
  );
});

test('proxy_get_log_level exists for ABI 0.2.1 only', () => {
  const importLevel = '(import "env" "proxy_get_log_level" (func (param i32) (result i32)))';
  rejects(rawModule('', importLevel, '0_2_0'), /missing import: env\.proxy_get_log_level/);
  assert.ok(Plugin.load({ wasm: rawModule('', importLevel, '0_2_1') }));
});

test('imported globals are refused', () => {
  rejects(rawModule('', '(import "env" "g" (global i32))'), /imported global: env\.g/);
});

test('a callback with the wrong signature is refused', () => {
  rejects(
    rawModule('(func (export "proxy_on_request_headers") (param i32 i32) (result i32) (i32.const 0))'),
    /Bad function signature for: proxy_on_request_headers/,
  );
});

test('a module without an allocator is refused', () => {
  rejects(
    wat('(module (memory (export "memory") 1) (func (export "proxy_abi_version_0_2_1")))'),
    /missing malloc function/,
  );
});

test('ABI 0.1.0 modules are refused with a clear reason', () => {
  rejects(rawModule('', '', '0_1_0'), /ABI 0\.1\.0 is not supported/);
});
