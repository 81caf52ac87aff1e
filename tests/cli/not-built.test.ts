// Before a build, every command that needs a build output says which one is missing and which
// command makes it, in one line, on a fresh copy of the repository (no dist/).
// own process: its top-level after() removes its fresh copy of the repository
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { commandOf } from '../support/cli.ts';
import { freshCopy } from '../support/fresh-copy.ts';
import { runToEnd } from '../support/processes.ts';

const copy = freshCopy('route-keys-unbuilt-');
after(() => rmSync(copy, { recursive: true, force: true }));

// The copy's own command in this process; the first case runs cli/bin.js as a process of its own, and the bench is a script.
const command = commandOf(copy);
const inCopy = (args: string[]) => runToEnd(process.execPath, args, { cwd: copy });
const atCopy = (path: string) => join(copy, path);

const PLUGIN = 'dist/body-keys.wasm not built: run npm run build first\n';
const cases: [string, () => Promise<{ status: number | null; stdout: string; stderr: string }>, string][] = [
  [
    'run, a plugin',
    () =>
      inCopy([
        'cli/bin.js',
        'run',
        '--wasm',
        'dist/jwt-tenant.wasm',
        '--request',
        '@plugins/body-keys/requests/cart-json.yaml',
      ]),
    'route-keys: dist/jwt-tenant.wasm not built: run npm run build first\n',
  ],
  [
    'run, a test module',
    () =>
      command('run', '--wasm', atCopy('dist/test/raw-abi.wasm'), '--request', `@${atCopy('cli/request.example.json')}`),
    'route-keys: dist/test/raw-abi.wasm not built: run npx route-keys build --test-modules first\n',
  ],
  ['package', () => command('package'), `route-keys: ${PLUGIN}`],
  ['render', () => command('render', 'istio', '--registry', 'registry.example.com'), `route-keys: ${PLUGIN}`],
  ['e2e', () => command('e2e'), 'route-keys: dist/jwt-tenant.wasm not built: run npm run build first\n'],
  ['demo', () => command('demo'), 'route-keys: dist/jwt-tenant.wasm not built: run npm run build first\n'],
  [
    'bench',
    () => inCopy(['--import', 'tsx', 'bench/run.ts']),
    'bench: dist/test/noop.wasm not built: run npx route-keys build --test-modules first\n',
  ],
];

describe('commands before a build', { concurrency: true }, () => {
  for (const [name, run, message] of cases) {
    test(`${name} before a build: "${message.trim()}", exit 1`, async () => {
      const result = await run();
      assert.equal(result.stderr, message);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
    });
  }
});
