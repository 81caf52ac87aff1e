// Documents drawn from a JSON Schema (the subset the plugin schemas use): objects with their
// required and some optional fields, arrays within their bounds, strings from their pattern, numbers
// within range, enums, consts, oneOf/anyOf branches, and the schema's own examples and defaults.
// What it draws is meant to be valid, but if/then and cross-field rules are not followed: the
// validator and the plugin judge each document, not this generator.
import fc from 'fast-check';

type Schema = Record<string, any>;

export function schemaArbitrary(root: Schema): fc.Arbitrary<unknown> {
  return draw(root, root, 0);
}

// Deeper than this, a recursive schema (conditions within conditions) stops nesting.
const MAX_DEPTH = 6;
// Arbitraries for a $ref at a depth, made when first drawn: recursive schemas are built lazily.
const byReference = new Map<string, fc.Arbitrary<unknown>>();

function resolve(schema: Schema, root: Schema): Schema {
  let current = schema;
  while (typeof current.$ref === 'string') {
    const target = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: any, key: string) => node[key], root);
    const { $ref: _ref, ...rest } = current;
    current = { ...target, ...rest };
  }
  return current;
}

// A oneOf/anyOf/allOf branch read together with the fields beside it.
function merge(base: Schema, branch: Schema, root: Schema): Schema {
  const resolved = resolve(branch, root);
  return {
    ...base,
    ...resolved,
    properties: { ...(base.properties ?? {}), ...(resolved.properties ?? {}) },
    required: [...new Set([...(base.required ?? []), ...(resolved.required ?? [])])],
  };
}

function draw(input: Schema, root: Schema, depth: number): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.constant({});
  if (typeof input.$ref === 'string') {
    const key = `${root.$id}${input.$ref}@${depth}:${JSON.stringify(input)}`;
    return fc.constant(null).chain(() => {
      let arbitrary = byReference.get(key);
      if (arbitrary === undefined) {
        arbitrary = drawResolved(input, root, depth);
        byReference.set(key, arbitrary);
      }
      return arbitrary;
    });
  }
  return drawResolved(input, root, depth);
}

function drawResolved(input: Schema, root: Schema, depth: number): fc.Arbitrary<unknown> {
  let schema = resolve(input, root);
  if (Array.isArray(schema.allOf)) {
    const { allOf, ...rest } = schema;
    schema = allOf.reduce((acc: Schema, branch: Schema) => merge(acc, branch, root), rest);
  }
  const choices = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(choices)) {
    const { oneOf: _o, anyOf: _a, ...rest } = schema;
    // A branch that only names its required field keeps the fields other branches require out.
    const requiredElsewhere = (index: number) =>
      new Set(
        choices.flatMap((other: Schema, i: number) => (i === index ? [] : (resolve(other, root).required ?? []))),
      );
    return fc.oneof(
      ...choices.map((branch: Schema, index: number) => {
        const merged = merge(rest, branch, root);
        const own = new Set(merged.required);
        const properties = Object.fromEntries(
          Object.entries(merged.properties ?? {}).filter(([key]) => own.has(key) || !requiredElsewhere(index).has(key)),
        );
        return drawResolved({ ...merged, properties }, root, depth + 1);
      }),
    );
  }
  const known: unknown[] = [...(schema.examples ?? []), ...('default' in schema ? [schema.default] : [])];
  const generated = drawType(schema, root, depth);
  return known.length > 0
    ? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 1 }, { arbitrary: generated, weight: 3 })
    : generated;
}

function drawType(schema: Schema, root: Schema, depth: number): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const type = Array.isArray(schema.type) ? schema.type[0] : (schema.type ?? (schema.properties ? 'object' : 'string'));
  switch (type) {
    case 'object':
      return drawObject(schema, root, depth);
    case 'array': {
      const min = schema.minItems ?? 0;
      const max = Math.min(schema.maxItems ?? 3, min + 3);
      if (Array.isArray(schema.prefixItems)) {
        const items = schema.prefixItems.map((item: Schema) => draw(item, root, depth + 1));
        return fc
          .integer({
            min: Math.max(min, 1),
            max: Math.min(schema.prefixItems.length, schema.maxItems ?? schema.prefixItems.length),
          })
          .chain((n) => fc.tuple(...items.slice(0, n)));
      }
      return fc.array(draw(schema.items ?? {}, root, depth + 1), {
        minLength: min,
        maxLength: Math.max(min, depth > 3 ? min : max),
      });
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return drawString(schema);
  }
}

function drawString(schema: Schema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 24;
  if (typeof schema.pattern !== 'string')
    return fc
      .string({ minLength: min, maxLength: Math.min(max, min + 24) })
      .filter((s) => [...s].length >= min && [...s].length <= max);
  // fast-check cannot draw from a lookahead: draw without it, keep what the whole pattern matches.
  const pattern = new RegExp(schema.pattern, 'u');
  const drawable = new RegExp(schema.pattern.replace(/\(\?[!=](?:[^()\\]|\\.)*\)/g, ''), 'u');
  return fc.stringMatching(drawable).filter((s) => pattern.test(s) && [...s].length >= min && [...s].length <= max);
}

function drawObject(schema: Schema, root: Schema, depth: number): fc.Arbitrary<unknown> {
  const properties: Record<string, Schema> = schema.properties ?? {};
  const required: string[] = (schema.required ?? []).filter(
    (key: string) => key in properties || typeof schema.additionalProperties !== 'object',
  );
  if (Object.keys(properties).length === 0 && typeof schema.additionalProperties === 'object') {
    const names = schema.propertyNames
      ? drawString(resolve(schema.propertyNames, root))
      : fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz-_'.split('')), minLength: 1, maxLength: 12 });
    const min = schema.minProperties ?? 0;
    return fc.dictionary(names, draw(schema.additionalProperties, root, depth + 1), {
      minKeys: min,
      maxKeys: Math.min(schema.maxProperties ?? 3, min + 3),
    });
  }
  const fields = Object.fromEntries(
    Object.entries(properties).map(([key, value]) => [key, draw(value, root, depth + 1)]),
  );
  if (typeof schema.maxProperties === 'number') {
    // {"cookie": …} or {"json": …}: a few of the fields, within the property count.
    const optional = Object.keys(fields).filter((key) => !required.includes(key));
    const room = Math.max(0, schema.maxProperties - required.length);
    const least = Math.min(room, Math.max(0, (schema.minProperties ?? 0) - required.length));
    return fc.subarray(optional, { minLength: least, maxLength: Math.min(room, optional.length) }).chain((chosen) => {
      const keys = [...required.filter((key) => key in fields), ...chosen];
      return fc.record(Object.fromEntries(keys.map((key) => [key, fields[key]!])));
    });
  }
  return fc.record(fields, { requiredKeys: required.filter((key) => key in fields) });
}
