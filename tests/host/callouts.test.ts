// HTTP callouts answered from the request (Envoy context.cc httpCall, onHttpCallSuccess,
// onHttpCallFailure): the answer reaches proxy_on_http_call_response after the callback that made
// the call, on the root context (cpp-host exports.cc http_call acts on root_context()), and the
// plugin's continue or local reply, made on its stream through proxy_set_effective_context, then
// takes effect as in Envoy.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, type CalloutAnswer, type HttpRequest } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';

const auth = () => load(testModule('callout-probe'), { rootId: 'auth', configuration: 'http' });
const request = (callouts?: CalloutAnswer[]): HttpRequest => ({
  path: '/orders',
  headers: [['x-user', 'alice']],
  callouts,
});

test('a 200 from the auth cluster: the plugin continues the request with what the answer said', () => {
  const answer = { cluster: 'auth', response: { status: 200, body: 'alice-ok' } };
  const outcome = new FilterChain([auth()]).send(request([answer]));
  assert.equal(outcome.decision, 'continue');
  assert.equal(header(outcome.upstream!.headers, 'x-auth'), 'alice-ok');
  // The root context (id 1) gets the answer: 2 headers, 8 body bytes.
  assert.ok(outcome.logs.some((record) => record.message === 'on_http_call_response 1 2 8'));
  assert.deepEqual(outcome.unsupported, []);
});

test('a 403 from the auth cluster: the plugin answers locally and nothing goes upstream', () => {
  const outcome = new FilterChain([auth()]).send(request([{ cluster: 'auth', response: { status: 403 } }]));
  assert.equal(outcome.decision, 'local_reply');
  assert.equal(outcome.response?.status, 403);
  assert.equal(outcome.upstream, null);
});

test('a reset call reaches the plugin with no headers (onHttpCallFailure), a timeout as a 504', () => {
  for (const answer of [
    { cluster: 'auth', reset: true },
    { cluster: 'auth', timeout: true },
  ]) {
    const outcome = new FilterChain([auth()]).send(request([answer]));
    assert.equal(outcome.response?.status, 403, JSON.stringify(answer));
  }
});

test('no answer for the cluster: BadArgument as for an unknown cluster in Envoy, reported as unsupported', () => {
  const outcome = new FilterChain([auth()]).send(request());
  assert.ok(outcome.logs.some((record) => record.message === 'http_call 2'));
  assert.equal(outcome.response?.status, 500);
  assert.deepEqual(outcome.unsupported, ['proxy_http_call']);
});

test('a call that differs from the expected request is logged at error level', () => {
  const answer = { cluster: 'auth', expect: { path: '/verify', headers: [['x-user', 'alice']] as [string, string][] } };
  const outcome = new FilterChain([auth()]).send(request([{ ...answer, response: { status: 200 } }]));
  const errors = outcome.logs.filter((record) => record.level === 'error').map((record) => record.message);
  assert.deepEqual(errors, ['http callout to auth: expected path /verify, the plugin sent /check']);
});

test('a continue from the answer without proxy_set_effective_context reaches the root context: the request waits', () => {
  // Envoy Context::continueStream on the root context has no decoder callbacks: Ok, and nothing resumes.
  const plugin = load(testModule('callout-probe'), { rootId: 'auth', configuration: 'http noswitch' });
  const outcome = new FilterChain([plugin]).send(request([{ cluster: 'auth', response: { status: 200, body: 'ok' } }]));
  assert.equal(outcome.decision, 'stalled');
  assert.equal(outcome.upstream, null);
});
