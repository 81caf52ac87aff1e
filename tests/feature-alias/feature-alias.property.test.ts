// For any request: no trap, only known aliases (and their versions) upstream, and a client's
// alias survives only with keep_known when it names a known feature.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterChain } from '../../host/index.ts';
import { arbitraryRequest, propertyOptions } from '../support/fuzz.ts';
import { headerValues, load, pluginModule } from '../support/modules.ts';
import { signToken } from '../jwt-tenant/tokens.ts';

const features = { baseline: { version: '1' }, a: { version: '2' }, b: { version: '3' } };
const rules = [
  { name: 'claims', feature: 'a', when: { claim: '/groups', contains: 'g' } },
  { name: 'geo', feature: 'b', when: { any: [{ header: 'x-geo', in: ['NL', 'BE'] }, { cookie: 'geo', prefix: 'N' }] } },
  { name: 'version', feature: 'a', when: { header: 'x-app', semver: { '>=': '1.0.0' } } },
  { name: 'split', split: { key: { header: 'x-user' }, weights: [['a', 1], ['b', 1], ['', 2]] } },
];
const owned = fc.tuple(fc.constantFrom('x-feature', 'X-Feature', 'x-version', 'x-feature-rule'), fc.oneof(fc.constantFrom('a', 'b', 'baseline', 'evil'), fc.string({ maxLength: 20 })));
const facts = fc.oneof(
  fc.tuple(fc.constantFrom('x-geo', 'x-app', 'x-user', 'cookie'), fc.string({ maxLength: 30 })),
  fc.jsonValue({ maxDepth: 4 }).map((groups): [string, string] => ['authorization', `Bearer ${signToken('RS256', { groups })}`]),
);

for (const incoming of ['strip', 'keep_known']) {
  test(`any request (incoming ${incoming}): no trap, only known aliases, client copies only when allowed`, () => {
    const plugin = load(pluginModule('feature-alias'), {
      rootId: 'feature-alias',
      configuration: JSON.stringify({ features, rules, incoming, mode: 'first', headers: { rule: 'x-feature-rule' } }),
    });
    const chain = new FilterChain([plugin]);
    fc.assert(
      fc.property(arbitraryRequest([owned, facts, facts]), (request) => {
        const outcome = chain.send(request);
        assert.equal(plugin.vm.failed, false, plugin.vm.failure ?? '');
        const aliases = headerValues(outcome.upstream!.headers, 'x-feature');
        const versions = headerValues(outcome.upstream!.headers, 'x-version');
        assert.ok(aliases.length <= 1 && versions.length <= 1);
        for (const alias of aliases) assert.ok(alias in features, alias);
        if (aliases.length === 1) assert.deepEqual(versions, [features[aliases[0] as keyof typeof features].version]);
        else assert.deepEqual(versions, []);
        for (const rule of headerValues(outcome.upstream!.headers, 'x-feature-rule')) assert.ok(rules.some((r) => r.name === rule), rule);
      }),
      propertyOptions(),
    );
  });
}

test('with strip, a client alias never survives on its own: no rule, no header', () => {
  const chain = new FilterChain([load(pluginModule('feature-alias'), { rootId: 'feature-alias', configuration: JSON.stringify({ features, rules: [] }) })]);
  fc.assert(
    fc.property(fc.array(owned, { maxLength: 6 }), (headers) => {
      const outcome = chain.send({ headers });
      assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-feature'), []);
      assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-version'), []);
    }),
    propertyOptions(),
  );
});
