// The plugins are the folders under plugins/ that hold a plugin.json; everything the CLI, the
// render, the deploy tests and the bench know about one comes from it (checked against
// cli/plugin.schema.json when read), so a new plugin needs no edit outside its folder.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { CliError } from './errors.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const PLUGINS_DIR = join(ROOT, 'plugins');

export type IstioPlacement =
  | { kind: 'WasmPlugin'; phase: string; priority: number; why: string }
  | { kind: 'EnvoyFilter'; allow_on_headers_stop_iteration: boolean; why: string };

export interface PluginManifest {
  name: string;
  root_id: string;
  istio: IstioPlacement;
  needs_body: boolean;
  writes: { field: string; default?: string }[];
  example_config: string;
  bench?: string;
  deploy?: string;
  release_build?: ReleaseBuild;
}

// asc options of the plugin's release build that differ from asconfig.json's release target.
export interface ReleaseBuild {
  optimizeLevel?: number;
  shrinkLevel?: number;
  why: string;
}

const manifestSchema = JSON.parse(readFileSync(join(ROOT, 'cli', 'plugin.schema.json'), 'utf8'));
const validateManifest = new Ajv2020.default({ allErrors: true }).compile<PluginManifest>(manifestSchema);
// Keyed by the manifest's text, so that one process running several commands sees an edited manifest.
const manifests = new Map<string, { text: string; manifest: PluginManifest }>();

export function pluginNames(): string[] {
  if (!existsSync(PLUGINS_DIR)) return [];
  return readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(PLUGINS_DIR, d.name, 'plugin.json')))
    .map((d) => d.name)
    .sort();
}

export function pluginFile(plugin: string, file: string): string {
  return join(PLUGINS_DIR, plugin, file);
}

export function manifestOf(plugin: string): PluginManifest {
  const file = pluginFile(plugin, 'plugin.json');
  if (!existsSync(file)) throw new CliError(`unknown plugin "${plugin}": expected one of ${pluginNames().join(', ')}`);
  const text = readFileSync(file, 'utf8');
  const cached = manifests.get(plugin);
  if (cached?.text === text) return cached.manifest;
  const document: unknown = JSON.parse(text);
  if (!validateManifest(document)) {
    const errors = (validateManifest.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new CliError(`plugins/${plugin}/plugin.json is not a valid manifest: ${errors.join('; ')}`);
  }
  if (document.name !== plugin)
    throw new CliError(`plugins/${plugin}/plugin.json: /name is "${document.name}", not its folder's name`);
  manifests.set(plugin, { text, manifest: document });
  return document;
}

export function exampleConfig(plugin: string): Record<string, any> {
  return JSON.parse(readFileSync(pluginFile(plugin, manifestOf(plugin).example_config), 'utf8'));
}

// The plugin whose entry registers this root id (what an Envoy or Istio configuration names).
export function pluginOfRootId(rootId: string): string | undefined {
  return pluginNames().find((plugin) => manifestOf(plugin).root_id === rootId);
}
