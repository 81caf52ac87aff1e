// `route-keys validate <plugin> FILE`: checks a plugin configuration against the plugin's JSON
// Schema offline, with the path of each error, before it reaches Envoy or Istio.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ROOT, pluginNames } from './build.ts';
import { CliError } from './errors.ts';
import { parseDocument, readText } from './request-file.ts';

const validators = new Map<string, ValidateFunction>();

// Plugins that publish a configuration schema.
export function configurablePlugins(): string[] {
  return pluginNames().filter((name) => existsSync(join(ROOT, 'plugins', name, 'config.schema.json')));
}

export function schemaValidator(plugin: string): ValidateFunction {
  let validate = validators.get(plugin);
  if (validate === undefined) {
    if (!configurablePlugins().includes(plugin)) {
      throw new CliError(`unknown plugin "${plugin}": expected one of ${configurablePlugins().join(', ')}`);
    }
    const schema = JSON.parse(readFileSync(join(ROOT, 'plugins', plugin, 'config.schema.json'), 'utf8'));
    // strictTuples off: weights pairs may leave the weight out ([feature] or [feature, weight]).
    validate = new Ajv2020.default({ allErrors: true, strictTuples: false }).compile(schema);
    validators.set(plugin, validate);
  }
  return validate;
}

// One line per problem: "<path> <what is wrong>". Empty when the document is valid.
export function validationErrors(plugin: string, document: unknown): string[] {
  const validate = schemaValidator(plugin);
  if (validate(document)) return [];
  return (validate.errors ?? []).filter(worthShowing).map(describe);
}

// oneOf/if failures repeat what their branches already said; keep the specific lines.
function worthShowing(error: ErrorObject, _index: number, all: ErrorObject[]): boolean {
  if (error.keyword === 'if') return false;
  if (error.keyword === 'oneOf' || error.keyword === 'anyOf') return !all.some((other) => other !== error && other.instancePath.startsWith(error.instancePath) && other.keyword !== 'oneOf');
  return true;
}

function describe(error: ErrorObject): string {
  const path = error.instancePath || '/';
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path} has an unknown field "${(error.params as { additionalProperty: string }).additionalProperty}"`;
    case 'enum':
      return `${path} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'required':
      return `${path} needs "${(error.params as { missingProperty: string }).missingProperty}"`;
    default:
      return `${path} ${error.message}`;
  }
}

export function validateCommand(plugin: string, file: string, out: (text: string) => void): void {
  schemaValidator(plugin);
  const errors = validationErrors(plugin, parseDocument(readText(file), file));
  if (errors.length > 0) {
    throw new CliError(`${file}: not a valid ${plugin} configuration (${errors.length} error${errors.length > 1 ? 's' : ''})`, 1, errors.map((e) => `${file}: ${e}`));
  }
  out(`${file}: valid ${plugin} configuration\n`);
}
