// The host test files, one a line, for `npm run test:host`: those that make a fresh copy of the
// repository and run commands in it first (they take longest, so with two files at a time the
// other worker works through the rest meanwhile), then the others in path order.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = ['tests', 'plugins'].flatMap(testFiles).sort();
const copiesRepository = (file) => /\bfreshCopy\(/.test(readFileSync(file, 'utf8'));
process.stdout.write(
  [...files.filter(copiesRepository), ...files.filter((f) => !copiesRepository(f))].join('\n') + '\n',
);
