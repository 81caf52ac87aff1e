// A bad feature-alias configuration is refused at configure, naming the field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationRejectedError } from '../../../host/index.ts';
import { load, pluginModule } from '../../../tests/support/modules.ts';

const features = { a: { version: '1' } };
const cases: [string, object | string, RegExp][] = [
  ['no features', {}, /^\/features: expected at least one feature/],
  ['empty configuration', '', /^\/features: expected at least one feature/],
  ['a feature name with a space', { features: { 'a b': {} } }, /^\/features\/a b: expected a feature name/],
  [
    'an unknown default feature',
    { features, default_feature: 'z' },
    /^\/default_feature: expected a feature listed in \/features, got "z"$/,
  ],
  [
    'a rule for an unknown feature',
    { features, rules: [{ name: 'r', feature: 'z', when: { method: true, present: true } }] },
    /^\/rules\/0\/feature: expected a feature listed/,
  ],
  [
    'a rule without a condition',
    { features, rules: [{ name: 'r', feature: 'a' }] },
    /^\/rules\/0\/when: expected the condition/,
  ],
  [
    'a duplicate rule name',
    {
      features,
      rules: [
        { name: 'r', feature: 'a', when: { method: true, present: true } },
        { name: 'r', feature: 'a', when: { method: true, present: true } },
      ],
    },
    /^\/rules\/1\/name: expected a unique rule name/,
  ],
  [
    'two attributes',
    { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', cookie: 'y', equals: '1' } }] },
    /^\/rules\/0\/when: expected one attribute, got both header and cookie$/,
  ],
  [
    'no operator',
    { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x' } }] },
    /^\/rules\/0\/when: expected an operator: one of equals/,
  ],
  [
    'a bad semver bound',
    { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', semver: { '>=': '2.x' } } }] },
    /^\/rules\/0\/when\/semver\/>=: expected a semantic version/,
  ],
  [
    'a bad semver operator',
    { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', semver: { '=>': '2.0.0' } } }] },
    /^\/rules\/0\/when\/semver\/=>: expected one of/,
  ],
  [
    'a backtracking pattern',
    { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', pattern: '^(a+)+$' } }] },
    /^\/rules\/0\/when\/pattern: expected a pattern of the form/,
  ],
  [
    'a percentage over 100',
    { features, rules: [{ name: 'r', feature: 'a', when: { percentage: { key: { cookie: 's' }, percent: 120 } } }] },
    /^\/rules\/0\/when\/percentage\/percent: expected an integer from 0 to 100$/,
  ],
  [
    'split weights of zero',
    { features, rules: [{ name: 'r', split: { key: { cookie: 's' }, weights: [['a', 0]] } }] },
    /^\/rules\/0\/split\/weights: expected weights that add up to more than 0$/,
  ],
  ['an unknown mode', { features, mode: 'some' }, /^\/mode: expected one of first, all, got "some"$/],
  [
    'an upper-case header',
    { features, headers: { alias: 'X-Feature' } },
    /^\/headers\/alias: expected a lower-case header name/,
  ],
  // Output headers: none Envoy or the verifier owns, no two outputs on one header.
  [
    'the alias header authorization',
    { features, headers: { alias: 'authorization' } },
    /^\/headers\/alias: expected a header a filter may write, "authorization" is a header Envoy or the verifier owns$/,
  ],
  [
    'the version header host',
    { features, headers: { version: 'host' } },
    /^\/headers\/version: expected a header a filter may write, "host" is a header/,
  ],
  [
    'the rule header content-length',
    { features, headers: { rule: 'content-length' } },
    /^\/headers\/rule: expected a header a filter may write, "content-length"/,
  ],
  [
    'a proxy-* rule header',
    { features, headers: { rule: 'proxy-status' } },
    /^\/headers\/rule: expected a header a filter may write, "proxy-status" is a proxy-\* header$/,
  ],
  [
    'an alias header that is not a plain token',
    { features, headers: { alias: 'x~feature' } },
    /^\/headers\/alias: expected a header a filter may write, "x~feature" has a character/,
  ],
  [
    'the alias header as version header',
    { features, headers: { alias: 'x-v', version: 'x-v' } },
    /^\/headers\/version: expected a header other than the other outputs, "x-v" is already written/,
  ],
  [
    'the default version header as alias header',
    { features, headers: { alias: 'x-version' } },
    /^\/headers\/version: expected a header other than the other outputs, "x-version"/,
  ],
  [
    'the rule header as alias header',
    { features, headers: { rule: 'x-feature' } },
    /^\/headers\/rule: expected a header other than the other outputs, "x-feature"/,
  ],
  [
    'the rule header as version header',
    { features, headers: { version: 'x-r', rule: 'x-r' } },
    /^\/headers\/rule: expected a header other than the other outputs/,
  ],
  // A condition or token on a header the filter strips would read nothing, or the client's copy.
  [
    'a condition on the version header',
    { features, rules: [{ name: 'r', feature: 'a', when: { header: 'X-Version', equals: '1' } }] },
    /^\/rules\/0\/when\/header: expected a header this filter does not write or strip, got "x-version"$/,
  ],
  [
    'a condition on x-feature-rule when the rule header is off',
    { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x-feature-rule', present: true } }] },
    /^\/rules\/0\/when\/header: expected a header this filter does not write or strip/,
  ],
  [
    'a split keyed by the alias header',
    { features, rules: [{ name: 'r', split: { key: { header: 'x-feature' }, weights: [['a', 1]] } }] },
    /^\/rules\/0\/split\/key\/header: expected a header this filter does not write or strip/,
  ],
  [
    'a token in the alias header',
    { features, token_sources: [{ header: 'x-feature' }] },
    /^\/token_sources\/0\/header: expected a header this filter does not write or strip/,
  ],
  // Methods as Envoy passes them: case-sensitive, upper-case.
  [
    'a lower-case method',
    { features, rules: [{ name: 'r', feature: 'a', when: { method: true, equals: 'post' } }] },
    /^\/rules\/0\/when\/equals: expected an upper-case method such as "POST" \(methods are case-sensitive\), got "post"$/,
  ],
  [
    'a lower-case method in a list',
    { features, rules: [{ name: 'r', feature: 'a', when: { method: true, in: ['GET', 'Put'] } }] },
    /^\/rules\/0\/when\/in\/1: expected an upper-case method such as "PUT"/,
  ],
  // A version given is written: never empty (a feature without one leaves version out).
  ['an empty version', { features: { a: { version: '' } } }, /^\/features\/a\/version: expected a version of letters/],
  // Pre-release and build text in semver bounds (more in semver.test.ts).
  [
    'a non-ASCII pre-release',
    { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', semver: { '^': '2.4.0-é' } } }] },
    /^\/rules\/0\/when\/semver\/\^: expected a semantic version/,
  ],
];

for (const [name, configuration, message] of cases) {
  test(`rejected at configure: ${name}`, () => {
    assert.throws(
      () =>
        load(pluginModule('feature-alias'), {
          rootId: 'feature-alias',
          configuration: typeof configuration === 'string' ? configuration : JSON.stringify(configuration),
        }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigurationRejectedError);
        const line = e.logs.find((l) => l.level === 'error')?.message ?? '';
        assert.match(line.replace(/^feature-alias: invalid configuration: /, ''), message);
        return true;
      },
    );
  });
}

// The JSON Schema (route-keys validate) refuses the same configurations, except those it cannot
// express: it cannot compare one field with another or with a list elsewhere in the document.
const schemaCannot: Record<string, string> = {
  'an unknown default feature': 'the feature must be a key of /features',
  'a rule for an unknown feature': 'the feature must be a key of /features',
  'a duplicate rule name': 'uniqueness of one field across array items',
  'the alias header as version header': 'two fields compared',
  'the default version header as alias header': "a field compared with another field's default",
  'the rule header as alias header': "a field compared with another field's default",
  'the rule header as version header': 'two fields compared',
  'a condition on the version header': 'a condition compared with /headers',
  'a condition on x-feature-rule when the rule header is off': 'a condition compared with /headers',
  'a split keyed by the alias header': 'a split key compared with /headers',
  'a token in the alias header': 'a token source compared with /headers',
};

test('the schema refuses every configuration above that it can express', async () => {
  const { validationErrors } = await import('../../../cli/validate.ts');
  const accepted = cases
    .filter(
      ([, configuration]) =>
        validationErrors('feature-alias', typeof configuration === 'string' ? {} : configuration).length === 0,
    )
    .map(([name]) => name);
  assert.deepEqual(accepted.sort(), Object.keys(schemaCannot).sort());
});
