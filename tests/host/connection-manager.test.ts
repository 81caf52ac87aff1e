// Envoy's HTTP connection manager changes the request headers before the first filter runs:
// ConnectionManagerUtility::mutateRequestHeaders (source/common/http/conn_manager_utility.cc).
// With the listener defaults (use_remote_address false, generate_request_id true) no request is an
// edge request, so x-forwarded-proto is set from the connection's scheme only when absent, and
// x-request-id is a new UUID v4 only when absent; what the client sent stays.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readRequestFile } from '../../cli/request-file.ts';
import { FilterChain, type HttpRequest } from '../../host/index.ts';
import { header, headerValues, load, testModule } from '../support/modules.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const probe = new FilterChain([load(testModule('property-probe'), { rootId: 'props', name: 'props-plugin' })]);

// The upstream headers, and request.id as the plugin read it (the property, not the header).
function send(request: HttpRequest): { headers: [string, string][]; idProperty: string } {
  const outcome = probe.send({ ...request, headers: [...(request.headers ?? []), ['x-prop', 'request|id']] });
  assert.equal(outcome.decision, 'continue');
  const headers = outcome.upstream!.headers;
  assert.equal(header(headers, 'x-prop-status'), '0');
  return { headers, idProperty: Buffer.from(header(headers, 'x-prop-hex')!, 'hex').toString() };
}

test('a request without them gets x-forwarded-proto from the scheme and a new UUID v4 x-request-id', () => {
  const first = send({});
  const second = send({});
  assert.deepEqual(headerValues(first.headers, 'x-forwarded-proto'), ['http']);
  assert.match(header(first.headers, 'x-request-id')!, UUID_V4);
  assert.equal(first.idProperty, header(first.headers, 'x-request-id'));
  assert.notEqual(header(second.headers, 'x-request-id'), header(first.headers, 'x-request-id'));
  assert.deepEqual(headerValues(send({ scheme: 'https' }).headers, 'x-forwarded-proto'), ['https']);
});

test('the filters see them: they are added before the first filter runs', () => {
  const outcome = new FilterChain([load(testModule('raw-abi'), { rootId: 'raw' })]).send({});
  // 4 pseudo-headers + x-forwarded-proto + x-request-id, counted by the plugin.
  assert.equal(header(outcome.upstream!.headers, 'x-raw-count'), '6');
});

test('what the client sent is kept: not an edge request without use_remote_address', () => {
  const { headers, idProperty } = send({
    scheme: 'https',
    headers: [
      ['x-forwarded-proto', 'http'],
      ['x-request-id', 'client-id-1'],
    ],
  });
  assert.deepEqual(headerValues(headers, 'x-forwarded-proto'), ['http']);
  assert.deepEqual(headerValues(headers, 'x-request-id'), ['client-id-1']);
  assert.equal(idProperty, 'client-id-1');
});

test('a request file can fix the generated id (request_id); request.id agrees with the header', () => {
  const path = join(mkdtempSync(join(tmpdir(), 'request-id-')), 'request.yaml');
  writeFileSync(path, 'path: /a\nrequest_id: 7c1e2d3f-0a4b-4c5d-9e6f-123456789abc\n');
  const { headers, idProperty } = send(readRequestFile(path));
  assert.deepEqual(headerValues(headers, 'x-request-id'), ['7c1e2d3f-0a4b-4c5d-9e6f-123456789abc']);
  assert.equal(idProperty, '7c1e2d3f-0a4b-4c5d-9e6f-123456789abc');
});
