// feature-alias against the no-op plugin: 5 header rules, 50 header rules, and a claim rule
// (token decoded), each on a typical request that matches the last rule.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilterChain, Plugin, type Outcome } from '../../host/index.ts';
import { typicalRequest } from '../../bench/baseline.ts';
import type { Scenario } from '../../bench/scenario.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const b64url = (value: object | Buffer) =>
  (Buffer.isBuffer(value) ? value : Buffer.from(JSON.stringify(value))).toString('base64url');

function featureAlias(configuration: object): () => FilterChain {
  return () =>
    new FilterChain([
      Plugin.load({
        wasm: readFileSync(join(ROOT, 'dist', 'feature-alias.wasm')),
        name: 'feature-alias',
        rootId: 'feature-alias',
        vmId: 'bench',
        failurePolicy: 'FAIL_CLOSED',
        configuration: JSON.stringify(configuration),
      }),
    ]);
}

const features = { baseline: { version: '1' }, target: { version: '2' } };
// Rules on distinct headers; only the last one matches the request.
function headerRules(count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `rule-${i}`,
    feature: i === count - 1 ? 'target' : 'baseline',
    when: { header: `x-group-${i}`, equals: 'yes' },
  }));
}
const matchingLast = (count: number) => ({
  ...typicalRequest,
  headers: [...typicalRequest.headers, [`x-group-${count - 1}`, 'yes']] as [string, string][],
});
const expectTarget = (outcome: Outcome) =>
  assert.deepEqual(
    outcome.upstream?.headers.find(([n]) => n === 'x-feature'),
    ['x-feature', 'target'],
  );

const token = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url({ sub: 'f3b1a2c4', iss: 'https://keycloak.example.com/realms/acme', exp: 1_900_000_000, groups: ['staff', 'focus-group-a'], scope: 'openid profile email', preferred_username: 'jane.doe' })}.${b64url(Buffer.alloc(256, 7))}`;

export const scenarios: Scenario[] = [
  {
    name: 'feature-alias: 5 header rules',
    baseline: 'noop',
    chain: featureAlias({ features, rules: headerRules(5) }),
    request: matchingLast(5),
    check: expectTarget,
  },
  {
    name: 'feature-alias: 50 header rules',
    baseline: 'noop',
    chain: featureAlias({ features, rules: headerRules(50) }),
    request: matchingLast(50),
    check: expectTarget,
  },
  {
    name: 'feature-alias: claim rule (token decoded)',
    baseline: 'noop',
    chain: featureAlias({
      features,
      rules: [{ name: 'group-a', feature: 'target', when: { claim: '/groups', contains: 'focus-group-a' } }],
    }),
    request: { ...typicalRequest, headers: [...typicalRequest.headers, ['authorization', `Bearer ${token}`]] },
    check: expectTarget,
  },
];
