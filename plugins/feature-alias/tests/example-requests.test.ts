// The README's two focus groups, run as the README runs them: the example configuration and the
// request files in plugins/feature-alias/requests through `route-keys run`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../../tests/support/modules.ts';

function run(request: string) {
  const args = [
    'run',
    '--wasm',
    'dist/feature-alias.wasm',
    '--config',
    '@plugins/feature-alias/example.config.json',
    '--request',
    `@plugins/feature-alias/requests/${request}`,
  ];
  const result = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.js'), ...args], { encoding: 'utf8', cwd: ROOT });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.decision, 'continue');
  return report.upstream.headers.filter(
    ([name]: string[]) => name === 'x-feature' || name === 'x-version' || name === 'x-feature-rule',
  );
}

test('group A (the groups claim holds focus-group-a) gets progressive-discount 2, even from a group B region', () => {
  assert.deepEqual(run('group-a.yaml'), [
    ['x-feature', 'progressive-discount'],
    ['x-version', '2'],
    ['x-feature-rule', 'focus-group-a'],
  ]);
});

test('group B (x-geo-region BE) gets geo-offers 3', () => {
  assert.deepEqual(run('group-b.yaml'), [
    ['x-feature', 'geo-offers'],
    ['x-version', '3'],
    ['x-feature-rule', 'focus-group-b'],
  ]);
});

test('everyone else gets the baseline 1, whatever alias and version the client sent', () => {
  assert.deepEqual(run('everyone-else.yaml'), [
    ['x-feature', 'baseline'],
    ['x-version', '1'],
  ]);
});
