// The default inspect.content_types hold application/*+json, which application/grpc+json and
// application/grpc-web+json also match; their bodies are gRPC frames (a 5-byte prefix before each
// message), not a JSON document. With on_unparseable reject, every such call is answered 400: a
// gRPC body must go through untouched, as any content type body-keys does not read.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FilterChain } from '../../../host/index.ts';
import { load, pluginModule, ROOT } from '../../../tests/support/modules.ts';

const config = {
  ...JSON.parse(readFileSync(join(ROOT, 'plugins', 'body-keys', 'example.config.json'), 'utf8')),
  on_unparseable: { action: 'reject' },
};
const chain = () =>
  new FilterChain(
    [
      load(pluginModule('body-keys'), {
        rootId: 'body-keys',
        name: 'body-keys',
        configuration: JSON.stringify(config),
        allowOnHeadersStopIteration: true,
      }),
    ],
    { bufferLimitBytes: 1024 * 1024 },
  );

// One length-prefixed gRPC message (uncompressed) holding a JSON object.
const message = JSON.stringify({ sku: 'tea-42', qty: 2 });
const frame = new Uint8Array([0, 0, 0, 0, message.length, ...new TextEncoder().encode(message)]);

for (const type of ['application/grpc+json', 'application/grpc-web+json']) {
  test(`an ${type} call is not refused as an unparseable JSON body`, () => {
    const outcome = chain().send({
      method: 'POST',
      path: '/shop.cart.v1.Cart/AddItem',
      headers: [
        ['content-type', type],
        ['te', 'trailers'],
      ],
      body: [frame],
    });
    assert.equal(outcome.decision, 'continue', JSON.stringify(outcome.response?.headers ?? null));
  });
}
