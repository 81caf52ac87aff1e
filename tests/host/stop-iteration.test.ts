// allow_on_headers_stop_iteration, both ways: a plugin that holds the headers to decide from the body.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';

const holding = {
  path: '/cart',
  headers: [['x-raw-mode', 'stop']] as [string, string][],
  body: ['{"cart":', '"c-1"}'],
};

test("off (Envoy's default): StopIteration becomes StopAllIterationAndWatermark and the request stalls", () => {
  const outcome = new FilterChain([load(testModule('raw-abi'), { rootId: 'raw' })]).send(holding);
  assert.equal(outcome.decision, 'stalled');
  assert.equal(outcome.upstream, null);
  assert.equal(outcome.stall?.filter, 'raw');
  assert.equal(outcome.stall?.phase, 'request_headers');
});

test('on: the body reaches the plugin while headers are held, and its header change reaches upstream', () => {
  const outcome = new FilterChain([
    load(testModule('raw-abi'), { rootId: 'raw', allowOnHeadersStopIteration: true }),
  ]).send(holding);
  assert.equal(outcome.decision, 'continue');
  assert.equal(header(outcome.upstream!.headers, 'x-raw-body'), 'seen');
  assert.equal(new TextDecoder().decode(outcome.upstream!.body), '{"cart":"c-1"}');
});

test('on, with a filter after it: the next filter sees the headers only once the body let them go', () => {
  const first = load(testModule('raw-abi'), { rootId: 'raw', allowOnHeadersStopIteration: true });
  const second = load(testModule('add-header'), { rootId: 'add', configuration: 'after' });
  const outcome = new FilterChain([first, second]).send(holding);
  const names = outcome.upstream!.headers.map(([n]) => n);
  assert.ok(names.indexOf('x-raw-body') < names.indexOf('x-added-by'), names.join(','));
});

test('buffering past the stream buffer limit is answered 413', () => {
  const plugin = load(testModule('raw-abi'), { rootId: 'raw', allowOnHeadersStopIteration: true });
  const outcome = new FilterChain([plugin], { bufferLimitBytes: 16 }).send({
    ...holding,
    body: ['0123456789', '0123456789', 'end'],
  });
  assert.equal(outcome.decision, 'local_reply');
  assert.equal(outcome.response?.status, 413);
  assert.equal(outcome.response?.details, 'request_payload_too_large');
});

test('a body within the limit is buffered whole and passed on once', () => {
  const plugin = load(testModule('raw-abi'), { rootId: 'raw', allowOnHeadersStopIteration: true });
  const outcome = new FilterChain([plugin], { bufferLimitBytes: 64 }).send({ ...holding, body: ['a', 'b', 'c'] });
  assert.equal(new TextDecoder().decode(outcome.upstream!.body), 'abc');
});
