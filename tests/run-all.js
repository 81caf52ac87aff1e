// `npm test`: the build of the release and test modules, then the host tests, which load them;
// meanwhile the type check, the lint and the AssemblyScript units, which need no build, at a lower
// CPU priority so that the build and the host tests (the longest path) go first and these fill
// the idle time. Each step's output is printed whole, in this order, once it and the ones before
// it have finished. Exits 1 when any of them failed; the host tests do not run when the build failed.
import { spawn } from 'node:child_process';

const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
const lowPriority = process.platform === 'win32' ? [] : ['nice', '-n', '10'];

function run(name, command, { background = false } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const argv = [...(background ? lowPriority : []), ...command];
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.stderr.on('data', (chunk) => chunks.push(chunk));
    child.on('error', (error) => resolve({ name, status: 1, output: `${error.message}\n`, seconds: 0 }));
    child.on('close', (status, signal) =>
      resolve({
        name,
        status: status ?? 1,
        output: Buffer.concat(chunks).toString() + (signal ? `killed by ${signal}\n` : ''),
        seconds: (Date.now() - started) / 1000,
      }),
    );
  });
}

const script = (step, options) => run(`npm run ${step}`, [...npm, 'run', '--silent', step], options);

const build = run('route-keys build --release --test-modules', [
  process.execPath,
  'cli/bin.js',
  'build',
  '--release',
  '--test-modules',
]);
const runs = [
  build,
  script('test:types', { background: true }),
  script('lint', { background: true }),
  script('test:as', { background: true }),
  build.then((built) =>
    built.status === 0
      ? script('test:host')
      : { name: 'npm run test:host', status: 1, output: 'not run: the build failed\n', seconds: 0 },
  ),
];

const failed = [];
for (const pending of runs) {
  const { name, status, output, seconds } = await pending;
  process.stdout.write(`\n> ${name}\n${output.trimEnd()}\n`);
  process.stdout.write(
    `> ${name}: ${status === 0 ? 'passed' : `failed (exit ${status})`} in ${seconds.toFixed(1)} s\n`,
  );
  if (status !== 0) failed.push(name);
}
if (failed.length > 0) {
  process.stdout.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
