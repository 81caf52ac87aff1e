// `route-keys push --registry HOST[:PORT]`: pushes the packaged images (dist/oci/<plugin>) to a
// registry, with skopeo when it is on PATH or by the OCI distribution API, checks that the
// registry kept each manifest's digest, and returns the references to pin.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pluginNames } from './build.ts';
import { CliError } from './errors.ts';
import { type RegistryTarget, pushBlob, pushManifest } from './oci/distribution.ts';
import { type LayoutImage, readLayout } from './oci/layout.ts';
import type { Variant } from './oci/media-types.ts';
import { OCI_DIR, projectPackage } from './package.ts';

export type PushTool = 'auto' | 'skopeo' | 'api';

export interface PushOptions {
  registry: string;
  tag?: string;
  namespace?: string;
  plainHttp?: boolean;
  tool?: PushTool;
  // Where the layouts are (default dist/oci).
  layoutRoot?: string;
}

export interface PushedImage {
  plugin: string;
  variant: Variant;
  reference: string;
  digest: string;
  // The oci:// URL for a WasmPlugin, pinned by digest.
  pin: string;
  tool: 'skopeo' | 'api';
}

export const DEFAULT_NAMESPACE = 'route-keys';

// The compat image carries the plain tag (every fetcher accepts it); the Wasm variant "-wasm".
export function tagFor(tag: string, variant: Variant): string {
  return variant === 'compat' ? tag : `${tag}-wasm`;
}

export function repositoryFor(namespace: string, plugin: string): string {
  return namespace ? `${namespace}/${plugin}` : plugin;
}

export function skopeoAvailable(): boolean {
  return spawnSync('skopeo', ['--version'], { stdio: 'ignore' }).status === 0;
}

function checkRegistry(registry: string): void {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$/.test(registry)) {
    throw new CliError(`--registry takes HOST or HOST:PORT (for example 127.0.0.1:5000), not "${registry}"`);
  }
}

function checkTag(tag: string): void {
  // distribution-spec: [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}; "-wasm" is appended for the Wasm variant.
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,122}$/.test(tag)) throw new CliError(`--tag "${tag}" is not a valid image tag`);
}

export async function pushImages(options: PushOptions, log: (line: string) => void = () => {}): Promise<PushedImage[]> {
  checkRegistry(options.registry);
  const tag = options.tag ?? projectPackage().version;
  checkTag(tag);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const target: RegistryTarget = { registry: options.registry, plainHttp: options.plainHttp ?? false };
  const wanted = options.tool ?? 'auto';
  const tool = wanted === 'auto' ? (skopeoAvailable() ? 'skopeo' : 'api') : wanted;
  if (tool === 'skopeo' && !skopeoAvailable()) throw new CliError('--with skopeo: skopeo is not on PATH');
  const pushed: PushedImage[] = [];
  for (const plugin of pluginNames()) {
    const layoutDir = join(options.layoutRoot ?? OCI_DIR, plugin);
    if (!existsSync(join(layoutDir, 'index.json')))
      throw new CliError(`dist/oci/${plugin} is missing: run "route-keys package" first`);
    for (const image of readLayout(layoutDir)) {
      const repository = repositoryFor(namespace, plugin);
      const reference = `${options.registry}/${repository}:${tagFor(tag, image.variant)}`;
      const digest =
        tool === 'skopeo'
          ? skopeoPush(layoutDir, image.variant, reference, target.plainHttp)
          : await apiPush(target, repository, tagFor(tag, image.variant), image);
      if (digest !== image.manifest.descriptor.digest) {
        throw new CliError(
          `${reference}: the registry holds digest ${digest}, not the packaged ${image.manifest.descriptor.digest}`,
        );
      }
      const entry: PushedImage = {
        plugin,
        variant: image.variant,
        reference,
        digest,
        pin: `oci://${options.registry}/${repository}@${digest}`,
        tool,
      };
      log(`pushed ${reference} ${digest} (${tool})`);
      pushed.push(entry);
    }
  }
  return pushed;
}

async function apiPush(target: RegistryTarget, repository: string, tag: string, image: LayoutImage): Promise<string> {
  try {
    for (const blob of image.blobs) await pushBlob(target, repository, blob);
    return await pushManifest(target, repository, tag, image.manifest);
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    throw new CliError(
      `push to ${target.registry}/${repository}:${tag} failed: ${(error as Error).message}${cause ? ` (${cause.message})` : ''}`,
    );
  }
}

// --preserve-digests: skopeo must not rewrite the manifest (it refuses rather than convert).
function skopeoPush(layoutDir: string, variant: Variant, reference: string, plainHttp: boolean): string {
  const scratch = mkdtempSync(join(tmpdir(), 'route-keys-push-'));
  try {
    const digestFile = join(scratch, 'digest');
    const result = spawnSync(
      'skopeo',
      [
        'copy',
        '--quiet',
        '--preserve-digests',
        `--dest-tls-verify=${!plainHttp}`,
        '--digestfile',
        digestFile,
        `oci:${layoutDir}:${variant}`,
        `docker://${reference}`,
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0)
      throw new CliError(
        `skopeo could not push ${reference}: ${(result.stderr || result.error?.message || '').trim()}`,
      );
    return readFileSync(digestFile, 'utf8').trim();
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
