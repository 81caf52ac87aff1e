// A bad feature-alias configuration is refused at configure, naming the field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationRejectedError } from '../../host/index.ts';
import { load, pluginModule } from '../support/modules.ts';

const features = { a: { version: '1' } };
const cases: [string, object | string, RegExp][] = [
  ['no features', {}, /^\/features: expected at least one feature/],
  ['empty configuration', '', /^\/features: expected at least one feature/],
  ['a feature name with a space', { features: { 'a b': {} } }, /^\/features\/a b: expected a feature name/],
  ['an unknown default feature', { features, default_feature: 'z' }, /^\/default_feature: expected a feature listed in \/features, got "z"$/],
  ['a rule for an unknown feature', { features, rules: [{ name: 'r', feature: 'z', when: { method: true, present: true } }] }, /^\/rules\/0\/feature: expected a feature listed/],
  ['a rule without a condition', { features, rules: [{ name: 'r', feature: 'a' }] }, /^\/rules\/0\/when: expected the condition/],
  ['a duplicate rule name', { features, rules: [{ name: 'r', feature: 'a', when: { method: true, present: true } }, { name: 'r', feature: 'a', when: { method: true, present: true } }] }, /^\/rules\/1\/name: expected a unique rule name/],
  ['two attributes', { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', cookie: 'y', equals: '1' } }] }, /^\/rules\/0\/when: expected one attribute, got both header and cookie$/],
  ['no operator', { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x' } }] }, /^\/rules\/0\/when: expected an operator: one of equals/],
  ['a bad semver bound', { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', semver: { '>=': '2.x' } } }] }, /^\/rules\/0\/when\/semver\/>=: expected a semantic version/],
  ['a bad semver operator', { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', semver: { '=>': '2.0.0' } } }] }, /^\/rules\/0\/when\/semver\/=>: expected one of/],
  ['a backtracking pattern', { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x', pattern: '^(a+)+$' } }] }, /^\/rules\/0\/when\/pattern: expected a pattern of the form/],
  ['a percentage over 100', { features, rules: [{ name: 'r', feature: 'a', when: { percentage: { key: { cookie: 's' }, percent: 120 } } }] }, /^\/rules\/0\/when\/percentage\/percent: expected an integer from 0 to 100$/],
  ['split weights of zero', { features, rules: [{ name: 'r', split: { key: { cookie: 's' }, weights: [['a', 0]] } }] }, /^\/rules\/0\/split\/weights: expected weights that add up to more than 0$/],
  ['an unknown mode', { features, mode: 'some' }, /^\/mode: expected one of first, all, got "some"$/],
  ['an upper-case header', { features, headers: { alias: 'X-Feature' } }, /^\/headers\/alias: expected a lower-case header name/],
];

for (const [name, configuration, message] of cases) {
  test(`rejected at configure: ${name}`, () => {
    assert.throws(
      () => load(pluginModule('feature-alias'), { rootId: 'feature-alias', configuration: typeof configuration === 'string' ? configuration : JSON.stringify(configuration) }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigurationRejectedError);
        const line = e.logs.find((l) => l.level === 'error')?.message ?? '';
        assert.match(line.replace(/^feature-alias: invalid configuration: /, ''), message);
        return true;
      },
    );
  });
}
