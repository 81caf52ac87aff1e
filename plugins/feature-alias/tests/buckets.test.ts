// Sticky buckets as flagd's fractional computes them: published vectors, an independent model,
// the distribution of a 10/90 split, stickiness, and different users for different salts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../../host/index.ts';
import { header, load, pluginModule } from '../../../tests/support/modules.ts';
import { fractional, murmur3 } from './murmur3.ts';

const features = {
  red: {},
  blue: {},
  green: {},
  yellow: {},
  control: {},
  treatment: {},
  clubs: {},
  diamonds: {},
  hearts: {},
  spades: {},
  lower: {},
  upper: {},
};
const split = (salt: string, weights: [string, number][]) =>
  new FilterChain([
    load(pluginModule('feature-alias'), {
      rootId: 'feature-alias',
      configuration: JSON.stringify({
        features,
        rules: [{ name: 'split', split: { key: { header: 'x-user-id' }, salt, weights } }],
      }),
    }),
  ]);
const assigned = (chain: FilterChain, key: string) =>
  header(chain.send({ headers: [['x-user-id', key]] }).upstream!.headers, 'x-feature') ?? '';

test('the MurmurHash3 model agrees with the reference values', () => {
  const hash = (text: string) => murmur3(new TextEncoder().encode(text));
  assert.equal(hash(''), 0);
  assert.equal(hash('hello'), 0x248bfa47);
  assert.equal(hash('The quick brown fox jumps over the lazy dog'), 0x2e4ff723);
});

// The vectors published in plugins/feature-alias/README.md: salt (flagd: the flag key), key
// (flagd: the targeting key), weights, the hash, and the variant the plugin must pick.
const FOUR: [string, number][] = [
  ['red', 25],
  ['blue', 25],
  ['green', 25],
  ['yellow', 25],
];
const TEN: [string, number][] = [
  ['treatment', 10],
  ['control', 90],
];
const VECTORS: [string, string, [string, number][], number, string][] = [
  ['headerColor', 'user@company.com', FOUR, 0x0d423192, 'red'],
  ['headerColor', 'user2@company.com', FOUR, 0x223aadb8, 'red'],
  ['headerColor', 'user3@company.com', FOUR, 0xc4304067, 'yellow'],
  ['headerColor', 'user4@company.com', FOUR, 0x1076d80e, 'red'],
  ['checkout-2026', 'u-1001', TEN, 0x8033db08, 'control'],
  ['checkout-2026', 'u-1012', TEN, 0x0f962af8, 'treatment'],
  ['checkout-2026', 'u-1016', TEN, 0x08dc0b9a, 'treatment'],
  ['checkout-2026', 'u-1002', TEN, 0xea0cdca2, 'control'],
];

for (const [salt, key, weights, hash, expected] of VECTORS) {
  test(`vector: salt ${salt}, key ${key} → ${expected}`, () => {
    assert.equal(murmur3(new TextEncoder().encode(salt + key)), hash);
    assert.equal(fractional(salt, key, weights), expected);
    assert.equal(assigned(split(salt, weights), key), expected);
  });
}

// flagd's own conformance vectors (open-feature/flagd-testbed gherkin/targeting.feature, the
// @fractional-v2 examples, flags in flags/custom-ops.json): the bucket key is the flag key (or a
// shared seed) followed by the user name; the last five keys hash to 0, 1, 2^31-1, 2^31 and
// 2^32-1, the edges of the (hash × total) >> 32 arithmetic.
const SUITS: [string, number][] = [
  ['clubs', 25],
  ['diamonds', 25],
  ['hearts', 25],
  ['spades', 25],
];
const HALVES: [string, number][] = [
  ['lower', 50],
  ['upper', 50],
];
const FLAGD_TESTBED: [string, string, [string, number][], string][] = [
  ['fractional-flag', 'jack', SUITS, 'hearts'],
  ['fractional-flag', 'queen', SUITS, 'spades'],
  ['fractional-flag', 'ten', SUITS, 'clubs'],
  ['fractional-flag', 'nine', SUITS, 'diamonds'],
  ['fractional-flag', '3', SUITS, 'clubs'],
  ['shared-seed', 'seven', SUITS, 'hearts'],
  ['shared-seed', 'eight', SUITS, 'diamonds'],
  ['shared-seed', 'nine', SUITS, 'clubs'],
  ['shared-seed', 'two', SUITS, 'spades'],
  ['', 'ejOoVL', HALVES, 'lower'],
  ['', 'bY9fO-', HALVES, 'lower'],
  ['', 'SI7p-', HALVES, 'lower'],
  ['', '6LvT0', HALVES, 'upper'],
  ['', 'ceQdGm', HALVES, 'upper'],
];

test('flagd-testbed fractional v2 vectors: the plugin picks what flagd picks', () => {
  for (const [salt, key, weights, expected] of FLAGD_TESTBED) {
    // An empty salt is spelled as a one-rule split whose salt is "" (flagd: seed = targeting key).
    assert.equal(assigned(split(salt, weights), key), expected, `salt "${salt}", key ${key}`);
    assert.equal(fractional(salt, key, weights), expected);
  }
});

test('the plugin and the model agree on 2,000 keys and three splits', () => {
  const splits: [string, [string, number][]][] = [
    [
      'exp-a',
      [
        ['red', 50],
        ['blue', 50],
      ],
    ],
    [
      'exp-b',
      [
        ['red', 1],
        ['blue', 2],
        ['green', 3],
        ['yellow', 4],
      ],
    ],
    [
      'exp-c',
      [
        ['treatment', 10],
        ['control', 90],
      ],
    ],
  ];
  for (const [salt, weights] of splits) {
    const chain = split(salt, weights);
    for (let i = 0; i < 2000; i++) {
      const key = `user-${i}-${(i * 2654435761) % 1000003}`;
      assert.equal(assigned(chain, key), fractional(salt, key, weights), `${salt} ${key}`);
    }
  }
});

test('10,000 distinct keys split 10/90 land within ±1.5 points', () => {
  const chain = split('checkout-2026', [
    ['treatment', 10],
    ['control', 90],
  ]);
  let treatment = 0;
  for (let i = 0; i < 10_000; i++) if (assigned(chain, `customer-${i}`) === 'treatment') treatment++;
  assert.ok(Math.abs(treatment / 100 - 10) <= 1.5, `treatment got ${treatment / 100}%`);
});

test('sticky: the same key gets the same feature on every request and after a restart', () => {
  const first = split('sticky', [
    ['red', 50],
    ['blue', 50],
  ]);
  const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
  const before = keys.map((k) => assigned(first, k));
  assert.deepEqual(
    keys.map((k) => assigned(first, k)),
    before,
  );
  const restarted = split('sticky', [
    ['red', 50],
    ['blue', 50],
  ]);
  assert.deepEqual(
    keys.map((k) => assigned(restarted, k)),
    before,
  );
});

test('two experiments with different salts do not pick the same users', () => {
  const one = split('experiment-one', [
    ['treatment', 10],
    ['control', 90],
  ]);
  const two = split('experiment-two', [
    ['treatment', 10],
    ['control', 90],
  ]);
  let both = 0;
  let inOne = 0;
  for (let i = 0; i < 10_000; i++) {
    const a = assigned(one, `u${i}`) === 'treatment';
    const b = assigned(two, `u${i}`) === 'treatment';
    if (a) inOne++;
    if (a && b) both++;
  }
  // Independent 10% picks overlap on about 1% of users, not on the whole 10%.
  assert.ok(both < inOne * 0.2, `${both} of ${inOne} users are in both`);
});

test('a percentage condition is the first bucket of [percent, 100 - percent]', () => {
  const chain = new FilterChain([
    load(pluginModule('feature-alias'), {
      rootId: 'feature-alias',
      configuration: JSON.stringify({
        features,
        rules: [
          {
            name: 'ten',
            feature: 'treatment',
            when: { percentage: { key: { cookie: 'session' }, percent: 10, salt: 'p-salt' } },
          },
        ],
      }),
    }),
  ]);
  for (let i = 0; i < 500; i++) {
    const key = `s-${i}`;
    const expected =
      fractional('p-salt', key, [
        ['in', 10],
        ['out', 90],
      ]) === 'in'
        ? 'treatment'
        : undefined;
    assert.equal(
      header(chain.send({ headers: [['cookie', `session=${key}`]] }).upstream!.headers, 'x-feature'),
      expected,
    );
  }
});

test('a split share of "" assigns nothing, and later rules still apply', () => {
  const chain = new FilterChain([
    load(pluginModule('feature-alias'), {
      rootId: 'feature-alias',
      configuration: JSON.stringify({
        features,
        rules: [
          {
            name: 's',
            split: {
              key: { header: 'x-user-id' },
              weights: [
                ['treatment', 0],
                ['', 1],
              ],
            },
          },
          { name: 'rest', feature: 'control', when: { method: true, present: true } },
        ],
      }),
    }),
  ]);
  assert.equal(assigned(chain, 'anyone'), 'control');
});
