// Each plugin's Dockerfile builds the compat image `route-keys package` writes: FROM scratch,
// the built module copied to plugin.wasm, and the same annotations as labels.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIST, ROOT, pluginNames } from '../../cli/build.ts';
import { imageAnnotations } from '../../cli/oci/image.ts';
import { imageMetadata } from '../../cli/package.ts';

for (const plugin of pluginNames()) {
  test(`${plugin}: the Dockerfile matches the packaged compat image`, () => {
    const text = readFileSync(join(ROOT, 'plugins', plugin, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
    const instructions = text.split('\n').filter((line) => line.trim() && !line.startsWith('#'));
    assert.equal(instructions[0], 'FROM scratch');
    const copy = instructions.find((line) => line.startsWith('COPY '))!.split(/\s+/);
    assert.deepEqual(copy.slice(2), ['./plugin.wasm']);
    assert.ok(existsSync(join(DIST, copy[1]!)), `COPY ${copy[1]}: not in dist/ after a build`);
    const labels = Object.fromEntries(
      [...text.matchAll(/(org\.opencontainers\.image\.[a-z]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    assert.deepEqual(labels, imageAnnotations(imageMetadata(plugin)));
  });
}
