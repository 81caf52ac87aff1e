import { existsSync, readdirSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { type CompileJob, runJobs } from './compile-jobs.ts';
import { CliError } from './errors.ts';
import { manifestOf, pluginNames, type ReleaseBuild } from './plugins.ts';

export { pluginNames } from './plugins.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const DIST = join(ROOT, 'dist');

export type Target = 'release' | 'debug';

// A missing file under dist/ is a step not yet run: the error names the command that makes it.
export function assertBuilt(path: string): void {
  const absolute = resolve(path);
  if (!absolute.startsWith(DIST + sep) || existsSync(absolute)) return;
  const command = absolute.startsWith(join(DIST, 'test') + sep)
    ? 'npx route-keys build --test-modules'
    : 'npm run build';
  throw new CliError(`${relative(ROOT, absolute)} not built: run ${command} first`);
}

// `route-keys build [name…]`: the named plugins (all when none is named), in the given targets,
// into dist/<name>.wasm and dist/<name>.debug.wasm; with the test modules when asked.
export async function buildPlugins(
  log: (line: string) => void,
  targets: readonly Target[] = ['release', 'debug'],
  only: readonly string[] = [],
  withTestModules = false,
): Promise<string[]> {
  const known = pluginNames();
  const unknown = only.filter((name) => !known.includes(name));
  if (unknown.length > 0)
    throw new CliError(
      `unknown plugin${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `"${n}"`).join(', ')}: expected one of ${known.join(', ')}`,
    );
  const jobs: CompileJob[] = [];
  for (const name of only.length > 0 ? known.filter((n) => only.includes(n)) : known) {
    for (const target of targets) {
      const outFile = join(DIST, target === 'release' ? `${name}.wasm` : `${name}.debug.wasm`);
      jobs.push({
        kind: 'asc',
        entry: join(ROOT, 'plugins', name, 'index.ts'),
        outFile,
        target,
        options: target === 'release' ? releaseOptions(manifestOf(name).release_build) : [],
      });
    }
  }
  if (withTestModules) jobs.push(...testModuleJobs());
  const isTestModule = (job: CompileJob) => job.outFile.startsWith(join(DIST, 'test') + sep);
  let testModulesBuilt = 0;
  await runJobs(jobs, (job, fresh) => {
    if (isTestModule(job)) testModulesBuilt += fresh ? 1 : 0;
    else log(`${fresh ? 'built' : 'up to date'} ${relative(ROOT, job.outFile)}`);
  });
  if (withTestModules)
    log(testModulesBuilt > 0 ? 'built test modules into dist/test/' : 'up to date test modules in dist/test/');
  return jobs.filter((j) => !isTestModule(j)).map((j) => j.outFile);
}

// A plugin's release options from its manifest, as asc flags that override asconfig.json's target.
function releaseOptions(options: ReleaseBuild | undefined): string[] {
  if (!options) return [];
  const flags: string[] = [];
  if (options.optimizeLevel !== undefined) flags.push('--optimizeLevel', String(options.optimizeLevel));
  if (options.shrinkLevel !== undefined) flags.push('--shrinkLevel', String(options.shrinkLevel));
  return flags;
}

// The modules the host's own tests and the benchmark load: WAT files and AssemblyScript entries
// under tests/modules, into dist/test/.
function testModuleJobs(): CompileJob[] {
  const watDir = join(ROOT, 'tests', 'modules', 'wat');
  const asDir = join(ROOT, 'tests', 'modules', 'as');
  return [
    ...(existsSync(watDir) ? readdirSync(watDir).filter((f) => f.endsWith('.wat')) : []).map((file): CompileJob => ({
      kind: 'wat',
      entry: join(watDir, file),
      outFile: join(DIST, 'test', file.replace(/\.wat$/, '.wasm')),
    })),
    ...(existsSync(asDir) ? readdirSync(asDir).filter((f) => f.endsWith('.ts')) : []).map((file): CompileJob => ({
      kind: 'asc',
      entry: join(asDir, file),
      outFile: join(DIST, 'test', file.replace(/\.ts$/, '.wasm')),
      target: 'release',
      options: [],
    })),
  ];
}
