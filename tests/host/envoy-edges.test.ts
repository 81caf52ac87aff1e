// Behaviour at the edges of Envoy's HTTP filter chain, each test naming the Envoy source it follows
// (envoyproxy/envoy: source/extensions/common/wasm/context.cc, source/common/http/filter_manager.cc,
// source/common/http/utility.cc, source/extensions/common/wasm/foreign.cc, wasm.h).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, type HttpRequest } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';

const edge = (configuration: string, options: Parameters<typeof load>[1] = {}) =>
  load(testModule('edge-probe'), { rootId: 'edge', configuration, ...options });
const messages = (outcome: { logs: { message: string; plugin: string }[] }, plugin = 'edge') =>
  outcome.logs.filter((record) => record.plugin === plugin).map((record) => record.message);
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

test(
  '1. a local reply from on_response_headers replaces the upstream response' +
    ' (filter_manager.cc sendLocalReply → sendDirectLocalReply)',
  () => {
    const upstreamResponse = { status: 200, body: 'upstream' };
    const outcome = new FilterChain([edge('response_headers:reply')]).send({ upstreamResponse });
    assert.equal(outcome.decision, 'local_reply');
    assert.equal(outcome.response?.status, 502);
    assert.equal(outcome.response?.details, 'edge_response_reply');
    assert.equal(text(outcome.response?.body), 'replaced by edge');
    assert.notEqual(outcome.upstream, null);
  },
);

test(
  '1. a local reply once the response headers went downstream resets the stream' +
    ' (filter_manager.cc sendLocalReply, last branch)',
  () => {
    const upstreamResponse = { body: 'upstream body' };
    const outcome = new FilterChain([edge('response_body:reply')]).send({ upstreamResponse });
    assert.equal(outcome.decision, 'reset');
    assert.equal(outcome.response, null);
  },
);

test(
  '2. a trap in on_response_headers under FAIL_CLOSED answers 503 wasm_fail_stream' +
    ' (context.cc failStream(Response))',
  () => {
    const upstreamResponse = { status: 200, body: 'upstream' };
    const outcome = new FilterChain([edge('response_headers:trap')]).send({ upstreamResponse });
    assert.equal(outcome.decision, 'local_reply');
    assert.equal(outcome.response?.status, 503);
    assert.equal(outcome.response?.details, 'wasm_fail_stream');
    assert.equal(outcome.response?.body.length, 0);
  },
);

test('2. the same trap under FAIL_OPEN lets the upstream response through', () => {
  const plugin = edge('response_headers:trap', { failurePolicy: 'FAIL_OPEN' });
  const outcome = new FilterChain([plugin]).send({ upstreamResponse: { status: 200, body: 'upstream' } });
  assert.equal(outcome.response?.status, 200);
  assert.equal(text(outcome.response?.body), 'upstream');
});

test(
  '3. StopIteration from on_response_headers holds the response as StopAllIterationAndWatermark' +
    ' (context.cc convertFilterHeadersStatus, cpp-host)',
  () => {
    const outcome = new FilterChain([edge('response_headers:stop')]).send({ upstreamResponse: { body: ['a', 'b'] } });
    assert.equal(outcome.decision, 'stalled');
    assert.equal(outcome.stall?.phase, 'response_headers');
    assert.match(outcome.stall!.reason, /StopAllIterationAndWatermark.*proxy_continue_stream\(HttpResponse\)/);
    assert.ok(!messages(outcome).some((m) => m.startsWith('on_response_body')));
  },
);

test(
  '3. with allow_on_headers_stop_iteration the response body arrives frame by frame and buffering joins it' +
    ' (filter_manager.cc encodeData)',
  () => {
    const plugin = edge('response_headers:stop response_body:release', { allowOnHeadersStopIteration: true });
    const request: HttpRequest = { upstreamResponse: { body: ['ab', 'cd', 'ef'], trailers: [['grpc-status', '0']] } };
    const outcome = new FilterChain([plugin]).send(request);
    assert.equal(outcome.decision, 'continue');
    assert.deepEqual(
      messages(outcome).filter((m) => m.startsWith('on_response_body')),
      ['on_response_body 2', 'on_response_body 4', 'on_response_body 6'],
    );
    assert.equal(text(outcome.response?.body), 'abcdef');
  },
);

test(
  '4. a filter after one that answered locally still gets on_log, on_done and on_delete' +
    ' (context.cc Context::log calls onCreate)',
  () => {
    const replying = edge('request_headers:reply', { rootId: 'first' });
    const after = edge('log:lifecycle', { rootId: 'after' });
    const outcome = new FilterChain([replying, after]).send({});
    assert.equal(outcome.response?.status, 403);
    const lifecycle = messages(outcome, 'after').map((m) => m.split(' ')[0]);
    assert.deepEqual(lifecycle, ['on_log', 'on_done', 'on_delete']);
  },
);

test(
  '5. two local replies in one callback: the first is sent' + ' (context.cc defers each; the first ends the stream)',
  () => {
    const outcome = new FilterChain([edge('request_headers:reply-twice')]).send({});
    assert.equal(outcome.response?.status, 401);
    assert.equal(outcome.response?.details, 'first_reply');
    assert.equal(text(outcome.response?.body), 'first');
  },
);

test(
  "6. a local reply with an empty body loses the plugin's content-type and content-length" +
    ' (utility.cc prepareLocalReply)',
  () => {
    const outcome = new FilterChain([edge('request_headers:reply-empty')]).send({});
    assert.equal(outcome.response?.status, 403);
    assert.equal(header(outcome.response?.headers, 'content-type'), undefined);
    assert.equal(header(outcome.response?.headers, 'content-length'), undefined);
  },
);

test('6. a local reply with a body gets its length and text/plain (utility.cc prepareLocalReply)', () => {
  const outcome = new FilterChain([edge('request_headers:reply')]).send({});
  assert.equal(header(outcome.response?.headers, 'content-length'), String('denied by edge'.length));
  assert.equal(header(outcome.response?.headers, 'content-type'), 'text/plain');
});

test(
  '7. a gRPC request gets a trailers-only 200 with grpc-status and grpc-message' +
    ' (utility.cc prepareLocalReply, is_grpc_)',
  () => {
    const request: HttpRequest = { method: 'POST', headers: [['content-type', 'application/grpc+proto']] };
    const outcome = new FilterChain([edge('request_headers:reply')]).send(request);
    assert.equal(outcome.response?.status, 200);
    assert.equal(header(outcome.response?.headers, 'content-type'), 'application/grpc');
    // No grpc status from the plugin: httpToGrpcStatus(403) is PERMISSION_DENIED (7).
    assert.equal(header(outcome.response?.headers, 'grpc-status'), '7');
    assert.equal(header(outcome.response?.headers, 'grpc-message'), 'denied by edge');
    assert.equal(header(outcome.response?.headers, 'content-length'), undefined);
    assert.equal(outcome.response?.body.length, 0);
  },
);

test(
  '8. request.size, request.total_size, request.duration, request.id, response.code_details, ' +
    'response.headers and xds.node.id' +
    ' (Envoy attributes)',
  () => {
    // A clock that moves a millisecond at each reading: the stream lasts a few of them.
    let nanos = 1_000_000_000n;
    const clock = { now: () => (nanos += 1_000_000n), monotonic: () => nanos };
    const plugin = edge('log:properties', { clock });
    const request: HttpRequest = {
      method: 'POST',
      headers: [['x-request-id', 'req-1']],
      body: 'twelve bytes',
      stream: { nodeId: 'sidecar~10.0.0.1~web.shop~shop.svc.cluster.local' },
      upstreamResponse: { headers: [['x-upstream', 'u1']] },
    };
    const outcome = new FilterChain([plugin]).send(request);
    const logged = Object.fromEntries(messages(outcome).map((m) => m.split('=') as [string, string]));
    assert.equal(logged['request.size'], '12');
    assert.ok(Number(logged['request.total_size']) > 12, logged['request.total_size']);
    assert.ok(Number(logged['request.duration']) >= 1_000_000, logged['request.duration']);
    assert.equal(logged['request.id'], 'req-1');
    assert.equal(logged['response.code_details'], 'via_upstream');
    assert.equal(logged['response.headers.x-upstream'], 'u1');
    assert.equal(logged['xds.node.id'], 'sidecar~10.0.0.1~web.shop~shop.svc.cluster.local');
  },
);

test(
  '9. with allow_on_headers_stop_iteration request headers stay readable after the body continues' +
    ' (context.cc decodeData)',
  () => {
    const plugin = edge('request_headers:stop request_body:read-path', { allowOnHeadersStopIteration: true });
    const outcome = new FilterChain([plugin]).send({ path: '/cart', body: ['a', 'b'] });
    assert.deepEqual(
      messages(outcome).filter((m) => m.startsWith('path in body')),
      ['path in body /cart', 'path in body /cart'],
    );
  },
);

test(
  '10. past the buffer limit the host answers 413 without calling on_request_body' +
    ' (context.cc decodeData, destroyed_)',
  () => {
    const plugin = edge('request_body:buffer');
    const outcome = new FilterChain([plugin], { bufferLimitBytes: 8 }).send({ body: ['12345', '67890', 'end'] });
    assert.equal(outcome.response?.status, 413);
    assert.deepEqual(
      messages(outcome).filter((m) => m.startsWith('on_request_body')),
      ['on_request_body 5'],
    );
  },
);

test(
  '11. metric ids come from one sequence per type' +
    ' (wasm.h nextCounterMetricId, nextGaugeMetricId, nextHistogramMetricId)',
  () => {
    const plugin = edge('configure:metrics');
    const logged = plugin.logs.records.map((record) => record.message);
    assert.ok(logged.includes('metric ids 4 5 6 8'), logged.join('\n'));
  },
);

test(
  '12. the foreign function clear_route_cache answers Ok and clears the route cache' + ' (foreign.cc, Envoy 1.33+)',
  () => {
    const outcome = new FilterChain([edge('request_headers:foreign')]).send({});
    assert.ok(messages(outcome).includes('clear_route_cache 0'));
    assert.equal(outcome.routeCacheClears.edge, 1);
  },
);

test('13. the stall report for StopAllIterationAndBuffer names that status', () => {
  const outcome = new FilterChain([edge('request_headers:stop-all-buffer')]).send({ body: 'held' });
  assert.equal(outcome.decision, 'stalled');
  assert.match(outcome.stall!.reason, /^StopAllIterationAndBuffer on request headers/);
  assert.doesNotMatch(outcome.stall!.reason, /StopIteration on/);
});
