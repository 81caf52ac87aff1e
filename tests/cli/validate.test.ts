// `route-keys validate <plugin> FILE`: the plugin's own verdict at configure and the schema's
// findings beside it, a non-zero exit when either rejects, the path of each error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { manifestOf, pluginFile, pluginNames } from '../../cli/plugins.ts';
import { routeKeys } from '../support/cli.ts';
import { ROOT } from '../support/modules.ts';

const dir = mkdtempSync(join(tmpdir(), 'route-keys-validate-'));

// In this process for this checkout; a copy of the command elsewhere runs as its own process.
async function validate(plugin: string, document: string, name = 'config.json', root = ROOT) {
  const file = join(dir, name);
  writeFileSync(file, document);
  if (root === ROOT) return routeKeys('validate', plugin, file);
  const result = spawnSync(process.execPath, [join(root, 'cli', 'bin.js'), 'validate', plugin, file], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the example configurations are valid: the plugin accepts them and the schema agrees', async () => {
  assert.ok(pluginNames().length >= 3, 'the plugins are found');
  for (const plugin of pluginNames()) {
    const result = await routeKeys('validate', plugin, pluginFile(plugin, manifestOf(plugin).example_config));
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      new RegExp(`valid ${plugin} configuration \\(the plugin accepts it at configure, and the schema agrees\\)`),
    );
  }
});

test('an empty jwt-tenant configuration is valid (the documented defaults)', async () => {
  assert.equal((await validate('jwt-tenant', '{}')).status, 0);
});

test('YAML is read too', async () => {
  assert.equal(
    (await validate('jwt-tenant', 'tenant:\n  claim: /org/id\n  header: x-tenant-id\n', 'config.yaml')).status,
    0,
  );
});

const invalid: [string, string, string, RegExp][] = [
  ['jwt-tenant', 'an unknown field', '{"tenent": {}}', /: \/ has an unknown field "tenent"$/m],
  [
    'jwt-tenant',
    'a header name in capitals',
    '{"tenant": {"header": "X-Tenant"}}',
    /: \/tenant\/header must match pattern/m,
  ],
  [
    'jwt-tenant',
    'an unknown action',
    '{"on_invalid": {"action": "allow"}}',
    /: \/on_invalid\/action must be one of "forward", "default", "reject"$/m,
  ],
  [
    'jwt-tenant',
    'default without a tenant',
    '{"on_missing": {"action": "default"}}',
    /: \/on_missing needs "default_tenant"$/m,
  ],
  [
    'jwt-tenant',
    'a token source with two kinds',
    '{"token_sources": [{"header": "authorization", "cookie": "t"}]}',
    /: \/token_sources\/0 /m,
  ],
  ['feature-alias', 'no features', '{}', /: \/ needs "features"$/m],
  [
    'feature-alias',
    'a rule without a name',
    '{"features": {"a": {}}, "rules": [{"feature": "a", "when": {"method": true, "present": true}}]}',
    /: \/rules\/0 needs "name"$/m,
  ],
  ['body-keys', 'a key without sources', '{"keys": [{"header": "x-cart-id"}]}', /: \/keys\/0 needs "sources"$/m],
  // A "not" rule says what it refuses (its branch's description), never a bare "must NOT be valid".
  [
    'jwt-tenant',
    'a tenant pattern that allows the empty value',
    '{"tenant": {"pattern": "^[a-z]*$"}}',
    /: \/tenant\/pattern is refused: allows the empty value \(\*, \? or a minimum of 0\)/m,
  ],
  [
    'jwt-tenant',
    'the tenant written to host',
    '{"tenant": {"header": "host"}}',
    /: \/tenant\/header is refused: a header no filter may write/m,
  ],
  [
    'body-keys',
    'a key pattern without a maximum',
    '{"keys": [{"header": "x-cart-id", "sources": [{"query": "cart"}], "pattern": "^[a-z]+$"}]}',
    /: \/keys\/0\/pattern is refused: sets no maximum length/m,
  ],
  [
    'feature-alias',
    'a percent over 100',
    '{"features": {"a": {}}, "rules": [{"name": "r", "feature": "a", "when": {"percentage": {"key": {"cookie": "s"}, "percent": 101}}}]}',
    /\/rules\/0\/when\/percentage\/percent must be <= 100/m,
  ],
];

for (const [plugin, name, document, line] of invalid) {
  test(`${plugin}: ${name} is reported with its path, exit 1`, async () => {
    const result = await validate(plugin, document);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /not a valid/);
    assert.match(result.stderr, line);
    assert.doesNotMatch(result.stderr, /must NOT be valid/);
    // Every configuration here breaks the plugin's own check too: its line comes first.
    assert.match(result.stderr, /the plugin rejects it/);
    assert.match(result.stderr, new RegExp(`^  .*config\\.json: plugin: ${plugin}: .*`, 'm'));
  });
}

// What JSON Schema cannot say, the plugin still does: validate reports it, and exits 1.
const pluginOnly: [string, string, string, RegExp][] = [
  [
    'jwt-tenant',
    'a repeated key',
    '{"tenant": {"claim": "/org"}, "tenant": {"claim": "/team"}}',
    /plugin: jwt-tenant: .*duplicate key "tenant"/,
  ],
  [
    'body-keys',
    'a repeated key',
    '{"keys": [{"header": "x-cart-id", "sources": [{"cookie": "cart"}]}], "max_body_bytes": 100, "max_body_bytes": 200}',
    /plugin: body-keys: .*duplicate key "max_body_bytes"/,
  ],
  [
    'feature-alias',
    'a repeated key',
    '{"features": {"a": {}}, "features": {"b": {}}}',
    /plugin: feature-alias: .*duplicate key "features"/,
  ],
];

for (const [plugin, name, document, line] of pluginOnly) {
  test(`${plugin}: ${name}, which the schema cannot see, is rejected by the plugin's own check, exit 1`, async () => {
    const result = await validate(plugin, document);
    assert.equal(result.status, 1, result.stdout);
    assert.match(result.stderr, /the plugin rejects it; the schema accepts it/);
    assert.match(result.stderr, line);
  });
}

test('a missing dist/<plugin>.wasm says to build first', async () => {
  // A copy of the command beside the real plugins and dependencies, without dist/.
  const root = mkdtempSync(join(tmpdir(), 'route-keys-nodist-'));
  cpSync(join(ROOT, 'cli'), join(root, 'cli'), { recursive: true });
  for (const linked of ['host', 'plugins', 'node_modules', 'package.json'])
    symlinkSync(join(ROOT, linked), join(root, linked));
  mkdirSync(join(root, 'assembly'));
  const result = await validate('jwt-tenant', '{}', 'config.json', root);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /^route-keys: dist\/jwt-tenant\.wasm is missing: run npm run build first/);
});

test('invalid JSON and an unknown plugin are one clear line, exit 1', async () => {
  const broken = await validate('jwt-tenant', '{"tenant": ');
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /^route-keys: .*config\.json is not valid JSON/);
  const unknown = await validate('no-such-plugin', '{}');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^route-keys: unknown plugin "no-such-plugin": expected one of .*jwt-tenant/);
});
