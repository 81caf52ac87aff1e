// feature-alias rule semantics, request in, upstream headers out, from configuration alone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilterChain, type HttpRequest } from '../../../host/index.ts';
import { header, headerValues, load, pluginModule, ROOT } from '../../../tests/support/modules.ts';
import { bearer, keycloak, signToken } from '../../../tests/support/tokens.ts';

const chain = (config: object) =>
  new FilterChain([
    load(pluginModule('feature-alias'), {
      rootId: 'feature-alias',
      name: 'feature-alias',
      configuration: JSON.stringify(config),
    }),
  ]);
const example = JSON.parse(readFileSync(join(ROOT, 'plugins', 'feature-alias', 'example.config.json'), 'utf8'));
const features = { baseline: { version: '1' }, a: { version: '2' }, b: { version: '3' } };
const rule = (feature: string, when: object, name = `r-${feature}`) => ({ name, feature, when });

test('the example: a claim-based group A gets progressive-discount 2', () => {
  const outcome = chain(example).send({
    headers: [bearer(signToken('RS256', keycloak('acme', { groups: ['staff', 'focus-group-a'] })))],
  });
  assert.equal(header(outcome.upstream!.headers, 'x-feature'), 'progressive-discount');
  assert.equal(header(outcome.upstream!.headers, 'x-version'), '2');
  assert.equal(header(outcome.upstream!.headers, 'x-feature-rule'), 'focus-group-a');
});

test('the example: a geo header group B gets geo-offers 3', () => {
  const outcome = chain(example).send({ headers: [['x-geo-region', 'NL']] });
  assert.deepEqual(
    [header(outcome.upstream!.headers, 'x-feature'), header(outcome.upstream!.headers, 'x-version')],
    ['geo-offers', '3'],
  );
});

test('the example: everyone else gets the baseline 1, without a rule header', () => {
  const outcome = chain(example).send({ headers: [['x-geo-region', 'DE']] });
  assert.deepEqual(
    [header(outcome.upstream!.headers, 'x-feature'), header(outcome.upstream!.headers, 'x-version')],
    ['baseline', '1'],
  );
  assert.equal(header(outcome.upstream!.headers, 'x-feature-rule'), undefined);
});

interface Case {
  name: string;
  when: object;
  request: HttpRequest;
  matches: boolean;
}

const token = (claims: object) => bearer(signToken('ES256', claims));
const cases: Case[] = [
  {
    name: 'header equals',
    when: { header: 'x-tenant-id', equals: 'acme' },
    request: { headers: [['x-tenant-id', 'acme']] },
    matches: true,
  },
  {
    name: 'header equals is exact',
    when: { header: 'x-tenant-id', equals: 'acme' },
    request: { headers: [['x-tenant-id', 'acme2']] },
    matches: false,
  },
  {
    name: 'header names are case-insensitive',
    when: { header: 'X-Tenant-Id', equals: 'acme' },
    request: { headers: [['x-tenant-id', 'acme']] },
    matches: true,
  },
  {
    name: 'in a list',
    when: { header: 'x-geo', in: ['NL', 'BE'] },
    request: { headers: [['x-geo', 'BE']] },
    matches: true,
  },
  {
    name: 'prefix',
    when: { header: 'user-agent', prefix: 'ShopApp/' },
    request: { headers: [['user-agent', 'ShopApp/5.1 (iOS)']] },
    matches: true,
  },
  {
    name: 'suffix',
    when: { authority: true, suffix: '.beta.example.com' },
    request: { authority: 'eu.beta.example.com' },
    matches: true,
  },
  {
    name: 'contains a substring',
    when: { header: 'user-agent', contains: 'Android' },
    request: { headers: [['user-agent', 'Mozilla/5.0 (Linux; Android 14)']] },
    matches: true,
  },
  {
    name: 'present',
    when: { cookie: 'beta', present: true },
    request: { headers: [['cookie', 'a=1; beta=yes']] },
    matches: true,
  },
  { name: 'absent', when: { cookie: 'beta', absent: true }, request: { headers: [['cookie', 'a=1']] }, matches: true },
  {
    name: 'cookie equals',
    when: { cookie: 'group', equals: 'a' },
    request: { headers: [['cookie', 'session=s1; group=a']] },
    matches: true,
  },
  {
    // Envoy's HTTP/2 codec joins the crumbs into one cookie header (reconstituteCrumbledCookies).
    name: 'cookie equals, in a later HTTP/2 crumb',
    when: { cookie: 'group', equals: 'a' },
    request: {
      stream: { protocol: 'HTTP/2' },
      headers: [
        ['cookie', 'session=s1'],
        ['cookie', 'group=a'],
      ],
    },
    matches: true,
  },
  {
    name: 'query equals (decoded)',
    when: { query: 'promo', equals: 'spring sale' },
    request: { path: '/shop?promo=spring%20sale' },
    matches: true,
  },
  {
    name: 'path prefix (without the query)',
    when: { path: true, prefix: '/checkout/' },
    request: { path: '/checkout/step1?x=/y' },
    matches: true,
  },
  {
    name: 'path does not include the query',
    when: { path: true, suffix: 'x=1' },
    request: { path: '/a?x=1' },
    matches: false,
  },
  { name: 'method in', when: { method: true, in: ['POST', 'PUT'] }, request: { method: 'PUT' }, matches: true },
  {
    name: 'semver range',
    when: { header: 'x-app-version', semver: { '>=': '2.3.0', '<': '3.0.0' } },
    request: { headers: [['x-app-version', '2.10.1']] },
    matches: true,
  },
  {
    name: 'semver: a pre-release is below its release',
    when: { header: 'x-app-version', semver: { '>=': '2.3.0' } },
    request: { headers: [['x-app-version', '2.3.0-beta.2']] },
    matches: false,
  },
  {
    name: 'semver caret',
    when: { header: 'x-app-version', semver: { '^': '1.4.0' } },
    request: { headers: [['x-app-version', 'v1.9.3']] },
    matches: true,
  },
  {
    name: 'semver: not a version never matches',
    when: { header: 'x-app-version', semver: { '>=': '0.0.0' } },
    request: { headers: [['x-app-version', 'latest']] },
    matches: false,
  },
  {
    name: 'pattern',
    when: { header: 'x-cart', pattern: '^[a-f0-9]{8}$' },
    request: { headers: [['x-cart', 'deadbeef']] },
    matches: true,
  },
  {
    name: 'claim contains an array element',
    when: { claim: '/groups', contains: 'focus-a' },
    request: { headers: [token({ groups: ['x', 'focus-a'] })] },
    matches: true,
  },
  {
    name: 'claim contains is element equality for arrays',
    when: { claim: '/groups', contains: 'focus' },
    request: { headers: [token({ groups: ['focus-a'] })] },
    matches: false,
  },
  {
    name: 'nested claim equals',
    when: { claim: '/org/region', equals: 'eu' },
    request: { headers: [token({ org: { region: 'eu' } })] },
    matches: true,
  },
  {
    name: 'URL-named claim',
    when: { claim: ['https://example.com/plan'], equals: 'gold' },
    request: { headers: [token({ 'https://example.com/plan': 'gold' })] },
    matches: true,
  },
  {
    name: 'integer claim compared as its text',
    when: { claim: '/tier', in: ['2', '3'] },
    request: { headers: [token({ tier: 3 })] },
    matches: true,
  },
  {
    name: 'no token: claim conditions do not match',
    when: { claim: '/groups', present: true },
    request: {},
    matches: false,
  },
  {
    name: 'a malformed token: claim conditions do not match',
    when: { claim: '/groups', present: true },
    request: { headers: [bearer('x.y.z')] },
    matches: false,
  },
  {
    name: 'all',
    when: {
      all: [
        { header: 'x-a', equals: '1' },
        { header: 'x-b', equals: '2' },
      ],
    },
    request: {
      headers: [
        ['x-a', '1'],
        ['x-b', '2'],
      ],
    },
    matches: true,
  },
  {
    name: 'all needs every part',
    when: {
      all: [
        { header: 'x-a', equals: '1' },
        { header: 'x-b', equals: '2' },
      ],
    },
    request: { headers: [['x-a', '1']] },
    matches: false,
  },
  {
    name: 'any',
    when: {
      any: [
        { header: 'x-a', equals: '1' },
        { header: 'x-b', equals: '2' },
      ],
    },
    request: { headers: [['x-b', '2']] },
    matches: true,
  },
  { name: 'not', when: { not: { header: 'x-a', present: true } }, request: {}, matches: true },
  {
    name: 'the first of repeated headers is the value',
    when: { header: 'x-a', equals: '2' },
    request: {
      headers: [
        ['x-a', '1'],
        ['x-a', '2'],
      ],
    },
    matches: false,
  },
];

for (const c of cases) {
  test(`condition: ${c.name}`, () => {
    const outcome = chain({ features, rules: [rule('a', c.when)], default_feature: 'baseline' }).send(c.request);
    assert.equal(header(outcome.upstream!.headers, 'x-feature'), c.matches ? 'a' : 'baseline');
  });
}

test('first mode: the first matching rule decides', () => {
  const config = {
    features,
    rules: [rule('a', { header: 'x-a', present: true }), rule('b', { header: 'x-b', present: true })],
  };
  assert.equal(
    header(
      chain(config).send({
        headers: [
          ['x-b', '1'],
          ['x-a', '1'],
        ],
      }).upstream!.headers,
      'x-feature',
    ),
    'a',
  );
});

test('all mode: every matching feature, in rule order, with their versions', () => {
  const config = {
    features,
    mode: 'all',
    rules: [rule('a', { header: 'x-a', present: true }), rule('b', { header: 'x-b', present: true })],
  };
  const outcome = chain(config).send({
    headers: [
      ['x-b', '1'],
      ['x-a', '1'],
    ],
  });
  assert.equal(header(outcome.upstream!.headers, 'x-feature'), 'a,b');
  assert.equal(header(outcome.upstream!.headers, 'x-version'), '2,3');
});

test('no match and no default: no headers', () => {
  const outcome = chain({ features, rules: [rule('a', { header: 'x-a', present: true })] }).send({});
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-feature'), []);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-version'), []);
});

test('incoming alias and version are stripped by default, even naming a known feature', () => {
  const outcome = chain({ features, rules: [] }).send({
    headers: [
      ['x-feature', 'a'],
      ['x-version', '2'],
      ['x-feature', 'b'],
    ],
  });
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-feature'), []);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-version'), []);
});

test('keep_known keeps an incoming known alias and writes its version; an unknown one is stripped', () => {
  const config = {
    features,
    incoming: 'keep_known',
    rules: [rule('b', { header: 'x-b', present: true })],
    default_feature: 'baseline',
  };
  const kept = chain(config).send({
    headers: [
      ['x-feature', 'a'],
      ['x-version', '99'],
      ['x-b', '1'],
    ],
  });
  assert.deepEqual(headerValues(kept.upstream!.headers, 'x-feature'), ['a']);
  assert.deepEqual(headerValues(kept.upstream!.headers, 'x-version'), ['2']);
  const stripped = chain(config).send({
    headers: [
      ['x-feature', 'evil'],
      ['x-version', '99'],
    ],
  });
  assert.deepEqual(headerValues(stripped.upstream!.headers, 'x-feature'), ['baseline']);
  assert.deepEqual(headerValues(stripped.upstream!.headers, 'x-version'), ['1']);
});

test('metrics: assignments per feature, no match, incoming kept and stripped', () => {
  const filter = chain({
    features,
    incoming: 'keep_known',
    rules: [rule('a', { header: 'x-a', present: true })],
    default_feature: 'baseline',
  });
  filter.send({ headers: [['x-a', '1']] });
  filter.send({});
  filter.send({ headers: [['x-feature', 'b']] });
  const metrics = filter.send({ headers: [['x-feature', 'nope']] }).metrics['feature-alias'];
  const value = (name: string) => metrics[`wasmcustom.feature_alias.${name}`].value;
  assert.deepEqual(
    ['assigned.a', 'assigned.b', 'assigned.baseline', 'no_match', 'incoming_kept', 'incoming_stripped'].map(value),
    [1, 1, 2, 2, 1, 1],
  );
});

test('many header rules: each request reaches the rule on the one header it carries, among names of every length', () => {
  // 40 names (more than the header index starts with), a few sharing a length, one past 64 bytes.
  const names = Array.from({ length: 40 }, (_, i) =>
    i === 39 ? `x-${'long-'.repeat(14)}${i}` : `x-h${'g'.repeat(i % 5)}-${i}`,
  );
  const many = {
    features: { ...features, ...Object.fromEntries(names.map((_, i) => [`f${i}`, { version: `${i}` }])) },
    rules: names.map((name, i) => rule(`f${i}`, { header: name, equals: 'on' }, `r${i}`)),
  };
  const filter = chain(many);
  for (const i of [0, 7, 8, 21, 38, 39]) {
    const outcome = filter.send({
      headers: [
        ['x-other', 'on'],
        [names[i].toUpperCase(), 'on'],
        ['x-h-0', 'off'],
      ],
    });
    // For x-h-0 itself the request's first value is 'on': repeated names count by their first value.
    assert.equal(header(outcome.upstream!.headers, 'x-feature'), `f${i}`, names[i]);
  }
  assert.equal(header(filter.send({ headers: [['x-h-0', 'on']] }).upstream!.headers, 'x-feature'), 'f0');
  assert.equal(
    header(
      filter.send({
        headers: [
          ['x-h-0', 'off'],
          ['x-h-0', 'on'],
        ],
      }).upstream!.headers,
      'x-feature',
    ),
    undefined,
  );
});

test('a rule needing no header (absent, not) is still evaluated when other rules are skipped', () => {
  const config = {
    features,
    rules: [rule('a', { header: 'x-a', equals: '1' }), rule('b', { not: { header: 'x-a', equals: '1' } })],
  };
  assert.equal(header(chain(config).send({}).upstream!.headers, 'x-feature'), 'b');
  assert.equal(header(chain(config).send({ headers: [['x-a', '1']] }).upstream!.headers, 'x-feature'), 'a');
});

test('a rule on x-tenant-id sees the tenant jwt-tenant wrote before it, never the client copy, on every replay', () => {
  const tenantFilter = load(pluginModule('jwt-tenant'), {
    rootId: 'jwt-tenant',
    name: 'jwt-tenant',
    configuration: JSON.stringify({
      tenant: { claim: '/iss', capture: { prefix: 'https://keycloak.example.com/realms/' } },
    }),
  });
  const aliasFilter = load(pluginModule('feature-alias'), {
    rootId: 'feature-alias',
    name: 'feature-alias',
    configuration: JSON.stringify({
      features,
      rules: [rule('a', { header: 'x-tenant-id', equals: 'acme' })],
      default_feature: 'baseline',
    }),
  });
  const both = new FilterChain([tenantFilter, aliasFilter]);
  // The same request object twice: the second send starts from the host's copy of the first.
  const spoofed = {
    headers: [['x-tenant-id', 'acme'], bearer(signToken('RS256', keycloak('globex')))] as [string, string][],
  };
  for (let round = 0; round < 2; round++) {
    const outcome = both.send(spoofed);
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-tenant-id'), ['globex']);
    assert.equal(header(outcome.upstream!.headers, 'x-feature'), 'baseline');
  }
  const genuine = both.send({ headers: [bearer(signToken('RS256', keycloak('acme')))] });
  assert.equal(header(genuine.upstream!.headers, 'x-feature'), 'a');
});

// Token sources for claim conditions: headers are read from the headers already indexed, as jwt_authn
// extracts them (prefix case-sensitive; the first source present decides); a cookie source as jwt-tenant reads it.
const sourceCases: { name: string; token_sources: object[]; headers: [string, string][]; matches: boolean }[] = [
  {
    name: 'the default source, prefix in another case: no token (jwt_authn never checks it)',
    token_sources: [{ header: 'authorization', prefix: 'Bearer ' }],
    headers: [['authorization', `bEARER ${signToken('RS256', { plan: 'gold' })}`]],
    matches: false,
  },
  {
    name: 'authorization without the prefix holds no token, and the next source is read, as jwt_authn goes on',
    token_sources: [{ header: 'authorization', prefix: 'Bearer ' }, { header: 'x-token' }],
    headers: [
      ['authorization', 'Basic dXNlcjpwYXNz'],
      ['x-token', signToken('RS256', { plan: 'gold' })],
    ],
    matches: true,
  },
  {
    name: 'another header without the prefix ends the search (a second field of it may hold the token jwt_authn judges by)',
    token_sources: [{ header: 'x-token', prefix: 'Bearer ' }, { header: 'x-z-token' }],
    headers: [
      ['x-token', 'Basic dXNlcjpwYXNz'],
      ['x-z-token', signToken('RS256', { plan: 'gold' })],
    ],
    matches: false,
  },
  {
    name: 'a header without the prefix is no token',
    token_sources: [{ header: 'authorization', prefix: 'Bearer ' }],
    headers: [['authorization', signToken('RS256', { plan: 'gold' })]],
    matches: false,
  },
  {
    name: 'the prefix alone is no token',
    token_sources: [{ header: 'authorization', prefix: 'Bearer ' }],
    headers: [['authorization', 'Bearer ']],
    matches: false,
  },
  {
    name: 'the second header source when the first is absent',
    token_sources: [{ header: 'authorization', prefix: 'Bearer ' }, { header: 'x-token' }],
    headers: [['x-token', signToken('RS256', { plan: 'gold' })]],
    matches: true,
  },
  {
    name: "sources are read in jwt_authn's order (authorization before x-token), whatever the listed one",
    token_sources: [{ header: 'x-token' }, { header: 'authorization', prefix: 'Bearer ' }],
    headers: [
      ['authorization', `Bearer ${signToken('RS256', { plan: 'gold' })}`],
      ['x-token', signToken('RS256', { plan: 'free' })],
    ],
    matches: true,
  },
  {
    name: 'a cookie source after a header source',
    token_sources: [{ header: 'authorization', prefix: 'Bearer ' }, { cookie: 'session' }],
    headers: [['cookie', `a=1; session=${signToken('RS256', { plan: 'gold' })}`]],
    matches: true,
  },
];
for (const c of sourceCases) {
  test(`token sources: ${c.name}`, () => {
    const config = {
      features,
      token_sources: c.token_sources,
      rules: [rule('a', { claim: '/plan', equals: 'gold' })],
      default_feature: 'baseline',
    };
    assert.equal(
      header(chain(config).send({ headers: c.headers }).upstream!.headers, 'x-feature'),
      c.matches ? 'a' : 'baseline',
    );
  });
}
