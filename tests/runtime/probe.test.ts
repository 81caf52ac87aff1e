// The AssemblyScript runtime layer, end to end through the host: headers, properties, metrics,
// logging gated by level, local replies, configuration results and abort.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationRejectedError, FilterChain } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';

const probe = (options = {}) =>
  load(testModule('runtime-probe'), { rootId: 'probe', name: 'probe', configuration: '{}', ...options });

test('a present header is read, an absent one is an ordinary null', () => {
  const chain = new FilterChain([probe()]);
  assert.equal(header(chain.send({ headers: [['x-echo', 'hello']] }).upstream!.headers, 'x-echo-seen'), 'hello');
  assert.equal(header(chain.send({}).upstream!.headers, 'x-echo-seen'), 'absent');
});

test('an empty header value is read as "", not as absent', () => {
  const outcome = new FilterChain([probe()]).send({ headers: [['x-echo', '']] });
  assert.equal(header(outcome.upstream!.headers, 'x-echo-seen'), '');
});

test('properties: request.path and plugin_name are read; a missing one is null', () => {
  const outcome = new FilterChain([probe()]).send({ path: '/orders?id=7' });
  assert.equal(header(outcome.upstream!.headers, 'x-path-prop'), '/orders?id=7');
  assert.equal(header(outcome.upstream!.headers, 'x-plugin-name'), 'probe');
  assert.equal(header(outcome.upstream!.headers, 'x-missing-prop'), 'null');
});

test('the header map is read as pairs (pseudo-headers and repeats included)', () => {
  const outcome = new FilterChain([probe()]).send({
    headers: [
      ['a', '1'],
      ['a', '2'],
    ],
  });
  // 4 pseudo-headers, 2 of a, x-forwarded-proto and x-request-id from Envoy, and x-echo-seen, x-path-prop,
  // x-missing-prop, x-plugin-name added before counting.
  assert.equal(header(outcome.upstream!.headers, 'x-pair-count'), '12');
});

test('metrics: a counter, a histogram and a gauge as Envoy names them', () => {
  const chain = new FilterChain([probe()]);
  chain.send({});
  const metrics = chain.send({}).metrics.probe;
  assert.deepEqual(metrics['wasmcustom.probe.requests'], { type: 'counter', value: 2 });
  assert.deepEqual(metrics['wasmcustom.probe.last'], { type: 'gauge', value: 3 });
  assert.deepEqual(metrics['wasmcustom.probe.sizes'], { type: 'histogram', value: 2, samples: [7, 7] });
});

test('logging at a disabled level builds no message and makes no proxy_log call', () => {
  const infoOutcome = new FilterChain([probe({ logLevel: 'info' })]).send({});
  assert.equal(header(infoOutcome.upstream!.headers, 'x-debug-built'), '0');
  assert.equal(infoOutcome.hostCalls.probe.proxy_log, 1);
  assert.deepEqual(
    infoOutcome.logs.map((l) => l.message),
    ['probe saw request'],
  );

  const debugOutcome = new FilterChain([probe({ logLevel: 'debug' })]).send({});
  assert.equal(header(debugOutcome.upstream!.headers, 'x-debug-built'), '1');
  assert.equal(debugOutcome.hostCalls.probe.proxy_log, 2);
});

test('the log level is asked of the host at most once per stream', () => {
  const outcome = new FilterChain([probe()]).send({});
  assert.equal(outcome.hostCalls.probe.proxy_get_log_level, 1);
});

test('a local reply carries status, body, details and headers, and nothing goes upstream', () => {
  const outcome = new FilterChain([probe()]).send({ headers: [['x-reply', '1']] });
  assert.equal(outcome.decision, 'local_reply');
  assert.equal(outcome.upstream, null);
  assert.equal(outcome.response?.status, 403);
  assert.equal(outcome.response?.details, 'probe_denied');
  assert.equal(new TextDecoder().decode(outcome.response!.body), 'denied');
  assert.equal(header(outcome.response!.headers, 'x-probe'), '1');
  assert.equal(header(outcome.response!.headers, 'content-type'), 'text/plain');
});

test('a throw in a callback logs the abort at critical level, then traps: 503 with FAIL_CLOSED', () => {
  const plugin = probe();
  const outcome = new FilterChain([plugin]).send({ headers: [['x-trap', '1']] });
  assert.equal(outcome.response?.status, 503);
  const critical = outcome.logs.find((l) => l.level === 'critical');
  assert.match(critical?.message ?? '', /^abort: probe trap at .*runtime-probe\.ts:\d+:\d+$/);
  assert.ok(plugin.vm.failed);
});

test('an empty configuration is valid input', () => {
  assert.ok(probe({ configuration: '' }));
});

test('onConfigure returning false and a throw in onConfigure both reject the configuration', () => {
  assert.throws(
    () => probe({ configuration: 'reject' }),
    (e: unknown) => e instanceof ConfigurationRejectedError && e.logs.some((l) => /refuses/.test(l.message)),
  );
  assert.throws(
    () => probe({ configuration: 'trap' }),
    (e: unknown) =>
      e instanceof ConfigurationRejectedError &&
      /proxy_on_configure failed/.test(e.message) &&
      e.logs.some((l) => l.level === 'critical'),
  );
});

test('the module imports only what Envoy provides and exports the ABI 0.2.1 surface', async () => {
  const module = new WebAssembly.Module(testModule('runtime-probe') as Uint8Array<ArrayBuffer>);
  const imports = WebAssembly.Module.imports(module).map((i) => `${i.module}.${i.name}`);
  assert.ok(
    imports.every((name) => name.startsWith('env.proxy_')),
    imports.join(','),
  );
  const exports = WebAssembly.Module.exports(module).map((e) => e.name);
  for (const name of [
    'proxy_abi_version_0_2_1',
    'proxy_on_memory_allocate',
    '_initialize',
    'proxy_on_context_create',
    'proxy_on_request_headers',
    'proxy_on_request_body',
    'proxy_on_response_headers',
    'proxy_on_log',
    'proxy_on_done',
    'proxy_on_delete',
  ]) {
    assert.ok(exports.includes(name), name);
  }
  assert.ok(!exports.includes('malloc'));
});

test('stream contexts are released after each stream: memory stays flat over many requests', () => {
  const plugin = probe();
  const chain = new FilterChain([plugin]);
  for (let i = 0; i < 3000; i++) chain.send({});
  const warm = plugin.vm.memoryBytes;
  for (let i = 0; i < 20000; i++) chain.send({ headers: [['x-echo', `value-${i}`]] });
  assert.equal(plugin.vm.memoryBytes, warm);
  assert.equal(plugin.vm.contexts.size, 1);
});
