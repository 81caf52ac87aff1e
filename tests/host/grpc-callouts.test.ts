// gRPC callouts answered from the request's `callouts` (module tests/modules/as/grpc-probe.ts).
// Sources are envoyproxy/envoy files unless named: source/extensions/common/wasm/context.cc
// (grpcCall, grpcStream, onGrpcReceiveWrapper, onGrpcCloseWrapper, getConstMap, getBuffer),
// context.h (GrpcCallClientHandler, GrpcStreamClientHandler), wasm.h (callout tokens),
// source/common/grpc/async_client_impl.cc (callback order), and proxy-wasm-cpp-host src/exports.cc
// (every grpc_* call acts on the root context, get_status reads the root's status).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, type CalloutAnswer, type Outcome } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';

const probe = (words: string) => load(testModule('grpc-probe'), { rootId: 'grpc', configuration: words });
const send = (words: string, callouts?: CalloutAnswer[]) =>
  new FilterChain([probe(words)]).send({ path: '/orders', headers: [['x-user', 'alice']], callouts });
const messages = (outcome: Outcome) => outcome.logs.map((record) => record.message);
const authz = (grpc: CalloutAnswer['grpc'], extra: Partial<CalloutAnswer> = {}): CalloutAnswer[] => [
  { cluster: 'authz', grpc, ...extra },
];

test('a unary call answered OK: only proxy_on_grpc_receive, on the root context, with the first call token 5', () => {
  const outcome = send('call', authz({ messages: ['allow-alice'] }));
  // Tokens: type GrpcCall (1) in the low bits, stepping by 4 (wasm.h nextGrpcCallId).
  // AsyncRequestImpl ignores metadata; onSuccessRaw → onGrpcReceiveWrapper, no close.
  assert.deepEqual(messages(outcome), ['grpc_open 0 token 5', 'receive 1 5 allow-alice']);
  assert.equal(outcome.decision, 'continue');
  assert.equal(header(outcome.upstream!.headers, 'x-authz'), 'allow-alice');
  assert.deepEqual(outcome.unsupported, []);
});

test('the answer decides: a message the plugin refuses gives its local reply, nothing goes upstream', () => {
  const outcome = send('call', authz({ messages: ['nope'] }));
  assert.equal(outcome.decision, 'local_reply');
  assert.equal(outcome.response?.status, 403);
  assert.equal(Buffer.from(outcome.response!.body).toString(), 'denied: nope');
  assert.equal(outcome.upstream, null);
});

test('a unary call closed with an error status: proxy_on_grpc_close with the status, proxy_get_status the message', () => {
  const outcome = send('call', authz({ status: 7, message: 'no tenant' }));
  assert.deepEqual(messages(outcome), ['grpc_open 0 token 5', 'close 1 5 7 no tenant']);
  assert.equal(outcome.response?.status, 503);
  assert.equal(Buffer.from(outcome.response!.body).toString(), 'authz closed: 7 no tenant');
});

test('a unary call answered OK with no message closes with Internal (AsyncRequestImpl::onRemoteClose)', () => {
  const outcome = send('call', authz({}));
  assert.ok(messages(outcome).includes('close 1 5 13 '));
  assert.equal(outcome.response?.status, 503);
});

test('a reset call closes with Internal (onReset → streamError); a timeout with the router 504 as Unavailable', () => {
  const reset = send('call', authz({}, { reset: true }));
  assert.ok(messages(reset).includes('close 1 5 13 '), messages(reset).join('|'));
  const timeout = send('call', authz({}, { timeout: true }));
  assert.ok(messages(timeout).includes('close 1 5 14 upstream request timeout'), messages(timeout).join('|'));
});

test('a cluster name nothing answers: ParseFailure as for an unknown cluster, reported as unsupported', () => {
  const outcome = send('call');
  assert.deepEqual(messages(outcome), ['grpc_open 4 token 0']);
  assert.equal(outcome.response?.status, 500);
  assert.deepEqual(outcome.unsupported, ['proxy_grpc_call']);
  // An HTTP answer for the cluster does not answer a gRPC call.
  const http = send('call', [{ cluster: 'authz', response: { status: 200 } }]);
  assert.deepEqual(messages(http), ['grpc_open 4 token 0']);
});

test('a serialized GrpcService names the cluster; an unknown one fails InternalFailure and still closes Unavailable', () => {
  const answered = send('proto', authz({ messages: ['allow-proto'] }));
  assert.equal(header(answered.upstream?.headers, 'x-authz'), 'allow-proto');
  // skip_cluster_check: the client is made, and its stream closes at once with "Cluster not
  // available"; grpcCall returns InternalFailure and the deferred close runs after the callback.
  const unknown = send('proto');
  assert.deepEqual(messages(unknown), ['grpc_open 10 token 0', 'close 1 5 14 Cluster not available']);
  assert.equal(unknown.response?.status, 500);
  assert.deepEqual(unknown.unsupported, ['proxy_grpc_call']);
});

test('a stream: initial metadata, each message, trailing metadata, then the close, with token 6', () => {
  const grpc = { messages: ['allow-bob'], initialMetadata: [['x-served-by', 'a']] as [string, string][] };
  const outcome = send('stream', authz(grpc));
  assert.deepEqual(messages(outcome), [
    'grpc_send 0',
    'grpc_open 0 token 6',
    // :status, content-type and the server's own entry.
    'initial_metadata 1 6 3',
    'receive 1 6 allow-bob',
    'trailing_metadata 1 6 1 0',
    'close 1 6 0 ',
  ]);
  assert.equal(header(outcome.upstream?.headers, 'x-authz'), 'allow-bob');
});

test('a trailers-only stream answer: empty initial metadata, the headers as trailing metadata', () => {
  const outcome = send('stream', authz({ status: 16, message: 'who?' }));
  assert.deepEqual(messages(outcome).slice(2), [
    'initial_metadata 1 6 0',
    'trailing_metadata 1 6 4 16',
    'close 1 6 16 who?',
  ]);
  assert.equal(outcome.response?.status, 503);
});

test('a reset stream gets empty trailing metadata, then the close with Internal', () => {
  const outcome = send('stream', authz({}, { reset: true }));
  assert.deepEqual(messages(outcome).slice(2), ['trailing_metadata 1 6 0 none', 'close 1 6 13 ']);
});

test('a call the plugin cancels gets no callback, and the request waits as it would in Envoy', () => {
  const outcome = send('call cancel', authz({ messages: ['allow-alice'] }));
  assert.deepEqual(messages(outcome), ['grpc_open 0 token 5', 'grpc_cancel 0']);
  assert.equal(outcome.decision, 'stalled');
});

test('a call that differs from what the request file expects is logged at error level', () => {
  const expect = { service: 'authz.v1.Authz', method: 'Verify' };
  const outcome = send('call', authz({ expect, messages: ['allow-alice'] }));
  const errors = outcome.logs.filter((record) => record.level === 'error').map((record) => record.message);
  assert.deepEqual(errors, ['grpc callout to authz: expected method Verify, the plugin called Check']);
});
