// A module written in WebAssembly text against the raw ABI: the allocation handshake, the pairs
// serialization and status codes as numbers, with no SDK in between.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';

const raw = () => load(testModule('raw-abi'), { rootId: 'raw' });

test('the module reads the whole header map as serialized pairs, pseudo-headers first', () => {
  const outcome = new FilterChain([raw()]).send({
    path: '/p',
    headers: [
      ['x-a', '1'],
      ['x-a', '2'],
      ['x-b', ''],
    ],
  });
  assert.equal(outcome.decision, 'continue');
  const upstream = outcome.upstream!.headers;
  // 4 pseudo-headers + 3 entries (repeated names are separate pairs, an empty value is a pair) +
  // x-forwarded-proto and x-request-id from Envoy's connection manager.
  assert.equal(header(upstream, 'x-raw-count'), '9');
  assert.equal(header(upstream, 'x-raw-first-name'), ':method');
});

test('an absent header is NotFound (1) in ABI 0.2.x', () => {
  const outcome = new FilterChain([raw()]).send({});
  assert.equal(header(outcome.upstream!.headers, 'x-raw-missing'), '1');
});

test('each request-header mutation counts as a route cache clear', () => {
  const outcome = new FilterChain([raw()]).send({});
  assert.equal(outcome.routeCacheClears.raw, 3);
});

test('configure logs reach the plugin log with the root context prefix', () => {
  const plugin = raw();
  assert.deepEqual(
    plugin.logs.records.map((r) => [r.level, r.prefix, r.message]),
    [['info', ' raw test', 'raw module configured']],
  );
});
