// One verdict: for configurations drawn from each plugin's schema and examples, and mutations of
// them, the JSON Schema and the plugin's own check at configure accept and reject the same ones.
// The disagreements that remain are listed below, each with why it remains.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { pluginErrors, validationErrors } from '../../cli/validate.ts';
import { exampleConfig, pluginNames } from '../../cli/plugins.ts';
import { FUZZ_RUNS } from '../support/fuzz.ts';
import { ROOT } from '../support/modules.ts';
import { schemaArbitrary } from '../support/schema-arbitrary.ts';
import { type Mutation, mutations, serialize } from '../support/config-mutations.ts';

interface Disagreement {
  plugin: string;
  // Which side rejects alone, and what it says (a plugin log line, or a schema error line).
  rejectedBy: 'plugin' | 'schema';
  says: RegExp;
  why: string;
}

// The first entry that matches explains a disagreement. Each is a rule JSON Schema cannot state.
const justified: Disagreement[] = [
  {
    plugin: '*',
    rejectedBy: 'plugin',
    says: /duplicate key/,
    why: 'JSON Schema sees the parsed document, in which a repeated key has already replaced the first',
  },
  {
    plugin: 'jwt-tenant',
    rejectedBy: 'plugin',
    says: /(default_tenant|\/tenant\/map\/.*): expected a value the tenant pattern .* allows/,
    why: 'the value must match a pattern given in another field, and JSON Schema cannot take a pattern from the document',
  },
  {
    plugin: '*',
    rejectedBy: 'plugin',
    says: /(expected a header other than the other outputs|expected a header no other key writes|expected a header this filter does not write or strip|expected a header the plugin does not write|is already written by another output)/,
    why: 'two fields must name different headers, and JSON Schema cannot compare a value with another field',
  },
  {
    plugin: 'feature-alias',
    rejectedBy: 'plugin',
    says: /expected a feature listed in \/features/,
    why: 'a value must be one of the keys of another object in the document, which JSON Schema cannot refer to',
  },
  {
    plugin: '*',
    rejectedBy: 'plugin',
    says: /pattern: (the range .+ is out of order|the maximum length is below the minimum)/,
    why: 'comparing two characters or two numbers inside one string is beyond a regular expression',
  },
];

const PLUGINS = pluginNames();

function schemaOf(plugin: string) {
  return JSON.parse(readFileSync(join(ROOT, 'plugins', plugin, 'config.schema.json'), 'utf8'));
}

function exampleOf(plugin: string): unknown {
  return exampleConfig(plugin);
}

// A configuration text: a drawn or example document as it is, or with one mutation.
function configurations(plugin: string): fc.Arbitrary<{ text: string; mutation: string }> {
  const base = fc.oneof(fc.constant(exampleOf(plugin)), schemaArbitrary(schemaOf(plugin)));
  const mutated = fc
    .tuple(base, mutations)
    .map(([document, mutation]: [unknown, Mutation]) => mutation.apply(document));
  return fc.oneof(
    { arbitrary: base.map((document) => ({ text: serialize(document), mutation: 'none' })), weight: 1 },
    { arbitrary: mutated, weight: 3 },
  );
}

function explanation(plugin: string, fromPlugin: string[], fromSchema: string[]): Disagreement | undefined {
  const rejectedBy = fromPlugin.length > 0 ? 'plugin' : 'schema';
  const lines = rejectedBy === 'plugin' ? fromPlugin : fromSchema;
  return justified.find(
    (entry) =>
      (entry.plugin === '*' || entry.plugin === plugin) &&
      entry.rejectedBy === rejectedBy &&
      lines.some((line) => entry.says.test(line)),
  );
}

for (const plugin of PLUGINS) {
  test(`${plugin}: the schema and the plugin's configure give the same verdict on generated configurations`, (t) => {
    // A fixed seed unless one is given: the list above is checked against a known draw under npm
    // test; ROUTE_KEYS_FUZZ_SEED and npm run fuzz's run count explore further.
    const samples = fc.sample(configurations(plugin), {
      numRuns: FUZZ_RUNS,
      seed: Number(process.env.ROUTE_KEYS_FUZZ_SEED ?? 13),
    });
    const counts = { accepted: 0, rejected: 0 };
    const explained = new Map<Disagreement, number>();
    const unexplained = new Map<string, { text: string; mutation: string; plugin: string[]; schema: string[] }>();
    for (const { text, mutation } of samples) {
      const fromPlugin = pluginErrors(plugin, text);
      const fromSchema = validationErrors(plugin, JSON.parse(text));
      if ((fromPlugin.length === 0) === (fromSchema.length === 0)) {
        counts[fromPlugin.length === 0 ? 'accepted' : 'rejected']++;
        continue;
      }
      const entry = explanation(plugin, fromPlugin, fromSchema);
      if (entry !== undefined) {
        explained.set(entry, (explained.get(entry) ?? 0) + 1);
        continue;
      }
      // Grouped by what the rejecting side says, without the values, so each kind shows once.
      const said = (fromPlugin[0] ?? `schema: ${fromSchema[0]}`).replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N');
      const seen = unexplained.get(said);
      if (seen === undefined || text.length < seen.text.length)
        unexplained.set(said, { text, mutation, plugin: fromPlugin, schema: fromSchema });
    }
    t.diagnostic(
      `${plugin}: ${samples.length} generated configurations: ${counts.accepted} accepted by both, ${counts.rejected} rejected by both, ${[...explained.values()].reduce((a, b) => a + b, 0)} justified disagreements`,
    );
    for (const [entry, count] of explained)
      t.diagnostic(`  ${count} × ${entry.rejectedBy} alone rejects ${entry.says}: ${entry.why}`);
    const report = [...unexplained.values()].map(
      (u) =>
        `  ${u.mutation}: ${u.text.slice(0, 300)}\n    plugin: ${u.plugin.join(' | ') || 'accepts'}\n    schema: ${u.schema.join(' | ') || 'accepts'}`,
    );
    assert.equal(
      report.length,
      0,
      `${plugin}: the schema and the plugin disagree on configurations not listed as justified:\n${report.join('\n')}`,
    );
  });
}
