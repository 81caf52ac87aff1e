// The request headers a plugin writes under a configuration (outputs only: not the headers its
// rules or sources read), with the defaults its manifest gives: what route tables may match and hash on.
import { manifestOf } from './plugins.ts';

interface Found {
  // The positions * stood for, so the headers of one array item stay together.
  at: number[];
  value: unknown;
}

// The values at a JSON pointer where * stands for every item of an array.
function valuesAt(document: unknown, tokens: string[], at: number[] = []): Found[] {
  if (tokens.length === 0) return document === undefined ? [] : [{ at, value: document }];
  if (document === null || typeof document !== 'object') return [];
  const [token, ...rest] = tokens;
  if (token === '*')
    return Array.isArray(document) ? document.flatMap((item, i) => valuesAt(item, rest, [...at, i])) : [];
  return valuesAt((document as Record<string, unknown>)[token!.replace(/~1/g, '/').replace(/~0/g, '~')], rest, at);
}

function byPosition(a: Found, b: Found): number {
  for (let i = 0; i < Math.min(a.at.length, b.at.length); i++) if (a.at[i] !== b.at[i]) return a.at[i]! - b.at[i]!;
  return a.at.length - b.at.length;
}

// In the manifest's order, item by item for array fields (a key's header, then its derived header).
export function outputHeaders(plugin: string, config: Record<string, any>): string[] {
  const found = manifestOf(plugin).writes.flatMap(({ field, default: fallback }) => {
    const values = valuesAt(config, field.split('/').slice(1)).filter((f) => typeof f.value === 'string');
    return values.length > 0 || fallback === undefined ? values : [{ at: [], value: fallback }];
  });
  return found.sort(byPosition).map((f) => f.value as string);
}
