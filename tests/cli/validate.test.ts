// `route-keys validate <plugin> FILE`: the schema offline, a non-zero exit and the path of each error.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/modules.ts';

const dir = mkdtempSync(join(tmpdir(), 'route-keys-validate-'));

function validate(plugin: string, document: string, name = 'config.json') {
  const file = join(dir, name);
  writeFileSync(file, document);
  const result = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'validate', plugin, file], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the example configurations are valid', () => {
  for (const plugin of ['jwt-tenant', 'feature-alias']) {
    const result = spawnSync(process.execPath, [join(ROOT, 'cli', 'bin.js'), 'validate', plugin, join(ROOT, 'plugins', plugin, 'example.config.json')], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`valid ${plugin} configuration`));
  }
});

test('an empty jwt-tenant configuration is valid (the documented defaults)', () => {
  assert.equal(validate('jwt-tenant', '{}').status, 0);
});

test('YAML is read too', () => {
  assert.equal(validate('jwt-tenant', 'tenant:\n  claim: /org/id\n  header: x-tenant-id\n', 'config.yaml').status, 0);
});

const invalid: [string, string, string, RegExp][] = [
  ['jwt-tenant', 'an unknown field', '{"tenent": {}}', /: \/ has an unknown field "tenent"$/m],
  ['jwt-tenant', 'a header name in capitals', '{"tenant": {"header": "X-Tenant"}}', /: \/tenant\/header must match pattern/m],
  ['jwt-tenant', 'an unknown action', '{"on_invalid": {"action": "allow"}}', /: \/on_invalid\/action must be one of "forward", "default", "reject"$/m],
  ['jwt-tenant', 'default without a tenant', '{"on_missing": {"action": "default"}}', /: \/on_missing needs "default_tenant"$/m],
  ['jwt-tenant', 'a token source with two kinds', '{"token_sources": [{"header": "authorization", "cookie": "t"}]}', /: \/token_sources\/0 /m],
  ['feature-alias', 'no features', '{}', /: \/ needs "features"$/m],
  ['feature-alias', 'a rule without a name', '{"features": {"a": {}}, "rules": [{"feature": "a", "when": {"method": true, "present": true}}]}', /: \/rules\/0 needs "name"$/m],
  ['feature-alias', 'a percent over 100', '{"features": {"a": {}}, "rules": [{"name": "r", "feature": "a", "when": {"percentage": {"key": {"cookie": "s"}, "percent": 101}}}]}', /\/rules\/0\/when\/percentage\/percent must be <= 100/m],
];

for (const [plugin, name, document, line] of invalid) {
  test(`${plugin}: ${name} is reported with its path, exit 1`, () => {
    const result = validate(plugin, document);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /not a valid/);
    assert.match(result.stderr, line);
  });
}

test('invalid JSON and an unknown plugin are one clear line, exit 1', () => {
  const broken = validate('jwt-tenant', '{"tenant": ');
  assert.equal(broken.status, 1);
  assert.match(broken.stderr, /^route-keys: .*config\.json is not valid JSON/);
  const unknown = validate('no-such-plugin', '{}');
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /^route-keys: unknown plugin "no-such-plugin": expected one of .*jwt-tenant/);
});
