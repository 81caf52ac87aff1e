// A minimal client of the OCI distribution API (distribution-spec spec.md): pushes blobs and a
// manifest under a tag, reads them back. Anonymous only; registries that need credentials are
// reached through skopeo, which reads the usual auth files.
import type { Blob } from './image.ts';
import { OCI_INDEX, OCI_MANIFEST } from './media-types.ts';

export interface RegistryTarget {
  registry: string; // HOST[:PORT]
  plainHttp: boolean;
}

function baseUrl(target: RegistryTarget, repository: string): string {
  return `${target.plainHttp ? 'http' : 'https'}://${target.registry}/v2/${repository}`;
}

async function expectStatus(response: Response, expected: number[], what: string): Promise<Response> {
  if (!expected.includes(response.status)) {
    const text = (await response.text()).slice(0, 300).trim();
    throw new Error(`${what}: registry answered ${response.status}${text ? ` ${text}` : ''}`);
  }
  return response;
}

export async function pushBlob(target: RegistryTarget, repository: string, blob: Blob): Promise<void> {
  const base = baseUrl(target, repository);
  const { digest } = blob.descriptor;
  const head = await fetch(`${base}/blobs/${digest}`, { method: 'HEAD' });
  if (head.status === 200) return;
  const started = await expectStatus(
    await fetch(`${base}/blobs/uploads/`, { method: 'POST' }),
    [202],
    `starting the upload of ${digest}`,
  );
  const location = started.headers.get('location');
  if (!location) throw new Error(`starting the upload of ${digest}: the registry gave no Location`);
  const url = new URL(location, base);
  url.searchParams.set('digest', digest);
  await expectStatus(
    await fetch(url, {
      method: 'PUT',
      body: new Uint8Array(blob.bytes),
      headers: { 'content-type': 'application/octet-stream' },
    }),
    [201],
    `uploading ${digest}`,
  );
}

// Returns the digest the registry computed for the manifest.
export async function pushManifest(
  target: RegistryTarget,
  repository: string,
  reference: string,
  manifest: Blob,
): Promise<string> {
  const response = await expectStatus(
    await fetch(`${baseUrl(target, repository)}/manifests/${reference}`, {
      method: 'PUT',
      body: new Uint8Array(manifest.bytes),
      headers: { 'content-type': manifest.descriptor.mediaType },
    }),
    [201],
    `pushing the manifest ${repository}:${reference}`,
  );
  return response.headers.get('docker-content-digest') ?? manifest.descriptor.digest;
}

export async function fetchManifest(
  target: RegistryTarget,
  repository: string,
  reference: string,
): Promise<{ bytes: Buffer; digest: string }> {
  const response = await expectStatus(
    await fetch(`${baseUrl(target, repository)}/manifests/${reference}`, {
      headers: { accept: `${OCI_MANIFEST}, ${OCI_INDEX}` },
    }),
    [200],
    `reading the manifest ${repository}:${reference}`,
  );
  const bytes = Buffer.from(await response.arrayBuffer());
  return { bytes, digest: response.headers.get('docker-content-digest') ?? '' };
}

export async function fetchBlob(target: RegistryTarget, repository: string, digest: string): Promise<Buffer> {
  const response = await expectStatus(
    await fetch(`${baseUrl(target, repository)}/blobs/${digest}`),
    [200],
    `reading the blob ${digest}`,
  );
  return Buffer.from(await response.arrayBuffer());
}
