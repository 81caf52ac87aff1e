// payload_in_metadata: the claims jwt_authn verified, read through proxy_get_property from
// metadata.filter_metadata["envoy.filters.http.jwt_authn"][<key>] as Envoy serializes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../../host/index.ts';
import { headerValues, load, pluginModule } from '../../../tests/support/modules.ts';
import { keycloak } from '../../../tests/support/tokens.ts';

const chain = (config: object) =>
  new FilterChain([
    load(pluginModule('jwt-tenant'), {
      rootId: 'jwt-tenant',
      name: 'jwt-tenant',
      configuration: JSON.stringify(config),
    }),
  ]);
const verified = (payload: object) => ({ 'envoy.filters.http.jwt_authn': { jwt_payload: payload } });

test('the tenant comes from the verified payload, not from any token', () => {
  const outcome = chain({
    payload_in_metadata: { key: 'jwt_payload' },
    claims_to_headers: [{ claim: '/sub', header: 'x-user-id' }],
  }).send({
    headers: [
      ['authorization', 'Bearer forged.token.here'],
      ['x-tenant-id', 'bigcorp'],
    ],
    stream: { filterMetadata: verified({ ...keycloak('acme'), tenant: 'acme' }) },
  });
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-tenant-id'), ['acme']);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-user-id'), ['f3b1a2c4-5d6e-47f8-9a0b-1c2d3e4f5a6b']);
});

test('Keycloak realm from the verified issuer, nested and URL-named claims', () => {
  const payload = {
    iss: 'https://kc.example.com/realms/acme',
    org: { id: 'initech' },
    'https://example.com/tenant': 'globex',
  };
  const cases: [object, string][] = [
    [{ claim: '/iss', capture: { prefix: 'https://kc.example.com/realms/', until: '/' } }, 'acme'],
    [{ claim: '/org/id' }, 'initech'],
    [{ claim: ['https://example.com/tenant'] }, 'globex'],
  ];
  for (const [tenant, expected] of cases) {
    const outcome = chain({ payload_in_metadata: { key: 'jwt_payload' }, tenant }).send({
      stream: { filterMetadata: verified(payload) },
    });
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-tenant-id'), [expected]);
  }
});

test('no verified payload (jwt_authn let the request through without a token): missing', () => {
  const outcome = chain({ payload_in_metadata: { key: 'jwt_payload' }, on_missing: { action: 'reject' } }).send({});
  assert.equal(outcome.response?.status, 401);
});

test('a non-string claim (a number, serialized as 8 bytes) is refused by the allow-pattern', () => {
  const outcome = chain({ payload_in_metadata: { key: 'jwt_payload' }, on_invalid: { action: 'forward' } }).send({
    stream: { filterMetadata: verified({ tenant: 42 }) },
  });
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-tenant-id'), []);
});

test('an issuer allow-list applies to the verified iss', () => {
  const config = {
    payload_in_metadata: { key: 'jwt_payload' },
    checks: { issuers: ['https://kc.example.com/realms/acme'] },
  };
  assert.equal(
    chain(config).send({
      stream: { filterMetadata: verified({ iss: 'https://kc.example.com/realms/acme', tenant: 'acme' }) },
    }).decision,
    'continue',
  );
  assert.equal(
    chain(config).send({ stream: { filterMetadata: verified({ iss: 'https://other/', tenant: 'acme' }) } }).response
      ?.status,
    401,
  );
});
