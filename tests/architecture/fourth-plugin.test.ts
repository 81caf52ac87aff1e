// A plugin lives in its folder: a minimal fourth plugin, added to a fresh copy of the repository
// with no edit outside plugins/region-echo/, is built, validated, run, rendered for Istio and
// found by the deploy tests' and the bench's discovery.
// own process: it builds and runs a plugin in a fresh copy of the repository, the longest file (first, alone)
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { commandOf } from '../support/cli.ts';
import { freshCopy } from '../support/fresh-copy.ts';
import { ROOT } from '../support/modules.ts';

const NAME = 'region-echo';

// The AssemblyScript module under assembly/ that exports `what`, as a specifier from plugins/<name>/ (wherever the layering puts it).
function sharedModule(what: RegExp): string {
  const search = (dir: string): string | undefined => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== '__tests__') {
        const found = search(path);
        if (found) return found;
      } else if (entry.name.endsWith('.ts') && what.test(readFileSync(join(ROOT, path), 'utf8'))) return path;
    }
    return undefined;
  };
  const file = search('assembly');
  assert.ok(file, `no module under assembly/ exports ${what}`);
  return `../../${file.replace(/\.ts$/, '')}`;
}

// The plugin: copies one request header (from) into another (header); a client's own value of the written header never passes.
const files: Record<string, string> = {
  'plugin.json': JSON.stringify({
    name: NAME,
    root_id: NAME,
    istio: { kind: 'WasmPlugin', phase: 'STATS', priority: 10, why: 'after the other filters' },
    needs_body: false,
    writes: [{ field: '/header', default: 'x-region' }],
    example_config: 'example.config.json',
    bench: 'bench.ts',
    // Built several times per run and never timed: the optimizer's time is all it would add.
    release_build: { optimizeLevel: 0, why: 'a test plugin, built often and never timed' },
  }),
  'config.schema.json': JSON.stringify({
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    description: 'region-echo: a request header copied into a routing header.',
    type: 'object',
    additionalProperties: false,
    properties: {
      from: { type: 'string', pattern: '^[a-z0-9-]+$' },
      header: { type: 'string', pattern: '^[a-z0-9-]+$' },
    },
  }),
  'example.config.json': JSON.stringify({ from: 'x-geo-region', header: 'x-region' }),
  'index.ts': `// region-echo: copies one request header into a routing header.
export * from "../../assembly/proxy/exports";
import { Context, FilterHeadersStatus, LogLevel, RootContext, log, registerRootContext, stream_context } from "../../assembly/proxy";
import { ConfigReader } from "${sharedModule(/export class ConfigReader\b/)}";
import { forbiddenOutputHeader } from "${sharedModule(/export function forbiddenOutputHeader\b/)}";

class Settings {
  from: string = "x-geo-region";
  header: string = "x-region";
}

class EchoRoot extends RootContext {
  settings: Settings = new Settings();

  onConfigure(configurationSize: u32): bool {
    const reader = new ConfigReader();
    const object = reader.root(this.getConfigurationBytes(configurationSize));
    reader.allowOnly(object, "", ["from", "header"]);
    const settings = new Settings();
    settings.from = reader.headerName(object, "from", "", settings.from);
    settings.header = reader.headerName(object, "header", "", settings.header);
    const forbidden = forbiddenOutputHeader(settings.header);
    if (forbidden !== null) reader.fail("/header", "expected a header a filter may write: " + settings.header + " " + forbidden);
    if (!reader.ok) {
      log(LogLevel.Error, "${NAME}: invalid configuration: " + reader.error!);
      return false;
    }
    this.settings = settings;
    this.ownedRequestHeaders = [String.UTF8.encode(settings.header)];
    return true;
  }

  createContext(contextId: u32): Context {
    return new EchoStream(contextId, this, this.settings);
  }
}

class EchoStream extends Context {
  constructor(contextId: u32, root: RootContext, private settings: Settings) {
    super(contextId, root);
  }

  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const request = stream_context.headers.request;
    const value = request.get(this.settings.from);
    if (value !== null) request.replace(this.settings.header, value);
    return FilterHeadersStatus.Continue;
  }
}

registerRootContext((contextId: u32): RootContext => new EchoRoot(contextId), "${NAME}");
`,
  'bench.ts': `import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FilterChain, Plugin } from '../../host/index.ts';
import type { Scenario } from '../../bench/scenario.ts';

const wasm = readFileSync(join(import.meta.dirname, '..', '..', 'dist', '${NAME}.wasm'));
export const scenarios: Scenario[] = [
  {
    name: '${NAME}: one header',
    chain: () => new FilterChain([Plugin.load({ wasm, name: '${NAME}', rootId: '${NAME}', vmId: 'bench', failurePolicy: 'FAIL_CLOSED', configuration: '{}' })]),
    request: { method: 'GET', path: '/', authority: 'shop.example.com', headers: [['x-geo-region', 'NL']] },
  },
];
`,
  'envoy.yaml': `# region-echo in an Envoy HTTP filter chain.
- name: envoy.filters.http.wasm
  typed_config:
    '@type': type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm
    config:
      name: ${NAME}
      root_id: ${NAME}
      failure_policy: FAIL_CLOSED
      configuration: { '@type': type.googleapis.com/google.protobuf.StringValue, value: '{"header": "x-region"}' }
      vm_config: { runtime: envoy.wasm.runtime.v8, code: { local: { filename: dist/${NAME}.wasm } } }
`,
};

let copy = '';
// The copy's own command, run in this process.
let routeKeys: ReturnType<typeof commandOf>;
const build = (...args: string[]) => routeKeys('build', ...args);
// A module of the copy, imported in this process.
const inCopy = (path: string) => import(pathToFileURL(join(copy, path)).href);

before(() => {
  copy = freshCopy('route-keys-fourth-');
  routeKeys = commandOf(copy);
  const changedBefore = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' });
  mkdirSync(join(copy, 'plugins', NAME));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(copy, 'plugins', NAME, file), text);
  // Only the new plugin is built here; the others' modules (the render pins every image's digest) come from this checkout's build.
  mkdirSync(join(copy, 'dist'));
  for (const file of readdirSync(join(ROOT, 'dist')).filter(
    (f) => /^[a-z0-9-]+\.wasm$/.test(f) && !f.endsWith('.debug.wasm'),
  ))
    copyFileSync(join(ROOT, 'dist', file), join(copy, 'dist', file));
  assert.equal(
    execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }),
    changedBefore,
    'the checkout itself is untouched',
  );
});

after(() => rmSync(copy, { recursive: true, force: true }));

test('route-keys build <name> builds the new plugin alone, release and debug', async () => {
  const result = await build(NAME);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(result.stderr.trim().split('\n'), [`built dist/${NAME}.wasm`, `built dist/${NAME}.debug.wasm`]);
  assert.ok(existsSync(join(copy, 'dist', `${NAME}.debug.wasm`)));
  assert.ok(!existsSync(join(copy, 'dist', 'jwt-tenant.debug.wasm')), 'no other plugin was built');
  assert.match(
    (await build('no-such-plugin')).stderr,
    /unknown plugin "no-such-plugin": expected one of .*region-echo/,
  );
});

test('a build keeps a module whose sources and options are unchanged; an edited source or a changed option builds it again', async () => {
  const release = async () => {
    const result = await build(NAME, '--release');
    assert.equal(result.status, 0, result.stderr);
    return result.stderr.trim().split('\n');
  };
  assert.deepEqual(await release(), [`up to date dist/${NAME}.wasm`]);
  const entry = join(copy, 'plugins', NAME, 'index.ts');
  const source = readFileSync(entry, 'utf8');
  writeFileSync(entry, `${source}// edited\n`);
  assert.deepEqual(await release(), [`built dist/${NAME}.wasm`]);
  const manifest = join(copy, 'plugins', NAME, 'plugin.json');
  const original = readFileSync(manifest, 'utf8');
  writeFileSync(
    manifest,
    JSON.stringify({ ...JSON.parse(original), release_build: { optimizeLevel: 0, shrinkLevel: 2, why: 'smaller' } }),
  );
  assert.deepEqual(await release(), [`built dist/${NAME}.wasm`]);
  // Back to the sources it was first built from, and a module changed behind the build's back: built again, then kept.
  writeFileSync(manifest, original);
  writeFileSync(entry, source);
  writeFileSync(join(copy, 'dist', `${NAME}.wasm`), 'not a module');
  assert.deepEqual(await release(), [`built dist/${NAME}.wasm`]);
  assert.deepEqual(await release(), [`up to date dist/${NAME}.wasm`]);
});

test('route-keys validate judges its configuration by its own check and its schema', async () => {
  const example = await routeKeys('validate', NAME, join(copy, 'plugins', NAME, 'example.config.json'));
  assert.equal(example.status, 0, example.stderr);
  assert.match(example.stdout, /valid region-echo configuration/);
  const bad = join(copy, 'bad.json');
  writeFileSync(bad, '{"from": 7}');
  const rejected = await routeKeys('validate', NAME, bad);
  assert.equal(rejected.status, 1);
  assert.match(rejected.stderr, /plugin: region-echo: invalid configuration: \/from: expected a string/);
  assert.match(rejected.stderr, /schema: \/from must be string/);
});

test('route-keys run sends a request through it: the header arrives upstream, a client-set one does not', async () => {
  const request = join(copy, 'request.json');
  writeFileSync(
    request,
    JSON.stringify({
      method: 'GET',
      path: '/',
      authority: 'shop.example.com',
      headers: [
        ['x-geo-region', 'NL'],
        ['x-region', 'spoofed'],
      ],
    }),
  );
  const result = await routeKeys(
    'run',
    '--wasm',
    join(copy, 'dist', `${NAME}.wasm`),
    '--root-id',
    NAME,
    '--config',
    `@${join(copy, 'plugins', NAME, 'example.config.json')}`,
    '--request',
    `@${request}`,
  );
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.decision, 'continue');
  assert.deepEqual(
    report.upstream.headers.filter(([name]: [string]) => name === 'x-region'),
    [['x-region', 'NL']],
  );
});

test('render istio places it as its manifest says, beside the other plugins', async () => {
  const result = await routeKeys('render', 'istio', '--registry', 'registry.example.com');
  assert.equal(result.status, 0, result.stderr);
  const resources = parseAllDocuments(result.stdout)
    .map((d) => d.toJS())
    .filter((r) => r !== null);
  const plugin = resources.find((r) => r.kind === 'WasmPlugin' && r.metadata.name === NAME);
  assert.ok(plugin, 'its WasmPlugin is rendered');
  assert.deepEqual([plugin.spec.pluginName, plugin.spec.phase, plugin.spec.priority], [NAME, 'STATS', 10]);
  assert.match(plugin.spec.url, new RegExp(`^oci://registry\\.example\\.com/route-keys/${NAME}@sha256:[0-9a-f]{64}$`));
  assert.deepEqual(plugin.spec.pluginConfig, JSON.parse(files['example.config.json']!));
  assert.ok(
    resources.some((r) => r.kind === 'WasmPlugin' && r.metadata.name === 'jwt-tenant'),
    'the other plugins are still there',
  );
});

test('the deploy tests and the bench find it through its manifest', async () => {
  assert.ok(((await inCopy('cli/build.ts')).pluginNames() as string[]).includes(NAME));
  assert.deepEqual((await inCopy('cli/output-headers.ts')).outputHeaders(NAME, {}), ['x-region']);
  const benches = (await inCopy('bench/scenario.ts')).benchModules() as string[];
  assert.ok(benches.map((file) => relative(copy, file)).includes(join('plugins', NAME, 'bench.ts')));
  // A test run of its own (not a subtest of this one): without the parent's test context, in TAP.
  const env = { ...process.env, NODE_TEST_CONTEXT: undefined };
  const snippets = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=tap', 'tests/deploy/envoy-configs.test.ts'],
    { cwd: copy, encoding: 'utf8', env },
  );
  assert.equal(snippets.status, 0, snippets.stdout);
  assert.match(
    snippets.stdout,
    /ok \d+ - plugins\/region-echo\/envoy\.yaml: every Wasm filter's configuration is valid and its module exists/,
  );
});
