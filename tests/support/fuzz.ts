import fc from 'fast-check';
import type { HttpRequest } from '../../host/index.ts';

// Property tests run briefly under npm test and at length under npm run fuzz.
export const FUZZ_RUNS = Number(process.env.ROUTE_KEYS_FUZZ_RUNS ?? 150);

export function propertyOptions(): fc.Parameters<unknown> {
  const seed = process.env.ROUTE_KEYS_FUZZ_SEED;
  return { numRuns: FUZZ_RUNS, ...(seed ? { seed: Number(seed) } : {}) };
}

const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'.split(''));
export const headerName = fc.string({ unit: tokenChar, minLength: 1, maxLength: 24 });
// Any value Envoy's codec delivers to a filter, as text the way the request file holds it: no control
// bytes but tab, none around it (the codec trims), any UTF-8 (obs-text bytes) inside.
export const headerValue = fc
  .oneof(fc.string({ maxLength: 64 }), fc.string({ unit: 'binary', maxLength: 64 }))
  .map(deliveredValue);

export function deliveredValue(text: string): string {
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, '').replace(/^[ \t]+|[ \t]+$/g, '');
}

// A request line part without the spaces and control bytes HTTP/1 cannot carry there.
const requestTargetText = (maxLength: number) => fc.string({ maxLength }).map((s) => s.replace(/[\x00-\x20\x7f]/g, ''));

export function arbitraryRequest(extraHeaders: fc.Arbitrary<[string, string]>[] = []): fc.Arbitrary<HttpRequest> {
  const header = fc.oneof(fc.tuple(headerName, headerValue), ...extraHeaders);
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
    path: fc.oneof(
      fc.constant('/'),
      fc.webPath(),
      requestTargetText(40).map((s) => `/${s}`),
    ),
    authority: fc.oneof(
      fc.domain(),
      requestTargetText(20).filter((s) => s.length > 0),
    ),
    headers: fc.array(header, { maxLength: 12 }),
    body: fc.option(fc.array(fc.uint8Array({ maxLength: 256 }), { minLength: 1, maxLength: 4 }), { nil: undefined }),
  });
}
