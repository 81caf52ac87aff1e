// The checks Istio's (and Envoy Gateway's) Wasm image fetcher applies to a pulled image, in its
// order (istio/istio pkg/wasm/imagefetcher.go): a Docker schema 2 manifest must end in a Docker
// tar+gzip layer holding plugin.wasm; an OCI manifest is tried as "compat" (the last layer is
// application/vnd.oci.image.layer.v1.tar+gzip holding a file whose base name is plugin.wasm),
// then as the Wasm variant (exactly two layers, one of them the raw module). Returns the module
// the fetcher would hand to Envoy, or throws with the reasons each variant failed.
import { gunzipSync } from 'node:zlib';
import type { Blob, Descriptor } from './image.ts';
import { COMPAT_WASM_FILE, OCI_LAYER_TAR_GZIP, type Variant, WASM_CONTENT_LAYER } from './media-types.ts';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export interface FetchedModule {
  variant: Variant;
  wasm: Buffer;
}

export function fetcherExtract(manifestBytes: Buffer, blobs: Map<string, Buffer>): FetchedModule {
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as { mediaType?: string; layers?: Descriptor[] };
  const layers = manifest.layers ?? [];
  const content = (d: Descriptor): Buffer => {
    const bytes = blobs.get(d.digest);
    if (bytes === undefined) throw new Error(`layer ${d.digest} is missing`);
    return bytes;
  };
  if (manifest.mediaType === DOCKER_MANIFEST)
    return { variant: 'compat', wasm: lastTarGzipLayer(layers, DOCKER_LAYER, content) };
  let compatError: Error;
  try {
    return { variant: 'compat', wasm: lastTarGzipLayer(layers, OCI_LAYER_TAR_GZIP, content) };
  } catch (error) {
    compatError = error as Error;
  }
  try {
    if (layers.length !== 2) throw new Error(`number of layers must be 2 but got ${layers.length}`);
    const module = layers.find((l) => l.mediaType === WASM_CONTENT_LAYER);
    if (module === undefined) throw new Error(`no layer of type ${WASM_CONTENT_LAYER}`);
    return { variant: 'wasm', wasm: content(module) };
  } catch (error) {
    throw new Error(
      `not a Wasm image: as compat variant: ${compatError.message}; as Wasm variant: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

function lastTarGzipLayer(layers: Descriptor[], mediaType: string, content: (d: Descriptor) => Buffer): Buffer {
  const last = layers.at(-1);
  if (last === undefined) throw new Error('number of layers must be greater than zero');
  if (last.mediaType !== mediaType) throw new Error(`invalid media type ${last.mediaType} (expect ${mediaType})`);
  const file = tarEntries(gunzipSync(content(last))).find((entry) => entry.name.split('/').at(-1) === COMPAT_WASM_FILE);
  if (file === undefined) throw new Error(`${COMPAT_WASM_FILE} not found in the archive`);
  return file.content;
}

// Regular files of a ustar archive (enough for image layers: no long-name extensions needed).
export function tarEntries(tar: Buffer): { name: string; content: Buffer }[] {
  const entries: { name: string; content: Buffer }[] = [];
  let offset = 0;
  while (offset + 512 <= tar.length && tar[offset] !== 0) {
    const field = (start: number, length: number) =>
      tar.toString('latin1', offset + start, offset + start + length).replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = (prefix ? `${prefix}/` : '') + field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    if (type === '0' || type === '') entries.push({ name, content: tar.subarray(offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

export function blobMap(blobs: Blob[]): Map<string, Buffer> {
  return new Map(blobs.map((b) => [b.descriptor.digest, b.bytes]));
}
