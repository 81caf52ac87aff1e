// The layering of ARCHITECTURE.md, checked on the imports themselves: no import cycle, and each
// folder imports only the layers its rule allows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

// Folders whose .ts files are checked. The TypeScript side (host/, cli/) joins once the host has no cycle.
const CHECKED = ['assembly', 'plugins'];

// A rule covers the files under `files` (`<name>` matches one folder and may be used in `mayImport`);
// the first rule that covers a file decides. A file may import only what one of `mayImport` covers:
// a folder (ending in /) or one file. Imports of packages (not relative) are not layering.
interface Rule {
  files: string;
  mayImport: string[];
  why: string;
}

const ASSEMBLY_RULES: Rule[] = [
  {
    files: 'assembly/proxy/',
    mayImport: ['assembly/proxy/'],
    why: 'the runtime is the bottom layer',
  },
  {
    files: 'assembly/codecs/',
    mayImport: ['assembly/codecs/'],
    why: 'codecs never call the host',
  },
  {
    files: 'assembly/request/',
    mayImport: ['assembly/request/', 'assembly/codecs/', 'assembly/proxy/index.ts'],
    why: 'request helpers reach the runtime through its index',
  },
  {
    files: 'plugins/<name>/index.ts',
    mayImport: ['plugins/<name>/', 'assembly/request/', 'assembly/codecs/', 'assembly/proxy/index.ts', 'assembly/proxy/exports.ts'],
    why: "a plugin's entry also re-exports the ABI surface",
  },
  {
    files: 'plugins/<name>/',
    mayImport: ['plugins/<name>/', 'assembly/request/', 'assembly/codecs/', 'assembly/proxy/index.ts'],
    why: 'a plugin uses shared layers and its own folder, the runtime through its index',
  },
];

type Graph = Map<string, string[]>;

// Static imports and re-exports (including `import type`), as written: [specifier].
function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  const fromClause = /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*["']([^"']+)["']/g;
  const bare = /(?:^|[;\n])\s*import\s*["']([^"']+)["']/g;
  for (const match of code.matchAll(fromClause)) found.push(match[1]);
  for (const match of code.matchAll(bare)) found.push(match[1]);
  return found;
}

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(join(ROOT, dir))) {
    const path = join(dir, entry);
    if (entry === 'node_modules') continue;
    if (statSync(join(ROOT, path)).isDirectory()) tsFiles(path, out);
    else if (entry.endsWith('.ts')) out.push(path);
  }
  return out;
}

// Repository-relative path of a relative specifier, with AssemblyScript's resolution (x.ts, x/index.ts).
function resolveSpecifier(from: string, specifier: string): string | null {
  const base = relative(ROOT, resolve(ROOT, dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(join(ROOT, candidate))) return candidate;
  }
  return null;
}

function projectGraph(): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  for (const file of CHECKED.flatMap((dir) => tsFiles(dir))) {
    const targets: string[] = [];
    for (const specifier of importSpecifiers(readFileSync(join(ROOT, file), 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveSpecifier(file, specifier);
      if (target === null) unresolved.push(`${file} imports ${specifier}, which does not exist`);
      else targets.push(target);
    }
    graph.set(file, targets);
  }
  return { graph, unresolved };
}

// Every strongly connected component with more than one file, or a file importing itself (Tarjan).
function importCycles(graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next++;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) cycles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

function ruleFor(file: string, rules: Rule[]): { rule: Rule; name: string } | null {
  for (const rule of rules) {
    const [head, tail] = rule.files.split('<name>');
    if (tail === undefined) {
      if (rule.files.endsWith('/') ? file.startsWith(rule.files) : file === rule.files) return { rule, name: '' };
      continue;
    }
    if (!file.startsWith(head)) continue;
    const rest = file.slice(head.length);
    const slash = rest.indexOf('/');
    if (slash <= 0) continue;
    const name = rest.slice(0, slash);
    const matched = tail.endsWith('/') ? rest.startsWith(name + tail) : rest === name + tail;
    if (matched) return { rule, name };
  }
  return null;
}

// One line per import the rules refuse, and per checked file no rule covers.
function layeringViolations(graph: Graph, rules: Rule[]): string[] {
  const violations: string[] = [];
  for (const [file, targets] of graph) {
    const covered = ruleFor(file, rules);
    if (covered === null) {
      violations.push(`${file}: no layering rule covers this file`);
      continue;
    }
    const allowed = covered.rule.mayImport.map((entry) => entry.replace('<name>', covered.name));
    for (const target of targets) {
      const ok = allowed.some((entry) => (entry.endsWith('/') ? target.startsWith(entry) : target === entry));
      if (!ok) violations.push(`${file} imports ${target} (${covered.rule.files}: ${covered.rule.why})`);
    }
  }
  return violations;
}

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
    'const text = "import { no } from \'./inside-a-string-is-not-at-line-start\'";',
  ].join('\n');
  assert.deepEqual(importSpecifiers(source).sort(), [
    '../two', './five', './four', './one', './seven', './six', './three', 'as-base64/assembly',
  ]);
});

test('the checker finds a cycle and each kind of forbidden import', () => {
  const graph: Graph = new Map([
    ['plugins/a/root.ts', ['plugins/a/filter.ts']],
    ['plugins/a/filter.ts', ['plugins/a/root.ts', 'assembly/proxy/context.ts', 'plugins/b/config.ts', 'cli/main.ts']],
    ['plugins/a/index.ts', ['assembly/proxy/exports.ts', 'assembly/proxy/index.ts', 'plugins/a/root.ts']],
    ['plugins/b/config.ts', ['assembly/codecs/json/scan.ts']],
    ['assembly/codecs/json/scan.ts', ['assembly/proxy/index.ts', 'assembly/request/header-index.ts']],
    ['assembly/request/header-index.ts', ['assembly/proxy/memory.ts', 'assembly/codecs/bytes.ts']],
    ['assembly/elsewhere.ts', []],
  ]);
  assert.deepEqual(importCycles(graph), [['plugins/a/filter.ts', 'plugins/a/root.ts']]);
  const refused = layeringViolations(graph, ASSEMBLY_RULES).map((line) => line.split(' (')[0]);
  assert.deepEqual(refused.sort(), [
    'assembly/codecs/json/scan.ts imports assembly/proxy/index.ts',
    'assembly/codecs/json/scan.ts imports assembly/request/header-index.ts',
    'assembly/elsewhere.ts: no layering rule covers this file',
    'assembly/request/header-index.ts imports assembly/proxy/memory.ts',
    'plugins/a/filter.ts imports assembly/proxy/context.ts',
    'plugins/a/filter.ts imports cli/main.ts',
    'plugins/a/filter.ts imports plugins/b/config.ts',
  ]);
});

test('assembly/ and plugins/: every relative import resolves, no cycle, each layer imports only what it may', () => {
  const { graph, unresolved } = projectGraph();
  assert.ok(graph.has('assembly/proxy/index.ts') && graph.has('plugins/jwt-tenant/index.ts'), 'the source files were found');
  assert.deepEqual(unresolved, []);
  assert.deepEqual(importCycles(graph), []);
  assert.deepEqual(layeringViolations(graph, ASSEMBLY_RULES), []);
});
