// `npm test` after the build: the type check, the lint, the AssemblyScript units and the host
// tests are independent, so they run at the same time; each one's output is printed whole, in this order,
// once it and the ones before it have finished. Exits 1 when any of them failed.
import { spawn } from 'node:child_process';

const steps = ['test:types', 'lint', 'test:as', 'test:host'];
const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];

const runs = steps.map(
  (step) =>
    new Promise((resolve) => {
      const started = Date.now();
      const child = spawn(npm[0], [...npm.slice(1), 'run', '--silent', step], { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks = [];
      child.stdout.on('data', (chunk) => chunks.push(chunk));
      child.stderr.on('data', (chunk) => chunks.push(chunk));
      child.on('error', (error) => resolve({ step, status: 1, output: `${error.message}\n`, seconds: 0 }));
      child.on('close', (status, signal) =>
        resolve({
          step,
          status: status ?? 1,
          output: Buffer.concat(chunks).toString() + (signal ? `killed by ${signal}\n` : ''),
          seconds: (Date.now() - started) / 1000,
        }),
      );
    }),
);

const failed = [];
for (const run of runs) {
  const { step, status, output, seconds } = await run;
  process.stdout.write(`\n> npm run ${step}\n${output.trimEnd()}\n`);
  process.stdout.write(
    `> ${step}: ${status === 0 ? 'passed' : `failed (exit ${status})`} in ${seconds.toFixed(1)} s\n`,
  );
  if (status !== 0) failed.push(step);
}
if (failed.length > 0) {
  process.stdout.write(`\nfailed: ${failed.join(', ')}\n`);
  process.exitCode = 1;
}
