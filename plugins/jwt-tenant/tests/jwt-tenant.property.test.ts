// For any header set and any token bytes: no trap, no client copy of an owned header upstream,
// and no tenant value outside the allow-pattern.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterChain, fixedClock } from '../../../host/index.ts';
import { arbitraryRequest, headerName, propertyOptions } from '../../../tests/support/fuzz.ts';
import { headerValues, load, pluginModule, testModule } from '../../../tests/support/modules.ts';
import { NOW, signToken } from '../../../tests/support/tokens.ts';

const ALLOWED = /^[A-Za-z0-9._-]{1,64}$/;
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

// Tokens from noise to nearly right: random segments, random JSON payloads, random bytes.
const tokenText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc
    .tuple(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 80 }))
    .map(([h, p, s]) => `${b64url(h)}.${b64url(p)}.${b64url(s)}`),
  fc.jsonValue({ maxDepth: 20 }).map((payload) => signToken('RS256', { tenant: payload })),
  fc
    .dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 4 }))
    .map((payload) => signToken('ES256', payload)),
  fc.string({ maxLength: 80 }).map((tenant) => signToken('RS256', { tenant, sub: tenant })),
);

const owned = fc.tuple(fc.constantFrom('x-tenant-id', 'X-Tenant-ID', 'x-user-id'), fc.string({ maxLength: 30 }));
const token = tokenText.map((t): [string, string] => ['authorization', `Bearer ${t}`]);

for (const onInvalid of ['forward', 'reject']) {
  test(`any request and any token (on_invalid ${onInvalid}): no trap, no client copy, only allowed values`, () => {
    const plugin = load(pluginModule('jwt-tenant'), {
      rootId: 'jwt-tenant',
      configuration: JSON.stringify({
        on_invalid: { action: onInvalid },
        claims_to_headers: [{ claim: '/sub', header: 'x-user-id' }],
        checks: { expiry: true },
      }),
      clock: fixedClock(NOW),
    });
    const chain = new FilterChain([plugin]);
    fc.assert(
      fc.property(arbitraryRequest([owned, token, token]), (request) => {
        const outcome = chain.send(request);
        assert.equal(plugin.vm.failed, false, plugin.vm.failure ?? '');
        if (outcome.decision === 'local_reply') {
          assert.equal(outcome.response?.status, 401);
          return;
        }
        assert.equal(outcome.decision, 'continue');
        const tenants = headerValues(outcome.upstream!.headers, 'x-tenant-id');
        assert.ok(tenants.length <= 1);
        for (const tenant of tenants) assert.match(tenant, ALLOWED);
        const sent = (request.headers ?? []).filter(([n]) => n.toLowerCase() === 'x-tenant-id').map(([, v]) => v);
        // A value equal to a client's is fine only if the token says so; never two values.
        const users = headerValues(outcome.upstream!.headers, 'x-user-id');
        assert.ok(users.length <= 1);
        for (const user of users) assert.match(user, /^[A-Za-z0-9._@:+-]{1,256}$/);
        if (tenants.length === 1 && sent.includes(tenants[0])) {
          const tokens = (request.headers ?? []).filter(([n]) => n === 'authorization');
          assert.ok(tokens.length > 0, 'a tenant header without any token came from the client');
        }
      }),
      propertyOptions(),
    );
  });
}

// The spoof property over every way a request can arrive. jwt-tenant alone, after a filter that
// holds the headers until the body (and trailers) end, and before one: its header callback runs
// at once, after the body, or while a later filter holds the request. Client copies of every
// owned header, in any case and repeated; bodies in frames, trailers, valid, forged, invalid and
// missing tokens. Upstream must carry exactly what the token says, never a client's value.
const CLAIM_PATTERN = /^[A-Za-z0-9._@:+-]{1,256}$/;
const OWNED = ['x-tenant-id', 'x-user-id', 'x-email'];
const anyCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
const clientCopy = fc.tuple(
  fc.constantFrom(...OWNED).chain(anyCase),
  fc.constantFrom('globex', 'acme', 'admin', 'root@example.com', '', 'a b'),
);

interface SentToken {
  header: [string, string] | null;
  // What jwt-tenant must write for it: tenant, user and email, or null for none.
  expected: { tenant: string; user: string | null; email: string | null } | null;
}

const forged = (payload: object) =>
  `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.`;
const sentToken: fc.Arbitrary<SentToken> = fc.oneof(
  fc.constant<SentToken>({ header: null, expected: null }),
  fc
    .tuple(
      fc.constantFrom('acme', 'globex', 'tenant-7', '4711'),
      fc.option(fc.constantFrom('u-1', 'jane.doe'), { nil: null }),
      fc.option(fc.constantFrom('jane@example.com', 'not an email'), { nil: null }),
    )
    .map(([tenant, user, email]): SentToken => ({
      header: [
        'authorization',
        `Bearer ${signToken('ES256', { tenant, exp: NOW + 300, ...(user ? { sub: user } : {}), ...(email ? { email } : {}) })}`,
      ],
      expected: { tenant, user, email: email !== null && CLAIM_PATTERN.test(email) ? email : null },
    })),
  // Signature checks are the verifier's: a forged token with valid claims reads as valid here.
  fc.constantFrom('acme', 'globex').map((tenant): SentToken => ({
    header: ['Authorization', `Bearer ${forged({ tenant })}`],
    expected: { tenant, user: null, email: null },
  })),
  // jwt_authn's value_prefix is case-sensitive: a token after "bearer " is one it never checks.
  fc.constantFrom('bearer ', 'BEARER ', 'Bearer').map((scheme): SentToken => ({
    header: ['authorization', `${scheme}${forged({ tenant: 'globex' })}`],
    expected: null,
  })),
  fc.constantFrom('a b', 'x'.repeat(65), '').map((tenant): SentToken => ({
    header: ['authorization', `Bearer ${signToken('RS256', { tenant })}`],
    expected: null,
  })),
  fc
    .constantFrom(
      '{"tenant":"acme","tenant":"globex"}',
      '{"tenant":"acme","exp":"never"}',
      '{"tenant":"acme","exp":1.7e9}',
    )
    .map((payload): SentToken => ({
      header: [
        'authorization',
        `Bearer ${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(payload).toString('base64url')}.c2ln`,
      ],
      expected: null,
    })),
  fc
    .string({ maxLength: 60 })
    .filter((t) => t.trim() !== '' && !t.includes('.'))
    .map((t): SentToken => ({ header: ['authorization', `Bearer ${t}`], expected: null })),
);

const trailer = fc.tuple(
  fc.oneof(fc.constantFrom(...OWNED).chain(anyCase), headerName),
  fc.string({ unit: fc.constantFrom(...'abc-12 '.split('')), maxLength: 12 }),
);
// The holder needs allow_on_headers_stop_iteration as body-keys does (without it Envoy never delivers the body it waits for).
const holder = () =>
  load(testModule('stop-then-body'), {
    rootId: 'stop-then-body',
    name: 'stop-then-body',
    allowOnHeadersStopIteration: true,
  });

for (const placement of ['alone', 'after a filter that holds the headers', 'before a filter that holds the headers']) {
  for (const allowStop of [false, true]) {
    test(`spoof property, jwt-tenant ${placement}, allow_on_headers_stop_iteration ${allowStop}: only the token's values upstream, no trap, no stall`, () => {
      const plugin = load(pluginModule('jwt-tenant'), {
        rootId: 'jwt-tenant',
        name: 'jwt-tenant',
        configuration: JSON.stringify({
          on_invalid: { action: 'forward' },
          checks: { expiry: true },
          claims_to_headers: [
            { claim: '/sub', header: 'x-user-id' },
            { claim: '/email', header: 'x-email' },
          ],
        }),
        clock: fixedClock(NOW),
        allowOnHeadersStopIteration: allowStop,
      });
      const plugins =
        placement === 'alone' ? [plugin] : placement.startsWith('after') ? [holder(), plugin] : [plugin, holder()];
      const chain = new FilterChain(plugins);
      const request = fc.record({
        base: arbitraryRequest([clientCopy, clientCopy]),
        copies: fc.array(clientCopy, { maxLength: 6 }),
        token: sentToken,
        tokenAt: fc.nat(8),
        trailers: fc.option(fc.array(trailer, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      });
      fc.assert(
        fc.property(request, ({ base, copies, token, tokenAt, trailers }) => {
          const headers = [...(base.headers ?? []).filter(([n]) => n.toLowerCase() !== 'authorization'), ...copies];
          if (token.header) headers.splice(Math.min(tokenAt, headers.length), 0, token.header);
          // Trailers only follow a body that does not end the stream by itself.
          const body = trailers && base.body === undefined ? [new Uint8Array([0x61])] : base.body;
          const outcome = chain.send({ ...base, headers, body, trailers });
          for (const p of plugins) assert.equal(p.vm.failed, false, p.vm.failure ?? '');
          assert.equal(outcome.decision, 'continue', `decision ${outcome.decision} ${JSON.stringify(outcome.stall)}`);
          const upstream = outcome.upstream!.headers;
          const expected = token.expected;
          assert.deepEqual(headerValues(upstream, 'x-tenant-id'), expected ? [expected.tenant] : []);
          assert.deepEqual(headerValues(upstream, 'x-user-id'), expected?.user ? [expected.user] : []);
          assert.deepEqual(headerValues(upstream, 'x-email'), expected?.email ? [expected.email] : []);
          // Trailers reach upstream too: no client trailer named like an owned header gets there.
          for (const [name] of outcome.upstream!.trailers ?? [])
            assert.ok(!OWNED.includes(name.toLowerCase()), `trailer ${name} reached upstream`);
          for (const [name, value] of upstream) {
            if (name === 'x-tenant-id') assert.match(value, ALLOWED);
            if (name === 'x-user-id' || name === 'x-email') assert.match(value, CLAIM_PATTERN);
          }
        }),
        propertyOptions(),
      );
    });
  }
}

test('linear memory stays flat over many random requests', () => {
  const plugin = load(pluginModule('jwt-tenant'), {
    rootId: 'jwt-tenant',
    configuration: '{"on_invalid":{"action":"forward"}}',
  });
  const chain = new FilterChain([plugin]);
  const requests = fc.sample(arbitraryRequest([token]), 300);
  // Warm-up: the token cache fills with these tokens and the collector reaches its steady state.
  for (let round = 0; round < 3; round++) for (const request of requests) chain.send(request);
  const warm = plugin.vm.memoryBytes;
  for (let round = 0; round < 20; round++) for (const request of requests) chain.send(request);
  assert.equal(plugin.vm.memoryBytes, warm);
});
