// Bodies that end with trailers (HTTP/2 and HTTP/3 clients can always send them): the last data
// frame has end_of_stream false, so the decision runs in the trailers callback, before the held
// headers go on. Spoofed client copies never reach upstream, and on_* rejections still answer.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilterChain, type HttpRequest } from '../../../host/index.ts';
import { withoutConnectionManagerHeaders } from '../../../tests/support/connection-manager.ts';
import { load, pluginModule, ROOT } from '../../../tests/support/modules.ts';

const example = JSON.parse(readFileSync(join(ROOT, 'plugins', 'body-keys', 'example.config.json'), 'utf8'));
const onlyBody = { keys: [{ header: 'x-cart-id', sources: [{ json: '/cart/id' }, { form: 'cartId' }] }] };

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const SPOOF: [string, string][] = [
  ['x-cart-dc', 'fra'],
  ['x-session-id', 'victim-session'],
];
const TRAILERS: [string, string][] = [['x-checksum', '1']];

interface Row {
  name: string;
  config: object;
  request: HttpRequest;
  allowStopIteration?: boolean;
  // The x- headers upstream receives besides Envoy's own (trailers excluded), or the local reply's status.
  upstream?: [string, string][];
  status?: number;
  decision?: 'stalled';
  counted?: Record<string, number>;
}

const post = (type: string, body: string | string[] | undefined, headers: [string, string][] = []): HttpRequest => ({
  method: 'POST',
  path: '/cart/items',
  headers: [['content-type', type], ...headers],
  ...(body === undefined ? {} : { body }),
  trailers: TRAILERS,
});

const rows: Row[] = [
  {
    name: 'a form body and trailers: the key is written, the client copies are gone',
    config: example,
    request: post(FORM, 'sku=tea-42&cartId=ams-7f3a9c', SPOOF),
    upstream: [
      ['x-cart-id', 'ams-7f3a9c'],
      ['x-cart-dc', 'ams'],
    ],
    counted: { 'found.form': 1, missing: 1 },
  },
  {
    name: 'a JSON body in two frames and trailers',
    config: example,
    request: post(JSON_TYPE, ['{"cart":{"id":"lon-', '42"},"sessionId":"s-1"}'], [['x-cart-id', 'bad value']]),
    upstream: [
      ['x-cart-id', 'lon-42'],
      ['x-cart-dc', 'lon'],
      ['x-session-id', 's-1'],
    ],
    counted: { 'found.json': 2 },
  },
  {
    name: 'a body without the key and trailers, on_missing reject: 400',
    config: { ...onlyBody, on_missing: { action: 'reject' } },
    request: post(FORM, 'sku=tea-42', SPOOF),
    status: 400,
    counted: { missing: 1, rejected: 1 },
  },
  {
    name: 'headers then trailers, no data frame, on_missing reject: 400',
    config: { ...onlyBody, on_missing: { action: 'reject', status: 422 } },
    request: post(JSON_TYPE, undefined),
    status: 422,
    counted: { missing: 1, unparseable: 0, rejected: 1 },
  },
  {
    name: 'headers then trailers, no data frame, forward: missing, not unparseable',
    config: example,
    request: post(JSON_TYPE, undefined, [['x-cart-id', 'x y'], ...SPOOF]),
    upstream: [],
    counted: { missing: 2, unparseable: 0 },
  },
  {
    name: 'a malformed JSON body and trailers, on_unparseable reject: 400',
    config: { ...onlyBody, on_unparseable: { action: 'reject' } },
    request: post(JSON_TYPE, '{"cart":'),
    status: 400,
    counted: { unparseable: 1, rejected: 1 },
  },
  {
    name: 'a key in a header source: decided at the headers, the trailers pass',
    config: example,
    request: post(JSON_TYPE, '{"sessionId":"s-2"}', [['x-cart-id', 'ams-1'], ...SPOOF]),
    upstream: [
      ['x-cart-id', 'ams-1'],
      ['x-cart-dc', 'ams'],
      ['x-session-id', 's-2'],
    ],
  },
  {
    name: 'without allow_on_headers_stop_iteration the body and trailers wait, as in Envoy: nothing reaches upstream',
    config: example,
    allowStopIteration: false,
    request: post(FORM, 'cartId=ams-7f3a9c', SPOOF),
    decision: 'stalled',
  },
];

for (const row of rows) {
  test(`trailers: ${row.name}`, () => {
    const plugin = load(pluginModule('body-keys'), {
      rootId: 'body-keys',
      name: 'body-keys',
      configuration: JSON.stringify(row.config),
      allowOnHeadersStopIteration: row.allowStopIteration ?? true,
    });
    const outcome = new FilterChain([plugin]).send(row.request);
    assert.equal(plugin.vm.failed, false);
    if (row.decision === 'stalled') {
      assert.equal(outcome.decision, 'stalled');
      assert.equal(outcome.upstream, null);
    } else if (row.status !== undefined) {
      assert.equal(outcome.decision, 'local_reply');
      assert.equal(outcome.response!.status, row.status);
    } else {
      assert.equal(outcome.decision, 'continue');
      assert.deepEqual(
        withoutConnectionManagerHeaders(outcome.upstream!.headers).filter(([name]) => name.startsWith('x-')),
        row.upstream,
      );
      assert.deepEqual(outcome.upstream!.trailers, TRAILERS);
    }
    const metrics = outcome.metrics['body-keys'];
    for (const [name, value] of Object.entries(row.counted ?? {}))
      assert.equal(metrics[`wasmcustom.body_keys.${name}`].value, value, name);
  });
}
