// For any body cut into any chunks: no trap, output values only within the pattern, memory bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterChain, type HttpRequest } from '../../../host/index.ts';
import { propertyOptions } from '../../../tests/support/fuzz.ts';
import { headerValues, load, pluginModule } from '../../../tests/support/modules.ts';

const config = JSON.stringify({
  keys: [
    {
      header: 'x-cart-id',
      sources: [{ header: 'x-cart-id' }, { json: '/cart/id' }, { form: 'cart' }],
      pattern: '^[a-z0-9-]{1,16}$',
      derived: { header: 'x-cart-dc' },
    },
    { header: 'x-session-id', sources: [{ json: '/s' }], pattern: '^[a-z]{1,8}$' },
  ],
  max_body_bytes: 2048,
});

// Bodies from noise to nearly right, cut at random places.
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify({ cart: { id: v }, s: v })),
  fc.json({ maxDepth: 8 }),
  fc.string({ maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('{', '[', '"', '\\', ':', ',', 'a', '1', '}', ']', 'u', ' '), maxLength: 300 }),
  fc.string({ maxLength: 40 }).map((v) => `cart=${encodeURIComponent(v)}&x=1`),
);
const chunked = body.chain((text) => {
  const bytes = Buffer.from(text);
  return fc.uniqueArray(fc.integer({ min: 0, max: bytes.length }), { maxLength: 6 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
    return points.slice(1).map((end, i) => new Uint8Array(bytes.subarray(points[i], end)));
  });
});
const contentType = fc.constantFrom(
  'application/json',
  'application/x-www-form-urlencoded',
  'application/problem+json',
);

test('any body in any chunks: no trap, values within their patterns, memory bounded', () => {
  const plugin = load(pluginModule('body-keys'), {
    rootId: 'body-keys',
    configuration: config,
    allowOnHeadersStopIteration: true,
  });
  const chain = new FilterChain([plugin]);
  fc.assert(
    fc.property(
      chunked,
      contentType,
      fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      (chunks, type, spoof) => {
        const headers: [string, string][] = [['content-type', type]];
        if (spoof !== undefined) headers.push(['x-cart-dc', spoof], ['x-session-id', spoof]);
        const outcome = chain.send({ method: 'POST', path: '/cart', headers, body: chunks });
        assert.equal(plugin.vm.failed, false, plugin.vm.failure ?? '');
        assert.equal(outcome.decision, 'continue');
        for (const v of headerValues(outcome.upstream!.headers, 'x-cart-id')) assert.match(v, /^[a-z0-9-]{1,16}$/);
        for (const v of headerValues(outcome.upstream!.headers, 'x-cart-dc')) assert.match(v, /^[a-z0-9]{1,16}$/);
        for (const v of headerValues(outcome.upstream!.headers, 'x-session-id')) assert.match(v, /^[a-z]{1,8}$/);
      },
    ),
    propertyOptions(),
  );
});

test('linear memory stays bounded whatever the body size', () => {
  const plugin = load(pluginModule('body-keys'), {
    rootId: 'body-keys',
    configuration: config,
    allowOnHeadersStopIteration: true,
  });
  const chain = new FilterChain([plugin], { bufferLimitBytes: 64 * 1024 * 1024 });
  const send = (size: number) =>
    chain.send({
      method: 'POST',
      path: '/c',
      headers: [['content-type', 'application/json']],
      body: [`{"pad":"${'x'.repeat(size)}`, '","cart":{"id":"a-1"}}'],
    });
  send(1024);
  const warm = plugin.vm.memoryBytes;
  for (const size of [64 * 1024, 1024 * 1024, 8 * 1024 * 1024]) send(size);
  assert.ok(plugin.vm.memoryBytes <= warm + 64 * 1024, `${warm} → ${plugin.vm.memoryBytes}`);
});

// The module frees garbage only between callbacks: a body read to its end, stream after stream,
// must not pile up its slices until some stream count comes round.
test('linear memory stays bounded over many streams that read a large body to the end', () => {
  const plugin = load(pluginModule('body-keys'), {
    rootId: 'body-keys',
    configuration: JSON.stringify({
      keys: [{ header: 'x-cart-id', sources: [{ json: '/cart/id' }] }],
      max_body_bytes: 1024 * 1024,
    }),
    allowOnHeadersStopIteration: true,
  });
  const chain = new FilterChain([plugin], { bufferLimitBytes: 4 * 1024 * 1024 });
  const bytes = Buffer.from(`{"pad":"${'x'.repeat(256 * 1024)}","cart":{"id":"a-1"}}`);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16 * 1024) frames.push(new Uint8Array(bytes.subarray(i, i + 16 * 1024)));
  const request: HttpRequest = {
    method: 'POST',
    path: '/c',
    headers: [['content-type', 'application/json']],
    body: frames,
  };
  for (let i = 0; i < 100; i++) {
    const outcome = chain.send(request);
    assert.deepEqual(headerValues(outcome.upstream!.headers, 'x-cart-id'), ['a-1']);
  }
  assert.ok(plugin.vm.memoryBytes <= 1024 * 1024, `${plugin.vm.memoryBytes} bytes after 100 streams`);
});

// The spoof property, over every way a request can end (headers only, body, body then trailers),
// any frame split, allow_on_headers_stop_iteration on and off, and on_missing / on_unparseable
// forward and reject: client copies of every owned header (repeated, in any case, any value)
// never reach upstream; written values match their patterns; no trap; a stall only where Envoy
// stalls (a body to read without allow_on_headers_stop_iteration).
const spoofConfig = (onMissing: string, onUnparseable: string, maxBodyBytes: number) =>
  JSON.stringify({
    keys: [
      {
        header: 'x-cart-id',
        sources: [
          { header: 'x-cart-id' },
          { cookie: 'cart' },
          { query: 'cart' },
          { json: '/cart/id' },
          { form: 'cartId' },
        ],
        pattern: '^[A-Za-z0-9._-]{1,64}$',
        derived: { header: 'x-cart-dc', until: '-' },
      },
      {
        header: 'x-session-id',
        sources: [{ cookie: 'session' }, { json: '/sessionId' }, { form: 'session' }],
        pattern: '^[a-z0-9-]{1,32}$',
      },
    ],
    max_body_bytes: maxBodyBytes,
    on_missing: { action: onMissing },
    on_unparseable: { action: onUnparseable },
  });
const CART_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const SESSION_PATTERN = /^[a-z0-9-]{1,32}$/;
const OWNED = ['x-cart-id', 'x-cart-dc', 'x-session-id'];

const plugins = new Map<string, ReturnType<typeof load>>();
function spoofPlugin(allowStop: boolean, onMissing: string, onUnparseable: string, maxBodyBytes: number) {
  const id = `${allowStop}/${onMissing}/${onUnparseable}/${maxBodyBytes}`;
  let plugin = plugins.get(id);
  if (plugin === undefined) {
    plugin = load(pluginModule('body-keys'), {
      rootId: 'body-keys',
      name: 'body-keys',
      configuration: spoofConfig(onMissing, onUnparseable, maxBodyBytes),
      allowOnHeadersStopIteration: allowStop,
    });
    plugins.set(id, plugin);
  }
  return plugin;
}

const printable = fc.constantFrom(...Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)));
// Values a client may send: anything visible, or values the patterns allow.
const spoofValue = fc.oneof(
  fc.string({ unit: fc.oneof(printable, fc.constant(' ')), minLength: 1, maxLength: 40 }).map((v) => v.trim() || 'x'),
  fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  fc.stringMatching(/^[a-z]{3}-[A-Za-z0-9]{1,8}$/),
);
const mixedCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));
const spoofCopies = fc.array(
  fc.constantFrom(...OWNED).chain((name) => fc.tuple(mixedCase(name), spoofValue, fc.integer({ min: 1, max: 3 }))),
  { maxLength: 6 },
);

const legit = fc.record({
  cart: fc
    .tuple(fc.constantFrom('ams', 'fra', 'lon'), fc.stringMatching(/^[0-9a-f]{4,10}$/))
    .map(([dc, id]) => `${dc}-${id}`),
  session: fc.stringMatching(/^s-[0-9]{1,6}$/),
  cartIn: fc.subarray(['cookie', 'query', 'body'] as const),
  sessionIn: fc.subarray(['cookie', 'body'] as const),
  nullSession: fc.boolean(),
});

const ending = fc.constantFrom('headers only', 'body', 'body then trailers', 'trailers only');
const bodyShape = fc.record({
  kind: fc.constantFrom('json', 'form', 'noise'),
  type: fc.constantFrom(
    'application/json',
    'application/json\t; charset=utf-8',
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded ;charset=UTF-8',
    'text/plain',
  ),
  pad: fc.integer({ min: 0, max: 160 }),
  sessionFirst: fc.boolean(),
  noise: fc.string({ maxLength: 80 }),
  cuts: fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 5 }),
});

function makeBody(
  shape: { kind: string; pad: number; sessionFirst: boolean; noise: string },
  cart: string | null,
  session: string | null,
  nullSession: boolean,
): string {
  const pad = 'p'.repeat(shape.pad);
  if (shape.kind === 'noise') return shape.noise;
  if (shape.kind === 'json') {
    const parts = [`"pad":"${pad}"`];
    const sessionPart = session !== null ? `"sessionId":${nullSession ? 'null' : JSON.stringify(session)}` : null;
    if (sessionPart && shape.sessionFirst) parts.push(sessionPart);
    if (cart !== null) parts.push(`"cart":{"id":${JSON.stringify(cart)}}`);
    if (sessionPart && !shape.sessionFirst) parts.push(sessionPart);
    return `{${parts.join(',')}}`;
  }
  const fields = [`pad=${pad}`];
  if (session !== null && shape.sessionFirst) fields.push(`session=${session}`);
  if (cart !== null) fields.push(`cartId=${cart}`);
  if (session !== null && !shape.sessionFirst) fields.push(`session=${session}`);
  return fields.join('&');
}

function frames(text: string, cuts: number[]): Uint8Array[] {
  const bytes = Buffer.from(text);
  const points = [0, ...cuts.filter((c) => c <= bytes.length).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => new Uint8Array(bytes.subarray(points[i], end)));
}

test('spoofed owned headers never reach upstream: any ending, any frames, any stop mode, any on_* action', () => {
  fc.assert(
    fc.property(
      fc.record({
        allowStop: fc.boolean(),
        onMissing: fc.constantFrom('forward', 'reject'),
        onUnparseable: fc.constantFrom('forward', 'reject'),
        maxBodyBytes: fc.constantFrom(64, 4096),
        method: fc.constantFrom('POST', 'PUT', 'GET'),
        ending,
        spoof: spoofCopies,
        trailerSpoof: spoofCopies,
        legit,
        body: bodyShape,
        order: fc.boolean(),
      }),
      ({
        allowStop,
        onMissing,
        onUnparseable,
        maxBodyBytes,
        method,
        ending,
        spoof,
        trailerSpoof,
        legit,
        body,
        order,
      }) => {
        const spoofed = spoof.flatMap(([name, value, times]) =>
          Array.from({ length: times }, (): [string, string] => [name, value]),
        );
        fc.pre(
          spoofed.every(
            ([, value]) => value !== legit.cart && value !== legit.session && value !== legit.cart.split('-')[0],
          ),
        );
        const plugin = spoofPlugin(allowStop, onMissing, onUnparseable, maxBodyBytes);
        const cookies = [
          ...(legit.cartIn.includes('cookie') ? [`cart=${legit.cart}`] : []),
          ...(legit.sessionIn.includes('cookie') ? [`session=${legit.session}`] : []),
        ];
        const headers: [string, string][] = [
          ['content-type', body.type],
          ...(cookies.length > 0 ? [['cookie', cookies.join('; ')] as [string, string]] : []),
        ];
        const all = order ? [...spoofed, ...headers] : [...headers, ...spoofed];
        const hasBody = ending === 'body' || ending === 'body then trailers';
        const hasTrailers = ending === 'body then trailers' || ending === 'trailers only';
        const text = makeBody(
          body,
          legit.cartIn.includes('body') ? legit.cart : null,
          legit.sessionIn.includes('body') ? legit.session : null,
          legit.nullSession,
        );
        // Client trailers named like an owned header are removed before upstream, like headers.
        const trailers: [string, string][] = [
          ['x-checksum', '1'],
          ...trailerSpoof.map(([name, value]): [string, string] => [name, value]),
        ];
        const request: HttpRequest = {
          method,
          path: legit.cartIn.includes('query') ? `/cart?cart=${legit.cart}` : '/cart',
          headers: all,
          ...(hasBody ? { body: frames(text, body.cuts) } : {}),
          ...(hasTrailers ? { trailers } : {}),
        };
        const outcome = new FilterChain([plugin]).send(request);
        assert.equal(plugin.vm.failed, false, plugin.vm.failure ?? '');

        // What the headers alone give: the first client x-cart-id is a documented source.
        const clientCart = spoofed.find(([name]) => name.toLowerCase() === 'x-cart-id')?.[1];
        const cartFromHeaders =
          (clientCart !== undefined && CART_PATTERN.test(clientCart)) ||
          legit.cartIn.includes('cookie') ||
          legit.cartIn.includes('query');
        const sessionFromHeaders = legit.sessionIn.includes('cookie');
        const bodyRead = ['POST', 'PUT'].includes(method) && body.type !== 'text/plain';
        const waitsForBody = !(cartFromHeaders && sessionFromHeaders) && bodyRead && (hasBody || hasTrailers);
        // Envoy turns StopIteration into StopAllIterationAndWatermark without the flag: it stalls.
        assert.equal(outcome.decision === 'stalled', !allowStop && waitsForBody, `decision ${outcome.decision}`);
        if (outcome.decision === 'stalled') return;
        if (outcome.decision === 'local_reply') {
          assert.ok(onMissing === 'reject' || onUnparseable === 'reject', 'a reply without a reject action');
          assert.equal(outcome.response!.status, 400);
          return;
        }
        const upstream = outcome.upstream!;
        const values = (name: string) => headerValues(upstream.headers, name);
        for (const name of OWNED) assert.ok(values(name).length <= 1, `${name}: ${values(name)}`);
        const [cart] = values('x-cart-id');
        const [dc] = values('x-cart-dc');
        const [session] = values('x-session-id');
        if (cart !== undefined) {
          assert.match(cart, CART_PATTERN);
          const allowed = clientCart !== undefined && CART_PATTERN.test(clientCart) ? [clientCart] : [legit.cart];
          assert.ok(allowed.includes(cart), `x-cart-id ${cart} is not from a source`);
        }
        const prefix = cart !== undefined && cart.indexOf('-') > 0 ? cart.slice(0, cart.indexOf('-')) : undefined;
        assert.equal(dc, prefix, 'x-cart-dc is the prefix of x-cart-id, or absent');
        if (session !== undefined) {
          assert.match(session, SESSION_PATTERN);
          assert.equal(session, legit.session);
        }
        if (onMissing === 'reject')
          assert.ok(
            cart !== undefined && session !== undefined,
            'forwarded with a key missing under on_missing reject',
          );
        if (hasTrailers) assert.deepEqual(upstream.trailers, [['x-checksum', '1']]);
      },
    ),
    propertyOptions(),
  );
});
