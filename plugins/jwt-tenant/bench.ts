// jwt-tenant against the no-op plugin: a typical token (about 1 KiB), a large one (8 KiB), none.
// A request replays its token, as a client does until the token expires, so the token cache
// answers after the first request; the cache-off scenario decodes the token on every request.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilterChain, Plugin } from '../../host/index.ts';
import { typicalRequest } from '../../bench/baseline.ts';
import type { Scenario } from '../../bench/scenario.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const b64url = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

// A Keycloak-shaped access token with an RS256-sized signature, padded to about `bytes`.
function token(bytes: number): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: 'Yk3PZ0pqQ8Zf2wF3t4o3nq4c1y3J0m9r6Zm7w8m3qk0' };
  const payload: Record<string, unknown> = {
    exp: 1_900_000_000,
    iat: 1_800_000_000,
    jti: '3f1c0d6e-7a5b-4c2e-9f8a-1b2c3d4e5f60',
    iss: 'https://keycloak.example.com/realms/acme',
    aud: 'account',
    sub: 'f3b1a2c4-5d6e-47f8-9a0b-1c2d3e4f5a6b',
    typ: 'Bearer',
    azp: 'shop-frontend',
    tenant: 'acme',
    scope: 'openid profile email',
    preferred_username: 'jane.doe',
    realm_access: { roles: ['offline_access', 'uma_authorization', 'default-roles-acme'] },
  };
  const signature = b64url(Buffer.alloc(256, 7));
  const groups: string[] = [];
  let text = `${b64url(header)}.${b64url(payload)}.${signature}`;
  while (text.length < bytes) {
    groups.push(`/acme/team-${groups.length.toString().padStart(4, '0')}`);
    text = `${b64url(header)}.${b64url({ ...payload, groups })}.${signature}`;
  }
  return text;
}

function jwtTenant(configuration: object = { tenant: { claim: '/tenant' } }): Plugin {
  return Plugin.load({
    wasm: readFileSync(join(ROOT, 'dist', 'jwt-tenant.wasm')),
    name: 'jwt-tenant',
    rootId: 'jwt-tenant',
    vmId: 'bench',
    failurePolicy: 'FAIL_CLOSED',
    configuration: JSON.stringify(configuration),
  });
}

const withToken = (bytes: number) => ({
  ...typicalRequest,
  headers: [...typicalRequest.headers, ['authorization', `Bearer ${token(bytes)}`]] as [string, string][],
});
const expectTenant = (outcome: { upstream: { headers: [string, string][] } | null }) =>
  assert.deepEqual(
    outcome.upstream?.headers.find(([n]) => n === 'x-tenant-id'),
    ['x-tenant-id', 'acme'],
  );

export const scenarios: Scenario[] = [
  {
    name: 'jwt-tenant: typical token (1 KiB)',
    baseline: 'noop',
    chain: () => new FilterChain([jwtTenant()]),
    request: withToken(1024),
    check: expectTenant,
  },
  {
    name: 'jwt-tenant: typical token (1 KiB), token cache off',
    baseline: 'noop',
    chain: () => new FilterChain([jwtTenant({ tenant: { claim: '/tenant' }, token_cache: { entries: 0 } })]),
    request: withToken(1024),
    check: expectTenant,
  },
  {
    name: 'jwt-tenant: large token (8 KiB)',
    baseline: 'noop',
    chain: () => new FilterChain([jwtTenant()]),
    request: withToken(8192),
    check: expectTenant,
  },
  {
    name: 'jwt-tenant: missing token',
    baseline: 'noop',
    chain: () => new FilterChain([jwtTenant()]),
    request: typicalRequest,
    check: (outcome) =>
      assert.equal(
        outcome.upstream?.headers.some(([n]) => n === 'x-tenant-id'),
        false,
      ),
  },
];
