// The route's hash_policy on a header (Envoy's HeaderHashMethod): every value of the header,
// sorted, each one's xxHash64 seeding the next; no value, no hash (Envoy then picks at random).
import { xxHash64Chain } from './xxhash64.ts';

export function headerHash(values: readonly string[]): bigint | null {
  if (values.length === 0) return null;
  // std::sort on string_view: byte order.
  const sorted = [...values].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return xxHash64Chain(sorted);
}

// The values of one header name among request header pairs (names lower-case).
export function headerValues(headers: readonly (readonly [string, string])[], name: string): string[] {
  return headers.filter(([n]) => n === name).map(([, v]) => v);
}
