// OCI image layouts (image-spec image-layout.md) on disk: one directory per plugin holding both
// variants, each named in index.json by org.opencontainers.image.ref.name, so that
// `skopeo copy oci:dist/oci/jwt-tenant:compat ...` finds it.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Blob, type Descriptor, type PluginImage, sha256Digest } from './image.ts';
import { OCI_INDEX, type Variant, VARIANTS } from './media-types.ts';

const REF_NAME = 'org.opencontainers.image.ref.name';

export function blobPath(layoutDir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  return join(layoutDir, 'blobs', algorithm!, hex!);
}

export function writeLayout(layoutDir: string, images: PluginImage[]): void {
  rmSync(layoutDir, { recursive: true, force: true });
  mkdirSync(join(layoutDir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  for (const image of images) {
    for (const blob of [image.manifest, ...image.blobs])
      writeFileSync(blobPath(layoutDir, blob.descriptor.digest), blob.bytes);
  }
  const manifests = images.map((image) => ({
    ...image.manifest.descriptor,
    annotations: { [REF_NAME]: image.variant },
  }));
  writeFileSync(join(layoutDir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
}

export interface LayoutImage {
  variant: Variant;
  manifest: Blob;
  blobs: Blob[];
}

// Reads the images back, checking every blob against its digest and size.
export function readLayout(layoutDir: string): LayoutImage[] {
  if (!existsSync(join(layoutDir, 'index.json')))
    throw new Error(`${layoutDir} is not an OCI image layout (no index.json)`);
  const index = JSON.parse(readFileSync(join(layoutDir, 'index.json'), 'utf8')) as {
    manifests: (Descriptor & { annotations?: Record<string, string> })[];
  };
  return index.manifests.map((entry) => {
    const variant = entry.annotations?.[REF_NAME] as Variant;
    if (!VARIANTS.includes(variant)) throw new Error(`${layoutDir}: unknown image ${String(variant)} in index.json`);
    const manifest = readBlob(layoutDir, entry);
    const parsed = JSON.parse(manifest.bytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
    const seen = new Set<string>();
    const blobs = [parsed.config, ...parsed.layers]
      .filter((d) => !seen.has(d.digest) && seen.add(d.digest))
      .map((d) => readBlob(layoutDir, d));
    return { variant, manifest, blobs };
  });
}

function readBlob(layoutDir: string, descriptor: Descriptor): Blob {
  const bytes = readFileSync(blobPath(layoutDir, descriptor.digest));
  if (sha256Digest(bytes) !== descriptor.digest || bytes.length !== descriptor.size) {
    throw new Error(`${layoutDir}: blob ${descriptor.digest} does not match its descriptor`);
  }
  return { descriptor: { mediaType: descriptor.mediaType, digest: descriptor.digest, size: descriptor.size }, bytes };
}
