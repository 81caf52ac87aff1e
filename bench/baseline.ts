import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilterChain, Plugin } from '../host/index.ts';
import type { Scenario } from './scenario.ts';

const ROOT = join(import.meta.dirname, '..');

export const typicalRequest = {
  method: 'GET',
  path: '/api/orders?page=2',
  authority: 'shop.example.com',
  headers: [
    ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/140.0'],
    ['accept', 'application/json'],
    ['accept-language', 'en-GB,en;q=0.8'],
    ['x-request-id', '5f0c6a52-3f4e-4a7e-9d0b-2a9c1e0b7d11'],
    ['cookie', 'session=s-81f2; theme=dark'],
  ] as [string, string][],
};

export function noopPlugin(): Plugin {
  return Plugin.load({
    wasm: readFileSync(join(ROOT, 'dist', 'test', 'noop.wasm')),
    name: 'noop',
    rootId: 'noop',
    vmId: 'bench',
    failurePolicy: 'FAIL_CLOSED',
  });
}

export function baselineChain(kind: 'noop' | 'host'): FilterChain {
  return new FilterChain(kind === 'noop' ? [noopPlugin()] : []);
}

// The host alone, and a plugin that does nothing, on a typical request.
export const baselineScenarios: Scenario[] = [
  { name: 'host (no filter)', chain: () => new FilterChain([]), request: typicalRequest },
  { name: 'noop plugin', baseline: 'host', chain: () => new FilterChain([noopPlugin()]), request: typicalRequest },
];
