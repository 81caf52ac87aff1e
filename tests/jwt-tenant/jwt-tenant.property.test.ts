// For any header set and any token bytes: no trap, no client copy of an owned header upstream,
// and no tenant value outside the allow-pattern.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterChain, fixedClock } from '../../host/index.ts';
import { arbitraryRequest, propertyOptions } from '../support/fuzz.ts';
import { headerValues, load, pluginModule } from '../support/modules.ts';
import { NOW, signToken } from './tokens.ts';

const ALLOWED = /^[A-Za-z0-9._-]{1,64}$/;
const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

// Tokens from noise to nearly right: random segments, random JSON payloads, random bytes.
const tokenText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.tuple(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 80 })).map(([h, p, s]) => `${b64url(h)}.${b64url(p)}.${b64url(s)}`),
  fc.jsonValue({ maxDepth: 20 }).map((payload) => signToken('RS256', { tenant: payload })),
  fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 4 })).map((payload) => signToken('ES256', payload)),
  fc.string({ maxLength: 80 }).map((tenant) => signToken('RS256', { tenant, sub: tenant })),
);

const owned = fc.tuple(fc.constantFrom('x-tenant-id', 'X-Tenant-ID', 'x-user-id'), fc.string({ maxLength: 30 }));
const token = tokenText.map((t): [string, string] => ['authorization', `Bearer ${t}`]);

for (const onInvalid of ['forward', 'reject']) {
  test(`any request and any token (on_invalid ${onInvalid}): no trap, no client copy, only allowed values`, () => {
    const plugin = load(pluginModule('jwt-tenant'), {
      rootId: 'jwt-tenant',
      configuration: JSON.stringify({ on_invalid: { action: onInvalid }, claims_to_headers: [{ claim: '/sub', header: 'x-user-id' }], checks: { expiry: true } }),
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

test('linear memory stays flat over many random requests', () => {
  const plugin = load(pluginModule('jwt-tenant'), { rootId: 'jwt-tenant', configuration: '{"on_invalid":{"action":"forward"}}' });
  const chain = new FilterChain([plugin]);
  const requests = fc.sample(arbitraryRequest([token]), 300);
  // Warm-up: the token cache fills with these tokens and the collector reaches its steady state.
  for (let round = 0; round < 3; round++) for (const request of requests) chain.send(request);
  const warm = plugin.vm.memoryBytes;
  for (let round = 0; round < 20; round++) for (const request of requests) chain.send(request);
  assert.equal(plugin.vm.memoryBytes, warm);
});
