// The 32-bit XXH64 of cli/lb against the direct BigInt one, for any bytes and any seed (both
// agree with Envoy's hash_test.cc vectors and with xxHash's published value for a 39-byte input).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { xxHash64, xxHash64String } from '../../cli/lb/xxhash64.ts';
import { propertyOptions } from '../support/fuzz.ts';
import { xxHash64 as reference, xxHash64String as referenceString } from './xxhash64-bigint.ts';

test("xxHash's published value for a 39-byte input (the 32-byte stripes)", () => {
  assert.equal(xxHash64String('Nobody inspects the spammish repetition'), 0xfbcea83c8a378bf1n);
  assert.equal(referenceString('Nobody inspects the spammish repetition'), 0xfbcea83c8a378bf1n);
});

test('any bytes, any seed: the same hash as the BigInt reference', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }), (bytes, seed) => {
      assert.equal(xxHash64(bytes, seed), reference(bytes, seed));
    }),
    propertyOptions(),
  );
});
