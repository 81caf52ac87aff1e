// The layering of ARCHITECTURE.md, checked on the imports themselves: no import cycle anywhere in
// the project, and each folder imports only the layers its rule allows.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  type Graph,
  importCycles,
  importGraph,
  importSpecifiers,
  layeringViolations,
  type Rule,
} from './import-graph.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const FOLDERS = ['assembly', 'plugins', 'host', 'cli', 'bench', 'tests'];

// AssemblyScript at the bottom (runtime and codecs), request helpers above, plugins on top; the
// TypeScript side in one direction: host ← cli ← bench, with tests (and a plugin's Node-side files:
// its tests, bench scenarios and Istio part) above everything.
export const RULES: Rule[] = [
  { files: 'assembly/proxy/', mayImport: ['assembly/proxy/'], why: 'the runtime is the bottom layer' },
  { files: 'assembly/codecs/', mayImport: ['assembly/codecs/'], why: 'codecs never call the host' },
  {
    files: 'assembly/request/',
    mayImport: ['assembly/request/', 'assembly/codecs/', 'assembly/proxy/index.ts'],
    why: 'request helpers reach the runtime through its index',
  },
  {
    files: 'plugins/<name>/tests/',
    mayImport: ['plugins/<name>/tests/', 'tests/support/', 'host/', 'cli/'],
    why: "a plugin's tests drive its built module through the host and the CLI",
  },
  { files: 'plugins/<name>/bench.ts', mayImport: ['bench/', 'host/', 'cli/'], why: 'bench scenarios run in the host' },
  {
    files: 'plugins/<name>/istio.ts',
    mayImport: ['cli/'],
    why: "a plugin's Istio part uses the render's resource kinds",
  },
  {
    files: 'plugins/<name>/index.ts',
    mayImport: [
      'plugins/<name>/',
      'assembly/request/',
      'assembly/codecs/',
      'assembly/proxy/index.ts',
      'assembly/proxy/exports.ts',
    ],
    why: "a plugin's entry also re-exports the ABI surface",
  },
  {
    files: 'plugins/<name>/',
    mayImport: ['plugins/<name>/', 'assembly/request/', 'assembly/codecs/', 'assembly/proxy/index.ts'],
    why: 'a plugin uses the shared layers and its own folder, the runtime through its index',
  },
  { files: 'host/', mayImport: ['host/'], why: 'the host stands alone: a library for the CLI, tests and bench' },
  { files: 'cli/', mayImport: ['cli/', 'host/'], why: 'the CLI drives the host' },
  { files: 'bench/', mayImport: ['bench/', 'cli/', 'host/'], why: 'the benchmark drives the host as the CLI does' },
  {
    files: 'tests/modules/as/',
    mayImport: [
      'tests/modules/as/',
      'assembly/request/',
      'assembly/codecs/',
      'assembly/proxy/index.ts',
      'assembly/proxy/exports.ts',
    ],
    why: 'test modules are plugins: the runtime through its index, and the ABI surface',
  },
  { files: 'tests/', mayImport: ['tests/', 'host/', 'cli/', 'bench/'], why: 'tests go through the public surface' },
];

test('the import parser sees every form of static import and re-export', () => {
  const source = [
    '// import { commented } from "./not-this";',
    'import { a, b as c } from "./one";',
    'import type { T } from "../two";',
    'import * as all from "./three";',
    'import {',
    '  x,',
    '  y,',
    '} from "./four";',
    'export * from "./five";',
    'export { z } from "./six";',
    'import "./seven";',
    'import { pkg } from "as-base64/assembly";',
  ].join('\n');
  assert.deepEqual(importSpecifiers(source).sort(), [
    '../two',
    './five',
    './four',
    './one',
    './seven',
    './six',
    './three',
    'as-base64/assembly',
  ]);
});

test('the cycle check finds a loop made of a type-only import and a re-export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-cycle-'));
  mkdirSync(join(dir, 'src', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'src', 'a.ts'), "import type { B } from './sub/b.ts';\nexport type A = B;\n");
  writeFileSync(join(dir, 'src', 'sub', 'b.ts'), "export { type C as B } from '../c.ts';\n");
  writeFileSync(join(dir, 'src', 'c.ts'), "import {\n  type A,\n} from './a';\nexport type C = A | 1;\n");
  writeFileSync(join(dir, 'src', 'd.ts'), "import { x } from 'node:fs';\nimport './c.ts';\n");
  const { graph } = importGraph(dir, ['src']);
  assert.deepEqual(importCycles(graph), [['src/a.ts', 'src/c.ts', 'src/sub/b.ts']]);
});

test('the layering check finds each kind of forbidden import', () => {
  const graph: Graph = new Map([
    ['plugins/a/filter.ts', ['assembly/proxy/context.ts', 'plugins/b/config.ts', 'cli/main.ts']],
    ['plugins/a/index.ts', ['assembly/proxy/exports.ts', 'assembly/proxy/index.ts', 'plugins/a/root.ts']],
    ['plugins/a/tests/x.test.ts', ['tests/support/modules.ts', 'host/index.ts']],
    ['assembly/codecs/json/scan.ts', ['assembly/proxy/index.ts', 'assembly/request/header-index.ts']],
    ['assembly/request/header-index.ts', ['assembly/proxy/memory.ts', 'assembly/codecs/bytes.ts']],
    ['host/vm.ts', ['cli/run.ts']],
    ['cli/run.ts', ['bench/run.ts', 'host/index.ts']],
    ['assembly/elsewhere.ts', []],
  ]);
  assert.deepEqual(
    layeringViolations(graph, RULES)
      .map((line) => line.split(' (')[0])
      .sort(),
    [
      'assembly/codecs/json/scan.ts imports assembly/proxy/index.ts',
      'assembly/codecs/json/scan.ts imports assembly/request/header-index.ts',
      'assembly/elsewhere.ts: no layering rule covers this file',
      'assembly/request/header-index.ts imports assembly/proxy/memory.ts',
      'cli/run.ts imports bench/run.ts',
      'host/vm.ts imports cli/run.ts',
      'plugins/a/filter.ts imports assembly/proxy/context.ts',
      'plugins/a/filter.ts imports cli/main.ts',
      'plugins/a/filter.ts imports plugins/b/config.ts',
    ],
  );
});

test('the whole project: every relative import resolves, no import cycle, each layer imports only what it may', () => {
  const { graph, unresolved } = importGraph(ROOT, FOLDERS);
  assert.ok(
    graph.has('assembly/proxy/index.ts') && graph.has('host/vm.ts') && graph.has('plugins/jwt-tenant/index.ts'),
    'the sources were found',
  );
  assert.deepEqual(unresolved, []);
  assert.deepEqual(importCycles(graph), []);
  assert.deepEqual(layeringViolations(graph, RULES), []);
});
