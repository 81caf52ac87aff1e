// RFC 7519 for the token reader: exp and nbf are NumericDates (any JSON number of seconds, with
// fraction or exponent), and a token whose header or payload repeats a member name is invalid.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, fixedClock, type HttpRequest } from '../../../host/index.ts';
import { headerValues, load, pluginModule } from '../../../tests/support/modules.ts';
import { bearer, NOW, signToken } from '../../../tests/support/tokens.ts';

const b64url = (text: string) => Buffer.from(text).toString('base64url');
const SIGNATURE = b64url('s'.repeat(64));

// A token with this header and payload text exactly (JSON.stringify cannot repeat a name).
const rawToken = (payload: string, header = '{"alg":"RS256","typ":"JWT"}') =>
  `${b64url(header)}.${b64url(payload)}.${SIGNATURE}`;

function chain(config: object) {
  const clock = fixedClock(NOW);
  const plugin = load(pluginModule('jwt-tenant'), {
    rootId: 'jwt-tenant',
    name: 'jwt-tenant',
    configuration: JSON.stringify(config),
    clock,
  });
  return { filter: new FilterChain([plugin]), clock };
}

// The tenant written upstream, or the reason of a 401.
function verdict(filter: FilterChain, request: HttpRequest): string {
  const outcome = filter.send(request);
  if (outcome.decision === 'local_reply') {
    assert.equal(outcome.response?.status, 401);
    return `401 ${JSON.parse(new TextDecoder().decode(outcome.response!.body)).reason}`;
  }
  return `tenant ${headerValues(outcome.upstream!.headers, 'x-tenant-id').join(',') || '-'}`;
}

const EXPIRY = { checks: { expiry: true, leeway_seconds: 60 } };

// [name, payload text, verdict]; the clock reads NOW (1.8e9), the leeway is 60 s.
const dates: [string, string, string][] = [
  ['exp 1.7e9 (a past date with an exponent) is expired', '{"tenant":"acme","exp":1.7e9}', '401 the token has expired'],
  ['exp 1.9E+9 (a future date with an exponent) passes', '{"tenant":"acme","exp":1.9E+9}', 'tenant acme'],
  [
    'exp 1700000000.5 (a past date with a fraction) is expired',
    '{"tenant":"acme","exp":1700000000.5}',
    '401 the token has expired',
  ],
  [
    'nbf half a second past now plus the leeway is not valid yet',
    `{"tenant":"acme","nbf":${NOW + 60.5}}`,
    '401 the token is not valid yet',
  ],
  ['nbf within now plus the leeway passes', `{"tenant":"acme","nbf":${NOW + 59.5}}`, 'tenant acme'],
  [
    'exp 0.5 s before now minus the leeway is expired',
    `{"tenant":"acme","exp":${NOW - 60.5}}`,
    '401 the token has expired',
  ],
  ['a negative exp is expired', '{"tenant":"acme","exp":-1}', '401 the token has expired'],
  ['exp as a string is invalid', '{"tenant":"acme","exp":"1900000000"}', "401 the token's exp is not a NumericDate"],
  ['exp null is invalid', '{"tenant":"acme","exp":null}', "401 the token's exp is not a NumericDate"],
  ['exp true is invalid', '{"tenant":"acme","exp":true}', "401 the token's exp is not a NumericDate"],
  [
    'exp as an object is invalid',
    '{"tenant":"acme","exp":{"at":1900000000}}',
    "401 the token's exp is not a NumericDate",
  ],
  ['exp as an array is invalid', '{"tenant":"acme","exp":[1900000000]}', "401 the token's exp is not a NumericDate"],
  [
    'a 21-digit exp is invalid',
    '{"tenant":"acme","exp":100000000000000000000}',
    "401 the token's exp is not a NumericDate",
  ],
  [
    'exp 1e400 (beyond a double) is invalid',
    '{"tenant":"acme","exp":1e400}',
    "401 the token's exp is not a NumericDate",
  ],
  ['nbf as a string is invalid', '{"tenant":"acme","nbf":"0"}', "401 the token's nbf is not a NumericDate"],
  ['no exp and no nbf passes', '{"tenant":"acme"}', 'tenant acme'],
];

for (const [name, payload, expected] of dates) {
  test(`checks.expiry: ${name}`, () => {
    assert.equal(verdict(chain(EXPIRY).filter, { headers: [bearer(rawToken(payload))] }), expected);
  });
}

test('without checks.expiry, exp and nbf are not read at all', () => {
  const { filter } = chain({});
  assert.equal(
    verdict(filter, { headers: [bearer(rawToken('{"tenant":"acme","exp":"soon","nbf":null}'))] }),
    'tenant acme',
  );
  assert.equal(verdict(filter, { headers: [bearer(rawToken('{"tenant":"acme","exp":1.7e9}'))] }), 'tenant acme');
});

test('token cache: an exp with an exponent is kept and checked again on every request', () => {
  const { filter, clock } = chain({ checks: { expiry: true, leeway_seconds: 0 } });
  const request = { headers: [bearer(rawToken(`{"tenant":"acme","exp":${(NOW + 100) / 1e9}e9}`))] };
  assert.equal(verdict(filter, request), 'tenant acme');
  clock.advance(100);
  assert.equal(verdict(filter, request), 'tenant acme', 'from the cache, at exp');
  clock.advance(1);
  assert.equal(verdict(filter, request), '401 the token has expired');
});

test('token cache: a fraction of a second counts', () => {
  const { filter, clock } = chain({ checks: { expiry: true, leeway_seconds: 0 } });
  const request = { headers: [bearer(rawToken(`{"tenant":"acme","nbf":${NOW + 10.5}}`))] };
  assert.equal(verdict(filter, request), '401 the token is not valid yet');
  clock.advance(10);
  assert.equal(verdict(filter, request), '401 the token is not valid yet', 'half a second early');
  clock.advance(1);
  assert.equal(verdict(filter, request), 'tenant acme');
  assert.equal(verdict(filter, request), 'tenant acme', 'from the cache');
});

const members = Array.from({ length: 70 }, (_, i) => `"m${i}":${i}`).join(',');

// [name, configuration, header text or null, payload text, verdict]
const repeated: [string, object, string | null, string, string][] = [
  ['the tenant claim twice', {}, null, '{"tenant":"acme","tenant":"globex"}', '401 the token repeats a member name'],
  [
    'the tenant claim twice, the second spelt with an escape',
    {},
    null,
    '{"tenant":"acme","ten\\u0061nt":"globex"}',
    '401 the token repeats a member name',
  ],
  [
    'another top-level claim twice',
    {},
    null,
    '{"tenant":"acme","sub":"a","sub":"b"}',
    '401 the token repeats a member name',
  ],
  [
    'a repeat past the 64 members the index records',
    {},
    null,
    `{"tenant":"acme",${members},"tenant":"globex"}`,
    '401 the token repeats a member name',
  ],
  ['70 distinct members pass', {}, null, `{"tenant":"acme",${members}}`, 'tenant acme'],
  [
    'alg twice in the header',
    {},
    '{"alg":"RS256","alg":"none"}',
    '{"tenant":"acme"}',
    '401 the token repeats a member name',
  ],
  [
    'a nested object on the tenant claim path repeats the name',
    { tenant: { claim: '/org/id' } },
    null,
    '{"org":{"id":"acme","id":"globex"}}',
    '401 the token repeats a member name',
  ],
  [
    'a nested object on a claims_to_headers path repeats the name',
    { claims_to_headers: [{ claim: '/user/id', header: 'x-user-id' }] },
    null,
    '{"tenant":"acme","user":{"id":"u1","id":"admin"}}',
    '401 the token repeats a member name',
  ],
  [
    'a nested object off every claim path may repeat a name',
    {},
    null,
    '{"tenant":"acme","extra":{"x":1,"x":2}}',
    'tenant acme',
  ],
];

for (const [name, config, header, payload, expected] of repeated) {
  test(`repeated names: ${name}`, () => {
    const token = header === null ? rawToken(payload) : rawToken(payload, header);
    assert.equal(verdict(chain(config).filter, { headers: [bearer(token)] }), expected);
  });
}

test('a token with a repeated claim is never cached: each request answers 401', () => {
  const { filter } = chain({});
  const request = { headers: [bearer(rawToken('{"tenant":"acme","tenant":"globex"}'))] };
  for (let i = 0; i < 3; i++) assert.equal(verdict(filter, request), '401 the token repeats a member name');
});

test('a signed token with distinct names still passes', () => {
  assert.equal(
    verdict(chain(EXPIRY).filter, { headers: [bearer(signToken('ES256', { tenant: 'acme', exp: NOW + 60 }))] }),
    'tenant acme',
  );
});

test('any set of member names, some repeated, some escaped: the token is invalid exactly when a name repeats', async () => {
  const fc = (await import('fast-check')).default;
  const { propertyOptions } = await import('../../../tests/support/fuzz.ts');
  const { filter } = chain({ on_missing: { action: 'reject' } });
  // Short names from few letters, so that names share lengths and first and last bytes.
  const name = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'é', '/'), maxLength: 4 });
  const escape = (text: string, escaped: boolean) =>
    escaped
      ? [...text].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')
      : text.replace(/\//g, '\\/');
  fc.assert(
    fc.property(fc.array(fc.tuple(name, fc.boolean()), { maxLength: 80 }), (members) => {
      const names = members.map(([n]) => n);
      const payload =
        `{"tenant":"acme",${members.map(([n, escaped], i) => `"${escape(n, escaped)}":${i}`).join(',')}}`.replace(
          ',}',
          '}',
        );
      const repeats = new Set([...names, 'tenant']).size !== names.length + 1;
      assert.equal(
        verdict(filter, { headers: [bearer(rawToken(payload))] }),
        repeats ? '401 the token repeats a member name' : 'tenant acme',
        payload,
      );
    }),
    propertyOptions(),
  );
});
