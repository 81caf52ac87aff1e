// The hashes, rings, tables and lookups Envoy's own unit tests publish, reproduced through
// cli/lb. Each test names the Envoy test case it reproduces:
//   test/common/common/hash_test.cc, test/extensions/load_balancing_policies/ring_hash/
//   ring_hash_lb_test.cc and maglev/maglev_lb_test.cc.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BalancerOptions, buildBalancer } from '../../cli/lb/balancer.ts';
import type { Endpoint } from '../../cli/lb/endpoints.ts';
import { headerHash } from '../../cli/lb/header-hash.ts';
import { murmurHash2String } from '../../cli/lb/murmur-hash-2.ts';
import { Ring } from '../../cli/lb/ring-hash.ts';
import { normalizedHosts } from '../../cli/lb/host-weights.ts';
import { xxHash64Chain, xxHash64String } from '../../cli/lb/xxhash64.ts';

const MAX = 0xffffffffffffffffn;

function hosts(ports: number[], extra: (port: number) => Partial<Endpoint> = () => ({})): Endpoint[] {
  return ports.map((port) => ({
    address: `127.0.0.1:${port}`,
    weight: 1,
    hostname: '',
    hashKey: '',
    healthy: true,
    ...extra(port),
  }));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function ringOf(endpoints: Endpoint[], options: Partial<BalancerOptions>) {
  return buildBalancer(endpoints, { policy: 'ring_hash', ...options });
}

test('hash_test.cc Hash.xxHash', () => {
  assert.equal(xxHash64String('foo'), 3728699739546630719n);
  assert.equal(xxHash64String('bar'), 5234164152756840025n);
  assert.equal(xxHash64String('foo\nbar'), 8917841378505826757n);
  assert.equal(xxHash64String('lyft'), 4400747396090729504n);
  assert.equal(xxHash64String(''), 17241709254077376921n);
});

test('hash_test.cc Hash.xxHashWithVector (and the header hash policy over two values, in either order)', () => {
  assert.equal(xxHash64Chain(['foo', 'bar']), 17745830980996999794n);
  // HeaderHashMethod sorts the values first: bar, foo.
  assert.equal(headerHash(['foo', 'bar']), xxHash64Chain(['bar', 'foo']));
  assert.equal(headerHash(['bar', 'foo']), headerHash(['foo', 'bar']));
  assert.equal(headerHash(['ams-1']), xxHash64String('ams-1'));
  assert.equal(headerHash([]), null);
});

test('hash_test.cc Hash.murmurHash2', () => {
  assert.equal(murmurHash2String('foo'), 9631199822919835226n);
  assert.equal(murmurHash2String('bar'), 11474628671133349555n);
  assert.equal(murmurHash2String('foo\nbar'), 16306510975912980159n);
  assert.equal(murmurHash2String('lyft'), 12847078931730529320n);
  assert.equal(murmurHash2String(''), 6142509188972423790n);
});

const basicRing: [number, bigint][] = [
  [94, 833437586790550860n],
  [92, 928266305478181108n],
  [90, 1033482794131418490n],
  [95, 3551244743356806947n],
  [93, 3851675632748031481n],
  [91, 5583722120771150861n],
  [91, 6311230543546372928n],
  [93, 7700377290971790572n],
  [95, 13144177310400110813n],
  [92, 13444792449719432967n],
  [94, 15516499411664133160n],
  [90, 16117243373044804889n],
];

function assertRing(
  endpoints: Endpoint[],
  options: Partial<BalancerOptions>,
  expected: [number, bigint][],
  name: (e: Endpoint) => number,
) {
  const ring = new Ring(normalizedHosts(endpoints), {
    minRingSize: 1024,
    maxRingSize: 8 << 20,
    hashFunction: 'xx_hash',
    useHostname: false,
    ...options,
  } as never);
  assert.deepEqual(
    [...ring.hashes].map((h, i) => [name(ring.hosts[i]!), h]),
    expected,
  );
}

const port = (e: Endpoint) => Number(e.address.split(':')[1]);

test('ring_hash_lb_test.cc RingHashLoadBalancerTest.Basic: the ring and its lookups', () => {
  const endpoints = hosts(range(90, 95));
  assertRing(endpoints, { minRingSize: 12 }, basicRing, port);
  const lb = ringOf(endpoints, { minRingSize: 12 });
  assert.equal(lb.size, 12);
  assert.equal(lb.choose(0n), endpoints[4]);
  assert.equal(lb.choose(MAX), endpoints[4]);
  assert.equal(lb.choose(3551244743356806947n), endpoints[5]);
  assert.equal(lb.choose(3551244743356806948n), endpoints[3]);
  assert.equal(lb.choose(16117243373044804880n), endpoints[0]);
  // No healthy host: panic, every host, the same ring.
  const unhealthy = endpoints.map((e) => ({ ...e, healthy: false }));
  assert.equal(ringOf(unhealthy, { minRingSize: 12 }).choose(0n)!.address, '127.0.0.1:94');
});

test('ring_hash_lb_test.cc RingHashLoadBalancerTest.BasicWithMurmur2', () => {
  const endpoints = hosts(range(80, 85));
  const expected: [number, bigint][] = [
    [85, 1358027074129602068n],
    [83, 4361834613929391114n],
    [84, 7224494972555149682n],
    [81, 7701421856454313576n],
    [82, 8649315368077433379n],
    [84, 8739448859063030639n],
    [81, 9887544217113020895n],
    [82, 10150910876324007731n],
    [83, 15168472011420622455n],
    [80, 15427156902705414897n],
    [85, 16375050414328759093n],
    [80, 17613279263364193813n],
  ];
  assertRing(endpoints, { minRingSize: 12, hashFunction: 'murmur_hash_2' }, expected, port);
  const lb = ringOf(endpoints, { minRingSize: 12, hashFunction: 'murmur_hash_2' });
  assert.equal(lb.choose(0n), endpoints[5]);
  assert.equal(lb.choose(MAX), endpoints[5]);
  assert.equal(lb.choose(1358027074129602068n), endpoints[5]);
  assert.equal(lb.choose(1358027074129602069n), endpoints[3]);
  assert.equal(lb.choose(10150910876324007730n), endpoints[2]);
});

const hostnameRing: [number, bigint][] = [
  [95, 1975508444536362413n],
  [95, 2376063919839173711n],
  [93, 2386806903309390596n],
  [94, 6749904478991551885n],
  [93, 6803900775736438537n],
  [92, 7225015537174310577n],
  [90, 8787465352164086522n],
  [92, 11282020843382717940n],
  [91, 13723418369486627818n],
  [90, 13776502110861797421n],
  [91, 14338313586354474791n],
  [94, 15364271037087512980n],
];

for (const [name, extra] of [
  ['BasicWithHostname', (p: number) => ({ hostname: String(p) })],
  ['BasicWithMetadataHashKey', (p: number) => ({ hashKey: String(p) })],
] as const) {
  test(`ring_hash_lb_test.cc RingHashLoadBalancerTest.${name}`, () => {
    const endpoints = hosts(range(90, 95), extra);
    assertRing(endpoints, { minRingSize: 12, useHostname: true }, hostnameRing, port);
    const lb = ringOf(endpoints, { minRingSize: 12, useHostname: true });
    assert.equal(lb.choose(0n), endpoints[5]);
    assert.equal(lb.choose(MAX), endpoints[5]);
    assert.equal(lb.choose(7225015537174310577n), endpoints[2]);
    assert.equal(lb.choose(6803900775736438537n), endpoints[3]);
  });
}

test('ring_hash_lb_test.cc RingHashLoadBalancerTest.UnevenHosts', () => {
  assertRing(
    hosts([80, 81]),
    { minRingSize: 3 },
    [
      [80, 5454692015285649509n],
      [81, 7859399908942313493n],
      [80, 13838424394637650569n],
      [81, 16064866803292627174n],
    ],
    port,
  );
  assert.equal(ringOf(hosts([80, 81]), { minRingSize: 3 }).choose(0n)!.address, '127.0.0.1:80');
  assertRing(
    hosts([81, 82]),
    { minRingSize: 3 },
    [
      [81, 7859399908942313493n],
      [82, 8241336090459785962n],
      [82, 12882406409176325258n],
      [81, 16064866803292627174n],
    ],
    port,
  );
  assert.equal(ringOf(hosts([81, 82]), { minRingSize: 3 }).choose(0n)!.address, '127.0.0.1:81');
});

test('ring_hash_lb_test.cc RingHashLoadBalancerTest.HostWeightedTinyRing', () => {
  const endpoints = hosts([90, 91, 92], (p) => ({ weight: p - 89 }));
  const lb = ringOf(endpoints, { minRingSize: 6, maxRingSize: 6 });
  assert.equal(lb.size, 6);
  const expected: [bigint, number][] = [
    [928266305478181108n, 2],
    [4443673547860492590n, 2],
    [5583722120771150861n, 1],
    [6311230543546372928n, 1],
    [13444792449719432967n, 2],
    [16117243373044804889n, 0],
  ];
  for (const [hash, index] of expected) assert.equal(lb.choose(hash), endpoints[index]);
});

function histogram(lb: ReturnType<typeof ringOf>, samples: number, first: number, count: number): number[] {
  const counts = new Array<number>(count).fill(0);
  const step = MAX / BigInt(samples);
  for (let i = 0n; i < BigInt(samples); i++) counts[port(lb.choose(i * step)!) - first]!++;
  return counts;
}

test('ring_hash_lb_test.cc RingHashLoadBalancerTest.HostWeightedLargeRing', () => {
  const lb = ringOf(
    hosts([90, 91, 92], (p) => ({ weight: p - 89 })),
    { minRingSize: 6144 },
  );
  assert.equal(lb.size, 6144);
  assert.deepEqual(histogram(lb, 6000, 90, 3), [987, 1932, 3081]);
});

test('ring_hash_lb_test.cc RingHashLoadBalancerTest.SmallFractionalScale', () => {
  const lb = ringOf(hosts(range(90, 93)), { minRingSize: 2, maxRingSize: 2 });
  const counts = histogram(lb, 1024, 90, 4);
  assert.equal(counts.filter((c) => c === 0).length, 2);
  assert.equal(
    counts.reduce((a, b) => a + b),
    1024,
  );
});

test('ring_hash_lb_test.cc RingHashLoadBalancerTest.LargeFractionalScale', () => {
  const lb = ringOf(hosts([90, 91]), { minRingSize: 1023, maxRingSize: 1023 });
  assert.equal(lb.size, 1023);
  assert.deepEqual(histogram(lb, 1023, 90, 2), [526, 497]);
});

test('ring_hash_lb_test.cc RingHashLoadBalancerTest.BadRingSizeBounds', () => {
  assert.throws(
    () => ringOf(hosts([90]), { minRingSize: 20, maxRingSize: 10 }),
    /ring hash: minimum_ring_size \(20\) > maximum_ring_size \(10\)/,
  );
});

function maglevOf(endpoints: Endpoint[], tableSize: number, useHostname = false) {
  return buildBalancer(endpoints, { policy: 'maglev', tableSize, useHostname });
}

function assertAssignments(lb: ReturnType<typeof maglevOf>, endpoints: Endpoint[], expected: number[]) {
  for (let i = 0; i < 3 * expected.length; i++)
    assert.equal(lb.choose(BigInt(i)), endpoints[expected[i % expected.length]!], `hash ${i}`);
}

test('maglev_lb_test.cc MaglevLoadBalancerTest.Basic (and BasicStability: the order hosts come in does not matter)', () => {
  const endpoints = hosts(range(90, 95));
  assertAssignments(maglevOf(endpoints, 7), endpoints, [2, 4, 0, 1, 5, 0, 3]);
  assertAssignments(maglevOf([...endpoints].reverse(), 7), endpoints, [2, 4, 0, 1, 5, 0, 3]);
});

for (const [name, extra] of [
  ['BasicWithHostName', (p: number) => ({ hostname: String(p) })],
  ['BasicWithMetadataHashKey', (p: number) => ({ hashKey: String(p) })],
] as const) {
  test(`maglev_lb_test.cc MaglevLoadBalancerTest.${name}`, () => {
    const endpoints = hosts(range(90, 95), extra);
    assertAssignments(maglevOf(endpoints, 7, true), endpoints, [2, 5, 0, 3, 4, 1, 0]);
  });
}

test('maglev_lb_test.cc MaglevLoadBalancerTest.SingleHost and WeightedSingleHost', () => {
  for (const weight of [1, 7]) {
    const endpoints = hosts([90], () => ({ weight }));
    const lb = maglevOf(endpoints, weight === 1 ? 7 : 17);
    for (let i = 0n; i < 17n; i++) assert.equal(lb.choose(i), endpoints[0]);
  }
});

test('maglev_lb_test.cc MaglevLoadBalancerTest.Weighted', () => {
  const endpoints = hosts([90, 91], (p) => ({ weight: p - 89 }));
  assertAssignments(maglevOf(endpoints, 17), endpoints, [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1]);
});

test('maglev_lb_test.cc MaglevLoadBalancerTest.NoPrimeNumber and NoHost', () => {
  assert.throws(() => maglevOf(hosts([90]), 8), /must be prime/);
  assert.equal(maglevOf([], 7).choose(0n), null);
  assert.equal(ringOf([], {}).choose(0n), null);
});
