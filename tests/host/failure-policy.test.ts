// A trap marks the VM failed; FAIL_CLOSED answers 503 from then on, FAIL_OPEN bypasses the filter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationRejectedError, FilterChain } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';
import { rawModule } from '../support/wat.ts';

test('FAIL_CLOSED: the trapping request and every later one get 503 wasm_fail_stream', () => {
  const plugin = load(testModule('trap'), { rootId: 'trap' });
  const chain = new FilterChain([plugin]);
  for (let i = 0; i < 3; i++) {
    const outcome = chain.send({});
    assert.equal(outcome.decision, 'local_reply');
    assert.equal(outcome.response?.status, 503);
    assert.equal(outcome.response?.details, 'wasm_fail_stream');
  }
  assert.match(plugin.vm.failure ?? '', /Function: proxy_on_request_headers failed: .*unreachable/);
});

test('FAIL_OPEN: the trapping request and later ones pass through, the filter bypassed', () => {
  const chain = new FilterChain([
    load(testModule('trap'), { rootId: 'trap', failurePolicy: 'FAIL_OPEN' }),
    load(testModule('add-header'), { configuration: 'after' }),
  ]);
  for (let i = 0; i < 2; i++) {
    const outcome = chain.send({ headers: [['x-a', '1']] });
    assert.equal(outcome.decision, 'continue');
    assert.equal(header(outcome.upstream!.headers, 'x-added-by'), 'after');
  }
});

test('filters before a failed one still run; the 503 comes from the failed filter', () => {
  const chain = new FilterChain([
    load(testModule('add-header'), { rootId: 'first', configuration: 'first' }),
    load(testModule('trap'), { rootId: 'trap' }),
  ]);
  assert.equal(chain.send({}).response?.status, 503);
});

test('a false return from proxy_on_configure rejects the configuration with the plugin log lines', () => {
  assert.throws(
    () => load(testModule('add-header'), { configuration: '' }),
    (e: unknown) =>
      e instanceof ConfigurationRejectedError &&
      /returned false/.test(e.message) &&
      e.logs.some((l) => l.message === 'empty configuration refused'),
  );
});

test('a trap in proxy_on_configure rejects the configuration', () => {
  const wasm = rawModule('(func (export "proxy_on_configure") (param i32 i32) (result i32) unreachable)');
  assert.throws(
    () => load(wasm),
    (e: unknown) => e instanceof ConfigurationRejectedError && /proxy_on_configure failed/.test(e.message),
  );
});

test('a host call other than logging during _initialize traps with restricted_callback', () => {
  const wasm = rawModule(
    `(data (i32.const 16) "plugin_name")
     (func (export "_initialize") (drop (call $get_property (i32.const 16) (i32.const 11) (i32.const 64) (i32.const 68))))`,
    '(import "env" "proxy_get_property" (func $get_property (param i32 i32 i32 i32) (result i32)))',
  );
  assert.throws(
    () => load(wasm),
    (e: unknown) => e instanceof ConfigurationRejectedError && /restricted_callback/.test(e.message),
  );
});
