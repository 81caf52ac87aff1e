// The token cache: a token seen again gets exactly what it got the first time, its exp and nbf
// are checked again on every request, and tokens that share a slot never get each other's tenant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, fixedClock, type HttpRequest } from '../../../host/index.ts';
import { header, headerValues, load, pluginModule } from '../../../tests/support/modules.ts';
import { bearer, keycloak, NOW, signToken } from '../../../tests/support/tokens.ts';

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

const upstream = (filter: FilterChain, request: HttpRequest) => {
  const outcome = filter.send(request);
  assert.equal(outcome.decision, 'continue');
  return outcome.upstream!.headers;
};

test('a token seen again gets the same tenant and claim headers, and client copies are still removed', () => {
  const { filter } = chain({
    claims_to_headers: [
      { claim: '/sub', header: 'x-user-id' },
      { claim: '/name', header: 'x-name' },
    ],
  });
  const token = bearer(signToken('RS256', keycloak('acme', { tenant: 'acme', sub: 'u-1', name: 'Jane Doe' })));
  const spoofed: HttpRequest = {
    headers: [
      ['x-tenant-id', 'globex'],
      token,
      ['x-user-id', 'admin'],
      ['x-name', 'Mallory'],
      ['x-tenant-id', 'initech'],
    ],
  };
  for (let i = 0; i < 3; i++) {
    const headers = upstream(filter, spoofed);
    assert.deepEqual(headerValues(headers, 'x-tenant-id'), ['acme'], `request ${i}`);
    assert.deepEqual(headerValues(headers, 'x-user-id'), ['u-1'], `request ${i}`);
    // "Jane Doe" is outside the claim pattern: not written the first time, nor from the cache.
    assert.deepEqual(headerValues(headers, 'x-name'), [], `request ${i}`);
  }
});

test('a token seen again makes the same 5 host calls as the first time', () => {
  const { filter } = chain({});
  const request = { headers: [bearer(signToken('RS256', keycloak('acme', { tenant: 'acme' })))] };
  const first = filter.send(request).hostCalls['jwt-tenant'];
  const again = filter.send(request).hostCalls['jwt-tenant'];
  assert.deepEqual(again, first);
  assert.equal(
    Object.values(again).reduce((a, b) => a + b, 0),
    5,
  );
});

test('a cached token is refused once it expires, by the host clock and the leeway', () => {
  const { filter, clock } = chain({ checks: { expiry: true, leeway_seconds: 60 } });
  const request = { headers: [bearer(signToken('ES256', { tenant: 'acme', exp: NOW + 100 }))] };
  assert.deepEqual(headerValues(upstream(filter, request), 'x-tenant-id'), ['acme']);
  clock.advance(150);
  assert.deepEqual(headerValues(upstream(filter, request), 'x-tenant-id'), ['acme'], 'within the leeway');
  clock.advance(20);
  const outcome = filter.send(request);
  assert.equal(outcome.response?.status, 401);
  assert.match(new TextDecoder().decode(outcome.response!.body), /the token has expired/);
});

test('a token refused as not yet valid is accepted once its nbf has come', () => {
  const { filter, clock } = chain({ checks: { expiry: true, leeway_seconds: 0 } });
  const request = { headers: [bearer(signToken('RS256', { tenant: 'acme', nbf: NOW + 30 }))] };
  const early = filter.send(request);
  assert.equal(early.response?.status, 401);
  assert.match(new TextDecoder().decode(early.response!.body), /not valid yet/);
  clock.advance(31);
  assert.deepEqual(headerValues(upstream(filter, request), 'x-tenant-id'), ['acme']);
});

// Same length, same signature, same middle: the samples the slot is chosen by are equal, so both
// tokens land in the same slot whatever the number of entries.
function twins(): [string, string] {
  const pad = 'p'.repeat(600);
  const [a, b] = [signToken('RS256', { tenant: 'aaaa', pad }), signToken('RS256', { tenant: 'bbbb', pad })];
  const signature = a.slice(a.lastIndexOf('.'));
  return [a, b.slice(0, b.lastIndexOf('.')) + signature];
}

for (const entries of [1, 128]) {
  test(`tokens that share a slot get their own tenants (${entries} entries)`, () => {
    const { filter } = chain({ token_cache: { entries } });
    const [a, b] = twins();
    assert.equal(a.length, b.length);
    assert.notEqual(a, b);
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(headerValues(upstream(filter, { headers: [bearer(a)] }), 'x-tenant-id'), ['aaaa']);
      assert.deepEqual(headerValues(upstream(filter, { headers: [bearer(b)] }), 'x-tenant-id'), ['bbbb']);
    }
  });
}

test('with token_cache.entries 0 every request is decoded, with the same results', () => {
  const { filter, clock } = chain({ token_cache: { entries: 0 }, checks: { expiry: true, leeway_seconds: 0 } });
  const request = { headers: [bearer(signToken('RS256', { tenant: 'acme', exp: NOW + 10 }))] };
  assert.equal(header(upstream(filter, request), 'x-tenant-id'), 'acme');
  assert.equal(header(upstream(filter, request), 'x-tenant-id'), 'acme');
  clock.advance(11);
  assert.equal(filter.send(request).response?.status, 401);
});

// The module collects garbage between callbacks (every 64 streams, or once enough data came in): a
// cached entry must survive every collection, and no later allocation may take its memory.
test('cached tokens keep their tenants and claims across garbage collections', () => {
  const { filter } = chain({
    token_cache: { entries: 4096 },
    claims_to_headers: [{ claim: '/sub', header: 'x-user-id' }],
  });
  const tokens = Array.from({ length: 40 }, (_, i) =>
    bearer(signToken('RS256', keycloak(`t${i}`, { tenant: `tenant-${i}`, sub: `user-${i}` }))),
  );
  const check = (round: number) =>
    tokens.forEach((token, i) => {
      const headers = upstream(filter, { headers: [token] });
      assert.deepEqual(headerValues(headers, 'x-tenant-id'), [`tenant-${i}`], `round ${round}, token ${i}`);
      assert.deepEqual(headerValues(headers, 'x-user-id'), [`user-${i}`], `round ${round}, token ${i}`);
    });
  check(0);
  for (let round = 1; round <= 3; round++) {
    // Garbage between the rounds: 300 streams with large headers and tokens the cache does not keep.
    for (let i = 0; i < 300; i++)
      filter.send({
        headers: [
          ['cookie', `c=${'x'.repeat(2000 + i)}`],
          ['authorization', `Bearer not.a.token${i}`],
        ],
      });
    check(round);
  }
});
