// route-keys lb and mint with a user's arguments, through the command's main(): the JSON lb
// prints, the ids mint prints (each one checked through lb), the @FILE forms, and one-line errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { xxHash64Chain } from '../../cli/lb/xxhash64.ts';
import { routeKeys } from '../support/cli.ts';
import { ROOT } from '../support/modules.ts';

const dir = mkdtempSync(join(tmpdir(), 'route-keys-lb-'));
const PODS = ['127.0.0.1:90', '127.0.0.1:91', '127.0.0.1:92', '127.0.0.1:93', '127.0.0.1:94', '127.0.0.1:95'];

async function lb(...args: string[]) {
  const result = await routeKeys('lb', ...args);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim().split('\n').length, 1, 'one JSON object on one line');
  return JSON.parse(result.stdout) as { endpoint: string; hash: string; ring_size?: number; table_size?: number };
}

test("lb --hash: the lookups of Envoy's RingHashLoadBalancerTest.Basic and MaglevLoadBalancerTest.Basic", async () => {
  const ring = ['--policy', 'ring_hash', '--endpoints', PODS.join(','), '--min-ring-size', '12'];
  assert.deepEqual(await lb(...ring, '--hash', '3551244743356806948'), {
    endpoint: '127.0.0.1:93',
    hash: '3551244743356806948',
    ring_size: 12,
  });
  assert.equal((await lb(...ring, '--hash', '18446744073709551615')).endpoint, '127.0.0.1:94');
  const maglev = ['--policy', 'maglev', '--endpoints', PODS.join(','), '--table-size', '7'];
  assert.deepEqual(await lb(...maglev, '--hash', '3'), { endpoint: '127.0.0.1:91', hash: '3', table_size: 7 });
});

test('lb --key: the header hash policy, one value or several (sorted, chained)', async () => {
  const args = ['--policy', 'ring_hash', '--endpoints', PODS.join(',')];
  assert.equal((await lb(...args, '--key', 'ams-1')).hash, xxHash64Chain(['ams-1']).toString());
  assert.equal((await lb(...args, '--key', 'foo', '--key', 'bar')).hash, xxHash64Chain(['bar', 'foo']).toString());
  assert.equal((await lb(...args, '--key', 'foo', '--key', 'bar')).ring_size, 1026);
});

test('lb --endpoints @FILE: one a line, a JSON list, and Envoy admin /clusters?format=json', async () => {
  const lines = join(dir, 'pods.txt');
  writeFileSync(lines, `# pods\n${PODS.map((p, i) => (i === 0 ? `${p};weight=3;hostname=pod-0` : p)).join('\n')}\n`);
  const list = join(dir, 'pods.json');
  writeFileSync(
    list,
    JSON.stringify(PODS.map((address, i) => (i === 0 ? { address, weight: 3, hostname: 'pod-0' } : address))),
  );
  const admin = join(dir, 'clusters.json');
  writeFileSync(
    admin,
    JSON.stringify({
      cluster_statuses: [
        { name: 'other', host_statuses: [{ address: { socket_address: { address: '10.0.0.1', port_value: 1 } } }] },
        {
          name: 'carts',
          host_statuses: PODS.map((p, i) => ({
            address: { socket_address: { address: '127.0.0.1', port_value: Number(p.split(':')[1]) } },
            weight: i === 0 ? 3 : 1,
            hostname: i === 0 ? 'pod-0' : '',
            health_status: { eds_health_status: 'HEALTHY' },
            priority: 0,
          })),
        },
      ],
    }),
  );
  const inline = await lb(
    '--policy',
    'ring_hash',
    '--endpoints',
    PODS.map((p, i) => (i === 0 ? `${p};weight=3;hostname=pod-0` : p)).join(','),
    '--hash',
    '42',
  );
  for (const file of [lines, list])
    assert.deepEqual(await lb('--policy', 'ring_hash', '--endpoints', `@${file}`, '--hash', '42'), inline);
  assert.deepEqual(
    await lb('--policy', 'ring_hash', '--endpoints', `@${admin}`, '--cluster', 'carts', '--hash', '42'),
    inline,
  );
  // Weights 3,1,1,1,1,1: the lightest has 1/8, and 1024/8 is whole, so 1024 entries (six equal hosts: 6 × ceil(1024/6) = 1026).
  assert.equal(inline.ring_size, 1024);
  assert.match(
    (await routeKeys('lb', '--policy', 'ring_hash', '--endpoints', `@${admin}`, '--hash', '42')).stderr,
    /several clusters \(other, carts\): name one with --cluster/,
  );
});

test('lb: an unhealthy endpoint (admin output) leaves the ring, as in Envoy, until fewer than half are healthy', async () => {
  const admin = join(dir, 'health.json');
  const write = (unhealthy: number) =>
    writeFileSync(
      admin,
      JSON.stringify({
        cluster_statuses: [
          {
            name: 'carts',
            host_statuses: PODS.map((p, i) => ({
              address: { socket_address: { address: '127.0.0.1', port_value: Number(p.split(':')[1]) } },
              health_status:
                i < unhealthy
                  ? { failed_active_health_check: true, eds_health_status: 'HEALTHY' }
                  : { eds_health_status: 'HEALTHY' },
            })),
          },
        ],
      }),
    );
  write(1);
  const seen = new Set<string>();
  for (let i = 0; i < 40; i++)
    seen.add(
      (await lb('--policy', 'maglev', '--endpoints', `@${admin}`, '--table-size', '7', '--hash', String(i))).endpoint,
    );
  assert.ok(!seen.has('127.0.0.1:90'));
  write(4);
  assert.equal(
    (await lb('--policy', 'maglev', '--endpoints', `@${admin}`, '--table-size', '7', '--hash', '2')).endpoint,
    '127.0.0.1:90',
    'panic: every host',
  );
});

test('lb: errors are one line and exit 1', async () => {
  const base = ['lb', '--policy', 'ring_hash', '--endpoints', PODS.join(',')];
  const cases: [string[], RegExp][] = [
    [[...base], /either --key VALUE .* or --hash U64/],
    [[...base, '--key', 'a', '--hash', '1'], /either --key/],
    [[...base, '--hash', '18446744073709551616'], /--hash takes a decimal 64-bit unsigned number/],
    [
      ['lb', '--policy', 'maglev', '--endpoints', PODS.join(','), '--table-size', '8', '--hash', '1'],
      /table size of maglev must be prime/,
    ],
    [
      ['lb', '--policy', 'ring_hash', '--endpoints', '127.0.0.1:90,nonsense', '--hash', '1'],
      /entry 2: "nonsense" is not HOST:PORT/,
    ],
    [
      ['lb', '--policy', 'ring_hash', '--endpoints', '127.0.0.1:90;weight=0', '--hash', '1'],
      /weight "0" is not a whole number from 1 to 128/,
    ],
    [
      ['lb', '--policy', 'ring_hash', '--endpoints', '127.0.0.1:90,127.0.0.1:90', '--hash', '1'],
      /127\.0\.0\.1:90 is listed twice/,
    ],
    [
      ['lb', '--policy', 'ring_hash', '--endpoints', `@${join(dir, 'missing')}`, '--hash', '1'],
      /cannot read .*missing: ENOENT/,
    ],
    [
      ['lb', '--policy', 'ring_hash', '--endpoints', PODS.join(','), '--hostnames', '--hash', '1'],
      /has no hostname to hash with use_hostname_for_hashing/,
    ],
  ];
  for (const [args, error] of cases) {
    const result = await routeKeys(...args);
    assert.equal(result.status, 1, args.join(' '));
    assert.match(result.stderr, error);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

const DEFAULT_PATTERN = new RegExp(
  JSON.parse(readFileSync(join(ROOT, 'plugins', 'body-keys', 'example.config.json'), 'utf8')).keys[0].pattern,
);
const SCHEMA_DEFAULT = /^[A-Za-z0-9._:-]{1,128}$/;

for (const policy of ['ring_hash', 'maglev']) {
  test(`mint --policy ${policy}: ids with the prefix, of the cart pattern, each routed to the target by lb`, async () => {
    const result = await routeKeys(
      'mint',
      '--policy',
      policy,
      '--endpoints',
      PODS.join(','),
      '--target',
      '127.0.0.1:92',
      '--prefix',
      'ams-',
      '--count',
      '20',
    );
    assert.equal(result.status, 0, result.stderr);
    const ids = result.stdout.trim().split('\n');
    assert.equal(ids.length, 20);
    assert.equal(new Set(ids).size, 20);
    for (const id of ids) {
      assert.match(id, /^ams-[0-9a-z]{20}$/);
      assert.match(id, DEFAULT_PATTERN);
      assert.match(id, SCHEMA_DEFAULT);
    }
    for (const id of ids.slice(0, 5))
      assert.equal((await lb('--policy', policy, '--endpoints', PODS.join(','), '--key', id)).endpoint, '127.0.0.1:92');
  });
}

test('mint: a target with no share of the ring is an error, at once; bad targets and prefixes too', async () => {
  const four = PODS.slice(0, 4).join(',');
  // A ring of 2 entries over 4 hosts: two hosts have no entry (Envoy's SmallFractionalScale).
  const shares = await Promise.all(
    PODS.slice(0, 4).map((target) =>
      routeKeys(
        'mint',
        '--policy',
        'ring_hash',
        '--endpoints',
        four,
        '--min-ring-size',
        '2',
        '--max-ring-size',
        '2',
        '--target',
        target,
        '--prefix',
        'ams-',
      ),
    ),
  );
  assert.deepEqual(shares.map((r) => r.status).sort(), [0, 0, 1, 1]);
  for (const r of shares.filter((r) => r.status === 1))
    assert.match(r.stderr, /has no share of the ring .*no id can route to it/);
  assert.match(
    (await routeKeys('mint', '--policy', 'maglev', '--endpoints', four, '--target', '127.0.0.1:99', '--prefix', 'ams-'))
      .stderr,
    /127\.0\.0\.1:99 is not one of the endpoints/,
  );
  for (const prefix of ['ams', 'ams-x-', '-', 'a b-'])
    assert.match(
      (
        await routeKeys(
          'mint',
          '--policy',
          'maglev',
          '--endpoints',
          four,
          '--target',
          '127.0.0.1:90',
          '--prefix',
          prefix,
        )
      ).stderr,
      /must be a data centre name .* followed by "-"/,
    );
});
