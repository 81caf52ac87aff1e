// `npm run test:host`: every *.test.ts under tests/ and plugins/, through `node --test`, two
// processes at a time. A process per file would cost more than most files' tests (Node, tsx, the
// host's imports and V8's compilation of the same modules, again in each one), so the files run
// together in two groups, one process each, every file as a suite named by its path. A file that
// must not share its process (it changes process-wide state, or works on a fresh copy of the
// repository) says so in a line `// own process: REASON` and runs alone, before the groups.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const GROUPS = 2;
const groupsDir = join(ROOT, 'dist', '.build', 'host-tests');

function testFiles(dir) {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = ['tests', 'plugins'].flatMap(testFiles).sort();
const ownProcess = (file) => /^\/\/ own process: \S/m.test(readFileSync(join(ROOT, file), 'utf8'));

// Larger files first, each into the group with the fewest bytes so far: groups of about equal work.
const groups = Array.from({ length: GROUPS }, () => ({ files: [], bytes: 0 }));
for (const file of files
  .filter((f) => !ownProcess(f))
  .map((f) => ({ file: f, bytes: statSync(join(ROOT, f)).size }))
  .sort((a, b) => b.bytes - a.bytes)) {
  const group = groups.reduce((least, g) => (g.bytes < least.bytes ? g : least));
  group.files.push(file.file);
  group.bytes += file.bytes;
}

rmSync(groupsDir, { recursive: true, force: true });
mkdirSync(groupsDir, { recursive: true });
const groupFiles = groups
  .filter((g) => g.files.length > 0)
  .map((group, i) => {
    const path = join(groupsDir, `group-${i + 1}.test.ts`);
    const suites = group.files
      .sort()
      .map(
        (file) =>
          `describe(${JSON.stringify(file)}, async () => {\n  await import(${JSON.stringify(relative(groupsDir, join(ROOT, file)))});\n});\n`,
      );
    writeFileSync(
      path,
      `// Written by tests/run-host.js: these test files in one process, each as a suite.\nimport { describe } from 'node:test';\n\n${suites.join('')}`,
    );
    return relative(ROOT, path);
  });

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${GROUPS}`, ...files.filter(ownProcess), ...groupFiles],
  { cwd: ROOT, stdio: 'inherit' },
);
child.on('close', (status, signal) => {
  process.exitCode = status ?? (signal ? 1 : 0);
});
