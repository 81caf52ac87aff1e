// A copy of the repository as a fresh clone has it after `npm ci`: the working tree's files that
// git tracks or would track (no dist/, nothing ignored), and node_modules linked in.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './modules.ts';

export function freshCopy(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  for (const file of listed.split('\0')) {
    // node_modules may be a link git does not ignore; a file deleted in the working tree is gone.
    if (!file || file === 'node_modules' || file.startsWith('node_modules/')) continue;
    const from = join(ROOT, file);
    if (!existsSync(from) || !lstatSync(from).isFile()) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(from, join(dir, file));
  }
  symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(dir, 'node_modules'));
  return dir;
}

// The checkout's release plugin modules and their build records, into a copy: its build then keeps
// each one whose sources and options are those it was built from (the records' content hashes
// decide, as they do here) and compiles the others.
export function withReleaseBuilds(copy: string): void {
  const records = join(ROOT, 'dist', '.build');
  if (!existsSync(records)) return;
  for (const record of readdirSync(records).filter((f) => /^[a-z0-9-]+\.wasm\.json$/.test(f))) {
    const module = record.replace(/\.json$/, '');
    if (module.endsWith('.debug.wasm') || !existsSync(join(ROOT, 'dist', module))) continue;
    mkdirSync(join(copy, 'dist', '.build'), { recursive: true });
    copyFileSync(join(ROOT, 'dist', module), join(copy, 'dist', module));
    copyFileSync(join(records, record), join(copy, 'dist', '.build', record));
  }
}
