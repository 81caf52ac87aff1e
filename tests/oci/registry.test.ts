// Images pushed to a real registry (Debian's docker-registry on 127.0.0.1) come back, pulled with
// skopeo, with the same digests and contents, pass the fetcher checks, and the module inside
// loads in the host with the plugin's example configuration.
// own process: its top-level before() and after() start and stop a registry
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pluginNames } from '../../cli/build.ts';
import { fetchManifest } from '../../cli/oci/distribution.ts';
import { blobMap, fetcherExtract } from '../../cli/oci/fetcher-checks.ts';
import { readLayout, writeLayout } from '../../cli/oci/layout.ts';
import { imagesOf } from '../../cli/package.ts';
import { type PushedImage, pushImages, tagFor } from '../../cli/push.ts';
import { ROOT, load, pluginModule } from '../support/modules.ts';
import { type LocalRegistry, REGISTRY_REQUIRED, missingTools, startRegistry } from '../support/registry.ts';

const missing = missingTools();
const skip =
  missing.length > 0 && !REGISTRY_REQUIRED ? `${missing.join(' and ')} not installed (.ci/run installs them)` : false;

let registry: LocalRegistry;
let layoutRoot: string;
const pushed = new Map<string, PushedImage[]>();

before(async () => {
  if (skip) return;
  assert.deepEqual(missing, [], 'docker-registry and skopeo are required here');
  registry = await startRegistry();
  layoutRoot = mkdtempSync(join(tmpdir(), 'route-keys-oci-'));
  for (const plugin of pluginNames()) writeLayout(join(layoutRoot, plugin), imagesOf(plugin));
  for (const tool of ['skopeo', 'api'] as const) {
    pushed.set(
      tool,
      await pushImages({ registry: registry.address, tag: `t-${tool}`, plainHttp: true, tool, layoutRoot }),
    );
  }
});

after(async () => {
  await registry?.stop();
  if (layoutRoot) rmSync(layoutRoot, { recursive: true, force: true });
});

function skopeo(args: string[]): string {
  const result = spawnSync('skopeo', args, { encoding: 'utf8' });
  assert.equal(result.status, 0, `skopeo ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

for (const tool of ['skopeo', 'api'] as const) {
  test(`pushed with ${tool}: every image comes back by skopeo with the same digest and blobs`, { skip }, () => {
    const images = pushed.get(tool)!;
    assert.equal(images.length, pluginNames().length * 2);
    for (const image of images) {
      assert.equal(image.tool, tool);
      const local = imagesOf(image.plugin).find((i) => i.variant === image.variant)!;
      assert.equal(image.digest, local.manifest.descriptor.digest);
      assert.equal(image.pin, `oci://${registry.address}/route-keys/${image.plugin}@${image.digest}`);

      const pullDir = mkdtempSync(join(tmpdir(), 'route-keys-pull-'));
      try {
        skopeo([
          'copy',
          '--quiet',
          '--src-tls-verify=false',
          `docker://${image.reference}`,
          `oci:${pullDir}:${image.variant}`,
        ]);
        const [pulled] = readLayout(pullDir);
        assert.equal(pulled!.manifest.descriptor.digest, image.digest, `${image.reference}: manifest digest`);
        assert.ok(pulled!.manifest.bytes.equals(local.manifest.bytes), `${image.reference}: manifest bytes`);
        assert.deepEqual(
          pulled!.blobs.map((b) => [b.descriptor.digest, b.bytes.toString('base64')]),
          local.blobs.map((b) => [b.descriptor.digest, b.bytes.toString('base64')]),
        );
        const fetched = fetcherExtract(pulled!.manifest.bytes, blobMap(pulled!.blobs));
        assert.equal(fetched.variant, image.variant);
        assert.ok(
          fetched.wasm.equals(pluginModule(image.plugin)),
          `${image.reference}: module differs from dist/${image.plugin}.wasm`,
        );
        // The module from the registry configures with the example configuration.
        const configuration = readFileSync(join(ROOT, 'plugins', image.plugin, 'example.config.json'), 'utf8');
        assert.doesNotThrow(() => load(fetched.wasm, { rootId: image.plugin, configuration }));
      } finally {
        rmSync(pullDir, { recursive: true, force: true });
      }
    }
  });
}

test('skopeo inspect and the distribution API agree on the pinned digest', { skip }, async () => {
  for (const image of pushed.get('api')!) {
    const raw = skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${image.reference}`]);
    assert.equal(JSON.parse(raw).mediaType, 'application/vnd.oci.image.manifest.v1+json');
    const viaApi = await fetchManifest(
      { registry: registry.address, plainHttp: true },
      `route-keys/${image.plugin}`,
      tagFor('t-api', image.variant),
    );
    assert.equal(viaApi.digest, image.digest);
    const byDigest = await fetchManifest(
      { registry: registry.address, plainHttp: true },
      `route-keys/${image.plugin}`,
      image.digest,
    );
    assert.ok(byDigest.bytes.equals(Buffer.from(raw)));
  }
});

test('a push to a registry that is not there fails with one clear line', { skip }, async () => {
  await assert.rejects(
    pushImages({ registry: '127.0.0.1:1', plainHttp: true, tool: 'api', layoutRoot }),
    /push to 127\.0\.0\.1:1\/route-keys\/\S+ failed: fetch failed/,
  );
  await assert.rejects(
    pushImages({ registry: 'http://x', tool: 'api', layoutRoot }),
    /--registry takes HOST or HOST:PORT/,
  );
});
