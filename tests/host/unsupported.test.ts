// What the host does not model is reported in the outcome, never answered silently.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../host/index.ts';
import { load, testModule } from '../support/modules.ts';

test('a gRPC call is listed as unsupported', () => {
  const plugin = load(testModule('callout-probe'), { rootId: 'callout', configuration: 'grpc tick' });
  const outcome = new FilterChain([plugin]).send({});
  assert.deepEqual(outcome.unsupported, ['proxy_grpc_call']);
  assert.equal(outcome.decision, 'continue');
});

test('a plugin that uses only modelled host calls has nothing unsupported', () => {
  const plugin = load(testModule('edge-probe'), { rootId: 'edge', configuration: 'log:lifecycle' });
  assert.deepEqual(new FilterChain([plugin]).send({}).unsupported, []);
});
