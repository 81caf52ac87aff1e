// `route-keys package`: the OCI images of every built plugin, as OCI image layouts under
// dist/oci/<plugin>/ (both variants in one layout, named "compat" and "wasm").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, ROOT, assertBuilt } from './build.ts';
import { manifestOf, pluginNames } from './plugins.ts';
import { type ImageMetadata, type PluginImage, pluginImages } from './oci/image.ts';
import { writeLayout } from './oci/layout.ts';

export const OCI_DIR = join(DIST, 'oci');

interface PackageJson {
  version: string;
  license: string;
  repository?: { url: string };
}

export function projectPackage(): PackageJson {
  return JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
}

// The metadata for a plugin's annotations: the project's version, source and licence, and the
// first sentence of the plugin's schema description.
export function imageMetadata(plugin: string): ImageMetadata {
  const pkg = projectPackage();
  const schema = JSON.parse(readFileSync(join(ROOT, 'plugins', plugin, 'config.schema.json'), 'utf8')) as {
    description?: string;
  };
  const description = (schema.description ?? plugin).split(/(?<=\.)\s/)[0]!;
  return {
    plugin,
    version: pkg.version,
    source: (pkg.repository?.url ?? '').replace(/^git\+/, '').replace(/\.git$/, ''),
    description,
    licenses: pkg.license,
    rootId: manifestOf(plugin).root_id,
  };
}

export function builtWasm(plugin: string): Buffer {
  const file = join(DIST, `${plugin}.wasm`);
  assertBuilt(file);
  return readFileSync(file);
}

// The images of one plugin, computed from dist/<plugin>.wasm (nothing is written).
export function imagesOf(plugin: string): PluginImage[] {
  return pluginImages(builtWasm(plugin), imageMetadata(plugin));
}

export function packagePlugins(log: (line: string) => void): PluginImage[] {
  const all: PluginImage[] = [];
  for (const plugin of pluginNames()) {
    const images = imagesOf(plugin);
    writeLayout(join(OCI_DIR, plugin), images);
    for (const image of images) log(`packaged dist/oci/${plugin}:${image.variant} ${image.manifest.descriptor.digest}`);
    all.push(...images);
  }
  return all;
}
