// For any request, the host drives a raw-ABI module without trapping it and without losing data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterChain } from '../../host/index.ts';
import { arbitraryRequest, propertyOptions } from '../support/fuzz.ts';
import { addedByConnectionManager } from '../support/connection-manager.ts';
import { header, load, testModule } from '../support/modules.ts';

test('any request: no trap, headers counted as serialized, body passed on byte for byte', () => {
  const plugin = load(testModule('raw-abi'), { rootId: 'raw', allowOnHeadersStopIteration: true });
  const chain = new FilterChain([plugin]);
  fc.assert(
    fc.property(arbitraryRequest(), (request) => {
      const outcome = chain.send(request);
      assert.equal(plugin.vm.failed, false);
      assert.equal(outcome.decision, 'continue');
      // Pseudo-headers (4) + the request's headers + Envoy's own; the plugin adds nothing before counting.
      const count = 4 + (request.headers?.length ?? 0) + addedByConnectionManager(request.headers);
      assert.equal(header(outcome.upstream!.headers, 'x-raw-count'), String(count));
      const sent = Buffer.concat(((request.body as Uint8Array[] | undefined) ?? []).map((c) => Buffer.from(c)));
      assert.deepEqual(Buffer.from(outcome.upstream!.body), sent);
    }),
    propertyOptions(),
  );
});
