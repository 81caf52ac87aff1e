// Each plugin README's field table is checked against its JSON Schema: every field the schema
// knows appears in the table, and the table names no field the schema does not have.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../support/modules.ts';

type Schema = {
  oneOf?: unknown[];
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
  $defs?: Record<string, Schema>;
  additionalProperties?: unknown;
};

// Field paths as the README writes them: a.b, a[].b for array items.
function fieldPaths(schema: Schema, root: Schema, prefix = ''): string[] {
  const resolved = schema.$ref ? root.$defs![schema.$ref.replace('#/$defs/', '')] : schema;
  const paths: string[] = [];
  for (const [name, child] of Object.entries(resolved.properties ?? {})) {
    const path = prefix ? `${prefix}.${name}` : name;
    paths.push(path);
    const target = child.$ref ? root.$defs![child.$ref.replace('#/$defs/', '')] : child;
    // A definition with several forms (an attribute, a condition) is documented by its own table.
    if (child.$ref && target.oneOf) continue;
    if (target.properties) paths.push(...fieldPaths(target, root, path));
    const items = target.items?.$ref ? root.$defs![target.items.$ref.replace('#/$defs/', '')] : target.items;
    if (items?.properties) paths.push(...fieldPaths(items, root, `${path}[]`));
  }
  return paths;
}

const plugins = readdirSync(join(ROOT, 'plugins')).filter((name) =>
  existsSync(join(ROOT, 'plugins', name, 'config.schema.json')),
);

for (const plugin of plugins) {
  test(`${plugin}: the README field table matches config.schema.json`, () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'plugins', plugin, 'config.schema.json'), 'utf8')) as Schema;
    const readme = readFileSync(join(ROOT, 'plugins', plugin, 'README.md'), 'utf8');
    const section = readme.split(/^## /m).find((part) => part.startsWith('Configuration')) ?? '';
    const documented = new Set([...section.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]));
    // A row like `on_*.action` documents the field under every on_… object.
    const covers = (path: string) =>
      documented.has(path) ||
      [...documented].some(
        (row) =>
          row.includes('*') && new RegExp(`^${row.replace(/[.[\]]/g, '\\$&').replace('*', '[^.]*')}$`).test(path),
      );
    const missing = fieldPaths(schema, schema).filter((path) => !covers(path));
    assert.deepEqual(missing, [], `fields missing from the README table of ${plugin}`);
    const known = new Set(fieldPaths(schema, schema));
    const extra = [...documented].filter(
      (row) => !row.includes('*') && /^[a-z_][a-z_.[\]]*$/.test(row) && !known.has(row),
    );
    assert.deepEqual(extra, [], `README rows for fields the schema of ${plugin} does not have`);
  });

  // Both documented configurations pass the schema and the plugin's own configure, silently; an
  // unknown field added to them is refused by both, naming the field, so acceptance means something.
  test(`${plugin}: the example and the README's minimal configuration are accepted, and the same with an unknown field refused`, async () => {
    const { load, pluginModule } = await import('../support/modules.ts');
    const { ConfigurationRejectedError } = await import('../../host/index.ts');
    const { validationErrors } = await import('../../cli/validate.ts');
    const readme = readFileSync(join(ROOT, 'plugins', plugin, 'README.md'), 'utf8');
    const minimal = /^## Minimal configuration\n+```json\n([\s\S]*?)\n```/m.exec(readme)?.[1];
    assert.ok(minimal, `${plugin}/README.md has a Minimal configuration JSON block`);
    const documented = {
      'example.config.json': readFileSync(join(ROOT, 'plugins', plugin, 'example.config.json'), 'utf8'),
      'README minimal configuration': minimal,
    };
    const wasm = pluginModule(plugin);
    for (const [name, text] of Object.entries(documented)) {
      const configuration = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(validationErrors(plugin, configuration), [], `${plugin} ${name}: schema`);
      const loaded = load(wasm, { rootId: plugin, configuration: text });
      assert.deepEqual(
        loaded.logs.records.filter((r) => r.level !== 'trace' && r.level !== 'debug' && r.level !== 'info'),
        [],
        `${plugin} ${name}: no warning at configure`,
      );

      const broken = JSON.stringify({ ...configuration, not_a_field: true });
      assert.notDeepEqual(validationErrors(plugin, JSON.parse(broken)), [], `${plugin} ${name} + not_a_field: schema`);
      assert.throws(
        () => load(wasm, { rootId: plugin, configuration: broken }),
        (error: unknown) => {
          assert.ok(error instanceof ConfigurationRejectedError, String(error));
          assert.match(error.logs.map((r) => r.message).join('\n'), /not_a_field/);
          return true;
        },
      );
    }
  });
}
