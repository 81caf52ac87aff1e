// Runs compile jobs: asc jobs on worker threads (one per core), WAT jobs inline, and skips a job
// whose output is current. Current means: same compiler and arguments, every file the compiler
// looked for last time has the same content (or is still absent), and the output is the one it
// wrote. That record lives beside the outputs, in dist/.build/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import wabtInit from 'wabt';
import { CliError } from './errors.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RECORDS = join(ROOT, 'dist', '.build');

export type CompileJob =
  | { kind: 'asc'; entry: string; outFile: string; target: 'release' | 'debug'; options: string[] }
  | { kind: 'wat'; entry: string; outFile: string };

interface BuildRecord {
  key: string;
  // Project-relative path to sha256 of its content, null when the compiler found no such file.
  inputs: { [path: string]: string | null };
  output: string;
}

interface Compiled {
  error: string | null;
  errors: string;
  inputs: { [path: string]: string | null };
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const packageVersion = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version as string;

function ascArgs(job: Extract<CompileJob, { kind: 'asc' }>): string[] {
  return [
    job.entry,
    '--config',
    join(ROOT, 'asconfig.json'),
    '--target',
    job.target,
    ...job.options,
    '--outFile',
    job.outFile,
  ];
}

function keyOf(job: CompileJob): string {
  const args = job.kind === 'asc' ? ascArgs(job) : [job.entry, job.outFile];
  const compiler =
    job.kind === 'asc' ? `assemblyscript@${packageVersion('assemblyscript')}` : `wabt@${packageVersion('wabt')}`;
  return sha256(JSON.stringify([compiler, job.kind, args.map((a) => (a.startsWith(ROOT) ? relative(ROOT, a) : a))]));
}

const recordFile = (job: CompileJob) => join(RECORDS, `${relative(join(ROOT, 'dist'), job.outFile)}.json`);

function fileHash(path: string): string | null {
  return existsSync(path) ? sha256(readFileSync(path)) : null;
}

function isCurrent(job: CompileJob): boolean {
  const file = recordFile(job);
  if (!existsSync(file)) return false;
  let record: BuildRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (record.key !== keyOf(job) || fileHash(job.outFile) !== record.output) return false;
  return Object.entries(record.inputs).every(([path, hash]) => {
    const absolute = resolve(ROOT, path);
    if (hash === null) return !existsSync(absolute);
    return fileHash(absolute) === hash;
  });
}

function saveRecord(job: CompileJob, inputs: Compiled['inputs']): void {
  const record: BuildRecord = {
    key: keyOf(job),
    inputs: Object.fromEntries(Object.entries(inputs).map(([path, hash]) => [relative(ROOT, path), hash])),
    output: fileHash(job.outFile)!,
  };
  mkdirSync(dirname(recordFile(job)), { recursive: true });
  writeFileSync(recordFile(job), `${JSON.stringify(record, null, 1)}\n`);
}

async function compileWat(job: CompileJob): Promise<Compiled> {
  const wabt = await wabtInit();
  const text = readFileSync(job.entry, 'utf8');
  const module = wabt.parseWat(basename(job.entry), text);
  try {
    mkdirSync(dirname(job.outFile), { recursive: true });
    writeFileSync(job.outFile, module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
  return { error: null, errors: '', inputs: { [job.entry]: sha256(text) } };
}

// A worker thread holding one asc; it compiles one job at a time.
class Compiler {
  private readonly worker = new Worker(new URL('./compile-worker.js', import.meta.url), { argv: [], execArgv: [] });
  private pending: { resolve: (c: Compiled) => void; reject: (e: Error) => void } | undefined;

  constructor() {
    this.worker.on('message', (compiled: Compiled) => this.settle()?.resolve(compiled));
    this.worker.on('error', (error) => this.settle()?.reject(error));
    this.worker.on('exit', (code) => this.settle()?.reject(new Error(`the compiler exited with status ${code}`)));
  }

  private settle() {
    const pending = this.pending;
    this.pending = undefined;
    return pending;
  }

  compile(args: string[]): Promise<Compiled> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ id: 0, args });
    });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

// How many asc compilers run at once: one per core unless ROUTE_KEYS_BUILD_JOBS says otherwise.
function compilerCount(ascJobs: number): number {
  const asked = Number.parseInt(process.env.ROUTE_KEYS_BUILD_JOBS ?? '', 10);
  return Math.max(1, Math.min(ascJobs, asked > 0 ? asked : availableParallelism()));
}

// Compiles the jobs whose output is not current; `done` is called in the jobs' order, with
// whether the job was compiled now.
export async function runJobs(
  jobs: readonly CompileJob[],
  done: (job: CompileJob, compiled: boolean) => void,
): Promise<void> {
  const stale = jobs.map((job) => !isCurrent(job));
  const finished: (boolean | undefined)[] = jobs.map((_, i) => (stale[i] ? undefined : false));
  let reported = 0;
  const report = () => {
    while (reported < jobs.length && finished[reported] !== undefined) {
      done(jobs[reported]!, finished[reported]!);
      reported++;
    }
  };
  report();
  const queue = jobs.map((job, i) => ({ job, i })).filter(({ i }) => stale[i]);
  const ascQueue = queue.filter(({ job }) => job.kind === 'asc');
  let failure: CliError | undefined;
  const finish = (job: CompileJob, i: number, compiled: Compiled) => {
    if (compiled.error) {
      failure ??= new CliError(
        `asc failed for ${job.entry}: ${firstError(compiled.errors) || compiled.error}`,
        1,
        errorLocations(compiled.errors),
      );
      return;
    }
    saveRecord(job, compiled.inputs);
    finished[i] = true;
    report();
  };
  const compilers = Array.from({ length: ascQueue.length ? compilerCount(ascQueue.length) : 0 }, () => new Compiler());
  try {
    for (const { job, i } of queue.filter(({ job }) => job.kind === 'wat')) {
      rmSync(recordFile(job), { force: true });
      finish(job, i, await compileWat(job));
    }
    await Promise.all(
      compilers.map(async (compiler) => {
        for (let next = ascQueue.shift(); next && !failure; next = ascQueue.shift()) {
          const { job, i } = next;
          if (job.kind !== 'asc') continue;
          rmSync(recordFile(job), { force: true });
          finish(job, i, await compiler.compile(ascArgs(job)));
        }
      }),
    );
  } finally {
    await Promise.all(compilers.map((c) => c.close()));
  }
  if (failure) throw failure;
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
  return line ? line.replace(/\u001b\[[0-9;]*m/g, '').trim() : (text.trim().split('\n')[0] ?? '');
}
