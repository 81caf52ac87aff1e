// One change to a configuration document, at a place chosen among all its values: a field dropped
// or added, a value replaced (wrong types, boundary numbers, bad patterns, header names no filter
// may write, empty strings, CR/LF, lower-case methods, content types with parameters), or a key
// repeated in the JSON text (which only a reader of the text can see).
import fc from 'fast-check';

export interface Mutation {
  apply(document: unknown): { text: string; mutation: string };
}

type Path = (string | number)[];

const replacements: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1,
  2,
  1.5,
  1e3,
  1.7e9,
  255,
  256,
  399,
  400,
  599,
  600,
  1024,
  1025,
  3600,
  3601,
  4096,
  4097,
  65536,
  8388608,
  8388609,
  2147483648,
  -2147483649,
  '',
  ' ',
  'x',
  'a\r\nb',
  'a\nb',
  'a\u0000b',
  'acme',
  'tenant\tone',
  'é',
  [],
  {},
  [''],
  ['x'],
  { x: 1 },
  'post',
  'POST',
  'get',
  'application/json',
  'Application/JSON',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'authorization',
  'host',
  ':path',
  ':authority',
  'content-length',
  'transfer-encoding',
  'cookie',
  'connection',
  'te',
  'upgrade',
  'keep-alive',
  'proxy-authorization',
  'x-tenant-id',
  'x-feature',
  'x-version',
  'x-cart-id',
  'X-Upper',
  'x-a b',
  'x-tenant-id ',
  'x:a',
  '.*',
  '^[a-z]+$',
  '^[\\w-]{1,64}$',
  '^[\\w-]{0,5}$',
  '^[a-z]*$',
  '^[\\s]+$',
  '^[\\q]+$',
  '^[z-a]+$',
  '^[^a]+$',
  '^[é]+$',
  `^[${'a'.repeat(1022)}]+$`,
  '^[a-z]{5,2}$',
  '/tenant',
  '/org/id',
  'tenant',
  '/',
  '1.2.3',
  '^1.2.3',
  '2.4.0-é',
  'v1',
];

const unknownFields = ['unknown_field', 'pattern', 'header', 'default', 'status'];

// Every place in the document, the root first.
function paths(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...at, i])));
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) out.push(...paths(item, [...at, key]));
  return out;
}

function get(document: unknown, path: Path): unknown {
  return path.reduce((node: any, key) => node?.[key], document);
}

function set(document: unknown, path: Path, value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(document) as any;
  const parent = get(copy, path.slice(0, -1)) as any;
  const key = path[path.length - 1]!;
  if (remove && Array.isArray(parent)) parent.splice(key as number, 1);
  else if (remove) delete parent[key];
  else parent[key] = value;
  return copy;
}

// JSON text in which the object at `repeat` has its first key written twice (an earlier value first).
export function serialize(value: unknown, repeat: Path | null = null, earlier: unknown = null, at: Path = []): string {
  if (Array.isArray(value))
    return `[${value.map((item, i) => serialize(item, repeat, earlier, [...at, i])).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value).filter(([, item]) => item !== undefined);
  const members = entries.map(
    ([key, item]) => `${JSON.stringify(key)}:${serialize(item, repeat, earlier, [...at, key])}`,
  );
  if (repeat !== null && entries.length > 0 && at.length === repeat.length && at.every((key, i) => key === repeat[i]))
    members.unshift(`${JSON.stringify(entries[0]![0])}:${JSON.stringify(earlier)}`);
  return `{${members.join(',')}}`;
}

export const mutations: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.constantFrom('drop', 'add', 'replace', 'replace', 'replace', 'repeat-key'),
    fc.nat(),
    fc.constantFrom(...replacements),
    fc.constantFrom(...unknownFields),
  )
  .map(([kind, pick, replacement, field]) => ({
    apply(document: unknown) {
      const all = paths(document);
      const path = all[pick % all.length]!;
      const where = `/${path.join('/')}`;
      switch (kind) {
        case 'drop':
          return { text: serialize(set(document, path, undefined, path.length > 0)), mutation: `drop ${where}` };
        case 'add': {
          const target = get(document, path);
          if (target === null || typeof target !== 'object' || Array.isArray(target))
            return { text: serialize(set(document, path, replacement)), mutation: `replace ${where}` };
          return { text: serialize(set(document, [...path, field], replacement)), mutation: `add ${where}/${field}` };
        }
        case 'repeat-key': {
          const objects = all.filter((p) => {
            const node = get(document, p);
            return node !== null && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0;
          });
          if (objects.length === 0) return { text: serialize(document), mutation: 'none' };
          const target = objects[pick % objects.length]!;
          return {
            text: serialize(document, target, replacement),
            mutation: `repeat the first key of /${target.join('/')}`,
          };
        }
        default:
          return {
            text: serialize(set(document, path, replacement)),
            mutation: `replace ${where} with ${JSON.stringify(replacement)?.slice(0, 40)}`,
          };
      }
    },
  }));
