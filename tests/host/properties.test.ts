// Properties as Envoy encodes them: NUL-separated paths, raw strings, 8-byte little-endian
// integers, one-byte booleans, maps in the pairs serialization.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain, type HttpRequest } from '../../host/index.ts';
import { encodePairs } from '../../host/pairs.ts';
import { header, load, testModule } from '../support/modules.ts';

const probe = new FilterChain([
  load(testModule('property-probe'), { rootId: 'props', name: 'props-plugin', vmId: 'vm-1' }),
]);
const hex = (text: string) => Buffer.from(text).toString('hex');
const int64 = (n: number) => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b.toString('hex');
};

function read(path: string[], request: HttpRequest = {}): { status: string; hex: string } {
  const outcome = probe.send({ ...request, headers: [...(request.headers ?? []), ['x-prop', path.join('|')]] });
  return {
    status: header(outcome.upstream!.headers, 'x-prop-status')!,
    hex: header(outcome.upstream!.headers, 'x-prop-hex')!,
  };
}

const cases: [string, string[], HttpRequest, string, string][] = [
  ['plugin_name', ['plugin_name'], {}, '0', hex('props-plugin')],
  ['plugin_root_id', ['plugin_root_id'], {}, '0', hex('props')],
  ['plugin_vm_id', ['plugin_vm_id'], {}, '0', hex('vm-1')],
  ['request.path with the query', ['request', 'path'], { path: '/a/b?c=1' }, '0', hex('/a/b?c=1')],
  ['request.url_path without it', ['request', 'url_path'], { path: '/a/b?c=1' }, '0', hex('/a/b')],
  ['request.query', ['request', 'query'], { path: '/a/b?c=1' }, '0', hex('c=1')],
  ['request.method', ['request', 'method'], { method: 'PATCH' }, '0', hex('PATCH')],
  [
    'request.host is :authority',
    ['request', 'host'],
    { authority: 'shop.example.com:8443' },
    '0',
    hex('shop.example.com:8443'),
  ],
  ['request.protocol', ['request', 'protocol'], {}, '0', hex('HTTP/1.1')],
  [
    'source.address is ip:port',
    ['source', 'address'],
    { stream: { sourceAddress: '192.0.2.7:40123' } },
    '0',
    hex('192.0.2.7:40123'),
  ],
  [
    'source.port is an 8-byte integer',
    ['source', 'port'],
    { stream: { sourceAddress: '192.0.2.7:40123' } },
    '0',
    int64(40123),
  ],
  [
    'destination.port',
    ['destination', 'port'],
    { stream: { destinationAddress: '[2001:db8::1]:8080' } },
    '0',
    int64(8080),
  ],
  ['connection.mtls is one byte', ['connection', 'mtls'], { stream: { mtls: true } }, '0', '01'],
  [
    'a jwt_authn payload claim in metadata',
    ['metadata', 'filter_metadata', 'envoy.filters.http.jwt_authn', 'p', 'tenant'],
    { stream: { filterMetadata: { 'envoy.filters.http.jwt_authn': { p: { tenant: 'acme' } } } } },
    '0',
    hex('acme'),
  ],
  [
    'a number in metadata is an 8-byte double',
    ['metadata', 'filter_metadata', 'ns', 'n'],
    { stream: { filterMetadata: { ns: { n: 1.5 } } } },
    '0',
    Buffer.from(new Float64Array([1.5]).buffer).toString('hex'),
  ],
  ['an unknown name is NotFound', ['no_such'], {}, '1', ''],
  ['a dotted path is one unknown name: NotFound', ['request.path'], {}, '1', ''],
  ['an unknown field is NotFound', ['request', 'nope'], {}, '1', ''],
];

for (const [name, path, request, status, value] of cases) {
  test(`property ${name}`, () => {
    assert.deepEqual(read(path, request), { status, hex: value });
  });
}

test('request.headers is a map in the pairs serialization, repeated values joined with a comma', () => {
  const { status, hex: value } = read(['request', 'headers'], {
    headers: [
      ['a', '1'],
      ['a', '2'],
    ],
    requestId: 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
  });
  assert.equal(status, '0');
  const bytes = Buffer.from(value, 'hex');
  const expected = Buffer.from(
    encodePairs([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':authority', 'example.com'],
      [':path', '/'],
      ['a', '1,2'],
      ['x-prop', 'request|headers'],
      ['x-forwarded-proto', 'http'],
      ['x-request-id', 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
    ]),
  );
  assert.deepEqual(bytes, expected);
});

test('proxy_set_property writes filter state that a later read finds under its name', () => {
  const outcome = probe.send({
    headers: [
      ['x-set-prop', 'route.key=blue'],
      ['x-prop', 'route.key'],
    ],
  });
  assert.equal(header(outcome.upstream!.headers, 'x-prop-status'), '0');
  assert.equal(header(outcome.upstream!.headers, 'x-prop-hex'), hex('blue'));
});
