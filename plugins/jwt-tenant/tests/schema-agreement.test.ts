// config.schema.json (what `route-keys validate` checks offline) and the plugin's configure give
// one verdict on each rule of the hardening, except where JSON Schema cannot compare two values;
// those rows say so and the plugin alone refuses them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationRejectedError } from '../../../host/index.ts';
import { validationErrors } from '../../../cli/validate.ts';
import { load, pluginModule } from '../../../tests/support/modules.ts';

function pluginAccepts(config: object): boolean {
  try {
    load(pluginModule('jwt-tenant'), { rootId: 'jwt-tenant', configuration: JSON.stringify(config) });
    return true;
  } catch (e) {
    if (e instanceof ConfigurationRejectedError) return false;
    throw e;
  }
}

// [what, configuration, accepted by both | 'plugin only refuses: why']
const rows: [string, object, true | false | string][] = [
  ['a map target with CR LF', { tenant: { map: { abc: 'a\r\nb' } } }, false],
  ['a map target with a byte above ASCII', { tenant: { map: { abc: 'café' } } }, false],
  [
    'a printable map target outside the tenant pattern',
    { tenant: { map: { abc: 'a b' } } },
    'plugin only refuses: the pattern is data, JSON Schema cannot match one value against another',
  ],
  ['a map target inside the tenant pattern', { tenant: { map: { abc: 'acme' } } }, true],
  ['a default tenant with LF', { on_missing: { action: 'default', default_tenant: 'a\nb' } }, false],
  ['the tenant written to authorization', { tenant: { header: 'authorization' } }, false],
  ['the tenant written to a pseudo-header', { tenant: { header: ':path' } }, false],
  ['a claim written to proxy-status', { claims_to_headers: [{ claim: '/sub', header: 'proxy-status' }] }, false],
  [
    'a claim written to transfer-encoding',
    { claims_to_headers: [{ claim: '/sub', header: 'transfer-encoding' }] },
    false,
  ],
  ['a claim written to x-user-id', { claims_to_headers: [{ claim: '/sub', header: 'x-user-id' }] }, true],
  ['a tenant pattern that allows the empty value', { tenant: { pattern: '^[a-z]{0,5}$' } }, false],
  [
    'a claim pattern with *',
    { claims_to_headers: [{ claim: '/sub', header: 'x-user-id', pattern: '^[a-z]*$' }] },
    false,
  ],
  ['a pattern with a minimum of 1', { tenant: { pattern: '^[a-z]{1,5}$' } }, true],
  [
    'payload_in_metadata with token_cache',
    { payload_in_metadata: { key: 'https://idp.example.com' }, token_cache: { entries: 0 } },
    false,
  ],
  [
    'payload_in_metadata with checks.expiry',
    { payload_in_metadata: { key: 'https://idp.example.com' }, checks: { expiry: true } },
    false,
  ],
  [
    'payload_in_metadata with checks.expiry false and issuers',
    {
      payload_in_metadata: { key: 'https://idp.example.com' },
      checks: { expiry: false, issuers: ['https://idp.example.com'] },
    },
    true,
  ],
  [
    'a claim written to the tenant header',
    { claims_to_headers: [{ claim: '/org', header: 'x-tenant-id' }] },
    'plugin only refuses: JSON Schema cannot compare two fields',
  ],
  [
    'two claims written to one header',
    {
      claims_to_headers: [
        { claim: '/a', header: 'x-a' },
        { claim: '/b', header: 'x-a' },
      ],
    },
    'plugin only refuses: uniqueItems compares whole entries, not their header',
  ],
  [
    'a token read from a header the plugin writes',
    { token_sources: [{ header: 'x-tenant-id' }] },
    'plugin only refuses: JSON Schema cannot compare two fields',
  ],
];

for (const [what, config, verdict] of rows) {
  test(`schema and configure: ${what}`, () => {
    const schemaAccepts = validationErrors('jwt-tenant', config).length === 0;
    if (typeof verdict === 'string') {
      assert.equal(schemaAccepts, true, 'the schema cannot say it');
      assert.equal(pluginAccepts(config), false, verdict);
      return;
    }
    assert.equal(schemaAccepts, verdict, `schema: ${validationErrors('jwt-tenant', config).join('; ')}`);
    assert.equal(pluginAccepts(config), verdict, 'plugin');
  });
}
