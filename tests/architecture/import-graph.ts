// The project's import graph, read from the sources: static imports and re-exports (`import type`
// included: a type-only loop is still a loop in the design), resolved as tsx resolves TypeScript
// (`./x.ts`) and as asc resolves AssemblyScript (`./x` → x.ts or x/index.ts).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export type Graph = Map<string, string[]>;

const FROM_CLAUSE = /(?:^|[;\n])\s*(?:import|export)\s+(?:type\s+)?[\w*{}\s,$]*?\s*from\s*["']([^"']+)["']/g;
const BARE_IMPORT = /(?:^|[;\n])\s*import\s*["']([^"']+)["']/g;

export function importSpecifiers(source: string): string[] {
  // Comments and template literals (a test writing a module's source as text) hold no imports.
  const code = source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/`(?:\\[\s\S]|[^`\\])*`/g, '``');
  return [...code.matchAll(FROM_CLAUSE), ...code.matchAll(BARE_IMPORT)].map((match) => match[1]!);
}

function sourceFiles(root: string, dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(join(root, dir))) {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry === 'dist') continue;
    if (statSync(join(root, path)).isDirectory()) sourceFiles(root, path, out);
    else if (entry.endsWith('.ts')) out.push(path);
  }
  return out;
}

function resolveSpecifier(root: string, from: string, specifier: string): string | null {
  const base = relative(root, resolve(root, dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(join(root, candidate))) return candidate;
  }
  return null;
}

// file → the files it imports, all relative to `root`; `unresolved` lists relative imports of no file.
export function importGraph(root: string, folders: string[]): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  for (const file of folders.filter((f) => existsSync(join(root, f))).flatMap((f) => sourceFiles(root, f))) {
    const targets: string[] = [];
    for (const specifier of importSpecifiers(readFileSync(join(root, file), 'utf8'))) {
      // Data files (JSON schemas) are not modules of the layering.
      if (!specifier.startsWith('.') || specifier.endsWith('.json')) continue;
      const target = resolveSpecifier(root, file, specifier);
      if (target === null) unresolved.push(`${file} imports ${specifier}, which does not exist`);
      else targets.push(target);
    }
    graph.set(file, targets);
  }
  return { graph, unresolved };
}

// Every strongly connected component of more than one file, or a file importing itself (Tarjan).
export function importCycles(graph: Graph): string[][] {
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
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);
  return cycles;
}

// A rule covers the files under `files` (`<name>` matches one folder and may be used in
// `mayImport`); the first rule that covers a file decides. A file may import only what one entry
// of `mayImport` covers: a folder (ending in /) or one file.
export interface Rule {
  files: string;
  mayImport: string[];
  why: string;
}

function ruleFor(file: string, rules: Rule[]): { rule: Rule; name: string } | null {
  for (const rule of rules) {
    const [head, tail] = rule.files.split('<name>') as [string, string | undefined];
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

// One line per import the rules refuse, and per file no rule covers.
export function layeringViolations(graph: Graph, rules: Rule[]): string[] {
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
