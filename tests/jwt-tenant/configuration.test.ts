// A bad configuration is refused when Envoy configures the plugin, with the field's path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationRejectedError } from '../../host/index.ts';
import { load, pluginModule } from '../support/modules.ts';

const cases: [string, string, RegExp][] = [
  ['not JSON', '{"tenant":', /^\/: expected JSON \(JSON ends too early at byte 10\)$/],
  ['not an object', '[]', /^\/: expected an object, got an array$/],
  ['a misspelt field', '{"tenent":{}}', /^\/tenent: unknown field/],
  ['an upper-case header name', '{"tenant":{"header":"X-Tenant"}}', /^\/tenant\/header: expected a lower-case header name, got "X-Tenant"$/],
  ['a claim that is not a pointer', '{"tenant":{"claim":"tenant"}}', /^\/tenant\/claim: expected a JSON Pointer such as "\/tenant" \(~0 for ~, ~1 for \/\), got "tenant"$/],
  ['a claim of the wrong type', '{"tenant":{"claim":5}}', /^\/tenant\/claim: expected a JSON Pointer string or an array of claim names, got a number$/],
  ['an unsupported pattern', '{"tenant":{"pattern":"^(a|b)+$"}}', /^\/tenant\/pattern: expected a pattern of the form/],
  ['an unknown action', '{"on_missing":{"action":"allow"}}', /^\/on_missing\/action: expected one of forward, default, reject, got "allow"$/],
  ['default without a tenant', '{"on_missing":{"action":"default"}}', /^\/on_missing\/default_tenant: expected the tenant to use/],
  ['a default tenant outside the pattern', '{"on_missing":{"action":"default","default_tenant":"a b"}}', /^\/on_missing\/default_tenant: expected a value the tenant pattern/],
  ['a status outside 400..599', '{"on_invalid":{"action":"reject","status":200}}', /^\/on_invalid\/status: expected an integer from 400 to 599$/],
  ['two kinds in one token source', '{"token_sources":[{"header":"authorization","cookie":"t"}]}', /^\/token_sources\/0: expected exactly one of header, cookie or query$/],
  ['no token sources', '{"token_sources":[]}', /^\/token_sources: expected at least one token source$/],
  ['expiry checks with metadata', '{"payload_in_metadata":{"key":"p"},"checks":{"expiry":true}}', /^\/checks\/expiry: expected false with payload_in_metadata/],
  ['a token cache of more than 4096 entries', '{"token_cache":{"entries":5000}}', /^\/token_cache\/entries: expected an integer from 0 to 4096$/],
  ['a token cache with metadata', '{"payload_in_metadata":{"key":"p"},"token_cache":{"entries":8}}', /^\/token_cache: expected no token_cache with payload_in_metadata/],
  ['a duplicate key', '{"tenant":{},"tenant":{}}', /duplicate key "tenant"/],
];

for (const [name, configuration, message] of cases) {
  test(`rejected at configure: ${name}`, () => {
    assert.throws(
      () => load(pluginModule('jwt-tenant'), { rootId: 'jwt-tenant', configuration }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigurationRejectedError);
        const line = e.logs.find((l) => l.level === 'error')?.message ?? '';
        assert.match(line.replace(/^jwt-tenant: invalid configuration: /, ''), message);
        return true;
      },
    );
  });
}

test('an empty configuration is valid: the documented defaults', () => {
  assert.ok(load(pluginModule('jwt-tenant'), { rootId: 'jwt-tenant', configuration: '' }));
  assert.ok(load(pluginModule('jwt-tenant'), { rootId: 'jwt-tenant', configuration: '{}' }));
});
