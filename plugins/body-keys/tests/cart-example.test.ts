// The README's cart example, run as the README runs it: the example configuration and the
// request files through `route-keys run --allow-stop-iteration`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { withoutConnectionManagerHeaders } from '../../../tests/support/connection-manager.ts';
import { ROOT } from '../../../tests/support/modules.ts';

function run(request: string, allowStopIteration: boolean) {
  const args = [
    'run',
    '--wasm',
    'dist/body-keys.wasm',
    '--root-id',
    'body-keys',
    '--config',
    '@plugins/body-keys/example.config.json',
    '--request',
    `@plugins/body-keys/requests/${request}`,
  ];
  if (allowStopIteration) args.push('--allow-stop-iteration');
  const result = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

for (const request of ['cart-json.yaml', 'cart-form.yaml', 'cart-form-trailers.yaml', 'cart-cookie.yaml']) {
  test(`${request}: x-cart-id and x-cart-dc reach upstream`, () => {
    const report = run(request, true);
    assert.equal(report.decision, 'continue');
    const routing = withoutConnectionManagerHeaders(report.upstream.headers).filter(([name]) => name.startsWith('x-'));
    assert.deepEqual(routing, [
      ['x-cart-id', 'ams-7f3a9c'],
      ['x-cart-dc', 'ams'],
    ]);
  });
}

test('without --allow-stop-iteration a body key stalls the request; a cookie key does not', () => {
  assert.equal(run('cart-json.yaml', false).decision, 'stalled');
  assert.equal(run('cart-cookie.yaml', false).decision, 'continue');
});
