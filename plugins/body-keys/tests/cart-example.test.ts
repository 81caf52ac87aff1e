// The README's cart example with the README's arguments: the example configuration and the
// request files through `route-keys run --allow-stop-iteration` (its main(), in this process).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { withoutConnectionManagerHeaders } from '../../../tests/support/connection-manager.ts';
import { routeKeys } from '../../../tests/support/cli.ts';
import { ROOT } from '../../../tests/support/modules.ts';

async function run(request: string, allowStopIteration: boolean) {
  const args = [
    'run',
    '--wasm',
    join(ROOT, 'dist', 'body-keys.wasm'),
    '--root-id',
    'body-keys',
    '--config',
    `@${join(ROOT, 'plugins', 'body-keys', 'example.config.json')}`,
    '--request',
    `@${join(ROOT, 'plugins', 'body-keys', 'requests', request)}`,
  ];
  if (allowStopIteration) args.push('--allow-stop-iteration');
  const result = await routeKeys(...args);
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout);
}

for (const request of ['cart-json.yaml', 'cart-form.yaml', 'cart-form-trailers.yaml', 'cart-cookie.yaml']) {
  test(`${request}: x-cart-id and x-cart-dc reach upstream`, async () => {
    const report = await run(request, true);
    assert.equal(report.decision, 'continue');
    const routing = withoutConnectionManagerHeaders(report.upstream.headers).filter(([name]) => name.startsWith('x-'));
    assert.deepEqual(routing, [
      ['x-cart-id', 'ams-7f3a9c'],
      ['x-cart-dc', 'ams'],
    ]);
  });
}

test('without --allow-stop-iteration a body key stalls the request; a cookie key does not', async () => {
  assert.equal((await run('cart-json.yaml', false)).decision, 'stalled');
  assert.equal((await run('cart-cookie.yaml', false)).decision, 'continue');
});
