// The request header map as Envoy's downstream codecs build it, read where the upstream receives it
// after a no-op plugin. Sources are envoyproxy/envoy files: source/common/http/header_map_impl.cc
// (insertByKey, appendToHeader), envoy/http/header_map.h (the inline lists), http1/codec_impl.cc and
// http2/codec_impl.cc (saveHeader, reconstituteCrumbledCookies, checkHeaderNameForUnderscores),
// quic/envoy_quic_utils.h (quicHeadersToEnvoyHeaders).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRequestFile } from '../../cli/request-file.ts';
import { FilterChain, type HttpRequest } from '../../host/index.ts';
import { header, headerValues, load, testModule } from '../support/modules.ts';

const noop = () => load(testModule('noop'), { rootId: 'noop' });

function upstream(request: HttpRequest): [string, string][] {
  const outcome = new FilterChain([noop()]).send(request);
  assert.equal(outcome.decision, 'continue');
  return outcome.upstream!.headers;
}

test('a repeated inline header reaches the filters as one entry joined by ",", in the place of the first', () => {
  const headers = upstream({
    headers: [
      ['authorization', 'Basic eDp5'],
      ['x-a', '1'],
      ['Authorization', 'Bearer t0k3n'],
      ['user-agent', 'one'],
      ['user-agent', ''],
      ['user-agent', 'two'],
    ],
  });
  assert.deepEqual(headerValues(headers, 'authorization'), ['Basic eDp5,Bearer t0k3n']);
  // An empty value adds nothing (appendToHeader).
  assert.deepEqual(headerValues(headers, 'user-agent'), ['one,two']);
  const names = headers.map(([name]) => name).filter((name) => !name.startsWith(':'));
  assert.deepEqual(names.slice(0, 3), ['authorization', 'x-a', 'user-agent']);
});

test('a header that is not inline keeps one entry per field, on every protocol', () => {
  for (const protocol of ['HTTP/1.1', 'HTTP/2']) {
    const headers = upstream({
      stream: { protocol },
      headers: [
        ['x-tenant-id', 'acme'],
        ['x-tenant-id', 'globex'],
      ],
    });
    assert.deepEqual(headerValues(headers, 'x-tenant-id'), ['acme', 'globex'], protocol);
  }
});

test('HTTP/1 keeps each cookie field as its own entry (cookie is not inline)', () => {
  const headers = upstream({
    headers: [
      ['cookie', 'a=1'],
      ['x-a', '1'],
      ['cookie', 'b=2'],
    ],
  });
  assert.deepEqual(headerValues(headers, 'cookie'), ['a=1', 'b=2']);
});

test('HTTP/2 rebuilds one cookie header from the crumbs, joined by "; ", after the other fields', () => {
  const headers = upstream({
    stream: { protocol: 'HTTP/2' },
    headers: [
      ['cookie', 'a=1'],
      ['x-a', '1'],
      ['cookie', 'b=2'],
      ['x-b', '2'],
    ],
  });
  assert.deepEqual(headerValues(headers, 'cookie'), ['a=1; b=2']);
  // Added when the header block ends, before the connection manager adds its own headers.
  const names = headers.map(([name]) => name);
  assert.equal(names.indexOf('cookie'), names.indexOf('x-b') + 1);
});

test('HTTP/3 appends each crumb to the first cookie entry with "; " (quic/envoy_quic_utils.h, appendCopy)', () => {
  const headers = upstream({
    stream: { protocol: 'HTTP/3' },
    headers: [
      ['cookie', 'a=1'],
      ['x-a', '1'],
      ['cookie', 'b=2'],
      ['x-b', '2'],
    ],
  });
  assert.deepEqual(headerValues(headers, 'cookie'), ['a=1; b=2']);
  const names = headers.map(([name]) => name);
  assert.equal(names.indexOf('cookie') + 1, names.indexOf('x-a'));
});

test('headers_with_underscores_action ALLOW (the default) lets x_tenant_id through', () => {
  const headers = upstream({ headers: [['x_tenant_id', 'acme']] });
  assert.equal(header(headers, 'x_tenant_id'), 'acme');
});

test('DROP_HEADER: the codec drops a header whose name has an underscore and counts it', () => {
  for (const [protocol, stat] of [
    ['HTTP/1.1', 'http1'],
    ['HTTP/2', 'http2'],
  ]) {
    const outcome = new FilterChain([noop()]).send({
      stream: { protocol },
      connectionManager: { headersWithUnderscoresAction: 'DROP_HEADER' },
      headers: [
        ['x_tenant_id', 'acme'],
        ['x-tenant-id', 'globex'],
        ['X_Other', '1'],
      ],
      trailers: [['x_sum', '1']],
      body: 'b',
    });
    assert.equal(outcome.decision, 'continue');
    assert.equal(header(outcome.upstream!.headers, 'x_tenant_id'), undefined, protocol);
    assert.equal(header(outcome.upstream!.headers, 'x_other'), undefined, protocol);
    assert.equal(header(outcome.upstream!.headers, 'x-tenant-id'), 'globex', protocol);
    assert.deepEqual(outcome.upstream!.trailers, [], protocol);
    assert.deepEqual(outcome.codecCounters, { [`${stat}.dropped_headers_with_underscores`]: 3 }, protocol);
  }
});

test('REJECT_REQUEST over HTTP/1: 400 with details http1.unexpected_underscore before any filter runs', () => {
  const outcome = new FilterChain([noop()]).send({
    connectionManager: { headersWithUnderscoresAction: 'REJECT_REQUEST' },
    headers: [['x_tenant_id', 'acme']],
  });
  assert.equal(outcome.decision, 'local_reply');
  assert.equal(outcome.response!.status, 400);
  assert.equal(outcome.response!.details, 'http1.unexpected_underscore');
  assert.equal(outcome.upstream, null);
  assert.deepEqual(outcome.hostCalls.noop, {});
  assert.match(outcome.errors[0]!, /header "x_tenant_id": the name has an underscore/);
  assert.deepEqual(outcome.codecCounters, { 'http1.requests_rejected_with_underscores_in_headers': 1 });
});

test('REJECT_REQUEST over HTTP/2 and HTTP/3: the stream is reset, no response and no filter', () => {
  for (const [protocol, stat] of [
    ['HTTP/2', 'http2'],
    ['HTTP/3', 'http3'],
  ]) {
    const outcome = new FilterChain([noop()]).send({
      stream: { protocol },
      connectionManager: { headersWithUnderscoresAction: 'REJECT_REQUEST' },
      headers: [['x_tenant_id', 'acme']],
    });
    assert.equal(outcome.decision, 'reset', protocol);
    assert.equal(outcome.response, null, protocol);
    assert.equal(outcome.upstream, null, protocol);
    assert.deepEqual(outcome.hostCalls.noop, {}, protocol);
    assert.match(outcome.errors[0]!, /resets the stream/, protocol);
    assert.deepEqual(outcome.codecCounters, { [`${stat}.requests_rejected_with_underscores_in_headers`]: 1 }, protocol);
  }
});

test('a request file carries protocol and connection_manager.headers_with_underscores_action', () => {
  const dir = mkdtempSync(join(tmpdir(), 'codec-'));
  const path = join(dir, 'request.json');
  writeFileSync(
    path,
    JSON.stringify({
      protocol: 'HTTP/2',
      headers: [
        ['cookie', 'a=1'],
        ['cookie', 'b=2'],
        ['x_tenant_id', 'acme'],
      ],
      connection_manager: { headers_with_underscores_action: 'DROP_HEADER' },
    }),
  );
  const headers = upstream(readRequestFile(path));
  assert.deepEqual(headerValues(headers, 'cookie'), ['a=1; b=2']);
  assert.equal(header(headers, 'x_tenant_id'), undefined);
  const fallback = join(dir, 'default.json');
  writeFileSync(
    fallback,
    JSON.stringify({
      headers: [
        ['cookie', 'a=1'],
        ['cookie', 'b=2'],
      ],
    }),
  );
  assert.deepEqual(headerValues(upstream(readRequestFile(fallback)), 'cookie'), ['a=1', 'b=2']);
});
