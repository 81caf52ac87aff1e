// The body scanners against a model: for generated JSON documents and form bodies of every shape,
// cut into frames at random points, the keys written are those JSON.parse and a pointer lookup
// (or URLSearchParams) find, and a document broken before its key is unparseable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterChain } from '../../../host/index.ts';
import { propertyOptions } from '../../../tests/support/fuzz.ts';
import { headerValues, load, pluginModule } from '../../../tests/support/modules.ts';

const config = JSON.stringify({
  keys: [
    { header: 'x-cart-id', sources: [{ json: '/cart/id' }, { form: 'cart' }], pattern: '^[a-z0-9-]{1,24}$' },
    { header: 'x-sku', sources: [{ json: '/items/1/sku' }, { form: 'sku' }], pattern: '^[A-Z0-9-]{1,24}$' },
  ],
  max_body_bytes: 1024 * 1024,
});
const ID = /^[a-z0-9-]{1,24}$/;
const SKU = /^[A-Z0-9-]{1,24}$/;

const plugin = load(pluginModule('body-keys'), {
  rootId: 'body-keys',
  name: 'body-keys',
  configuration: config,
  allowOnHeadersStopIteration: true,
});
const chain = new FilterChain([plugin], { bufferLimitBytes: 4 * 1024 * 1024 });

// Frames cut at random points of the bytes (a cut may fall inside a UTF-8 sequence or an escape).
const frames = (bytes: Buffer, cuts: number[]) => {
  const points = [0, ...cuts.map((c) => Math.floor(c * bytes.length)).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => new Uint8Array(bytes.subarray(points[i], end)));
};
const cutPoints = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });

// Counters add up over the plugin's life: the count this request added.
let unparseableSoFar = 0;
function send(type: string, bytes: Buffer, cuts: number[]) {
  const outcome = chain.send({
    method: 'POST',
    path: '/cart',
    headers: [['content-type', type]],
    body: frames(bytes, cuts),
  });
  assert.equal(plugin.vm.failed, false, plugin.vm.failure ?? '');
  const unparseable = outcome.metrics['body-keys']['wasmcustom.body_keys.unparseable'].value - unparseableSoFar;
  unparseableSoFar += unparseable;
  return {
    cart: headerValues(outcome.upstream?.headers, 'x-cart-id'),
    sku: headerValues(outcome.upstream?.headers, 'x-sku'),
    unparseable,
  };
}

// A value written as JSON with some characters as \u escapes, which the scanner must decode.
const escapedString = (text: string, escapes: boolean[]) =>
  `"${[...text].map((c, i) => (escapes[i % escapes.length] ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : c)).join('')}"`;

const filler = fc.jsonValue({ maxDepth: 4 });
const document = fc.record({
  before: fc.array(fc.tuple(fc.string({ maxLength: 8 }), filler), { maxLength: 4 }),
  items: fc.array(fc.dictionary(fc.string({ maxLength: 6 }), filler, { maxKeys: 4 }), { maxLength: 5 }),
  sku: fc.option(fc.stringMatching(/^[A-Z0-9-]{1,12}$/), { nil: undefined }),
  cart: fc.option(fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), fc.string({ maxLength: 12 }), fc.integer()), {
    nil: undefined,
  }),
  escapes: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
  cartExtra: filler,
  after: fc.array(fc.tuple(fc.string({ maxLength: 8 }), filler), { maxLength: 3 }),
  indent: fc.constantFrom(0, 0, 1, 2),
});
type Doc = typeof document extends fc.Arbitrary<infer T> ? T : never;

// The JSON text, by hand so the cart id keeps its escapes and members their order, and the byte
// offset where the cart member starts.
function render(d: Doc): { text: string; cartAt: number } {
  const json = (v: unknown) => JSON.stringify(v, null, d.indent);
  const members: string[] = [];
  const seen = new Set(['items', 'cart']);
  for (const [name, value] of d.before) {
    if (seen.has(name)) continue;
    seen.add(name);
    members.push(`${JSON.stringify(name)}:${json(value)}`);
  }
  const items = d.items.map((item, i) => (i === 1 && d.sku !== undefined ? { ...item, sku: d.sku } : item));
  members.push(`"items":${json(items)}`);
  const cartAt = Buffer.byteLength(`{${members.join(',')},`);
  if (d.cart !== undefined) {
    const id =
      typeof d.cart === 'string' && ID.test(d.cart) ? escapedString(d.cart, d.escapes) : JSON.stringify(d.cart);
    members.push(`"cart":{"id":${id},"extra":${json(d.cartExtra)}}`);
  }
  for (const [name, value] of d.after) {
    if (seen.has(name)) continue;
    seen.add(name);
    members.push(`${JSON.stringify(name)}:${json(value)}`);
  }
  return { text: `{${members.join(',')}}`, cartAt };
}

// What JSON.parse and a pointer lookup say each header holds.
function expected(text: string) {
  const doc = JSON.parse(text);
  const cart = doc.cart?.id;
  const sku =
    Array.isArray(doc.items) && doc.items[1] && typeof doc.items[1] === 'object' ? doc.items[1].sku : undefined;
  const asText = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
  const c = asText(cart);
  const s = asText(sku);
  return { cart: c !== undefined && ID.test(c) ? [c] : [], sku: s !== undefined && SKU.test(s) ? [s] : [] };
}

test('JSON documents in any frames: the keys JSON.parse finds, none other', () => {
  fc.assert(
    fc.property(document, cutPoints, (d, cuts) => {
      const { text } = render(d);
      const got = send('application/json', Buffer.from(text), cuts);
      const want = expected(text);
      assert.deepEqual({ cart: got.cart, sku: got.sku }, want, text);
      assert.equal(got.unparseable, 0, text);
    }),
    propertyOptions(),
  );
});

// Positions of the commas and colons outside strings, in the bytes before `end`.
function delimiters(bytes: Buffer, end: number): number[] {
  const out: number[] = [];
  let inString = false;
  for (let i = 0; i < end; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x2c || c === 0x3a) out.push(i);
  }
  return out;
}

test('a JSON document broken anywhere before its key: unparseable, no key', () => {
  fc.assert(
    fc.property(document, cutPoints, fc.nat(), fc.constantFrom(';', '"', 'x', '\\'), (d, cuts, pick, bad) => {
      const { text, cartAt } = render({ ...d, cart: 'ams-1' });
      const bytes = Buffer.from(text);
      const candidates = delimiters(bytes, cartAt);
      fc.pre(candidates.length > 0);
      const at = candidates[pick % candidates.length];
      // Where a comma or colon is due, none of these can follow a value or a key.
      const broken = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at + 1)]);
      const got = send('application/json', broken, cuts);
      assert.deepEqual(got.cart, [], broken.toString());
      assert.equal(got.unparseable, 1, broken.toString());
    }),
    propertyOptions(),
  );
});

const formText = fc.string({ maxLength: 24 });
const form = fc.record({
  before: fc.array(fc.tuple(formText, formText), { maxLength: 30 }),
  cart: fc.option(fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,12}$/), formText), { nil: undefined }),
  sku: fc.option(fc.stringMatching(/^[A-Z0-9-]{1,12}$/), { nil: undefined }),
  after: fc.array(fc.tuple(formText, formText), { maxLength: 4 }),
  encodeAll: fc.boolean(),
});

test('form bodies in any frames: the fields URLSearchParams finds, none other', () => {
  fc.assert(
    fc.property(form, cutPoints, (f, cuts) => {
      // Field names other than cart and sku: prefixed so none decodes to either.
      const encode = (v: string) =>
        f.encodeAll
          ? [...Buffer.from(v)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')
          : encodeURIComponent(v);
      const fields = f.before.map(([n, v]) => `f${encode(n)}=${encode(v)}`);
      if (f.cart !== undefined) fields.push(`cart=${encode(f.cart)}`);
      if (f.sku !== undefined) fields.splice(Math.floor(fields.length / 2), 0, `sku=${encode(f.sku)}`);
      fields.push(...f.after.map(([n, v]) => `f${encode(n)}=${encode(v)}`));
      const text = fields.join('&');
      const params = new URLSearchParams(text);
      const cart = params.get('cart');
      const sku = params.get('sku');
      const got = send('application/x-www-form-urlencoded', Buffer.from(text), cuts);
      assert.deepEqual(got.cart, cart !== null && ID.test(cart) ? [cart] : [], text);
      assert.deepEqual(got.sku, sku !== null && SKU.test(sku) ? [sku] : [], text);
    }),
    propertyOptions(),
  );
});
