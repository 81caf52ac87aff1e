// For any body cut into any chunks: no trap, output values only within the pattern, memory bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterChain } from '../../host/index.ts';
import { propertyOptions } from '../support/fuzz.ts';
import { headerValues, load, pluginModule } from '../support/modules.ts';

const config = JSON.stringify({
  keys: [
    { header: 'x-cart-id', sources: [{ header: 'x-cart-id' }, { json: '/cart/id' }, { form: 'cart' }], pattern: '^[a-z0-9-]{1,16}$', derived: { header: 'x-cart-dc' } },
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
const contentType = fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'application/problem+json');

test('any body in any chunks: no trap, values within their patterns, memory bounded', () => {
  const plugin = load(pluginModule('body-keys'), { rootId: 'body-keys', configuration: config, allowOnHeadersStopIteration: true });
  const chain = new FilterChain([plugin]);
  fc.assert(
    fc.property(chunked, contentType, fc.option(fc.string({ maxLength: 20 }), { nil: undefined }), (chunks, type, spoof) => {
      const headers: [string, string][] = [['content-type', type]];
      if (spoof !== undefined) headers.push(['x-cart-dc', spoof], ['x-session-id', spoof]);
      const outcome = chain.send({ method: 'POST', path: '/cart', headers, body: chunks });
      assert.equal(plugin.vm.failed, false, plugin.vm.failure ?? '');
      assert.equal(outcome.decision, 'continue');
      for (const v of headerValues(outcome.upstream!.headers, 'x-cart-id')) assert.match(v, /^[a-z0-9-]{1,16}$/);
      for (const v of headerValues(outcome.upstream!.headers, 'x-cart-dc')) assert.match(v, /^[a-z0-9]{1,16}$/);
      for (const v of headerValues(outcome.upstream!.headers, 'x-session-id')) assert.match(v, /^[a-z]{1,8}$/);
    }),
    propertyOptions(),
  );
});

test('linear memory stays bounded whatever the body size', () => {
  const plugin = load(pluginModule('body-keys'), { rootId: 'body-keys', configuration: config, allowOnHeadersStopIteration: true });
  const chain = new FilterChain([plugin], { bufferLimitBytes: 64 * 1024 * 1024 });
  const send = (size: number) => chain.send({ method: 'POST', path: '/c', headers: [['content-type', 'application/json']], body: [`{"pad":"${'x'.repeat(size)}`, '","cart":{"id":"a-1"}}'] });
  send(1024);
  const warm = plugin.vm.memoryBytes;
  for (const size of [64 * 1024, 1024 * 1024, 8 * 1024 * 1024]) send(size);
  assert.ok(plugin.vm.memoryBytes <= warm + 64 * 1024, `${warm} → ${plugin.vm.memoryBytes}`);
});
