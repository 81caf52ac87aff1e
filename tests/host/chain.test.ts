// Several plugins on one request run in order, as Envoy's HTTP filter chain runs them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../host/index.ts';
import { headerValues, load, testModule } from '../support/modules.ts';

test('filters run in the order they are listed', () => {
  const chain = new FilterChain(
    ['one', 'two', 'three'].map((name) => load(testModule('add-header'), { rootId: name, configuration: name })),
  );
  const outcome = chain.send({});
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-added-by'), ['one', 'two', 'three']);
});

test('a later filter sees what an earlier one wrote', () => {
  const chain = new FilterChain([
    load(testModule('add-header'), { rootId: 'a', configuration: 'a' }),
    load(testModule('raw-abi'), { rootId: 'raw' }),
  ]);
  const outcome = chain.send({});
  // raw-abi counts 4 pseudo-headers, x-forwarded-proto and x-request-id from Envoy, and x-added-by.
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-raw-count'), ['7']);
});

test('each request gets a fresh stream context, and contexts are deleted after the stream', () => {
  const plugin = load(testModule('raw-abi'), { rootId: 'raw' });
  const rootId = [...plugin.vm.contexts.keys()][0]!;
  // The module's view: the (context id, parent id) of each proxy_on_context_create the host makes.
  const created: (number | bigint)[][] = [];
  const call = plugin.vm.call.bind(plugin.vm);
  plugin.vm.call = ((context, name, args, ...rest) => {
    if (name === 'proxy_on_context_create') created.push([...args]);
    return call(context, name, args, ...rest);
  }) as typeof plugin.vm.call;
  const chain = new FilterChain([plugin]);
  for (let i = 0; i < 5; i++) chain.send({});
  assert.equal(created.length, 5, 'one stream context per request');
  assert.ok(
    created.every(([, parent]) => parent === rootId),
    'each created under the root context',
  );
  assert.equal(new Set([rootId, ...created.map(([id]) => id)]).size, 6, 'each with an id not used before');
  // Only the root context stays.
  assert.deepEqual([...plugin.vm.contexts.keys()], [rootId]);
});
