// A bad body-keys configuration is refused at configure, naming the field.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigurationRejectedError } from '../../host/index.ts';
import { load, pluginModule } from '../support/modules.ts';

const cases: [string, string, RegExp][] = [
  ['no keys', '{}', /^\/keys: expected at least one key/],
  ['a key without a header', '{"keys":[{"sources":[{"cookie":"c"}]}]}', /^\/keys\/0\/header: expected the header/],
  ['a source of two kinds', '{"keys":[{"header":"x-k","sources":[{"cookie":"c","json":"/a"}]}]}', /^\/keys\/0\/sources\/0: expected one of/],
  ['an unknown source kind', '{"keys":[{"header":"x-k","sources":[{"xml":"/a"}]}]}', /^\/keys\/0\/sources\/0\/xml: expected one of header, cookie, query, json, form$/],
  ['a bad JSON Pointer', '{"keys":[{"header":"x-k","sources":[{"json":"cart.id"}]}]}', /^\/keys\/0\/sources\/0\/json: expected a JSON Pointer/],
  ['a pattern too long', '{"keys":[{"header":"x-k","sources":[{"cookie":"c"}],"pattern":"^[a-z]{1,5000}$"}]}', /^\/keys\/0\/pattern: expected a maximum length of at most 1024$/],
  ['an unsupported content type', '{"keys":[{"header":"x-k","sources":[{"cookie":"c"}]}],"inspect":{"content_types":["text/xml"]}}', /^\/inspect\/content_types\/0: expected a JSON type/],
  ['a zero limit', '{"keys":[{"header":"x-k","sources":[{"cookie":"c"}]}],"max_body_bytes":0}', /^\/max_body_bytes: expected an integer from 1 to 8388608$/],
];

for (const [name, configuration, message] of cases) {
  test(`rejected at configure: ${name}`, () => {
    assert.throws(
      () => load(pluginModule('body-keys'), { rootId: 'body-keys', configuration }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigurationRejectedError);
        assert.match((e.logs.find((l) => l.level === 'error')?.message ?? '').replace(/^body-keys: invalid configuration: /, ''), message);
        return true;
      },
    );
  });
}
