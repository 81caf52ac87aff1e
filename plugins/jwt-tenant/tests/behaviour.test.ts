// jwt-tenant, request in, upstream headers or local reply out, from configuration alone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, fixedClock, type HeaderList, type HttpRequest } from '../../../host/index.ts';
import { header, headerValues, load, pluginModule } from '../../../tests/support/modules.ts';
import {
  auth0,
  azureAd,
  bearer,
  keycloak,
  NOW,
  signToken,
  tokenWithRawPayload,
} from '../../../tests/support/tokens.ts';

const chain = (config: object) =>
  new FilterChain([
    load(pluginModule('jwt-tenant'), {
      rootId: 'jwt-tenant',
      name: 'jwt-tenant',
      configuration: JSON.stringify(config),
      clock: fixedClock(NOW),
    }),
  ]);

interface Case {
  name: string;
  config: object;
  request: HttpRequest;
  tenant?: string | null;
  status?: number;
  headers?: [string, string | null][];
}

const cases: Case[] = [
  {
    name: 'Keycloak: the realm out of the issuer URL (RS256)',
    config: { tenant: { claim: '/iss', capture: { prefix: 'https://keycloak.example.com/realms/', until: '/' } } },
    request: { headers: [bearer(signToken('RS256', keycloak('acme')))] },
    tenant: 'acme',
  },
  {
    name: 'Auth0: a claim named by a URL, as an array of names (ES256)',
    config: { tenant: { claim: ['https://example.com/tenant'] } },
    request: { headers: [bearer(signToken('ES256', auth0('globex')))] },
    tenant: 'globex',
  },
  {
    name: 'Auth0: the same claim as a JSON Pointer with ~1',
    config: { tenant: { claim: '/https:~1~1example.com~1tenant' } },
    request: { headers: [bearer(signToken('RS256', auth0('globex')))] },
    tenant: 'globex',
  },
  {
    name: 'a nested claim',
    config: { tenant: { claim: '/org/tenant/id' } },
    request: { headers: [bearer(signToken('RS256', { sub: 'u', org: { tenant: { id: 'initech' } } }))] },
    tenant: 'initech',
  },
  {
    name: 'Azure AD: the tid mapped to a tenant name',
    config: {
      tenant: { claim: '/tid', map: { '9188040d-6c67-4c5b-b112-36a304b66dad': 'contoso' }, unmapped: 'invalid' },
    },
    request: { headers: [bearer(signToken('RS256', azureAd('9188040d-6c67-4c5b-b112-36a304b66dad')))] },
    tenant: 'contoso',
  },
  {
    name: 'Azure AD: a tid the map does not name, with unmapped invalid, is rejected 401',
    config: { tenant: { claim: '/tid', map: { a: 'b' }, unmapped: 'invalid' } },
    request: { headers: [bearer(signToken('RS256', azureAd('72f988bf-86f1-41af-91ab-2d7cd011db47')))] },
    status: 401,
  },
  {
    name: 'an integer claim is written as decimal',
    config: { tenant: { claim: '/tenant_no' } },
    request: { headers: [bearer(signToken('RS256', { tenant_no: 4711 }))] },
    tenant: '4711',
  },
  {
    name: 'an array claim with arrays: first',
    config: { tenant: { claim: '/tenants', arrays: 'first' } },
    request: { headers: [bearer(signToken('RS256', { tenants: ['acme', 'globex'] }))] },
    tenant: 'acme',
  },
  {
    name: 'an array claim by default is invalid: 401',
    config: { tenant: { claim: '/tenants' } },
    request: { headers: [bearer(signToken('RS256', { tenants: ['acme'] }))] },
    status: 401,
  },
  {
    name: 'a value outside the allow-pattern never reaches the header',
    config: {},
    request: { headers: [bearer(signToken('RS256', { tenant: 'acme\r\nx-admin: 1' }))] },
    status: 401,
  },
  {
    name: 'a value with escapes is unescaped before the pattern check',
    config: {},
    request: { headers: [bearer(tokenWithRawPayload('{"tenant":"ac\\u006de"}'))] },
    tenant: 'acme',
  },
  {
    name: 'the token from a cookie when there is no Authorization header',
    config: { token_sources: [{ header: 'authorization', prefix: 'Bearer ' }, { cookie: 'access_token' }] },
    request: { headers: [['cookie', `theme=dark; access_token=${signToken('RS256', { tenant: 'acme' })}; lang=en`]] },
    tenant: 'acme',
  },
  {
    name: 'the token from a query parameter',
    config: { token_sources: [{ query: 'access_token' }] },
    request: { path: `/orders?page=2&access_token=${signToken('RS256', { tenant: 'acme' })}` },
    tenant: 'acme',
  },
  {
    name: "sources are read in jwt_authn's order whatever the listed one: the header before the cookie",
    config: { token_sources: [{ cookie: 'access_token' }, { header: 'authorization', prefix: 'Bearer ' }] },
    request: {
      headers: [
        bearer(signToken('RS256', { tenant: 'from-header' })),
        ['cookie', `access_token=${signToken('RS256', { tenant: 'from-cookie' })}`],
      ],
    },
    tenant: 'from-header',
  },
  {
    name: "two cookies in jwt_authn's order, by name: access_token before session, whatever the listed order",
    config: { token_sources: [{ cookie: 'session' }, { cookie: 'access_token' }] },
    request: {
      headers: [
        [
          'cookie',
          `session=${signToken('RS256', { tenant: 'from-session' })}; access_token=${signToken('RS256', { tenant: 'from-access' })}`,
        ],
      ],
    },
    tenant: 'from-access',
  },
  {
    name: 'authorization without the prefix holds no token, and the next source is read, as jwt_authn goes on',
    config: { token_sources: [{ header: 'authorization', prefix: 'Bearer ' }, { cookie: 'access_token' }] },
    request: {
      headers: [
        ['authorization', 'Basic dXNlcjpwYXNz'],
        ['cookie', `access_token=${signToken('RS256', { tenant: 'from-cookie' })}`],
      ],
    },
    tenant: 'from-cookie',
  },
  {
    name: 'another header without the prefix ends the search: a second field of it, unseen by the plugin, may hold the token jwt_authn judges by',
    config: { token_sources: [{ header: 'x-token', prefix: 'Bearer ' }, { cookie: 'access_token' }] },
    request: {
      headers: [
        ['x-token', 'Basic dXNlcjpwYXNz'],
        ['cookie', `access_token=${signToken('RS256', { tenant: 'from-cookie' })}`],
      ],
    },
    tenant: null,
  },
  {
    name: 'a bare query name (no "=") is a present, empty token to jwt_authn, so no later source is read',
    config: { token_sources: [{ query: 'access_token' }, { cookie: 'access_token' }] },
    request: {
      path: '/?access_token',
      headers: [['cookie', `access_token=${signToken('RS256', { tenant: 'from-cookie' })}`]],
    },
    tenant: null,
  },
  {
    name: 'the Bearer prefix is case-sensitive, as jwt_authn finds its value_prefix: "bearer" holds no token',
    config: {},
    request: { headers: [['authorization', `bearer ${signToken('RS256', { tenant: 'acme' })}`]] },
    tenant: null,
  },
  {
    name: 'the prefix is found anywhere in the value and the token runs to its end, as jwt_authn takes it',
    config: {},
    request: { headers: [['authorization', `Basic dXNlcjpwYXNz, Bearer ${signToken('RS256', { tenant: 'acme' })}`]] },
    tenant: 'acme',
  },
  {
    name: 'a header without the prefix holds no token: missing, forwarded',
    config: {},
    request: { headers: [['authorization', `Basic dXNlcjpwYXNz`]] },
    tenant: null,
  },
  { name: 'no token: forwarded without the header (default on_missing)', config: {}, request: {}, tenant: null },
  {
    name: 'no token with on_missing default',
    config: { on_missing: { action: 'default', default_tenant: 'public' } },
    request: {},
    tenant: 'public',
  },
  {
    name: 'no token with on_missing reject 403',
    config: { on_missing: { action: 'reject', status: 403 } },
    request: {},
    status: 403,
  },
  {
    name: 'no tenant claim is missing, not invalid',
    config: { on_invalid: { action: 'reject' } },
    request: { headers: [bearer(signToken('RS256', { sub: 'u' }))] },
    tenant: null,
  },
  { name: 'a malformed token is invalid: 401', config: {}, request: { headers: [bearer('not.a-token')] }, status: 401 },
  {
    name: 'a payload that is not an object is invalid',
    config: {},
    request: { headers: [bearer(tokenWithRawPayload('["acme"]'))] },
    status: 401,
  },
  {
    name: 'an invalid token with on_invalid forward goes on without the header',
    config: { on_invalid: { action: 'forward' } },
    request: { headers: [bearer('x.y.z')] },
    tenant: null,
  },
  {
    name: 'an expired token is invalid with checks.expiry',
    config: { checks: { expiry: true, leeway_seconds: 30 } },
    request: { headers: [bearer(signToken('RS256', { tenant: 'acme', exp: NOW - 31 }))] },
    status: 401,
  },
  {
    name: 'within the leeway an expired token still passes',
    config: { checks: { expiry: true, leeway_seconds: 30 } },
    request: { headers: [bearer(signToken('RS256', { tenant: 'acme', exp: NOW - 29 }))] },
    tenant: 'acme',
  },
  {
    name: 'a token not valid yet (nbf) is invalid',
    config: { checks: { expiry: true, leeway_seconds: 0 } },
    request: { headers: [bearer(signToken('RS256', { tenant: 'acme', nbf: NOW + 10 }))] },
    status: 401,
  },
  {
    name: 'an issuer outside the allow-list is invalid',
    config: {
      tenant: { claim: '/iss', capture: { prefix: 'https://keycloak.example.com/realms/' } },
      checks: { issuers: ['https://keycloak.example.com/realms/acme'] },
    },
    request: { headers: [bearer(signToken('RS256', keycloak('evil')))] },
    status: 401,
  },
  {
    name: 'an allowed issuer passes',
    config: {
      tenant: { claim: '/iss', capture: { prefix: 'https://keycloak.example.com/realms/' } },
      checks: { issuers: ['https://keycloak.example.com/realms/acme'] },
    },
    request: { headers: [bearer(signToken('RS256', keycloak('acme')))] },
    tenant: 'acme',
  },
  {
    name: 'more claims to more headers, each only when its value is allowed',
    config: {
      claims_to_headers: [
        { claim: '/sub', header: 'x-user-id' },
        { claim: '/email', header: 'x-email' },
        { claim: '/name', header: 'x-name' },
      ],
    },
    request: {
      headers: [
        bearer(signToken('RS256', { tenant: 'acme', sub: 'u-1', email: 'jane@example.com', name: 'Jane Doe' })),
      ],
    },
    tenant: 'acme',
    headers: [
      ['x-user-id', 'u-1'],
      ['x-email', 'jane@example.com'],
      ['x-name', null],
    ],
  },
];

for (const c of cases) {
  test(c.name, () => {
    const outcome = chain(c.config).send(c.request);
    if (c.status !== undefined) {
      assert.equal(outcome.decision, 'local_reply');
      assert.equal(outcome.response?.status, c.status);
      assert.equal(header(outcome.response!.headers, 'content-type'), 'application/json');
      assert.match(
        new TextDecoder().decode(outcome.response!.body),
        /^\{"error":"tenant_(missing|invalid)","reason":"[^"]+"\}$/,
      );
      return;
    }
    assert.equal(outcome.decision, 'continue');
    const upstream: HeaderList = outcome.upstream!.headers;
    assert.deepEqual(
      headerValues(upstream, 'x-tenant-id'),
      c.tenant === null || c.tenant === undefined ? [] : [c.tenant],
    );
    for (const [name, value] of c.headers ?? [])
      assert.deepEqual(headerValues(upstream, name), value === null ? [] : [value], name);
  });
}

test('metrics count requests, tenants set, missing, invalid, rejected and defaulted', () => {
  const filter = chain({ on_missing: { action: 'default', default_tenant: 'public' } });
  filter.send({ headers: [bearer(signToken('RS256', { tenant: 'acme' }))] });
  filter.send({});
  filter.send({ headers: [bearer('bad')] });
  const metrics = filter.send({ headers: [bearer(signToken('ES256', { tenant: 'globex' }))] }).metrics['jwt-tenant'];
  const value = (name: string) => metrics[`wasmcustom.jwt_tenant.${name}`].value;
  assert.deepEqual(
    ['requests', 'tenant_set', 'missing', 'invalid', 'rejected', 'defaulted'].map(value),
    [4, 2, 1, 1, 1, 1],
  );
});

test('the typical path makes 5 host calls and logs nothing at the default level', () => {
  const outcome = chain({}).send({ headers: [bearer(signToken('RS256', keycloak('acme', { tenant: 'acme' })))] });
  assert.deepEqual(outcome.hostCalls['jwt-tenant'], {
    proxy_increment_metric: 2,
    proxy_remove_header_map_value: 1,
    proxy_get_header_map_value: 1,
    proxy_replace_header_map_value: 1,
  });
  assert.deepEqual(outcome.logs, []);
});

test(':path is read once however many query sources look in it', () => {
  const token = signToken('RS256', keycloak('acme', { tenant: 'acme' }));
  const config = { token_sources: [{ query: 'a' }, { query: 'b' }, { query: 'c' }] };
  const outcome = chain(config).send({ path: `/orders?c=${token}` });
  assert.equal(header(outcome.upstream!.headers, 'x-tenant-id'), 'acme');
  assert.equal(outcome.hostCalls['jwt-tenant']!.proxy_get_header_map_value, 1);
});

test('at debug level the reason for an invalid token is logged', () => {
  const filter = new FilterChain([
    load(pluginModule('jwt-tenant'), {
      rootId: 'jwt-tenant',
      name: 'jwt-tenant',
      configuration: '{}',
      logLevel: 'debug',
    }),
  ]);
  const outcome = filter.send({ headers: [bearer('a.b')] });
  assert.ok(
    outcome.logs.some(
      (l) =>
        l.level === 'debug' && /tenant_invalid: the token does not have three dot-separated segments/.test(l.message),
    ),
  );
});
