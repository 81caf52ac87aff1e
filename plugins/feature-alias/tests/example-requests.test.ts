// The README's two focus groups with the README's arguments: the example configuration and the
// request files in plugins/feature-alias/requests through `route-keys run` (its main(), in this process).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { routeKeys } from '../../../tests/support/cli.ts';
import { ROOT } from '../../../tests/support/modules.ts';

async function run(request: string) {
  const args = [
    'run',
    '--wasm',
    join(ROOT, 'dist', 'feature-alias.wasm'),
    '--config',
    `@${join(ROOT, 'plugins', 'feature-alias', 'example.config.json')}`,
    '--request',
    `@${join(ROOT, 'plugins', 'feature-alias', 'requests', request)}`,
  ];
  const result = await routeKeys(...args);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.decision, 'continue');
  return report.upstream.headers.filter(
    ([name]: string[]) => name === 'x-feature' || name === 'x-version' || name === 'x-feature-rule',
  );
}

test('group A (the groups claim holds focus-group-a) gets progressive-discount 2, even from a group B region', async () => {
  assert.deepEqual(await run('group-a.yaml'), [
    ['x-feature', 'progressive-discount'],
    ['x-version', '2'],
    ['x-feature-rule', 'focus-group-a'],
  ]);
});

test('group B (x-geo-region BE) gets geo-offers 3', async () => {
  assert.deepEqual(await run('group-b.yaml'), [
    ['x-feature', 'geo-offers'],
    ['x-version', '3'],
    ['x-feature-rule', 'focus-group-b'],
  ]);
});

test('everyone else gets the baseline 1, whatever alias and version the client sent', async () => {
  assert.deepEqual(await run('everyone-else.yaml'), [
    ['x-feature', 'baseline'],
    ['x-version', '1'],
  ]);
});
