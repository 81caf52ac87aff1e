import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENV_HOST_CALLS, hostCallSignatures, WASI_HOST_CALLS } from '../../host/abi-host-calls.ts';
import { GuestMemory } from '../../host/guest-memory.ts';
import { hostCallImplementations, type HostCallTarget } from '../../host/hostcalls/index.ts';

// The ABI table and the implementations are written apart: each name must be in both.
test('every host call in the ABI table has an implementation, and every implementation a table entry', () => {
  const target = { memory: new GuestMemory(() => 0) } as unknown as HostCallTarget;
  const { env, wasi } = hostCallImplementations(target);
  assert.deepEqual(Object.keys(env).sort(), Object.keys(ENV_HOST_CALLS).sort());
  assert.deepEqual(Object.keys(wasi).sort(), Object.keys(WASI_HOST_CALLS).sort());
});

test('proxy_get_log_level links only for ABI 0.2.1, and WASI under both module names', () => {
  assert.equal(hostCallSignatures('0.2.0').has('env.proxy_get_log_level'), false);
  assert.equal(hostCallSignatures('0.2.1').get('env.proxy_get_log_level'), '(i32)->(i32)');
  assert.equal(hostCallSignatures('0.2.0').get('wasi_unstable.clock_time_get'), '(i32,i64,i32)->(i32)');
  assert.equal(hostCallSignatures('0.2.0').get('wasi_snapshot_preview1.clock_time_get'), '(i32,i64,i32)->(i32)');
});
