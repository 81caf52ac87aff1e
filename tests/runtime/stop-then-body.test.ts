// A plugin on the runtime layer that decides a header from the body.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';

const request = { method: 'POST', path: '/cart', body: ['{"id":', '"c-1"}'] };

test('with allow_on_headers_stop_iteration the header set in onRequestBody reaches upstream', () => {
  const outcome = new FilterChain([load(testModule('stop-then-body'), { allowOnHeadersStopIteration: true })]).send(
    request,
  );
  assert.equal(outcome.decision, 'continue');
  assert.equal(header(outcome.upstream!.headers, 'x-from-body'), '12');
});

test('without it the request is stalled, as Envoy would leave it', () => {
  const outcome = new FilterChain([load(testModule('stop-then-body'))]).send(request);
  assert.equal(outcome.decision, 'stalled');
  assert.match(outcome.stall!.reason, /StopAllIterationAndWatermark/);
});
