// body-keys, request in, upstream headers out: every source, chunking, early release, the limit,
// content types and hostile bodies.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilterChain, type HttpRequest } from '../../../host/index.ts';
import { headerValues, load, pluginModule, ROOT } from '../../../tests/support/modules.ts';

const example = readFileSync(join(ROOT, 'plugins', 'body-keys', 'example.config.json'), 'utf8');
const chain = (config: object | string = example, options = {}) =>
  new FilterChain(
    [
      load(pluginModule('body-keys'), {
        rootId: 'body-keys',
        name: 'body-keys',
        configuration: typeof config === 'string' ? config : JSON.stringify(config),
        allowOnHeadersStopIteration: true,
        ...options,
      }),
    ],
    { bufferLimitBytes: 1024 * 1024 },
  );
const json = (body: string | (string | Uint8Array)[], headers: [string, string][] = []): HttpRequest => ({
  method: 'POST',
  path: '/cart/items',
  headers: [['content-type', 'application/json'], ...headers],
  body,
});

const CART_BODY = JSON.stringify({
  customer: { id: 'c-17', name: 'Zoë \u2603' },
  cart: { id: 'ams-7f3a9c', items: [{ sku: 'A-1', qty: 2 }] },
  sessionId: 's-4711',
  note: 'quote " and \\ slash',
});

test('the cart example: id in a JSON body', () => {
  const outcome = chain().send(json(CART_BODY));
  assert.equal(outcome.decision, 'continue');
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['ams-7f3a9c']);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-dc'), ['ams']);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-session-id'), ['s-4711']);
  assert.equal(new TextDecoder().decode(outcome.upstream!.body), CART_BODY);
});

test('the cart example: id in a form body', () => {
  const outcome = chain().send({
    method: 'POST',
    path: '/cart',
    headers: [['content-type', 'application/x-www-form-urlencoded; charset=UTF-8']],
    body: 'qty=2&cartId=fra-42%2Dx&sku=A+1',
  });
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['fra-42-x']);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-dc'), ['fra']);
});

// The module reads a frame in 16 KiB slices into one reused block: a key, a value or an escape cut
// by a slice boundary inside one frame still reads whole.
test('a frame larger than a read slice: keys cut at the slice boundary read whole', () => {
  const SLICE = 16 * 1024;
  for (let at = SLICE - 24; at <= SLICE + 4; at++) {
    const tail = '"cart":{"id":"fra-4\\u0032"}}';
    const jsonBody = `{"pad":"${'x'.repeat(at - 9)}",${tail}`;
    const fromJson = chain().send(json([jsonBody, '']));
    assert.deepEqual(headerValues(fromJson.upstream!.headers, 'x-cart-id'), ['fra-42'], `JSON, key at byte ${at}`);
    const formBody = `pad=${'y'.repeat(at - 5)}&cartId=ams-%37f`;
    const fromForm = chain().send({
      method: 'POST',
      path: '/cart',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: [formBody, ''],
    });
    assert.deepEqual(headerValues(fromForm.upstream!.headers, 'x-cart-id'), ['ams-7f'], `form, key at byte ${at}`);
  }
});

test('the cart example: id in a cookie, no body needed', () => {
  const outcome = chain().send({
    method: 'GET',
    path: '/cart',
    headers: [['cookie', 'theme=dark; cart=lon-9; session=s-9']],
  });
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['lon-9']);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-session-id'), ['s-9']);
  assert.equal(outcome.hostCalls['body-keys'].proxy_get_buffer_bytes, undefined);
  // One snapshot of the headers serves every source, the owned ones included.
  assert.equal(outcome.hostCalls['body-keys'].proxy_get_header_map_pairs, 1);
});

test('the cart example over HTTP/2 with the cookie in crumbs: found in the one cookie header Envoy rebuilds', () => {
  // http2/codec_impl.cc reconstituteCrumbledCookies joins the crumbs with "; ".
  const outcome = chain().send({
    method: 'GET',
    path: '/cart',
    stream: { protocol: 'HTTP/2' },
    headers: [
      ['cookie', 'theme=dark'],
      ['cookie', 'cart=lon-9'],
      ['cookie', 'session=s-9'],
    ],
  });
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['lon-9']);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-session-id'), ['s-9']);
});

// The runtime removes only the owned headers the snapshot shows, and every copy of those.
test('owned headers: no removal call when the client sent none, one per name it sent, whatever its case', () => {
  const cookie: [string, string] = ['cookie', 'cart=lon-9; session=s-9'];
  const clean = chain().send({ method: 'GET', path: '/cart', headers: [cookie] });
  assert.equal(clean.hostCalls['body-keys'].proxy_remove_header_map_value, undefined);
  const spoofed = chain().send({
    method: 'GET',
    path: '/cart',
    headers: [cookie, ['X-Cart-Dc', 'fra'], ['x-cart-dc', 'ams'], ['X-SESSION-ID', 'victim']],
  });
  assert.equal(spoofed.hostCalls['body-keys'].proxy_remove_header_map_value, 2);
  assert.deepEqual(headerValues(spoofed.upstream!.headers, 'x-cart-dc'), ['lon']);
  assert.deepEqual(headerValues(spoofed.upstream!.headers, 'x-session-id'), ['s-9']);
});

test('header and query sources come before the body', () => {
  assert.deepEqual(
    headerValues(chain().send(json(CART_BODY, [['x-cart-id', 'hdr-1']])).upstream!.headers, 'x-cart-id'),
    ['hdr-1'],
  );
  assert.deepEqual(
    headerValues(chain().send({ ...json(CART_BODY), path: '/cart?cart=qry-2' }).upstream!.headers, 'x-cart-id'),
    ['qry-2'],
  );
});

test('a spoofed header outside the pattern is not a source, and is replaced', () => {
  const outcome = chain().send(
    json(CART_BODY, [
      ['x-cart-id', 'evil\tvalue'],
      ['x-cart-dc', 'nyc'],
    ]),
  );
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['ams-7f3a9c']);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-dc'), ['ams']);
});

test('no key anywhere: client copies removed, forwarded (default on_missing)', () => {
  const outcome = chain().send(
    json('{"other":1}', [
      ['x-session-id', 'bad value!'],
      ['x-cart-dc', 'nyc'],
    ]),
  );
  assert.equal(outcome.decision, 'continue');
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), []);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-dc'), []);
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-session-id'), []);
});

test('on_missing reject answers with its status', () => {
  const outcome = chain({
    keys: [{ header: 'x-cart-id', sources: [{ json: '/cart/id' }] }],
    on_missing: { action: 'reject', status: 422 },
  }).send(json('{"cart":{}}'));
  assert.equal(outcome.response?.status, 422);
  assert.match(new TextDecoder().decode(outcome.response!.body), /"key_missing"/);
});

test('a split at every byte position of a realistic body gives the same headers', () => {
  const bytes = Buffer.from(CART_BODY);
  const filter = chain();
  for (let cut = 0; cut <= bytes.length; cut++) {
    // Raw byte chunks: some cuts fall inside a multi-byte character.
    const outcome = filter.send(json([bytes.subarray(0, cut), bytes.subarray(cut)]));
    assert.deepEqual(Buffer.from(outcome.upstream!.body), bytes, `cut at ${cut}`);
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['ams-7f3a9c'], `cut at ${cut}`);
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-session-id'), ['s-4711'], `cut at ${cut}`);
  }
});

test('one byte per chunk works too', () => {
  const outcome = chain().send(json([...CART_BODY]));
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['ams-7f3a9c']);
});

test('early release: a key near the start of a 3 MiB body lets the request go without buffering it (no 413)', () => {
  const filler = 'x'.repeat(64 * 1024);
  const chunks = [
    '{"cart":{"id":"ams-1"},"sessionId":"s-1","blob":["',
    ...Array.from({ length: 48 }, () => filler),
    '"]}',
  ];
  const outcome = chain().send(json(chunks));
  assert.equal(outcome.decision, 'continue');
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['ams-1']);
  assert.equal(outcome.upstream!.body.length, chunks.join('').length);
});

test('the limit: a key past max_body_bytes is not waited for; the request goes on without it', () => {
  const config = { keys: [{ header: 'x-cart-id', sources: [{ json: '/cart/id' }] }], max_body_bytes: 4096 };
  const body = `{"pad":"${'p'.repeat(10_000)}","cart":{"id":"ams-9"}}`;
  const outcome = chain(config).send(json([body.slice(0, 3000), body.slice(3000, 6000), body.slice(6000)]));
  assert.equal(outcome.decision, 'continue');
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), []);
  assert.equal(outcome.metrics['body-keys']['wasmcustom.body_keys.limit_reached'].value, 1);
  assert.equal(outcome.upstream!.body.length, body.length);
  const rejected = chain({ ...config, on_limit: { action: 'reject' } }).send(
    json([body.slice(0, 3000), body.slice(3000)]),
  );
  assert.equal(rejected.response?.status, 413);
});

const contentTypes: [string, boolean][] = [
  ['application/json', true],
  ['Application/JSON; charset=utf-8', true],
  // Optional whitespace (RFC 9110 §5.6.3) around the media type, before the parameters.
  ['application/json\t; charset=utf-8', true],
  ['application/json ;charset=utf-8', true],
  ['application/json \t ; charset=utf-8', true],
  ['\tapplication/json', true],
  ['application/vnd.shop.cart+json\t;v=2', true],
  ['application/vnd.shop.cart+json', true],
  ['text/plain', false],
  ['application/xml', false],
];
for (const [type, inspected] of contentTypes) {
  test(`content type ${type}: ${inspected ? 'read' : 'not read'}`, () => {
    const outcome = chain().send({
      method: 'POST',
      path: '/c',
      headers: [['content-type', type]],
      body: '{"cart":{"id":"ams-2"}}',
    });
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), inspected ? ['ams-2'] : []);
  });
}

test('content type application/x-www-form-urlencoded\t;charset=UTF-8: read', () => {
  const outcome = chain().send({
    method: 'POST',
    path: '/c',
    headers: [['content-type', 'application/x-www-form-urlencoded\t;charset=UTF-8']],
    body: 'cartId=ams-3',
  });
  assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['ams-3']);
});

// The limit against a parse error: a document cut at max_body_bytes is unfinished, not malformed,
// and a form value cut there is not a value.
const LIMIT = 100;
const limitConfig = {
  keys: [{ header: 'x-cart-id', sources: [{ json: '/cart/id' }, { form: 'cartId' }] }],
  max_body_bytes: LIMIT,
};
const pastLimit = JSON.stringify({ pad: 'p'.repeat(140), cart: { id: 'ams-9' } });
// Exactly max_body_bytes, the value ending with the body: only the end of the body completes it.
const atLimit = `pad=${'p'.repeat(LIMIT - 17)}&cartId=ams-9`;
const limitRows: {
  name: string;
  type: string;
  body: string | string[];
  trailers?: boolean;
  on?: object;
  cartId: string[];
  status?: number;
  limit: number;
  unparseable: number;
}[] = [
  {
    name: 'a well-formed body with the key past the limit',
    type: 'application/json',
    body: pastLimit,
    cartId: [],
    limit: 1,
    unparseable: 0,
  },
  {
    name: 'the same in two frames',
    type: 'application/json',
    body: [pastLimit.slice(0, 60), pastLimit.slice(60)],
    cartId: [],
    limit: 1,
    unparseable: 0,
  },
  {
    name: 'the same with on_unparseable reject: forwarded',
    type: 'application/json',
    body: pastLimit,
    on: { on_unparseable: { action: 'reject' } },
    cartId: [],
    limit: 1,
    unparseable: 0,
  },
  {
    name: 'the same with on_limit reject: 413',
    type: 'application/json',
    body: pastLimit,
    on: { on_limit: { action: 'reject' }, on_unparseable: { action: 'reject', status: 400 } },
    cartId: [],
    status: 413,
    limit: 1,
    unparseable: 0,
  },
  {
    name: 'a body malformed before the limit is unparseable',
    type: 'application/json',
    body: `{"pad":}${' '.repeat(200)}`,
    cartId: [],
    limit: 0,
    unparseable: 1,
  },
  {
    name: 'a form body of exactly max_body_bytes, then more',
    type: 'application/x-www-form-urlencoded',
    body: [atLimit, '&x=1'],
    cartId: [],
    limit: 1,
    unparseable: 0,
  },
  {
    name: 'a form value cut by the limit is not written',
    type: 'application/x-www-form-urlencoded',
    body: `pad=${'p'.repeat(LIMIT - 16)}&cartId=ams-7f3a9c`,
    cartId: [],
    limit: 1,
    unparseable: 0,
  },
  {
    name: 'a form body of exactly max_body_bytes, then trailers',
    type: 'application/x-www-form-urlencoded',
    body: atLimit,
    trailers: true,
    cartId: ['ams-9'],
    limit: 0,
    unparseable: 0,
  },
  {
    name: 'a form body of exactly max_body_bytes in two frames',
    type: 'application/x-www-form-urlencoded',
    body: [atLimit.slice(0, 50), atLimit.slice(50)],
    cartId: ['ams-9'],
    limit: 0,
    unparseable: 0,
  },
];
for (const row of limitRows) {
  test(`max_body_bytes ${LIMIT}: ${row.name}`, () => {
    if (row.body === atLimit) assert.equal(Buffer.byteLength(atLimit), LIMIT);
    const outcome = chain({ ...limitConfig, ...row.on }).send({
      method: 'POST',
      path: '/c',
      headers: [['content-type', row.type]],
      body: row.body,
      ...(row.trailers ? { trailers: [['x-checksum', '1']] } : {}),
    });
    if (row.status !== undefined) assert.equal(outcome.response?.status, row.status);
    else assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), row.cartId);
    const metrics = outcome.metrics['body-keys'];
    assert.deepEqual(
      [metrics['wasmcustom.body_keys.limit_reached'].value, metrics['wasmcustom.body_keys.unparseable'].value],
      [row.limit, row.unparseable],
    );
  });
}

// JSON values: strings (unescaped) and numbers become the header; true, false, null, objects and
// arrays are no key (the next source is tried, then on_missing).
const valueRows: [string, string, string[]][] = [
  ['null', '{"cart":{"id":null}}', []],
  ['true', '{"cart":{"id":true}}', []],
  ['false', '{"cart":{"id":false}}', []],
  ['an object', '{"cart":{"id":{"v":"ams-1"}}}', []],
  ['an array', '{"cart":{"id":["ams-1"]}}', []],
  ['the string "null"', '{"cart":{"id":"null"}}', ['null']],
  ['a number', '{"cart":{"id":12345}}', ['12345']],
  ['null, then a string in the next source', '{"cart":{"id":null},"alt":"ams-2"}', ['ams-2']],
];
for (const [name, body, cartId] of valueRows) {
  test(`a JSON value that is ${name} → x-cart-id ${JSON.stringify(cartId)}`, () => {
    const config = { keys: [{ header: 'x-cart-id', sources: [{ json: '/cart/id' }, { json: '/alt' }] }] };
    const outcome = chain(config).send(json(body));
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), cartId);
    assert.equal(outcome.metrics['body-keys']['wasmcustom.body_keys.missing'].value, cartId.length === 0 ? 1 : 0);
  });
}

test('on_missing reject: a null key is answered like an absent one', () => {
  const outcome = chain({
    keys: [{ header: 'x-cart-id', sources: [{ json: '/cart/id' }] }],
    on_missing: { action: 'reject' },
  }).send(json('{"cart":{"id":null}}'));
  assert.equal(outcome.response?.status, 400);
});

test('methods and path prefixes decide which bodies are read', () => {
  const config = {
    keys: [{ header: 'x-cart-id', sources: [{ json: '/id' }] }],
    inspect: { methods: ['POST'], path_prefixes: ['/cart/'] },
  };
  assert.deepEqual(
    headerValues(chain(config).send({ ...json('{"id":"a-1"}'), path: '/cart/x' }).upstream!.headers, 'x-cart-id'),
    ['a-1'],
  );
  assert.deepEqual(
    headerValues(chain(config).send({ ...json('{"id":"a-1"}'), path: '/other' }).upstream!.headers, 'x-cart-id'),
    [],
  );
  assert.deepEqual(
    headerValues(
      chain(config).send({ ...json('{"id":"a-1"}'), method: 'PUT', path: '/cart/x' }).upstream!.headers,
      'x-cart-id',
    ),
    [],
  );
});

// Each with the cart id it yields: none, except a number, which the README makes a value as written.
const hostile: [string, string, string[]][] = [
  ['deep nesting', '['.repeat(10_000), []],
  ['a huge string', `{"cart":{"id":"${'a'.repeat(100_000)}"}}`, []],
  ['truncated', '{"cart":{"id":"ams', []],
  ['garbage', '\u0000\u0001{{{"cart"::', []],
  ['a number where a string is expected', '{"cart":{"id":12345}}', ['12345']],
  ['an object where the value is expected', '{"cart":{"id":{"x":"ams-1"}}}', []],
];
for (const [name, body, cartId] of hostile) {
  test(`hostile JSON (${name}): no trap, and only a value the pattern allows`, () => {
    const filter = chain();
    const outcome = filter.send(json(body));
    assert.equal(filter.plugins[0].vm.failed, false);
    assert.equal(outcome.decision, 'continue');
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), cartId);
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-dc'), []);
  });
}

test('a malformed body with on_unparseable reject is answered 400', () => {
  const outcome = chain({
    keys: [{ header: 'x-cart-id', sources: [{ json: '/cart/id' }] }],
    on_unparseable: { action: 'reject' },
  }).send(json('{"cart":'));
  assert.equal(outcome.response?.status, 400);
});

test('without allow_on_headers_stop_iteration a body key stalls the request, as Envoy would', () => {
  const outcome = chain(example, { allowOnHeadersStopIteration: false }).send(json(CART_BODY));
  assert.equal(outcome.decision, 'stalled');
});

test('metrics count keys by source', () => {
  const filter = chain();
  filter.send(json(CART_BODY));
  filter.send({ method: 'GET', path: '/', headers: [['cookie', 'cart=a-1; session=s']] });
  const metrics = filter.send({ method: 'GET', path: '/' }).metrics['body-keys'];
  const value = (name: string) => metrics[`wasmcustom.body_keys.${name}`].value;
  assert.deepEqual(['found.json', 'found.cookie', 'missing'].map(value), [2, 2, 2]);
});
