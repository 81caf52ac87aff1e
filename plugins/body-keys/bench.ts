// body-keys against the no-op plugin on the same request: the key in a header (no body read),
// near the start of 1 KiB, 64 KiB and 1 MiB JSON bodies, and at the end of 64 KiB and 256 KiB bodies.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilterChain, Plugin, type HttpRequest, type Outcome } from '../../host/index.ts';
import type { Scenario } from '../../bench/scenario.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const configuration = JSON.stringify({
  keys: [{ header: 'x-cart-id', sources: [{ header: 'x-cart-id' }, { json: '/cart/id' }], derived: { header: 'x-cart-dc' } }],
  max_body_bytes: 2 * 1024 * 1024,
});

function bodyKeys(): FilterChain {
  return new FilterChain(
    [Plugin.load({ wasm: readFileSync(join(ROOT, 'dist', 'body-keys.wasm')), name: 'body-keys', rootId: 'body-keys', vmId: 'bench', failurePolicy: 'FAIL_CLOSED', allowOnHeadersStopIteration: true, configuration })],
    { bufferLimitBytes: 4 * 1024 * 1024 },
  );
}

// A JSON body of about `size` bytes in 16 KiB frames, the cart id first or last.
function cartBody(size: number, keyFirst: boolean): Uint8Array[] {
  const items: object[] = [];
  let text = '';
  while (text.length < size) {
    items.push({ sku: `SKU-${items.length.toString().padStart(6, '0')}`, qty: (items.length % 5) + 1, price: 1999, title: 'Espresso machine, stainless steel' });
    text = JSON.stringify(keyFirst ? { cart: { id: 'ams-7f3a9c' }, items } : { items, cart: { id: 'ams-7f3a9c' } });
  }
  const bytes = Buffer.from(text);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 16 * 1024) frames.push(new Uint8Array(bytes.subarray(i, i + 16 * 1024)));
  return frames;
}

const post = (body: Uint8Array[] | undefined, headers: [string, string][] = []): HttpRequest => ({
  method: 'POST',
  path: '/cart/items',
  authority: 'shop.example.com',
  headers: [['content-type', 'application/json'], ['user-agent', 'ShopApp/5.1'], ...headers],
  body,
});
const expectCart = (outcome: Outcome) => assert.deepEqual(outcome.upstream?.headers.find(([n]) => n === 'x-cart-id'), ['x-cart-id', 'ams-7f3a9c']);
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

export const scenarios: Scenario[] = [
  scenario('key in a header (no body read)', post(near1k, [['x-cart-id', 'ams-7f3a9c']])),
  scenario('key near the start of 1 KiB', post(near1k), bytesOf(near1k)),
  scenario('key near the start of 64 KiB', post(near64k), bytesOf(near64k)),
  scenario('key near the start of 1 MiB', post(near1m), bytesOf(near1m)),
  scenario('key at the end of 64 KiB', post(end64k), bytesOf(end64k)),
  // Four times the bytes read: linear time shows as four times the cost, the same ns per byte.
  scenario('key at the end of 256 KiB', post(end256k), bytesOf(end256k)),
];
