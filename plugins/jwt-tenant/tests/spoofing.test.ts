// A client can never choose its tenant: whatever it sends as x-tenant-id (once or many times),
// upstream sees only what the plugin wrote.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, fixedClock } from '../../../host/index.ts';
import { headerValues, load, pluginModule } from '../../../tests/support/modules.ts';
import { bearer, keycloak, NOW, signToken } from '../../../tests/support/tokens.ts';

const spoofed: [string, string][] = [
  ['x-tenant-id', 'bigcorp'],
  ['X-Tenant-Id', 'bigcorp'],
  ['x-tenant-id', 'bigcorp'],
];
const onInvalidForward = {
  on_invalid: { action: 'forward' },
  claims_to_headers: [{ claim: '/sub', header: 'x-user-id' }],
};

const chain = (config: object) =>
  new FilterChain([
    load(pluginModule('jwt-tenant'), {
      rootId: 'jwt-tenant',
      name: 'jwt-tenant',
      configuration: JSON.stringify(config),
      clock: fixedClock(NOW),
    }),
  ]);

const cases: { name: string; config: object; token?: string; expected: string[] }[] = [
  { name: 'no token', config: onInvalidForward, expected: [] },
  { name: 'an invalid token', config: onInvalidForward, token: 'eyJhbGciOiJub25lIn0.bm90IGpzb24.', expected: [] },
  {
    name: 'a token for another tenant',
    config: onInvalidForward,
    token: signToken('RS256', keycloak('acme', { tenant: 'acme' })),
    expected: ['acme'],
  },
  {
    name: 'a token whose tenant is not allowed',
    config: onInvalidForward,
    token: signToken('RS256', { tenant: 'big corp' }),
    expected: [],
  },
  {
    name: 'no token, with a default tenant',
    config: { ...onInvalidForward, on_missing: { action: 'default', default_tenant: 'public' } },
    expected: ['public'],
  },
];

for (const c of cases) {
  test(`spoofed x-tenant-id and ${c.name}: upstream sees ${c.expected.length ? c.expected[0] : 'no tenant'}`, () => {
    const headers: [string, string][] = [...spoofed, ['x-user-id', 'admin']];
    if (c.token) headers.push(bearer(c.token));
    const outcome = chain(c.config).send({ headers });
    assert.equal(outcome.decision, 'continue');
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-tenant-id'), c.expected);
    assert.ok(!headerValues(outcome.upstream!.headers, 'x-user-id').includes('admin'));
  });
}

test('a rejected request never reaches upstream at all', () => {
  const outcome = chain({}).send({ headers: [...spoofed, bearer('x.y.z')] });
  assert.equal(outcome.decision, 'local_reply');
  assert.equal(outcome.upstream, null);
});
