// The connection manager's settings at an edge gateway. Every rule is from envoyproxy/envoy
// source/common/http/conn_manager_utility.cc mutateRequestHeaders (and cleanInternalHeaders, which
// it calls) unless another file is named; the headers are read where the upstream receives them,
// after a no-op plugin.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRequestFile } from '../../cli/request-file.ts';
import { FilterChain, type ConnectionManagerSettings, type HttpRequest } from '../../host/index.ts';
import { header, headerValues, load, testModule } from '../support/modules.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const chain = new FilterChain([load(testModule('noop'), { rootId: 'noop' })]);
const EDGE: ConnectionManagerSettings = { useRemoteAddress: true };
const CLIENT = '203.0.113.9:40000';

function upstream(request: HttpRequest): [string, string][] {
  const outcome = chain.send(request);
  assert.equal(outcome.decision, 'continue');
  return outcome.upstream!.headers;
}

const from = (source: string, connectionManager: ConnectionManagerSettings, headers: [string, string][] = []) =>
  upstream({ stream: { sourceAddress: source }, connectionManager, headers });

test('default listener: x-envoy-internal is always removed, and with no internal_address_config no request is internal', () => {
  // Envoy 1.33+: without internal_address_config no address is internal (http_connection_manager
  // config.cc createInternalAddressConfig), so the external-only x-envoy-* headers go.
  const headers = from(CLIENT, {}, [
    ['x-envoy-internal', 'true'],
    ['x-forwarded-for', '10.1.2.3'],
    ['x-envoy-retry-on', '5xx'],
    ['x-envoy-decorator-operation', 'op'],
    ['x-envoy-external-address', '198.51.100.1'],
  ]);
  assert.equal(header(headers, 'x-envoy-internal'), undefined);
  assert.equal(header(headers, 'x-envoy-retry-on'), undefined);
  // Not an edge request: edge-only removals do not apply, and x-forwarded-for and the address the
  // client claims pass as sent.
  assert.equal(header(headers, 'x-envoy-decorator-operation'), 'op');
  assert.equal(header(headers, 'x-forwarded-for'), '10.1.2.3');
  assert.equal(header(headers, 'x-envoy-external-address'), '198.51.100.1');
});

test('default listener with internal_address_config: a single internal x-forwarded-for address makes the request internal', () => {
  // No cidr_ranges: Network::Utility::isInternalAddress (source/common/network/utility.cc).
  const internal = { internalAddresses: {} };
  const one = from(CLIENT, internal, [
    ['x-forwarded-for', '10.1.2.3'],
    ['x-envoy-retry-on', '5xx'],
  ]);
  assert.equal(header(one, 'x-envoy-internal'), 'true');
  assert.equal(header(one, 'x-envoy-retry-on'), '5xx');
  // Two addresses, or a public one: external.
  for (const xff of ['10.1.1.1,10.2.2.2', '8.8.8.8']) {
    const headers = from(CLIENT, internal, [
      ['x-forwarded-for', xff],
      ['x-envoy-retry-on', '5xx'],
    ]);
    assert.equal(header(headers, 'x-envoy-internal'), undefined, xff);
    assert.equal(header(headers, 'x-envoy-retry-on'), undefined, xff);
  }
});

test('use_remote_address: the peer is appended to x-forwarded-for, x-forwarded-proto comes from the connection', () => {
  const fresh = from(CLIENT, EDGE, [['x-forwarded-proto', 'https']]);
  assert.equal(header(fresh, 'x-forwarded-for'), '203.0.113.9');
  // No trusted hops: what the client said about the scheme is overwritten.
  assert.deepEqual(headerValues(fresh, 'x-forwarded-proto'), ['http']);
  // Appended with a bare comma (Utility::appendXff), repeated headers joined first.
  const appended = from(CLIENT, EDGE, [
    ['x-forwarded-for', '1.1.1.1'],
    ['x-forwarded-for', '2.2.2.2'],
  ]);
  assert.deepEqual(headerValues(appended, 'x-forwarded-for'), ['1.1.1.1,2.2.2.2,203.0.113.9']);
});

test('use_remote_address: an external request gets x-envoy-external-address, loses edge headers, and a new x-request-id', () => {
  const headers = from(CLIENT, EDGE, [
    ['x-request-id', 'client-chosen'],
    ['x-envoy-external-address', '198.51.100.1'],
    ['x-envoy-decorator-operation', 'op'],
    ['x-envoy-downstream-service-cluster', 'c'],
    ['x-envoy-max-retries', '9'],
  ]);
  assert.deepEqual(headerValues(headers, 'x-envoy-external-address'), ['203.0.113.9']);
  for (const name of ['x-envoy-decorator-operation', 'x-envoy-downstream-service-cluster', 'x-envoy-max-retries']) {
    assert.equal(header(headers, name), undefined, name);
  }
  const id = headerValues(headers, 'x-request-id');
  assert.equal(id.length, 1);
  assert.match(id[0], UUID_V4);
});

test('preserve_external_request_id keeps the id an edge client sent', () => {
  const headers = from(CLIENT, { ...EDGE, preserveExternalRequestId: true }, [['x-request-id', 'client-chosen']]);
  assert.deepEqual(headerValues(headers, 'x-request-id'), ['client-chosen']);
});

test('xff_num_trusted_hops: the client is the address the trusted proxy appended, and its x-forwarded-proto stays', () => {
  const headers = from(CLIENT, { ...EDGE, xffNumTrustedHops: 1 }, [
    ['x-forwarded-for', '192.0.2.44'],
    ['x-forwarded-proto', 'https'],
  ]);
  assert.equal(header(headers, 'x-envoy-external-address'), '192.0.2.44');
  assert.equal(header(headers, 'x-forwarded-for'), '192.0.2.44,203.0.113.9');
  assert.deepEqual(headerValues(headers, 'x-forwarded-proto'), ['https']);
});

test('skip_xff_append leaves x-forwarded-for as the client sent it', () => {
  const headers = from(CLIENT, { ...EDGE, skipXffAppend: true }, [['x-forwarded-for', '1.1.1.1']]);
  assert.deepEqual(headerValues(headers, 'x-forwarded-for'), ['1.1.1.1']);
});

test('use_remote_address with an internal peer and no x-forwarded-for: internal, nothing replaced', () => {
  const internal = { ...EDGE, internalAddresses: { cidrRanges: ['100.64.0.0/10'] } };
  const headers = from('100.64.1.2:5000', internal, [
    ['x-request-id', 'mesh-id'],
    ['x-envoy-retry-on', '5xx'],
  ]);
  assert.equal(header(headers, 'x-envoy-internal'), 'true');
  assert.deepEqual(headerValues(headers, 'x-request-id'), ['mesh-id']);
  assert.equal(header(headers, 'x-envoy-retry-on'), '5xx');
  assert.equal(header(headers, 'x-envoy-external-address'), undefined);
  // The default peer (10.0.0.7) is RFC 1918, internal only once internal_address_config is set.
  const defaults = upstream({ connectionManager: { ...EDGE, internalAddresses: {} } });
  assert.equal(header(defaults, 'x-envoy-internal'), 'true');
  const unset = upstream({ connectionManager: EDGE });
  assert.equal(header(unset, 'x-envoy-external-address'), '10.0.0.7');
});

test("a loopback peer is recorded in x-forwarded-for as Envoy's own address", () => {
  const headers = from('127.0.0.1:5000', EDGE);
  assert.equal(header(headers, 'x-forwarded-for'), '10.0.0.1');
});

test('a request file sets them under connection_manager, the peer under source', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'edge-')), 'request.yaml');
  const file = [
    'source: 203.0.113.9:40000',
    'headers: [[x-forwarded-for, 192.0.2.44]]',
    'connection_manager:',
    '  use_remote_address: true',
    '  xff_num_trusted_hops: 1',
    '  internal_address_config: { cidr_ranges: [192.0.2.0/24] }',
  ];
  writeFileSync(path, `${file.join('\n')}\n`);
  const headers = upstream(readRequestFile(path));
  // The trusted hop says the client is 192.0.2.44, inside the configured range, but the header
  // held an address already: not a single-address request, so still external.
  assert.equal(header(headers, 'x-envoy-external-address'), '192.0.2.44');
  assert.equal(header(headers, 'x-forwarded-for'), '192.0.2.44,203.0.113.9');
});
