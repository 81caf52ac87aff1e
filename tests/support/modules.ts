import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Plugin, type PluginOptions } from '../../host/index.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

// A module built by `route-keys build --test-modules` (npm test runs it first).
export function testModule(name: string): Uint8Array {
  return readFileSync(join(ROOT, 'dist', 'test', `${name}.wasm`));
}

export function pluginModule(name: string): Uint8Array {
  return readFileSync(join(ROOT, 'dist', `${name}.wasm`));
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
