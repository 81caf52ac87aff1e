// A bad configuration is refused when Envoy configures the plugin, with the field's path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationRejectedError } from '../../../host/index.ts';
import { load, pluginModule } from '../../../tests/support/modules.ts';

const cases: [string, string, RegExp][] = [
  ['not JSON', '{"tenant":', /^\/: expected JSON \(JSON ends too early at byte 10\)$/],
  ['not an object', '[]', /^\/: expected an object, got an array$/],
  ['a misspelt field', '{"tenent":{}}', /^\/tenent: unknown field/],
  [
    'an upper-case header name',
    '{"tenant":{"header":"X-Tenant"}}',
    /^\/tenant\/header: expected a lower-case header name, got "X-Tenant"$/,
  ],
  [
    'a claim that is not a pointer',
    '{"tenant":{"claim":"tenant"}}',
    /^\/tenant\/claim: expected a JSON Pointer such as "\/tenant" \(~0 for ~, ~1 for \/\), got "tenant"$/,
  ],
  [
    'a claim of the wrong type',
    '{"tenant":{"claim":5}}',
    /^\/tenant\/claim: expected a JSON Pointer string or an array of claim names, got a number$/,
  ],
  ['an unsupported pattern', '{"tenant":{"pattern":"^(a|b)+$"}}', /^\/tenant\/pattern: expected a pattern of the form/],
  [
    'an unknown action',
    '{"on_missing":{"action":"allow"}}',
    /^\/on_missing\/action: expected one of forward, default, reject, got "allow"$/,
  ],
  [
    'default without a tenant',
    '{"on_missing":{"action":"default"}}',
    /^\/on_missing\/default_tenant: expected the tenant to use/,
  ],
  [
    'a default tenant outside the pattern',
    '{"on_missing":{"action":"default","default_tenant":"a b"}}',
    /^\/on_missing\/default_tenant: expected a value the tenant pattern/,
  ],
  [
    'a default tenant outside the pattern, action reject',
    '{"on_missing":{"action":"reject","default_tenant":"2.4.0-é"}}',
    /^\/on_missing\/default_tenant: expected a value the tenant pattern/,
  ],
  [
    'a status outside 400..599',
    '{"on_invalid":{"action":"reject","status":200}}',
    /^\/on_invalid\/status: expected an integer from 400 to 599$/,
  ],
  [
    'two kinds in one token source',
    '{"token_sources":[{"header":"authorization","cookie":"t"}]}',
    /^\/token_sources\/0: expected exactly one of header, cookie or query$/,
  ],
  ['no token sources', '{"token_sources":[]}', /^\/token_sources: expected at least one token source$/],
  [
    'expiry checks with metadata',
    '{"payload_in_metadata":{"key":"p"},"checks":{"expiry":true}}',
    /^\/checks\/expiry: expected false with payload_in_metadata/,
  ],
  [
    'a token cache of more than 4096 entries',
    '{"token_cache":{"entries":5000}}',
    /^\/token_cache\/entries: expected an integer from 0 to 4096$/,
  ],
  [
    'a token cache with metadata',
    '{"payload_in_metadata":{"key":"p"},"token_cache":{"entries":8}}',
    /^\/token_cache: expected no token_cache with payload_in_metadata/,
  ],
  ['a duplicate key', '{"tenant":{},"tenant":{}}', /duplicate key "tenant"/],
  // Nothing invalid is ever written: every value the filter can write is checked here.
  [
    'a map target with CR LF',
    '{"tenant":{"map":{"abc":"a\\r\\nb"}}}',
    /^\/tenant\/map\/abc: expected a value the tenant pattern \^\[A-Za-z0-9._-\]\{1,64\}\$ allows$/,
  ],
  [
    'a map target outside the tenant pattern',
    '{"tenant":{"map":{"abc":"a b"},"pattern":"^[a-z]{1,8}$"}}',
    /^\/tenant\/map\/abc: expected a value the tenant pattern \^\[a-z\]\{1,8\}\$ allows$/,
  ],
  [
    'a map key with a slash, named as a JSON Pointer',
    '{"tenant":{"map":{"a/b~c":"A B"}}}',
    /^\/tenant\/map\/a~1b~0c: expected a value the tenant pattern/,
  ],
  [
    'a tenant pattern that allows the empty value',
    '{"tenant":{"pattern":"^[a-z]{0,5}$"}}',
    /^\/tenant\/pattern: expected a pattern that refuses the empty value/,
  ],
  [
    'a claim pattern that allows the empty value',
    '{"claims_to_headers":[{"claim":"/sub","header":"x-user-id","pattern":"^[a-z]*$"}]}',
    /^\/claims_to_headers\/0\/pattern: expected a pattern that refuses the empty value/,
  ],
  [
    'the tenant written to authorization',
    '{"tenant":{"header":"authorization"}}',
    /^\/tenant\/header: "authorization" is a header Envoy or the verifier owns: expected a header a filter may write$/,
  ],
  [
    'the tenant written to host',
    '{"tenant":{"header":"host"}}',
    /^\/tenant\/header: "host" is a header Envoy or the verifier owns/,
  ],
  [
    'a claim written to a proxy-* header',
    '{"claims_to_headers":[{"claim":"/sub","header":"proxy-user"}]}',
    /^\/claims_to_headers\/0\/header: "proxy-user" is a proxy-\* header/,
  ],
  [
    'a claim written to content-length',
    '{"claims_to_headers":[{"claim":"/sub","header":"content-length"}]}',
    /^\/claims_to_headers\/0\/header: "content-length" is a header Envoy or the verifier owns/,
  ],
  [
    'a claim written to the tenant header',
    '{"claims_to_headers":[{"claim":"/org","header":"x-tenant-id"}]}',
    /^\/claims_to_headers\/0\/header: "x-tenant-id" is already written by another output: expected one output per header$/,
  ],
  [
    'two claims written to one header',
    '{"claims_to_headers":[{"claim":"/sub","header":"x-user"},{"claim":"/email","header":"x-user"}]}',
    /^\/claims_to_headers\/1\/header: "x-user" is already written by another output/,
  ],
  [
    'a token read from a header the plugin writes',
    '{"token_sources":[{"header":"x-user-id"}],"claims_to_headers":[{"claim":"/sub","header":"x-user-id"}]}',
    /^\/token_sources\/0\/header: expected a header the plugin does not write$/,
  ],
  // Bounds and forms the schema states, held by the plugin too (one verdict).
  [
    'an empty metadata namespace',
    '{"payload_in_metadata":{"namespace":"","key":"p"}}',
    /^\/payload_in_metadata\/namespace: expected the metadata namespace jwt_authn writes to/,
  ],
  [
    'a token prefix longer than 32 characters',
    `{"token_sources":[{"header":"authorization","prefix":"${'B'.repeat(33)}"}]}`,
    /^\/token_sources\/0\/prefix: expected a prefix of at most 32 characters$/,
  ],
  [
    'a token cookie name longer than 128 characters',
    `{"token_sources":[{"cookie":"${'c'.repeat(129)}"}]}`,
    /^\/token_sources\/0\/cookie: expected a name of at most 128 characters$/,
  ],
  [
    'token_cache with payload_in_metadata, even with 0 entries',
    '{"payload_in_metadata":{"key":"p"},"token_cache":{"entries":0}}',
    /^\/token_cache: expected no token_cache with payload_in_metadata/,
  ],
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
