// Before a build, every command that needs a build output says which one is missing and which
// command makes it, in one line, on a fresh copy of the repository (no dist/).
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { freshCopy } from '../support/fresh-copy.ts';
import { runToEnd } from '../support/processes.ts';

const copy = freshCopy('route-keys-unbuilt-');
after(() => rmSync(copy, { recursive: true, force: true }));

const inCopy = (args: string[]) => runToEnd(process.execPath, args, { cwd: copy });

const PLUGIN = 'dist/body-keys.wasm not built: run npm run build first\n';
const cases: [string, string[], string][] = [
  [
    'run, a plugin',
    ['cli/bin.js', 'run', '--wasm', 'dist/jwt-tenant.wasm', '--request', '@plugins/body-keys/requests/cart-json.yaml'],
    'route-keys: dist/jwt-tenant.wasm not built: run npm run build first\n',
  ],
  [
    'run, a test module',
    ['cli/bin.js', 'run', '--wasm', 'dist/test/raw-abi.wasm', '--request', '@cli/request.example.json'],
    'route-keys: dist/test/raw-abi.wasm not built: run npx route-keys build --test-modules first\n',
  ],
  ['package', ['cli/bin.js', 'package'], `route-keys: ${PLUGIN}`],
  ['render', ['cli/bin.js', 'render', 'istio', '--registry', 'registry.example.com'], `route-keys: ${PLUGIN}`],
  ['e2e', ['cli/bin.js', 'e2e'], 'route-keys: dist/jwt-tenant.wasm not built: run npm run build first\n'],
  ['demo', ['cli/bin.js', 'demo'], 'route-keys: dist/jwt-tenant.wasm not built: run npm run build first\n'],
  [
    'bench',
    ['--import', 'tsx', 'bench/run.ts'],
    'bench: dist/test/noop.wasm not built: run npx route-keys build --test-modules first\n',
  ],
];

describe('commands before a build', { concurrency: true }, () => {
  for (const [name, args, message] of cases) {
    test(`${name} before a build: "${message.trim()}", exit 1`, async () => {
      const result = await inCopy(args);
      assert.equal(result.stderr, message);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
    });
  }
});
