// config.schema.json (what an editor or CI checks a configuration against) and the plugin at
// configure must give one verdict. JSON Schema's "integer" is any number with a zero fraction, so
// 65536.0 and 6.5536e4 are integers to it (as to JSON, which has one number type); and a one-
// character field that is ASCII to the plugin must say so in the schema too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pluginErrors, validationErrors } from '../../cli/validate.ts';

const cases: [plugin: string, configuration: string][] = [
  ['body-keys', '{"keys":[{"header":"x-cart-id","sources":[{"cookie":"cart"}]}],"max_body_bytes":65536.0}'],
  ['body-keys', '{"keys":[{"header":"x-cart-id","sources":[{"cookie":"cart"}]}],"max_body_bytes":6.5536e4}'],
  ['jwt-tenant', '{"checks":{"leeway_seconds":60.0}}'],
  ['jwt-tenant', '{"on_invalid":{"action":"reject","status":401.0}}'],
  ['jwt-tenant', '{"tenant":{"claim":"/iss","capture":{"prefix":"https://kc.example.com/realms/","until":"é"}}}'],
];

for (const [plugin, configuration] of cases) {
  test(`${plugin} ${configuration}: the schema and the plugin agree`, () => {
    const schema = validationErrors(plugin, JSON.parse(configuration));
    const fromPlugin = pluginErrors(plugin, configuration);
    assert.equal(
      schema.length > 0,
      fromPlugin.length > 0,
      `schema: ${JSON.stringify(schema)}; plugin: ${JSON.stringify(fromPlugin)}`,
    );
  });
}
