// `route-keys validate <plugin> FILE`: the verdict the plugin itself gives at configure (its built
// module configured in the host, its own log lines as the errors) with the JSON Schema's findings
// beside it, each with the path of the field, before the configuration reaches Envoy or Istio.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { ConfigurationRejectedError, Plugin, compileModule, type CompiledModule } from '../host/index.ts';
import { DIST, ROOT } from './build.ts';
import { manifestOf, pluginNames } from './plugins.ts';
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
    // verbose: a "not" error carries its branch, whose description says what is refused.
    validate = new Ajv2020.default({ allErrors: true, strictTuples: false, verbose: true }).compile(schema);
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
  if (error.keyword === 'oneOf' || error.keyword === 'anyOf')
    return !all.some(
      (other) => other !== error && other.instancePath.startsWith(error.instancePath) && other.keyword !== 'oneOf',
    );
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
    case 'not':
      return `${path} ${refusedShape(error.schema as Record<string, unknown>)}`;
    default:
      return `${path} ${error.message}`;
  }
}

// A schema's "not" branch says in its description what it refuses; without one, the common
// shapes (required fields, a list of values) are described, never ajv's bare "must NOT be valid".
function refusedShape(branch: Record<string, unknown>): string {
  if (typeof branch.description === 'string') return `is refused: ${branch.description}`;
  if (Array.isArray(branch.required))
    return `must not have ${branch.required.map((name) => `"${name}"`).join(' with ')}`;
  if (Array.isArray(branch.enum)) return `must not be one of ${branch.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  if ('const' in branch) return `must not be ${JSON.stringify(branch.const)}`;
  return 'matches a form the schema refuses';
}

const modules = new Map<string, CompiledModule>();

// The plugin's built module (dist/<plugin>.wasm), compiled once per process.
export function pluginModule(plugin: string): CompiledModule {
  let compiled = modules.get(plugin);
  if (compiled === undefined) {
    const path = join(DIST, `${plugin}.wasm`);
    if (!existsSync(path))
      throw new CliError(
        `dist/${plugin}.wasm is missing: run npm run build first (validate runs the plugin's own configuration check)`,
      );
    compiled = compileModule(readFileSync(path));
    modules.set(plugin, compiled);
  }
  return compiled;
}

// What the plugin says when Envoy configures it with this text: nothing when it accepts, else its
// own log lines at warn and above (or why configure failed when it logged nothing).
export function pluginErrors(plugin: string, configuration: string): string[] {
  const wasm = pluginModule(plugin);
  try {
    Plugin.load({
      wasm,
      name: plugin,
      rootId: manifestOf(plugin).root_id,
      vmId: 'validate',
      configuration,
      failurePolicy: 'FAIL_CLOSED',
      logLevel: 'warn',
    });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigurationRejectedError)) throw error;
    const lines = error.logs.map((record) => record.message);
    return lines.length > 0 ? lines : [error.message];
  }
}

// The configuration as Envoy receives it: a JSON file's own text (so that what JSON.parse would
// hide, such as a repeated key, reaches the plugin), YAML as the JSON it stands for.
function configurationText(text: string, file: string, document: unknown): string {
  return /\.ya?ml$/i.test(file) ? JSON.stringify(document) : text;
}

export function validateCommand(plugin: string, file: string, out: (text: string) => void): void {
  schemaValidator(plugin);
  const text = readText(file);
  const document = parseDocument(text, file);
  const fromPlugin = pluginErrors(plugin, configurationText(text, file, document));
  const fromSchema = validationErrors(plugin, document);
  if (fromPlugin.length > 0 || fromSchema.length > 0) {
    const verdicts = [
      `the plugin ${fromPlugin.length > 0 ? 'rejects it' : 'accepts it'}`,
      `the schema ${fromSchema.length > 0 ? `finds ${fromSchema.length} error${fromSchema.length > 1 ? 's' : ''}` : 'accepts it'}`,
    ];
    const lines = [
      ...fromPlugin.map((e) => `${file}: plugin: ${e}`),
      ...fromSchema.map((e) => `${file}: schema: ${e}`),
    ];
    throw new CliError(`${file}: not a valid ${plugin} configuration (${verdicts.join('; ')})`, 1, lines);
  }
  out(`${file}: valid ${plugin} configuration (the plugin accepts it at configure, and the schema agrees)\n`);
}
