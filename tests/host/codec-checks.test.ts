// What Envoy's codecs refuse: a request whose header names or values they reject never reaches a
// filter (400), and a header a filter writes with CR, LF, NUL or a bad name is reported in the
// outcome's errors and refused by the upstream codec (503), never forwarded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, type HttpRequest } from '../../host/index.ts';
import { header, load, testModule } from '../support/modules.ts';

const raw = () => load(testModule('raw-abi'), { rootId: 'raw' });

const refused: [string, HttpRequest, string, RegExp][] = [
  [
    'a name with a trailing space',
    { headers: [['x-tenant-id ', 'globex']] },
    'http1.codec_error',
    /request header "x-tenant-id ": the name has a space at byte 11/,
  ],
  ['a name with a colon', { headers: [['x:a', '1']] }, 'http1.codec_error', /request header "x:a": the name has ":"/],
  ['an empty name', { headers: [['', '1']] }, 'http1.codec_error', /request header "": the name is empty/],
  [
    'a value with CR LF',
    { headers: [['x-tenant-id', 'a\r\nx-admin: 1']] },
    'http1.invalid_characters',
    /request header "x-tenant-id": the value has CR at byte 1/,
  ],
  [
    'a value with NUL',
    { headers: [['x-session-id', 'a\0b']] },
    'http1.invalid_characters',
    /request header "x-session-id": the value has NUL/,
  ],
  ['a value with DEL', { headers: [['x-a', 'a\x7fb']] }, 'http1.invalid_characters', /the value has byte 0x7f/],
  [
    'a trailer with LF',
    { body: 'x', trailers: [['x-checksum', '1\n2']] },
    'http1.invalid_characters',
    /request trailer "x-checksum": the value has LF/,
  ],
  ['a method that is not a token', { method: 'GE T' }, 'http1.codec_error', /method "GE T"/],
  ['a path with a space', { path: '/a b' }, 'http1.codec_error', /path "\/a b"/],
];

for (const [name, request, details, error] of refused) {
  test(`${name}: the codec answers 400 before any filter runs, and the error names the header`, () => {
    const plugin = raw();
    const outcome = new FilterChain([plugin]).send(request);
    assert.equal(outcome.decision, 'local_reply');
    assert.equal(outcome.response!.status, 400);
    assert.equal(outcome.response!.details, details);
    assert.equal(outcome.upstream, null);
    assert.deepEqual(outcome.hostCalls.raw, {});
    assert.equal(outcome.errors.length, 1);
    assert.match(outcome.errors[0]!, error);
  });
}

test('values reach filters without the whitespace around them, as the HTTP/1 codec trims it; tabs inside stay', () => {
  const outcome = new FilterChain([raw()]).send({
    headers: [
      ['X-Cart-Id', ' \tams-7f \t x '],
      ['x-empty', '   '],
    ],
  });
  assert.equal(outcome.decision, 'continue');
  assert.equal(header(outcome.upstream!.headers, 'x-cart-id'), 'ams-7f \t x');
  assert.equal(header(outcome.upstream!.headers, 'x-empty'), '');
  assert.deepEqual(outcome.errors, []);
});

test('UTF-8 in a value (obs-text bytes) is accepted, as nghttp2_check_header_value accepts 0x80-0xFF', () => {
  const outcome = new FilterChain([raw()]).send({ headers: [['x-name', 'Zoë']] });
  assert.equal(outcome.decision, 'continue');
  assert.equal(header(outcome.upstream!.headers, 'x-name'), 'Zoë');
});

const badWrite = (mode: string) => load(testModule('bad-write'), { rootId: 'writer', configuration: mode });

const writes: [string, string, RegExp, string][] = [
  [
    'a value with CR LF',
    'c',
    /^writer wrote request header "x-tenant-id": "a\\r\\nb": the value has CR at byte 1$/,
    'filter_removed_required_request_headers{invalid_header_value_for:_x-tenant-id}',
  ],
  [
    'a value with NUL',
    'n',
    /^writer wrote request header "x-tenant-id": "a\\u0000b": the value has NUL at byte 1$/,
    'filter_removed_required_request_headers{invalid_header_value_for:_x-tenant-id}',
  ],
  [
    'a name with a trailing space',
    's',
    /^writer wrote request header "x-tenant-id ": "acme": the name has a space at byte 11/,
    'filter_removed_required_request_headers{invalid_header_name:_x-tenant-id_}',
  ],
];

for (const [name, mode, error, details] of writes) {
  test(`a filter that writes ${name}: reported in errors, and the upstream codec's refusal is a 503, nothing forwarded`, () => {
    const outcome = new FilterChain([badWrite(mode)]).send({ headers: [['x-a', '1']] });
    assert.equal(outcome.decision, 'local_reply');
    assert.equal(outcome.response!.status, 503);
    assert.equal(outcome.response!.details, details);
    assert.equal(outcome.upstream, null);
    assert.equal(outcome.errors.length, 1);
    assert.match(outcome.errors[0]!, error);
  });
}

test('a bad value replaced by a good one before the router: still reported, and the request goes on', () => {
  const outcome = new FilterChain([badWrite('f')]).send({});
  assert.equal(outcome.decision, 'continue');
  assert.equal(header(outcome.upstream!.headers, 'x-tenant-id'), 'acme');
  assert.deepEqual(outcome.errors, [
    'writer wrote request header "x-tenant-id": "a\\r\\nb": the value has CR at byte 1',
  ]);
});

test('proxy_set_header_map_pairs and response-header writes are checked too', () => {
  assert.match(
    new FilterChain([badWrite('p')]).send({}).errors.join('\n'),
    /^writer wrote request header "x-tenant-id": "a\\r\\nb": the value has CR/,
  );
  const response = new FilterChain([badWrite('r')]).send({});
  assert.deepEqual(response.errors, ['writer wrote response header "x-bad": "a\\nb": the value has LF at byte 1']);
});

test('a filter that writes only valid headers leaves errors empty', () => {
  const outcome = new FilterChain([raw()]).send({ headers: [['x-a', '1']] });
  assert.deepEqual(outcome.errors, []);
});
