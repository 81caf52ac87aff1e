// Every plugin's release module fits in 64 KiB (issue 18's goal; README's "Module size" says what
// each build step gave).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pluginNames } from '../../cli/plugins.ts';
import { pluginModule } from '../support/modules.ts';

const LIMIT_BYTES = 64 * 1024;

for (const name of pluginNames()) {
  test(`${name}: the release module is at most 64 KiB`, () => {
    const size = pluginModule(name).byteLength;
    assert.ok(size <= LIMIT_BYTES, `${name}.wasm is ${size} bytes, over ${LIMIT_BYTES}`);
  });
}
