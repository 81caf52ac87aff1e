// Tokens for the scenarios: ES256, valid for an hour, signed with the throwaway key below, whose
// public half the bootstraps in envoy-test-configs/ give jwt_authn (local_jwks), so real Envoy
// verifies them as it would an identity provider's. The key signs test tokens only: it is public
// on purpose and must never be trusted anywhere else.
import { createPrivateKey, sign } from 'node:crypto';

export const SCENARIO_ISSUER = 'https://idp.example.com';
export const SCENARIO_KEY_ID = 'route-keys-scenarios';
export const SCENARIO_PUBLIC_JWK = {
  kty: 'EC',
  crv: 'P-256',
  x: 'Y3W2lVhoc4as-I7duC4O5Fpnu-endiFia8eHete0mfs',
  y: '8RI9GYOBj92w5pQTicaNX2A_51wT1amz9N1ZXA0B0Lw',
};
const privateKey = createPrivateKey({
  key: { ...SCENARIO_PUBLIC_JWK, d: 'am7Q-_wEtyeJLUoqX3GhfRmejUK_KKxcMg9MrJkhS20' },
  format: 'jwk',
});
const base64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

export function scenarioToken(claims: Record<string, unknown>, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: SCENARIO_KEY_ID }));
  const payload = base64url(
    JSON.stringify({ iss: SCENARIO_ISSUER, iat: nowSeconds, exp: nowSeconds + 3600, ...claims }),
  );
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${header}.${payload}.${base64url(signature)}`;
}
