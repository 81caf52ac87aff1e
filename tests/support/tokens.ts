// Real-looking tokens for the tests, signed here with throwaway keys (made once per run), with the
// claim shapes of common identity providers.
import { generateKeyPairSync, sign } from 'node:crypto';

export const NOW = 1_800_000_000;

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const b64url = (value: object | string | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))).toString(
    'base64url',
  );

export function signToken(alg: 'RS256' | 'ES256', payload: object, header: object = {}): string {
  const signingInput = `${b64url({ alg, typ: 'JWT', kid: `${alg.toLowerCase()}-test-key`, ...header })}.${b64url(payload)}`;
  const signature =
    alg === 'RS256'
      ? sign('sha256', Buffer.from(signingInput), rsa.privateKey)
      : sign('sha256', Buffer.from(signingInput), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${b64url(signature)}`;
}

// A token whose payload segment is exactly this text (for malformed payloads).
export function tokenWithRawPayload(payloadText: string): string {
  return `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(payloadText)}.${b64url(Buffer.alloc(256, 1))}`;
}

const times = { iat: NOW - 60, nbf: NOW - 60, exp: NOW + 300 };

export function keycloak(realm: string, extra: object = {}): object {
  return {
    ...times,
    jti: 'a4b9e1c2-8d7f-4e6a-b5c3-2f1e0d9c8b7a',
    iss: `https://keycloak.example.com/realms/${realm}`,
    aud: 'account',
    sub: 'f3b1a2c4-5d6e-47f8-9a0b-1c2d3e4f5a6b',
    typ: 'Bearer',
    azp: 'shop-frontend',
    session_state: '0c6e5f4d-3b2a-4190-8f7e-6d5c4b3a2910',
    realm_access: { roles: ['offline_access', 'uma_authorization', `default-roles-${realm}`] },
    scope: 'openid profile email',
    email_verified: true,
    preferred_username: 'jane.doe',
    ...extra,
  };
}

export function auth0(tenant: string, extra: object = {}): object {
  return {
    ...times,
    iss: 'https://example.eu.auth0.com/',
    sub: 'auth0|64f1c2d3e4a5b6c7d8e9f0a1',
    aud: ['https://api.example.com', 'https://example.eu.auth0.com/userinfo'],
    azp: 'Xq9wL3kT2mN8pR5sV7yZ1aB4cD6eF0gH',
    scope: 'openid profile read:orders',
    'https://example.com/tenant': tenant,
    'https://example.com/roles': ['buyer'],
    ...extra,
  };
}

export function azureAd(tid: string, extra: object = {}): object {
  return {
    ...times,
    aud: '6e74172b-be56-4843-9ff4-e66a39bb12e3',
    iss: `https://login.microsoftonline.com/${tid}/v2.0`,
    tid,
    oid: '00000000-0000-0000-66f3-3332eca7ea81',
    sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
    name: 'Jane Doe',
    preferred_username: 'jane@contoso.example',
    roles: ['Orders.Read'],
    ver: '2.0',
    ...extra,
  };
}

export const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];
