// For any request: no trap, only known aliases (and their versions) upstream, and a client's
// alias survives only with keep_known when it names a known feature.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterChain } from '../../../host/index.ts';
import { arbitraryRequest, propertyOptions } from '../../../tests/support/fuzz.ts';
import { headerValues, load, pluginModule, testModule } from '../../../tests/support/modules.ts';
import { signToken } from '../../../tests/support/tokens.ts';

const features = { baseline: { version: '1' }, a: { version: '2' }, b: { version: '3' } };
const rules = [
  { name: 'claims', feature: 'a', when: { claim: '/groups', contains: 'g' } },
  {
    name: 'geo',
    feature: 'b',
    when: {
      any: [
        { header: 'x-geo', in: ['NL', 'BE'] },
        { cookie: 'geo', prefix: 'N' },
      ],
    },
  },
  { name: 'version', feature: 'a', when: { header: 'x-app', semver: { '>=': '1.0.0' } } },
  {
    name: 'split',
    split: {
      key: { header: 'x-user' },
      weights: [
        ['a', 1],
        ['b', 1],
        ['', 2],
      ],
    },
  },
];
const owned = fc.tuple(
  fc.constantFrom('x-feature', 'X-Feature', 'x-version', 'x-feature-rule'),
  fc.oneof(fc.constantFrom('a', 'b', 'baseline', 'evil'), fc.string({ maxLength: 20 })),
);
const facts = fc.oneof(
  fc.tuple(fc.constantFrom('x-geo', 'x-app', 'x-user', 'cookie'), fc.string({ maxLength: 30 })),
  fc
    .jsonValue({ maxDepth: 4 })
    .map((groups): [string, string] => ['authorization', `Bearer ${signToken('RS256', { groups })}`]),
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
        for (const rule of headerValues(outcome.upstream!.headers, 'x-feature-rule'))
          assert.ok(
            rules.some((r) => r.name === rule),
            rule,
          );
      }),
      propertyOptions(),
    );
  });
}

test('with strip, a client alias never survives on its own: no rule, no header', () => {
  const chain = new FilterChain([
    load(pluginModule('feature-alias'), {
      rootId: 'feature-alias',
      configuration: JSON.stringify({ features, rules: [] }),
    }),
  ]);
  fc.assert(
    fc.property(fc.array(owned, { maxLength: 6 }), (headers) => {
      const outcome = chain.send({ headers });
      assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-feature'), []);
      assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-version'), []);
    }),
    propertyOptions(),
  );
});

// The spoof property over every path a request can take: bodies in random frames or none,
// trailers or none, feature-alias alone or beside a filter that holds the request until its body
// ends (before it: feature-alias runs when the body or trailers release the headers; after it),
// allow_on_headers_stop_iteration on and off. Client copies of every owned header, in any case
// and repeated, never reach upstream; nothing traps; feature-alias never stalls a request; what
// is written is a configured feature and its version.
const spoofConfigs: { name: string; config: object; alias: string; version: string; rule: string; owned: string[] }[] =
  [
    {
      name: 'default headers with a rule header',
      config: { features, rules, headers: { rule: 'x-feature-rule' } },
      alias: 'x-feature',
      version: 'x-version',
      rule: 'x-feature-rule',
      owned: ['x-feature', 'x-version', 'x-feature-rule'],
    },
    {
      name: 'version and rule off',
      config: { features, rules, default_feature: 'baseline', headers: { version: '' } },
      alias: 'x-feature',
      version: '',
      rule: '',
      owned: ['x-feature', 'x-version', 'x-feature-rule'],
    },
    {
      name: 'renamed, keep_known',
      config: { features, rules, incoming: 'keep_known', headers: { alias: 'x-flag', version: 'x-flag-version' } },
      alias: 'x-flag',
      version: 'x-flag-version',
      rule: '',
      owned: ['x-flag', 'x-flag-version', 'x-feature-rule'],
    },
    {
      name: 'all mode',
      config: { features, rules, mode: 'all', default_feature: 'b' },
      alias: 'x-feature',
      version: 'x-version',
      rule: '',
      owned: ['x-feature', 'x-version', 'x-feature-rule'],
    },
  ];
const anyCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
const spoofValue = fc.oneof(
  fc.constantFrom('a', 'b', 'baseline', '1', '2', '3', 'claims'),
  fc.string({ maxLength: 16 }),
);
const spoofOf = (owned: string[]) => fc.constantFrom(...owned).chain((name) => fc.tuple(anyCase(name), spoofValue));
const frames = fc.option(fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 5 }), {
  nil: undefined,
});
const trailers = (owned: string[]) =>
  fc.option(
    fc.array(
      fc.oneof(fc.tuple(fc.constantFrom('x-checksum', 'grpc-status'), fc.string({ maxLength: 8 })), spoofOf(owned)),
      { maxLength: 3 },
    ),
    { nil: undefined },
  );
const placement = fc.constantFrom('alone', 'after a holding filter', 'before a holding filter');

for (const setup of spoofConfigs) {
  for (const allow of [false, true]) {
    test(`spoof property (${setup.name}, allow_on_headers_stop_iteration ${allow ? 'on' : 'off'}): bodies, trailers, every stop point`, () => {
      const plugin = load(pluginModule('feature-alias'), {
        rootId: 'feature-alias',
        name: 'feature-alias',
        configuration: JSON.stringify(setup.config),
        allowOnHeadersStopIteration: allow,
      });
      const hold = load(testModule('stop-then-body'), {
        rootId: 'stop-then-body',
        name: 'hold',
        allowOnHeadersStopIteration: allow,
      });
      const chains = {
        alone: new FilterChain([plugin]),
        'after a holding filter': new FilterChain([hold, plugin]),
        'before a holding filter': new FilterChain([plugin, hold]),
      };
      const spoofs = fc.array(spoofOf(setup.owned), { minLength: 1, maxLength: 6 });
      const request = fc.record({
        base: arbitraryRequest([facts]),
        spoofs,
        interleave: fc.nat(),
        frames,
        trailers: trailers(setup.owned),
        where: placement,
      });
      fc.assert(
        fc.property(request, ({ base, spoofs: sent, interleave, frames: body, trailers: sentTrailers, where }) => {
          const headers = [...base.headers!];
          for (const spoof of sent) headers.splice(interleave % (headers.length + 1), 0, spoof);
          const outcome = chains[where].send({ ...base, headers, body, trailers: sentTrailers });
          assert.equal(plugin.vm.failed, false, plugin.vm.failure ?? '');
          assert.notEqual(outcome.stall?.filter, 'feature-alias', JSON.stringify(outcome.stall));
          if (where === 'alone') assert.equal(outcome.decision, 'continue');
          if (outcome.decision !== 'continue') return;
          const upstream = outcome.upstream!.headers;
          // Trailers reach upstream too: no client trailer named like an owned header gets there.
          for (const [name] of outcome.upstream!.trailers ?? [])
            assert.ok(!setup.owned.includes(name.toLowerCase()), `trailer ${name} reached upstream`);
          const values = (name: string) => upstream.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v);
          const aliases = values(setup.alias);
          assert.ok(aliases.length <= 1, `${setup.alias}: ${aliases}`);
          const written = aliases.length === 1 ? aliases[0].split(',') : [];
          for (const name of written) assert.ok(name in features, name);
          const versions =
            setup.version === '' ? [] : written.map((name) => features[name as keyof typeof features].version);
          if (setup.version !== '')
            assert.deepEqual(values(setup.version), versions.length > 0 ? [versions.join(',')] : []);
          // The rule header, when configured, names a configured rule; switched off, nothing is left.
          const ruleValues = values('x-feature-rule');
          assert.ok(ruleValues.length <= (setup.rule === '' ? 0 : 1), `x-feature-rule: ${ruleValues}`);
          for (const value of ruleValues)
            assert.ok(
              rules.some((r) => r.name === value),
              value,
            );
        }),
        propertyOptions(),
      );
    });
  }
}
