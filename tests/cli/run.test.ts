// `route-keys run`: one request through one module or a chain, printed as one JSON object.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { routeKeys } from '../support/cli.ts';
import { ROOT } from '../support/modules.ts';

const dir = mkdtempSync(join(tmpdir(), 'route-keys-cli-'));
const module = (name: string) => join(ROOT, 'dist', 'test', `${name}.wasm`);

function requestFile(name: string, request: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(request));
  return `@${path}`;
}

async function cli(...args: string[]) {
  const result = await routeKeys(...args);
  return { ...result, json: () => JSON.parse(result.stdout) };
}

const plain = requestFile('plain.json', {
  method: 'GET',
  path: '/a',
  headers: [
    ['x-a', '1'],
    ['x-a', '2'],
  ],
});
const withBody = requestFile('body.json', {
  method: 'POST',
  path: '/cart',
  headers: [['x-raw-mode', 'stop']],
  body: ['{"cart":', '"c-1"}'],
});

test('a WAT module: the documented fields, upstream headers in order', async () => {
  const result = await cli('run', '--wasm', module('raw-abi'), '--root-id', 'raw', '--request', plain);
  assert.equal(result.status, 0, result.stderr);
  const report = result.json();
  assert.deepEqual(Object.keys(report), [
    'decision',
    'status',
    'upstream',
    'response',
    'stall',
    'route_cache_clears',
    'host_calls',
    'errors',
    'codec_counters',
    'logs',
    'metrics',
    'unsupported',
  ]);
  assert.equal(report.decision, 'continue');
  assert.equal(report.status, null);
  assert.deepEqual(report.upstream.headers.slice(0, 6), [
    [':method', 'GET'],
    [':scheme', 'http'],
    [':authority', 'example.com'],
    [':path', '/a'],
    ['x-a', '1'],
    ['x-a', '2'],
  ]);
  assert.deepEqual(
    report.upstream.headers.find(([n]: string[]) => n === 'x-raw-count'),
    ['x-raw-count', '8'],
  );
  assert.equal(report.response.status, 200);
});

test('a chain of two modules runs in the order given', async () => {
  const result = await cli(
    'run',
    '--wasm',
    module('add-header'),
    '--root-id',
    'first',
    '--config',
    'one',
    '--wasm',
    module('add-header'),
    '--root-id',
    'second',
    '--config',
    'two',
    '--request',
    plain,
  );
  assert.equal(result.status, 0, result.stderr);
  const added = result
    .json()
    .upstream.headers.filter(([n]: string[]) => n === 'x-added-by')
    .map(([, v]: string[]) => v);
  assert.deepEqual(added, ['one', 'two']);
});

test('--config @FILE reads the configuration from a file', async () => {
  const config = join(dir, 'config.txt');
  writeFileSync(config, 'from-file');
  const result = await cli('run', '--wasm', module('add-header'), '--config', `@${config}`, '--request', plain);
  assert.deepEqual(
    result.json().upstream.headers.find(([n]: string[]) => n === 'x-added-by'),
    ['x-added-by', 'from-file'],
  );
});

test('a trapping module: 503 with FAIL_CLOSED, passed through with --fail-open', async () => {
  const closed = await cli('run', '--wasm', module('trap'), '--request', plain);
  assert.equal(closed.status, 0, closed.stderr);
  assert.equal(closed.json().decision, 'local_reply');
  assert.equal(closed.json().status, 503);
  assert.equal(closed.json().response.details, 'wasm_fail_stream');
  const open = await cli('run', '--wasm', module('trap'), '--fail-open', '--request', plain);
  assert.equal(open.json().decision, 'continue');
});

test('StopIteration then a header set from the body: reaches upstream with --allow-stop-iteration, stalled without', async () => {
  for (const name of ['raw-abi', 'stop-then-body']) {
    const allowed = (await cli('run', '--wasm', module(name), '--allow-stop-iteration', '--request', withBody)).json();
    assert.equal(allowed.decision, 'continue', name);
    assert.ok(
      allowed.upstream.headers.some(([n]: string[]) => n === 'x-raw-body' || n === 'x-from-body'),
      name,
    );
    const stalled = (await cli('run', '--wasm', module(name), '--request', withBody)).json();
    assert.equal(stalled.decision, 'stalled', name);
    assert.equal(stalled.upstream, null, name);
    assert.equal(stalled.stall.phase, 'request_headers', name);
  }
});

test('errors are one line on stderr and exit 1, never a stack trace', async () => {
  const cases: [string[], RegExp][] = [
    [
      ['run', '--wasm', join(dir, 'missing.wasm'), '--request', plain],
      /^route-keys: cannot read .*missing\.wasm: ENOENT\n$/,
    ],
    [
      ['run', '--wasm', module('raw-abi'), '--request', requestFile('bad.json', {}).replace('bad.json', 'nope.json')],
      /^route-keys: cannot read .*nope\.json: ENOENT\n$/,
    ],
    [
      ['run', '--wasm', join(ROOT, 'package.json'), '--request', plain],
      /^route-keys: .*package\.json: not a WebAssembly module: .*\n$/,
    ],
    [
      ['run', '--wasm', module('raw-abi'), '--root-id', 'a', '--root-id', 'b', '--request', plain],
      /^route-keys: --root-id was given 2 time\(s\) for 1 --wasm module\(s\).*\n$/,
    ],
  ];
  const invalid = join(dir, 'invalid.json');
  writeFileSync(invalid, '{"path": ');
  cases.push([
    ['run', '--wasm', module('raw-abi'), '--request', `@${invalid}`],
    /^route-keys: .*invalid\.json is not valid JSON: .*\n$/,
  ]);
  cases.push([
    ['run', '--wasm', module('raw-abi'), '--request', requestFile('shape.json', { headers: [['only-name']] })],
    /^route-keys: invalid request file .*shape\.json: \/headers\/0 .*\n$/,
  ]);
  cases.push([
    [
      'run',
      '--wasm',
      module('raw-abi'),
      '--request',
      requestFile('space.json', {
        headers: [
          ['x-a', '1'],
          ['x-tenant-id ', 'globex'],
        ],
      }),
    ],
    /^route-keys: invalid request file .*space\.json: \/headers\/1 "x-tenant-id ": the name has a space at byte 11.*Envoy's codecs refuse such a header\n$/,
  ]);
  cases.push([
    [
      'run',
      '--wasm',
      module('raw-abi'),
      '--request',
      requestFile('crlf.json', { body: 'x', trailers: [['x-sum', 'a\r\nb']] }),
    ],
    /^route-keys: invalid request file .*crlf\.json: \/trailers\/0 "x-sum": the value has CR at byte 1.*\n$/,
  ]);
  for (const [args, pattern] of cases) {
    const result = await cli(...args);
    assert.equal(result.status, 1, args.join(' '));
    assert.match(result.stderr, pattern);
    assert.equal(result.stdout, '');
  }
});

test('a configuration the plugin rejects exits 2 and shows its log lines', async () => {
  const result = await cli('run', '--wasm', module('add-header'), '--request', plain);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /configuration rejected/);
  assert.match(result.stderr, /empty configuration refused/);
});

test('host calls the host does not model are listed in the report and named in one stderr line', async () => {
  const result = await cli('run', '--wasm', module('callout-probe'), '--config', 'grpc tick', '--request', plain);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.json().unsupported, ['proxy_grpc_call']);
  const warnings = result.stderr.split('\n').filter((line) => line.includes('does not model'));
  assert.equal(warnings.length, 1, result.stderr);
  assert.match(warnings[0], /proxy_grpc_call/);
});

test('a run that uses only modelled host calls prints no warning', async () => {
  const result = await cli('run', '--wasm', module('raw-abi'), '--root-id', 'raw', '--request', plain);
  assert.deepEqual(result.json().unsupported, []);
  assert.equal(result.stderr, '');
});

test('a module that calls out: the request file answers the call, and run gives the continue or the reply Envoy would', async () => {
  const asking = { method: 'GET', path: '/orders', headers: [['x-user', 'alice']] };
  const allowed = requestFile('allowed.json', {
    ...asking,
    callouts: [{ cluster: 'auth', expect: { path: '/check' }, response: { status: 200, body: 'alice-ok' } }],
  });
  const continued = await cli('run', '--wasm', module('callout-probe'), '--config', 'http', '--request', allowed);
  assert.equal(continued.status, 0, continued.stderr);
  assert.equal(continued.json().decision, 'continue');
  assert.deepEqual(
    continued.json().upstream.headers.find(([n]: string[]) => n === 'x-auth'),
    ['x-auth', 'alice-ok'],
  );
  assert.equal(continued.stderr, '');

  const denied = requestFile('denied.json', { ...asking, callouts: [{ cluster: 'auth', response: { status: 401 } }] });
  const replied = await cli('run', '--wasm', module('callout-probe'), '--config', 'http', '--request', denied);
  assert.equal(replied.json().decision, 'local_reply');
  assert.equal(replied.json().status, 403);
});

test('a module that makes a gRPC call: the request file answers it, and run gives the continue or the reply Envoy would', async () => {
  const asking = { method: 'GET', path: '/orders', headers: [['x-user', 'alice']] };
  const expect = { service: 'authz.v1.Authz', method: 'Check', metadata: [['x-user', 'alice']] };
  // "allow-alice" in base64, as a serialized protobuf message would be given.
  const allow = { base64: Buffer.from('allow-alice').toString('base64') };
  const allowed = requestFile('grpc-allowed.json', {
    ...asking,
    callouts: [{ cluster: 'authz', grpc: { expect, messages: [allow] } }],
  });
  const continued = await cli(
    'run',
    '--wasm',
    module('grpc-probe'),
    '--root-id',
    'grpc',
    '--config',
    'call',
    '--request',
    allowed,
  );
  assert.equal(continued.status, 0, continued.stderr);
  assert.equal(continued.json().decision, 'continue');
  assert.deepEqual(
    continued.json().upstream.headers.find(([n]: string[]) => n === 'x-authz'),
    ['x-authz', 'allow-alice'],
  );
  assert.equal(continued.stderr, '');

  const closed = requestFile('grpc-denied.json', {
    ...asking,
    callouts: [{ cluster: 'authz', grpc: { status: 7, message: 'no tenant' } }],
  });
  const replied = await cli(
    'run',
    '--wasm',
    module('grpc-probe'),
    '--root-id',
    'grpc',
    '--config',
    'stream',
    '--request',
    closed,
  );
  assert.equal(replied.json().decision, 'local_reply');
  assert.equal(replied.json().status, 503);
  assert.equal(replied.json().response.body, 'authz closed: 7 no tenant');
});

test('upstream_response with body frames and trailers reaches the plugins frame by frame', async () => {
  const framed = requestFile('framed.json', {
    upstream_response: { status: 200, body: ['ab', 'cd'], trailers: [['grpc-status', '0']] },
  });
  const result = await cli(
    'run',
    '--wasm',
    module('edge-probe'),
    '--config',
    'response_body:release',
    '--request',
    framed,
  );
  assert.equal(result.status, 0, result.stderr);
  const report = result.json();
  assert.equal(report.response.body, 'abcd');
  const bodyLogs = report.logs
    .map((l: { message: string }) => l.message)
    .filter((m: string) => m.startsWith('on_response_body'));
  // With trailers to come, no data frame ends the stream (Envoy end_stream), and the buffer grows.
  assert.deepEqual(bodyLogs, ['on_response_body 2', 'on_response_body 4']);
});

test('advance_ms in the request file moves the clock: on_tick runs once per period passed', async () => {
  const later = requestFile('later.json', { advance_ms: 3500 });
  const result = await cli('run', '--wasm', module('callout-probe'), '--config', 'tick', '--request', later);
  assert.equal(result.status, 0, result.stderr);
  const ticks = result.json().logs.filter((l: { message: string }) => l.message === 'on_tick');
  assert.equal(ticks.length, 3);
});

test('a header a filter writes with CR LF is in errors, and the request is not forwarded', async () => {
  const result = await cli(
    'run',
    '--wasm',
    module('bad-write'),
    '--root-id',
    'writer',
    '--config',
    'c',
    '--request',
    plain,
  );
  assert.equal(result.status, 0, result.stderr);
  const report = result.json();
  assert.deepEqual(report.errors, [
    'writer wrote request header "x-tenant-id": "a\\r\\nb": the value has CR at byte 1',
  ]);
  assert.equal(report.decision, 'local_reply');
  assert.equal(report.status, 503);
  assert.equal(report.upstream, null);
  assert.deepEqual(
    (await cli('run', '--wasm', module('raw-abi'), '--root-id', 'raw', '--request', plain)).json().errors,
    [],
  );
});
