// Shared data as Envoy keeps it (proxy-wasm-cpp-host shared_data.cc): one table per vm_id for the
// process, a CAS per write, and a write with a stale CAS refused with CasMismatch (8).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../host/index.ts';
import { load, testModule } from '../support/modules.ts';

const counter = (vmId: string) =>
  load(testModule('callout-probe'), { rootId: 'shared', configuration: 'shared', vmId });
const logged = (outcome: { logs: { message: string }[] }) => outcome.logs.map((record) => record.message);

test('plugins on the same vm_id share the table; a write with the CAS read goes, a stale CAS does not', () => {
  const first = new FilterChain([counter('shared-a')]);
  const second = new FilterChain([counter('shared-a')]);
  assert.deepEqual(logged(first.send({})), ['counter 1 0']);
  assert.deepEqual(logged(second.send({})), ['counter 2 0', 'stale 8']);
  assert.deepEqual(logged(first.send({})), ['counter 3 0', 'stale 8']);
});

test('another vm_id has its own table', () => {
  assert.deepEqual(logged(new FilterChain([counter('shared-b')]).send({})), ['counter 1 0']);
});
