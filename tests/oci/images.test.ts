// The OCI images: deterministic, in the two shapes Istio's and Envoy Gateway's fetchers accept,
// each giving back exactly the built module.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { pluginNames } from '../../cli/build.ts';
import { blobMap, fetcherExtract, tarEntries } from '../../cli/oci/fetcher-checks.ts';
import { blobOf, pluginImages } from '../../cli/oci/image.ts';
import { readLayout, writeLayout } from '../../cli/oci/layout.ts';
import {
  OCI_LAYER_TAR_GZIP,
  OCI_MANIFEST,
  WASM_CONTENT_LAYER,
  WASM_RUNTIME_CONFIG,
} from '../../cli/oci/media-types.ts';
import { imageMetadata, imagesOf } from '../../cli/package.ts';
import { singleFileTar } from '../../cli/oci/tar.ts';
import { pluginModule } from '../support/modules.ts';

const manifestOf = (bytes: Buffer) => JSON.parse(bytes.toString('utf8'));

for (const plugin of pluginNames()) {
  test(`${plugin}: both images pass the fetcher checks and give back dist/${plugin}.wasm`, () => {
    const images = imagesOf(plugin);
    assert.deepEqual(
      images.map((i) => i.variant),
      ['compat', 'wasm'],
    );
    for (const image of images) {
      const fetched = fetcherExtract(image.manifest.bytes, blobMap(image.blobs));
      assert.equal(fetched.variant, image.variant);
      assert.ok(
        fetched.wasm.equals(pluginModule(plugin)),
        `${image.variant}: the extracted module differs from the build`,
      );
    }
  });

  test(`${plugin}: images are deterministic and carry the standard annotations`, () => {
    const wasm = pluginModule(plugin);
    const first = pluginImages(wasm, imageMetadata(plugin));
    const again = pluginImages(Buffer.from(wasm), imageMetadata(plugin));
    assert.deepEqual(
      again.map((i) => i.manifest.descriptor.digest),
      first.map((i) => i.manifest.descriptor.digest),
    );
    const changed = Buffer.from(wasm);
    changed[changed.length - 1] ^= 1;
    for (const [i, image] of pluginImages(changed, imageMetadata(plugin)).entries()) {
      assert.notEqual(image.manifest.descriptor.digest, first[i]!.manifest.descriptor.digest);
    }
    for (const image of first) {
      const annotations = manifestOf(image.manifest.bytes).annotations;
      assert.equal(annotations['org.opencontainers.image.title'], plugin);
      assert.match(annotations['org.opencontainers.image.version'], /^\d+\.\d+\.\d+/);
      assert.match(annotations['org.opencontainers.image.source'], /^https:\/\//);
      assert.ok(annotations['org.opencontainers.image.description'].length > 10);
    }
  });
}

test('the compat image is FROM scratch + COPY plugin.wasm: one tar+gzip layer, rootfs naming the tar', () => {
  const [compat] = imagesOf('jwt-tenant');
  const manifest = manifestOf(compat!.manifest.bytes);
  assert.equal(manifest.mediaType, OCI_MANIFEST);
  assert.equal(manifest.layers.length, 1);
  assert.equal(manifest.layers[0].mediaType, OCI_LAYER_TAR_GZIP);
  const blobs = blobMap(compat!.blobs);
  const config = JSON.parse(blobs.get(manifest.config.digest)!.toString('utf8'));
  const tar = gunzipSync(blobs.get(manifest.layers[0].digest)!);
  assert.deepEqual(config.rootfs, { type: 'layers', diff_ids: [blobOf('x', tar).descriptor.digest] });
  assert.deepEqual(
    tarEntries(tar).map((e) => e.name),
    ['plugin.wasm'],
  );
});

test('the Wasm variant has exactly two layers: the runtime configuration, then the module', () => {
  const [, wasm] = imagesOf('feature-alias');
  const manifest = manifestOf(wasm!.manifest.bytes);
  assert.equal(manifest.config.mediaType, WASM_RUNTIME_CONFIG);
  assert.deepEqual(
    manifest.layers.map((l: { mediaType: string }) => l.mediaType),
    [WASM_RUNTIME_CONFIG, WASM_CONTENT_LAYER],
  );
  const runtime = JSON.parse(blobMap(wasm!.blobs).get(manifest.layers[0].digest)!.toString('utf8'));
  assert.deepEqual(runtime, {
    type: 'envoy_proxy',
    abiVersions: ['proxy_abi_version_0_2_1'],
    config: { rootIds: ['feature-alias'] },
  });
});

test('the fetcher checks refuse what Istio refuses', () => {
  const wasm = Buffer.from(pluginModule('jwt-tenant'));
  const module = blobOf('application/wasm', wasm);
  const config = blobOf(WASM_RUNTIME_CONFIG, Buffer.from('{}'));
  const manifest = (layers: ReturnType<typeof blobOf>[]) =>
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: config.descriptor,
        layers: layers.map((l) => l.descriptor),
      }),
    );
  const blobs = (layers: ReturnType<typeof blobOf>[]) => blobMap([config, ...layers]);
  // The single-layer application/wasm artifact (oras push plugin.wasm:application/wasm).
  assert.throws(() => fetcherExtract(manifest([module]), blobs([module])), /number of layers must be 2 but got 1/);
  // Two layers, neither of them the Wasm content type.
  assert.throws(
    () => fetcherExtract(manifest([config, module]), blobs([config, module])),
    /no layer of type application\/vnd\.module\.wasm\.content/,
  );
  // A tar+gzip layer without plugin.wasm.
  const wrongName = blobOf(OCI_LAYER_TAR_GZIP, gzipSync(singleFileTar('filter.wasm', wasm)));
  assert.throws(
    () => fetcherExtract(manifest([wrongName]), blobs([wrongName])),
    /plugin\.wasm not found in the archive/,
  );
  // Three layers of the Wasm variant are one too many.
  const three = [config, blobOf(WASM_CONTENT_LAYER, wasm), config];
  assert.throws(() => fetcherExtract(manifest(three), blobs(three)), /number of layers must be 2 but got 3/);
});

test('an OCI layout written and read back holds the same images, checked blob by blob', () => {
  const dir = mkdtempSync(join(tmpdir(), 'route-keys-layout-'));
  try {
    const images = imagesOf('body-keys');
    writeLayout(dir, images);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    assert.equal(readdirSync(join(dir, 'blobs', 'sha256')).length, 6);
    const back = readLayout(dir);
    assert.deepEqual(
      back.map((i) => [i.variant, i.manifest.descriptor.digest]),
      images.map((i) => [i.variant, i.manifest.descriptor.digest]),
    );
    // A blob that no longer matches its digest is refused.
    const layer = images[0]!.blobs[1]!.descriptor.digest.split(':')[1]!;
    rmSync(join(dir, 'blobs', 'sha256', layer));
    assert.throws(() => readLayout(dir), /ENOENT|does not match/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
