// plugins/<name>/plugin.json: every plugin has one that its schema accepts and that agrees with
// the plugin's entry; the headers it declares are the ones the plugin writes under its example.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { outputHeaders } from '../../cli/output-headers.ts';
import { exampleConfig, manifestOf, pluginFile, pluginNames } from '../../cli/plugins.ts';
import { ROOT } from '../support/modules.ts';

const validate = new Ajv2020.default({ allErrors: true }).compile(
  JSON.parse(readFileSync(join(ROOT, 'cli', 'plugin.schema.json'), 'utf8')),
);

test('every plugin folder with an entry has a manifest naming the root id its entry registers', () => {
  const entries = readdirSync(join(ROOT, 'plugins'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.deepEqual(pluginNames(), entries);
  for (const plugin of pluginNames()) {
    const registered = /registerRootContext\([\s\S]*?,\s*"([^"]+)"\s*\)/.exec(
      readFileSync(pluginFile(plugin, 'index.ts'), 'utf8'),
    )?.[1];
    assert.equal(manifestOf(plugin).root_id, registered, plugin);
  }
});

test('the manifest schema refuses a placement without its priority and an unknown field', () => {
  const manifest = JSON.parse(readFileSync(pluginFile('jwt-tenant', 'plugin.json'), 'utf8')) as Record<string, unknown>;
  assert.ok(validate(manifest), JSON.stringify(validate.errors));
  assert.ok(!validate({ ...manifest, istio: { kind: 'WasmPlugin', phase: 'AUTHZ', why: '' } }));
  assert.ok(!validate({ ...manifest, phase: 'AUTHZ' }));
  assert.ok(!validate({ ...manifest, writes: [{ field: 'tenant/header' }] }), 'a field is a JSON pointer');
});

test('the written headers: from the configuration, the defaults when unset, each array item in order', () => {
  assert.deepEqual(outputHeaders('jwt-tenant', exampleConfig('jwt-tenant')), ['x-tenant-id', 'x-user-id']);
  assert.deepEqual(outputHeaders('jwt-tenant', {}), ['x-tenant-id']);
  assert.deepEqual(outputHeaders('feature-alias', {}), ['x-feature', 'x-version']);
  assert.deepEqual(outputHeaders('feature-alias', exampleConfig('feature-alias')), [
    'x-feature',
    'x-version',
    'x-feature-rule',
  ]);
  const keys = {
    keys: [
      { header: 'x-a', derived: { header: 'x-a-dc' } },
      { header: 'x-b' },
      { header: 'x-c', derived: { header: 'x-c-dc' } },
    ],
  };
  assert.deepEqual(outputHeaders('body-keys', keys), ['x-a', 'x-a-dc', 'x-b', 'x-c', 'x-c-dc']);
});
