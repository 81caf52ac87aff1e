// Every header feature-alias may write is stripped of client copies on every request, whatever
// the configuration: the alias, version and rule headers as configured, and x-version and
// x-feature-rule even when switched off with "" (a client never picks a version by default).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilterChain, type HeaderList } from '../../../host/index.ts';
import { headerValues, load, pluginModule, ROOT } from '../../../tests/support/modules.ts';

const features = { baseline: { version: '1' }, a: { version: '2' } };
const chain = (config: object) =>
  new FilterChain([
    load(pluginModule('feature-alias'), { rootId: 'feature-alias', configuration: JSON.stringify(config) }),
  ]);
const spoofs: HeaderList = [
  ['x-feature', 'a'],
  ['X-Version', '2'],
  ['x-version', '9'],
  ['X-FEATURE-RULE', 'vip'],
  ['x-flag', 'a'],
  ['x-flag-version', '2'],
  ['x-flag-rule', 'vip'],
];
const names = ['x-feature', 'x-version', 'x-feature-rule', 'x-flag', 'x-flag-version', 'x-flag-rule'];

interface Case {
  name: string;
  config: object;
  request: HeaderList;
  // Upstream, for each of `names`: the values it carries.
  upstream: Record<string, string[]>;
}

const cases: Case[] = [
  {
    name: 'version "" writes no version, and a client x-version is still removed',
    config: { features, rules: [], default_feature: 'a', headers: { version: '' } },
    request: spoofs,
    upstream: { 'x-feature': ['a'], 'x-flag': ['a'], 'x-flag-version': ['2'], 'x-flag-rule': ['vip'] },
  },
  {
    name: 'version "" and no default: nothing written, nothing of the client left',
    config: { features, rules: [], headers: { version: '' } },
    request: spoofs,
    upstream: { 'x-flag': ['a'], 'x-flag-version': ['2'], 'x-flag-rule': ['vip'] },
  },
  {
    name: 'the rule header off (the default): a client x-feature-rule is removed',
    config: { features, rules: [{ name: 'r', feature: 'a', when: { header: 'x-a', present: true } }] },
    request: [...spoofs, ['x-a', '1']],
    upstream: {
      'x-feature': ['a'],
      'x-version': ['2'],
      'x-flag': ['a'],
      'x-flag-version': ['2'],
      'x-flag-rule': ['vip'],
    },
  },
  {
    name: 'renamed headers: their client copies go, and x-version and x-feature-rule are not owned',
    config: {
      features,
      rules: [{ name: 'r', feature: 'a', when: { header: 'x-a', present: true } }],
      headers: { alias: 'x-flag', version: 'x-flag-version', rule: 'x-flag-rule' },
    },
    request: [...spoofs, ['x-a', '1']],
    upstream: {
      'x-feature': ['a'],
      'x-version': ['2', '9'],
      'x-feature-rule': ['vip'],
      'x-flag': ['a'],
      'x-flag-version': ['2'],
      'x-flag-rule': ['r'],
    },
  },
  {
    name: 'renamed alias, version and rule off: x-version and x-feature-rule still removed',
    config: { features, rules: [], default_feature: 'baseline', headers: { alias: 'x-flag', version: '', rule: '' } },
    request: spoofs,
    upstream: { 'x-feature': ['a'], 'x-flag': ['baseline'], 'x-flag-version': ['2'], 'x-flag-rule': ['vip'] },
  },
  {
    name: 'keep_known with version "": the known alias is kept, the client version is not',
    config: { features, rules: [], incoming: 'keep_known', headers: { version: '' } },
    request: spoofs,
    upstream: { 'x-feature': ['a'], 'x-flag': ['a'], 'x-flag-version': ['2'], 'x-flag-rule': ['vip'] },
  },
  {
    name: 'keep_known: a known alias is written once with its version, whatever the client repeated',
    config: { features, rules: [], incoming: 'keep_known', headers: { rule: 'x-feature-rule' } },
    request: [
      ['x-feature', 'a'],
      ['X-Feature', 'baseline'],
      ['x-version', '7'],
      ['x-feature-rule', 'r'],
    ],
    upstream: { 'x-feature': ['a'], 'x-version': ['2'] },
  },
];

for (const c of cases) {
  test(`owned headers: ${c.name}`, () => {
    const outcome = chain(c.config).send({ headers: c.request });
    const seen = Object.fromEntries(
      names.map((n) => [n, headerValues(outcome.upstream!.headers, n).sort()]).filter(([, v]) => v.length > 0),
    );
    assert.deepEqual(seen, Object.fromEntries(Object.entries(c.upstream).map(([n, v]) => [n, [...v].sort()])));
  });
}

// Host calls per request with the example configuration: one header read (before the runtime's
// strip, which then removes only the owned headers the client sent), one write per header written,
// the metrics, the log level. The token for the claim rule comes from the headers already read.
const example = readFileSync(join(ROOT, 'plugins', 'feature-alias', 'example.config.json'), 'utf8');
const calls: [string, HeaderList, Record<string, number>][] = [
  [
    'group B',
    [['x-geo-region', 'NL']],
    {
      proxy_get_header_map_pairs: 1,
      proxy_replace_header_map_value: 3,
      proxy_increment_metric: 1,
      proxy_get_log_level: 1,
    },
  ],
  [
    'everyone else',
    [['x-geo-region', 'DE']],
    {
      proxy_get_header_map_pairs: 1,
      proxy_replace_header_map_value: 2,
      proxy_increment_metric: 2,
      proxy_get_log_level: 1,
    },
  ],
  [
    'everyone else, spoofing',
    [
      ['x-geo-region', 'DE'],
      ['x-feature', 'geo-offers'],
      ['x-version', '3'],
      ['x-feature-rule', 'r'],
    ],
    {
      proxy_get_header_map_pairs: 1,
      proxy_remove_header_map_value: 3,
      proxy_replace_header_map_value: 2,
      proxy_increment_metric: 3,
      proxy_get_log_level: 1,
    },
  ],
  [
    'everyone else, spoofing the version twice',
    [
      ['x-geo-region', 'DE'],
      ['X-Version', '3'],
      ['x-version', '2'],
    ],
    {
      proxy_get_header_map_pairs: 1,
      proxy_remove_header_map_value: 1,
      proxy_replace_header_map_value: 2,
      proxy_increment_metric: 2,
      proxy_get_log_level: 1,
    },
  ],
];
for (const [name, headers, expected] of calls) {
  test(`host calls, example configuration: ${name}`, () => {
    const filter = new FilterChain([
      load(pluginModule('feature-alias'), { rootId: 'feature-alias', name: 'feature-alias', configuration: example }),
    ]);
    const outcome = filter.send({ headers: [...headers, ['authorization', 'Bearer not.a.token']] });
    const counts = outcome.hostCalls['feature-alias'];
    assert.deepEqual(
      Object.fromEntries(Object.entries(counts).sort()),
      Object.fromEntries(Object.entries(expected).sort()),
    );
  });
}
