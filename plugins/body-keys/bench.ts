// body-keys against the no-op plugin on the same request: the key in a header (no body read),
// near the start of 1 KiB, 64 KiB and 1 MiB JSON bodies, at the end of 64 KiB and 256 KiB bodies,
// and at the end of 64 KiB and 1 MiB order bodies (line items with nested objects and escaped
// strings), JSON and form. Near the start of 1 MiB less near the start of 64 KiB, over the 60
// frames between them, is the cost of a frame after the request was released.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilterChain, Plugin, type HttpRequest, type Outcome } from '../../host/index.ts';
import type { Scenario } from '../../bench/scenario.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const configuration = JSON.stringify({
  keys: [
    {
      header: 'x-cart-id',
      sources: [{ header: 'x-cart-id' }, { json: '/cart/id' }, { form: 'cart_id' }],
      derived: { header: 'x-cart-dc' },
    },
  ],
  max_body_bytes: 2 * 1024 * 1024,
});

function bodyKeys(): FilterChain {
  return new FilterChain(
    [
      Plugin.load({
        wasm: readFileSync(join(ROOT, 'dist', 'body-keys.wasm')),
        name: 'body-keys',
        rootId: 'body-keys',
        vmId: 'bench',
        failurePolicy: 'FAIL_CLOSED',
        allowOnHeadersStopIteration: true,
        configuration,
      }),
    ],
    { bufferLimitBytes: 4 * 1024 * 1024 },
  );
}

// A JSON body of about `size` bytes in 16 KiB frames, the cart id first or last.
function cartBody(size: number, keyFirst: boolean): Uint8Array[] {
  const items: object[] = [];
  let text = '';
  // Serialised once per doubling, not once per item: building the 256 KiB body stays quick.
  let batch = 1;
  while (text.length < size) {
    for (let i = 0; i < batch; i++)
      items.push({
        sku: `SKU-${items.length.toString().padStart(6, '0')}`,
        qty: (items.length % 5) + 1,
        price: 1999,
        title: 'Espresso machine, stainless steel',
      });
    text = JSON.stringify(keyFirst ? { cart: { id: 'ams-7f3a9c' }, items } : { items, cart: { id: 'ams-7f3a9c' } });
    batch = Math.max(1, Math.floor((size - text.length) / 80));
  }
  const bytes = Buffer.from(text);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16 * 1024) frames.push(new Uint8Array(bytes.subarray(i, i + 16 * 1024)));
  return frames;
}

// An order line as shops send it: nested price and options, text with quotes, escapes and non-ASCII.
function lineItem(n: number) {
  return {
    sku: `SKU-${n.toString().padStart(6, '0')}`,
    qty: (n % 5) + 1,
    price: { amount: 1999 + n, currency: 'EUR', tax: { rate: 0.19, included: true } },
    title: 'Espresso machine "Barista Pro", stainless steel\n15 bar, 1.8 l – café crème',
    options: [
      { name: 'colour', value: n % 2 ? 'black' : 'silver' },
      { name: 'warranty', value: '2 years \\ extended', months: 24 },
    ],
    gift: n % 7 === 0 ? null : false,
  };
}

// 16 KiB frames, as Envoy forwards a large body.
function frames(text: string): Uint8Array[] {
  const bytes = Buffer.from(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16 * 1024) out.push(new Uint8Array(bytes.subarray(i, i + 16 * 1024)));
  return out;
}

// A JSON order of at least `size` bytes: line items first, the cart id last.
function orderJson(size: number): Uint8Array[] {
  const items: object[] = [];
  let length = 0;
  while (length < size) {
    const item = lineItem(items.length);
    items.push(item);
    length += Buffer.byteLength(JSON.stringify(item)) + 1;
  }
  return frames(
    JSON.stringify({ customer: { id: 'c-42', name: 'Zoë "Z" Müller' }, items, cart: { id: 'ams-7f3a9c' } }),
  );
}

// The same order as a form body (fields as items[n][field], percent-encoded), cart_id last.
function orderForm(size: number): Uint8Array[] {
  const fields: string[] = ['customer=c-42'];
  let length = 0;
  for (let n = 0; length < size; n++) {
    const item = lineItem(n);
    const line = [
      ['sku', item.sku],
      ['qty', String(item.qty)],
      ['price', String(item.price.amount)],
      ['title', item.title],
      ['colour', item.options[0].value],
    ]
      .map(
        ([name, value]) =>
          `${encodeURIComponent(`items[${n}][${name}]`)}=${encodeURIComponent(value).replace(/%20/g, '+')}`,
      )
      .join('&');
    fields.push(line);
    length += line.length + 1;
  }
  fields.push('cart_id=ams-7f3a9c');
  return frames(fields.join('&'));
}

const post = (
  body: Uint8Array[] | undefined,
  headers: [string, string][] = [],
  type = 'application/json',
): HttpRequest => ({
  method: 'POST',
  path: '/cart/items',
  authority: 'shop.example.com',
  headers: [['content-type', type], ['user-agent', 'ShopApp/5.1'], ...headers],
  body,
});
const FORM = 'application/x-www-form-urlencoded';
const expectCart = (outcome: Outcome) =>
  assert.deepEqual(
    outcome.upstream?.headers.find(([n]) => n === 'x-cart-id'),
    ['x-cart-id', 'ams-7f3a9c'],
  );
const bytesOf = (frames: Uint8Array[]) => frames.reduce((n, f) => n + f.length, 0);

// Large bodies cost milliseconds in the host: fewer streams for their memory figure.
const scenario = (name: string, request: HttpRequest, bodyBytes?: number): Scenario => ({
  name: `body-keys: ${name}`,
  baseline: 'noop',
  chain: bodyKeys,
  request,
  check: expectCart,
  bodyBytes,
  memoryStreams: bodyBytes === undefined ? undefined : Math.max(200, Math.floor(100_000_000 / bodyBytes)),
});
const near1k = cartBody(1024, true);
const near64k = cartBody(64 * 1024, true);
const near1m = cartBody(1024 * 1024, true);
const end64k = cartBody(64 * 1024, false);
const end256k = cartBody(256 * 1024, false);
const json64k = orderJson(64 * 1024);
const json1m = orderJson(1024 * 1024);
const form64k = orderForm(64 * 1024);
const form1m = orderForm(1024 * 1024);

export const scenarios: Scenario[] = [
  scenario('key in a header (no body read)', post(near1k, [['x-cart-id', 'ams-7f3a9c']])),
  scenario('key near the start of 1 KiB', post(near1k), bytesOf(near1k)),
  scenario('key near the start of 64 KiB', post(near64k), bytesOf(near64k)),
  scenario('key near the start of 1 MiB', post(near1m), bytesOf(near1m)),
  scenario('key at the end of 64 KiB', post(end64k), bytesOf(end64k)),
  // Four times the bytes read: linear time shows as four times the cost, the same ns per byte.
  scenario('key at the end of 256 KiB', post(end256k), bytesOf(end256k)),
  scenario('JSON order, key at the end of 64 KiB', post(json64k), bytesOf(json64k)),
  scenario('JSON order, key at the end of 1 MiB', post(json1m), bytesOf(json1m)),
  scenario('form order, key at the end of 64 KiB', post(form64k, [], FORM), bytesOf(form64k)),
  scenario('form order, key at the end of 1 MiB', post(form1m, [], FORM), bytesOf(form1m)),
];
