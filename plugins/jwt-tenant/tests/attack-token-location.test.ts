// jwt-tenant must read a token only where the verifier in front of it (jwt_authn, or Istio's
// RequestAuthentication, which generates jwt_authn with allow_missing) also finds it: a place the
// verifier skips lets a forged token through as "no token". Envoy's extractor finds a header's
// value_prefix with a case-sensitive search (extractor.cc: value_str.find(prefix)), and takes a
// cookie's name as the text between the leading spaces and '=', trailing spaces kept
// (http/utility.cc forEachCookie). These requests carry an unsigned token for tenant globex in a
// place that jwt_authn therefore does not read: the plugin must not read it either.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { FilterChain, fixedClock } from '../../../host/index.ts';
import { headerValues, load, pluginModule, ROOT } from '../../../tests/support/modules.ts';
import { NOW, signToken } from '../../../tests/support/tokens.ts';

const b64url = (text: string) => Buffer.from(text).toString('base64url');
// alg none: what a client writes when it wants a tenant it was not given.
const forged = `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(
  JSON.stringify({ tenant: 'globex', sub: 'mallory', exp: NOW + 3600 }),
)}.`;

// The committed example: authorization Bearer, then the access_token cookie (as deployed in Istio).
const example = JSON.parse(readFileSync(`${ROOT}/plugins/jwt-tenant/example.config.json`, 'utf8'));

const chain = () =>
  new FilterChain([
    load(pluginModule('jwt-tenant'), {
      rootId: 'jwt-tenant',
      name: 'jwt-tenant',
      configuration: JSON.stringify(example),
      clock: fixedClock(NOW),
    }),
  ]);

const tenantOf = (headers: [string, string][]) => {
  const outcome = chain().send({ headers });
  return outcome.upstream ? headerValues(outcome.upstream.headers, 'x-tenant-id') : [];
};

test('control: where jwt_authn reads the token (Authorization "Bearer ", cookie access_token), the plugin reads it', () => {
  assert.deepEqual(tenantOf([['authorization', `Bearer ${forged}`]]), ['globex']);
  assert.deepEqual(tenantOf([['cookie', `a=1; access_token=${forged}`]]), ['globex']);
});

for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
  test(`"authorization: ${scheme} <token>": jwt_authn's value_prefix "Bearer " does not match, so the plugin must not read the token`, () => {
    assert.deepEqual(tenantOf([['authorization', `${scheme} ${forged}`]]), []);
  });
}

for (const cookie of [`access_token =${forged}`, `a=1; access_token  =${forged}`]) {
  test(`"cookie: ${cookie.slice(0, 20)}…": jwt_authn's cookie name keeps the space before '=', so the plugin must not read the token`, () => {
    assert.deepEqual(tenantOf([['cookie', cookie]]), []);
  });
}

// Without allow_missing too: jwt_authn verifies the one token it extracts (a genuine one for the
// client's own tenant, acme), every extracted token being valid; the plugin reads the forged one.
const genuine = signToken('RS256', { tenant: 'acme', sub: 'mallory', exp: NOW + 3600 });
const strictCases: [string, [string, string][]][] = [
  [
    'a forged token after "bearer " and a genuine one in the access_token cookie',
    [
      ['authorization', `bearer ${forged}`],
      ['cookie', `access_token=${genuine}`],
    ],
  ],
  [
    '"access_token =<forged>; access_token=<genuine>" in one cookie header',
    [['cookie', `access_token =${forged}; access_token=${genuine}`]],
  ],
];
for (const [name, headers] of strictCases) {
  test(`${name}: jwt_authn verifies only the genuine token, so the plugin must not write the forged tenant`, () => {
    assert.ok(!tenantOf(headers).includes('globex'), `upstream got x-tenant-id ${tenantOf(headers).join(',')}`);
  });
}
