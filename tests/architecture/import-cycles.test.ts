import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { importCycles, importGraph } from './import-graph.ts';

const ROOT = join(import.meta.dirname, '..', '..');

// The TypeScript folders, checked as one graph so that a loop across folders shows too.
const TYPESCRIPT_FOLDERS = ['host', 'cli', 'bench', 'tests'];

test('the TypeScript side has no import cycle (import type included)', () => {
  const cycles = importCycles(importGraph(TYPESCRIPT_FOLDERS.map((folder) => join(ROOT, folder))), ROOT);
  assert.deepEqual(cycles.map((cycle) => cycle.join(' → ')), []);
});

test('the cycle check finds a loop made of a type-only import and a re-export', () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-cycle-'));
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'a.ts'), "import type { B } from './sub/b.ts';\nexport type A = B;\n");
  writeFileSync(join(dir, 'sub', 'b.ts'), "export { type C as B } from '../c.ts';\n");
  writeFileSync(join(dir, 'c.ts'), "import {\n  type A,\n} from './a.ts';\nexport type C = A | 1;\n");
  writeFileSync(join(dir, 'd.ts'), "import { x } from 'node:fs';\nimport './c.ts';\n");
  const cycles = importCycles(importGraph([dir]), dir);
  assert.deepEqual(cycles, [['a.ts', join('sub', 'b.ts'), 'c.ts', 'a.ts']]);
});
