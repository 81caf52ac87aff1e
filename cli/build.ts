import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import wabtInit from 'wabt';
import { CliError } from './errors.ts';
import { pluginNames } from './plugins.ts';

export { pluginNames } from './plugins.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const DIST = join(ROOT, 'dist');

export type Target = 'release' | 'debug';

// A missing file under dist/ is a step not yet run: the error names the command that makes it.
export function assertBuilt(path: string): void {
  const absolute = resolve(path);
  if (!absolute.startsWith(DIST + sep) || existsSync(absolute)) return;
  const command = absolute.startsWith(join(DIST, 'test') + sep) ? 'npx route-keys build --test-modules' : 'npm run build';
  throw new CliError(`${relative(ROOT, absolute)} not built: run ${command} first`);
}

// Compiles one AssemblyScript entry with asconfig.json's target (runtime, abort, exportStart).
// asc is imported only when compiling: on import it takes a `--wasm` argument out of process.argv
// (its own switch to a Wasm build of the compiler), which would swallow `route-keys run --wasm`.
export async function compileAssemblyScript(entry: string, outFile: string, target: Target): Promise<void> {
  const { default: asc } = await import('assemblyscript/asc');
  mkdirSync(resolve(outFile, '..'), { recursive: true });
  let errors = '';
  const { error } = await asc.main([entry, '--config', join(ROOT, 'asconfig.json'), '--target', target, '--outFile', outFile], {
    stdout: { write: () => true },
    stderr: {
      write: (text: string | Uint8Array) => {
        errors += typeof text === 'string' ? text : new TextDecoder().decode(text);
        return true;
      },
    },
  } as never);
  if (error) throw new CliError(`asc failed for ${entry}: ${firstError(errors) || error.message}`, 1, errorLocations(errors));
}

export async function compileWat(source: string, outFile: string): Promise<void> {
  const wabt = await wabtInit();
  const module = wabt.parseWat(basename(source), readFileSync(source, 'utf8'));
  try {
    mkdirSync(resolve(outFile, '..'), { recursive: true });
    writeFileSync(outFile, module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

// The "in file(line,col)" lines asc prints under each error.
function errorLocations(text: string): string[] {
  return text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((l) => /ERROR|└─ in /.test(l))
    .map((l) => l.trim());
}

function firstError(text: string): string {
  const line = text.split('\n').find((l) => /ERROR/.test(l));
  return line ? line.replace(/\u001b\[[0-9;]*m/g, '').trim() : text.trim().split('\n')[0] ?? '';
}

// `route-keys build [name…]`: the named plugins (all when none is named), release and debug, into
// dist/<name>.wasm and dist/<name>.debug.wasm.
export async function buildPlugins(log: (line: string) => void, targets: readonly Target[] = ['release', 'debug'], only: readonly string[] = []): Promise<string[]> {
  const known = pluginNames();
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new CliError(`unknown plugin${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}: expected one of ${known.join(', ')}`);
  const built: string[] = [];
  for (const name of only.length > 0 ? known.filter((n) => only.includes(n)) : known) {
    for (const target of targets) {
      const outFile = join(DIST, target === 'release' ? `${name}.wasm` : `${name}.debug.wasm`);
      await compileAssemblyScript(join(ROOT, 'plugins', name, 'index.ts'), outFile, target);
      built.push(outFile);
      log(`built ${outFile.slice(ROOT.length + 1)}`);
    }
  }
  return built;
}

// The modules the host's own tests and the benchmark load: WAT files and AssemblyScript entries
// under tests/modules, into dist/test/.
export async function buildTestModules(log: (line: string) => void): Promise<void> {
  const watDir = join(ROOT, 'tests', 'modules', 'wat');
  const asDir = join(ROOT, 'tests', 'modules', 'as');
  for (const file of existsSync(watDir) ? readdirSync(watDir).filter((f) => f.endsWith('.wat')) : []) {
    await compileWat(join(watDir, file), join(DIST, 'test', file.replace(/\.wat$/, '.wasm')));
  }
  for (const file of existsSync(asDir) ? readdirSync(asDir).filter((f) => f.endsWith('.ts')) : []) {
    await compileAssemblyScript(join(asDir, file), join(DIST, 'test', file.replace(/\.ts$/, '.wasm')), 'release');
  }
  log(`built test modules into dist/test/`);
}
