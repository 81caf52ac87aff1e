// Shared queues (proxy-wasm-cpp-host shared_queue.cc, Envoy posts on_queue_ready to the registering
// VM's dispatcher): an enqueue wakes the registering root context once the current call returns.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../host/index.ts';
import { load, testModule } from '../support/modules.ts';

test('an item enqueued during a request reaches on_queue_ready after the callback, and is dequeued once', () => {
  const plugin = load(testModule('callout-probe'), { rootId: 'queue', configuration: 'queue', vmId: 'queue-a' });
  const outcome = new FilterChain([plugin]).send({});
  const messages = outcome.logs.map((record) => record.message);
  assert.deepEqual(messages, ['enqueue 0', 'queue_ready job-2']);
  assert.deepEqual(outcome.unsupported, []);
});
