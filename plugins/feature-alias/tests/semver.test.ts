// semver conditions: ranges as npm (node-semver) and Cargo read them, precedence per semver 2.0.0
// §11, identifiers validated in configuration (refused with the field path) and in requests (not
// a version: the condition does not match). A property test compares every decision with the
// reference below, written from the specification and the npm/Cargo range documentation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigurationRejectedError, FilterChain } from '../../../host/index.ts';
import { propertyOptions } from '../../../tests/support/fuzz.ts';
import { header, load, pluginModule } from '../../../tests/support/modules.ts';

// ---- reference

interface Version {
  core: [bigint, bigint, bigint];
  pre: string[];
}

const NUMBER = /^(0|[1-9][0-9]{0,14})$/;
const IDENTIFIER = /^[0-9A-Za-z-]+$/;

function parse(text: string): Version | null {
  const body = text.startsWith('v') ? text.slice(1) : text;
  const [head, ...builds] = body.split('+');
  if (builds.length > 1) return null;
  if (builds.length === 1 && !builds[0].split('.').every((id) => IDENTIFIER.test(id))) return null;
  const dash = head.indexOf('-');
  const core = (dash < 0 ? head : head.slice(0, dash)).split('.');
  if (core.length !== 3 || !core.every((n) => NUMBER.test(n))) return null;
  const pre = dash < 0 ? [] : head.slice(dash + 1).split('.');
  if (!pre.every((id) => IDENTIFIER.test(id) && !/^0[0-9]+$/.test(id))) return null;
  return { core: core.map(BigInt) as [bigint, bigint, bigint], pre };
}

function comparePre(a: string, b: string): number {
  const an = /^[0-9]+$/.test(a);
  const bn = /^[0-9]+$/.test(b);
  if (an && bn) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
  if (an !== bn) return an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return a.core[i] < b.core[i] ? -1 : 1;
  if (a.pre.length === 0 || b.pre.length === 0) return (b.pre.length === 0 ? 0 : 1) - (a.pre.length === 0 ? 0 : 1);
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const order = comparePre(a.pre[i], b.pre[i]);
    if (order !== 0) return order;
  }
  return Math.sign(a.pre.length - b.pre.length);
}

// Cargo's wording: ^ keeps the left-most non-zero part of the bound, ~ keeps major and minor.
function holds(v: Version, operator: string, bound: Version): boolean {
  const order = compare(v, bound);
  const [M, m] = bound.core;
  switch (operator) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '~':
      return order >= 0 && v.core[0] === M && v.core[1] === m;
    case '^':
      if (order < 0) return false;
      if (M !== 0n) return v.core[0] === M;
      if (m !== 0n) return v.core[0] === 0n && v.core[1] === m;
      return v.core[0] === 0n && v.core[1] === 0n && v.core[2] === bound.core[2];
  }
  throw new Error(operator);
}

// A pre-release passes a range only if one of its bounds is a pre-release of the same release.
function satisfies(text: string, range: Record<string, string>): boolean {
  const v = parse(text);
  if (v === null) return false;
  const bounds = Object.entries(range).map(([op, b]) => [op, parse(b)!] as const);
  if (!bounds.every(([op, b]) => holds(v, op, b))) return false;
  return v.pre.length === 0 || bounds.some(([, b]) => b.pre.length > 0 && b.core.every((n, i) => n === v.core[i]));
}

// ---- the plugin

const features = { match: { version: '2' }, other: { version: '1' } };
const decide = (range: Record<string, string>, version: string) => {
  const filter = new FilterChain([
    load(pluginModule('feature-alias'), {
      rootId: 'feature-alias',
      configuration: JSON.stringify({
        features,
        rules: [{ name: 'r', feature: 'match', when: { header: 'x-app-version', semver: range } }],
        default_feature: 'other',
      }),
    }),
  ]);
  return header(filter.send({ headers: [['x-app-version', version]] }).upstream!.headers, 'x-feature') === 'match';
};

// [range, version, matches]: each row is the documented npm/Cargo answer.
const ranges: [Record<string, string>, string, boolean][] = [
  [{ '^': '1.2.3' }, '1.2.3', true],
  [{ '^': '1.2.3' }, '1.9.0', true],
  [{ '^': '1.2.3' }, '2.0.0', false],
  [{ '^': '1.2.3' }, '1.2.2', false],
  [{ '^': '0.2.3' }, '0.2.9', true],
  [{ '^': '0.2.3' }, '0.3.0', false],
  [{ '^': '0.2.3' }, '0.9.0', false],
  [{ '^': '0.2.3' }, '1.0.0', false],
  [{ '^': '0.0.3' }, '0.0.3', true],
  [{ '^': '0.0.3' }, '0.0.4', false],
  [{ '^': '0.0.3' }, '0.1.0', false],
  [{ '^': '0.0.0' }, '0.0.1', false],
  [{ '~': '1.2.3' }, '1.2.9', true],
  [{ '~': '1.2.3' }, '1.3.0', false],
  [{ '~': '0.0.3' }, '0.0.9', true],
  [{ '~': '0.0.3' }, '0.1.0', false],
  [{ '^': '1.2.3-beta.2' }, '1.2.3-beta.4', true],
  [{ '^': '1.2.3-beta.2' }, '1.2.3', true],
  [{ '^': '1.2.3-beta.2' }, '1.2.4-beta.1', false],
  [{ '^': '1.2.3' }, '2.0.0-alpha', false],
  [{ '>=': '1.0.0' }, '2.0.0-rc.1', false],
  [{ '>=': '2.0.0-rc.1' }, '2.0.0-rc.2', true],
  [{ '>=': '2.0.0-rc.1', '<': '3.0.0' }, '2.5.0', true],
  [{ '<': '3.0.0' }, '3.0.0-alpha', false],
  [{ '=': '1.0.0' }, '1.0.0+build.7', true],
  [{ '!=': '1.0.0' }, 'v1.0.1', true],
  [{ '>': '1.0.0-alpha' }, '1.0.0-alpha.1', true],
];

for (const [range, version, matches] of ranges) {
  test(`semver ${JSON.stringify(range)} ${matches ? 'matches' : 'does not match'} ${version}`, () => {
    assert.equal(decide(range, version), matches);
    assert.equal(satisfies(version, range), matches, 'the reference agrees');
  });
}

// semver.org §11's own example, in ascending order: each is below the next.
const ladder = [
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
];
test('precedence: semver.org §11 example order, each step both ways', () => {
  // The >=1.0.0-0 bound opts in to 1.0.0's pre-releases, so only the ordering is tested.
  for (let i = 0; i + 1 < ladder.length; i++) {
    assert.equal(decide({ '>=': '1.0.0-0', '<': ladder[i + 1] }, ladder[i]), true, `${ladder[i]} < ${ladder[i + 1]}`);
    assert.equal(decide({ '>': ladder[i] }, ladder[i + 1]), true, `${ladder[i + 1]} > ${ladder[i]}`);
    assert.equal(
      decide({ '>=': '1.0.0-0', '<': ladder[i] }, ladder[i + 1]),
      false,
      `not ${ladder[i + 1]} < ${ladder[i]}`,
    );
    assert.equal(satisfies(ladder[i], { '>=': '1.0.0-0', '<': ladder[i + 1] }), true, 'the reference agrees');
  }
});

// Request values that are not versions: the condition does not match, even for >=0.0.0. (Space
// around a value never reaches a filter: Envoy's codecs trim it, and so does the host.)
const notVersions = [
  'latest',
  '1.2',
  '1.2.3.4',
  '01.2.3',
  '1.2.3-',
  '1.2.3-01',
  '1.2.3-a..b',
  '1.2.3-é',
  '1.2.3+',
  '1.2.3+a_b',
  '1.2 .3',
  '1.2.3 -rc',
  'V1.2.3',
  '1.2.3-a+b+c',
  '9999999999999999.0.0',
];
for (const value of notVersions) {
  test(`a request value that is not a version never matches: ${JSON.stringify(value)}`, () => {
    assert.equal(decide({ '>=': '0.0.0-0' }, value), false);
    assert.equal(decide({ '!=': '0.0.1' }, value), false);
  });
}

// Bounds that are not versions: refused at configure, naming the field.
const badBounds = ['2.4.0-é', '1.0.0-01', '1.0.0-', '1.0.0-a..b', '1.0.0+', '1.0.0+a_b', '1.0', '1.0.0 '];
for (const bound of badBounds) {
  test(`configure refuses the bound ${JSON.stringify(bound)} with its path`, () => {
    assert.throws(
      () =>
        load(pluginModule('feature-alias'), {
          rootId: 'feature-alias',
          configuration: JSON.stringify({
            features,
            rules: [{ name: 'r', feature: 'match', when: { header: 'x', semver: { '>=': '1.0.0', '^': bound } } }],
          }),
        }),
      (e: unknown) =>
        e instanceof ConfigurationRejectedError &&
        e.logs.some(
          (l) => l.level === 'error' && l.message.includes('/rules/0/when/semver/^: expected a semantic version'),
        ),
    );
  });
}

// ---- property: every decision agrees with the reference

// Mostly valid parts, so that most configurations are accepted; now and then one that is not.
const rarely = <T>(usual: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 40, arbitrary: usual }, { weight: 1, arbitrary: odd });
const identifier = rarely(
  fc.constantFrom('0', '1', '2', '10', '11', 'alpha', 'beta', 'rc', 'a-1', '-', 'x7', '9z'),
  fc.constantFrom('01', '', 'é', '_'),
);
const number = rarely(fc.constantFrom('0', '1', '2', '3', '10'), fc.constantFrom('01', '', 'x'));
const versionText = fc
  .tuple(
    fc.boolean(),
    number,
    number,
    number,
    fc.array(identifier, { maxLength: 3 }),
    fc.array(identifier, { maxLength: 2 }),
    fc.boolean(),
    fc.boolean(),
  )
  .map(
    ([v, M, m, p, pre, build, hasPre, hasBuild]) =>
      `${v ? 'v' : ''}${M}.${m}.${p}${hasPre ? `-${pre.join('.')}` : ''}${hasBuild ? `+${build.join('.')}` : ''}`,
  );
const operator = fc.constantFrom('=', '!=', '>', '>=', '<', '<=', '^', '~');
const range = fc.dictionary(operator, versionText, { minKeys: 1, maxKeys: 3 });

test('property: configure accepts exactly the bounds the reference parses, and every match agrees with it', () => {
  let accepted = 0;
  let rejected = 0;
  fc.assert(
    fc.property(
      fc.array(range, { minLength: 1, maxLength: 8 }),
      fc.array(versionText, { minLength: 1, maxLength: 12 }),
      (rangeList, versions) => {
        // One rule per range, in mode all: one request answers for every range at once.
        const ruleFeatures = Object.fromEntries(rangeList.map((_, i) => [`f${i}`, { version: `${i}` }]));
        const rules = rangeList.map((r, i) => ({
          name: `r${i}`,
          feature: `f${i}`,
          when: { header: 'x-app-version', semver: r },
        }));
        const valid = rangeList.every((r) => Object.values(r).every((b) => parse(b) !== null));
        const configure = () =>
          load(pluginModule('feature-alias'), {
            rootId: 'feature-alias',
            configuration: JSON.stringify({ features: ruleFeatures, rules, mode: 'all' }),
          });
        if (!valid) {
          assert.throws(configure, ConfigurationRejectedError);
          rejected++;
          return;
        }
        accepted++;
        const chain = new FilterChain([configure()]);
        for (const version of versions) {
          const written = header(chain.send({ headers: [['x-app-version', version]] }).upstream!.headers, 'x-feature');
          const expected = rangeList.flatMap((r, i) => (satisfies(version, r) ? [`f${i}`] : [])).join(',');
          assert.equal(written ?? '', expected, `${version} against ${JSON.stringify(rangeList)}`);
        }
      },
    ),
    propertyOptions(),
  );
  // Both sides of the configuration check were exercised.
  assert.ok(accepted > 0 && rejected > 0, `${accepted} accepted, ${rejected} rejected`);
});
