// Builds the two OCI images of one plugin from its .wasm, deterministically: the same module and
// metadata always give the same blobs, so the same manifest digest.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import {
  COMPAT_WASM_FILE,
  OCI_IMAGE_CONFIG,
  OCI_LAYER_TAR_GZIP,
  OCI_MANIFEST,
  type Variant,
  WASM_CONTENT_LAYER,
  WASM_RUNTIME_CONFIG,
} from './media-types.ts';
import { singleFileTar } from './tar.ts';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export interface Blob {
  descriptor: Descriptor;
  bytes: Buffer;
}

export interface PluginImage {
  plugin: string;
  variant: Variant;
  manifest: Blob;
  // The config blob first, then the layers, each once.
  blobs: Blob[];
}

export interface ImageMetadata {
  plugin: string;
  version: string;
  source: string;
  description: string;
  licenses: string;
  // The root_id the module registers, for the Wasm runtime configuration.
  rootId: string;
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export function blobOf(mediaType: string, bytes: Buffer, annotations?: Record<string, string>): Blob {
  const descriptor: Descriptor = { mediaType, digest: sha256Digest(bytes), size: bytes.length };
  if (annotations) descriptor.annotations = annotations;
  return { descriptor, bytes };
}

function jsonBytes(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

// The standard annotations (OCI image-spec annotations.md) on every manifest.
export function imageAnnotations(meta: ImageMetadata): Record<string, string> {
  return {
    'org.opencontainers.image.title': meta.plugin,
    'org.opencontainers.image.description': meta.description,
    'org.opencontainers.image.version': meta.version,
    'org.opencontainers.image.source': meta.source,
    'org.opencontainers.image.licenses': meta.licenses,
  };
}

function manifestOf(config: Blob, layers: Blob[], annotations: Record<string, string>): Blob {
  return blobOf(
    OCI_MANIFEST,
    jsonBytes({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: config.descriptor,
      layers: layers.map((layer) => layer.descriptor),
      annotations,
    }),
  );
}

// What `FROM scratch` + `COPY plugin.wasm ./` gives: one tar+gzip layer with plugin.wasm at the
// root and an image config whose rootfs names the uncompressed layer. The platform is the one a
// build on linux/amd64 records; the fetchers do not look at it.
export function compatImage(wasm: Uint8Array, meta: ImageMetadata): PluginImage {
  const tar = singleFileTar(COMPAT_WASM_FILE, wasm);
  // gzip header with mtime 0 and no file name: the compressed bytes depend on the content only.
  const layer = blobOf(OCI_LAYER_TAR_GZIP, gzipSync(tar, { level: 9 }));
  const annotations = imageAnnotations(meta);
  const config = blobOf(
    OCI_IMAGE_CONFIG,
    jsonBytes({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: annotations },
      rootfs: { type: 'layers', diff_ids: [sha256Digest(tar)] },
    }),
  );
  return {
    plugin: meta.plugin,
    variant: 'compat',
    manifest: manifestOf(config, [layer], annotations),
    blobs: [config, layer],
  };
}

// The Wasm-specific variant: the runtime configuration (type, ABI versions, root ids) is both the
// manifest's config and the first of exactly two layers; the raw module is the second.
export function wasmImage(wasm: Uint8Array, meta: ImageMetadata): PluginImage {
  const runtimeConfig = blobOf(
    WASM_RUNTIME_CONFIG,
    jsonBytes({ type: 'envoy_proxy', abiVersions: ['proxy_abi_version_0_2_1'], config: { rootIds: [meta.rootId] } }),
  );
  const module = blobOf(WASM_CONTENT_LAYER, Buffer.from(wasm), { 'org.opencontainers.image.title': COMPAT_WASM_FILE });
  return {
    plugin: meta.plugin,
    variant: 'wasm',
    manifest: manifestOf(runtimeConfig, [runtimeConfig, module], imageAnnotations(meta)),
    blobs: [runtimeConfig, module],
  };
}

export function pluginImages(wasm: Uint8Array, meta: ImageMetadata): PluginImage[] {
  return [compatImage(wasm, meta), wasmImage(wasm, meta)];
}
