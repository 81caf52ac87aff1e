// Tokens for the scenarios: RS256, signed with a key made for this run, valid for an hour. The
// filters read claims without verifying signatures (jwt_authn does that in production, see
// plugins/jwt-tenant/envoy.yaml), so any key serves.
import { type KeyObject, createSign, generateKeyPairSync } from 'node:crypto';

// Made on first use: every route-keys command loads this module, few send scenarios.
let privateKey: KeyObject | undefined;
const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export function scenarioToken(claims: Record<string, unknown>, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'route-keys-scenarios' }));
  const payload = base64url(JSON.stringify({ iss: 'https://idp.example.com', iat: nowSeconds, exp: nowSeconds + 3600, ...claims }));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign((privateKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey));
  return `${header}.${payload}.${base64url(signature)}`;
}
