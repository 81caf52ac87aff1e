// npm run bench:runtimes: why the plugins are built with AssemblyScript's minimal runtime, which
// collects when assembly/proxy/collector.ts says so.
// Builds the runtime probe (which allocates on every request, as real plugins do) with each
// runtime and reports linear memory and time per request after the same number of streams.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { FilterChain, Plugin } from '../host/index.ts';
import { ROOT } from '../cli/build.ts';

const streams = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'route-keys-runtimes-'));
const { default: asc } = await import('assemblyscript/asc');

for (const runtime of ['stub', 'minimal', 'incremental']) {
  const outFile = join(dir, `probe-${runtime}.wasm`);
  const { error } = await asc.main([
    join(ROOT, 'tests/modules/as/runtime-probe.ts'),
    '--config',
    join(ROOT, 'asconfig.json'),
    '--target',
    'release',
    '--runtime',
    runtime,
    '--outFile',
    outFile,
  ]);
  if (error) throw error;
  const plugin = Plugin.load({ wasm: readFileSync(outFile), name: 'probe', rootId: 'probe', configuration: '{}' });
  const chain = new FilterChain([plugin]);
  const request = { headers: [['x-echo', 'hello']] as [string, string][] };
  for (let i = 0; i < 5000; i++) chain.send(request);
  const warm = plugin.vm.memoryBytes;
  const started = performance.now();
  for (let i = 0; i < streams && !plugin.vm.failed; i++) chain.send(request);
  const micros = ((performance.now() - started) * 1000) / streams;
  process.stdout.write(
    `${runtime.padEnd(12)} memory ${(warm / 1024).toFixed(0)} KiB → ${(plugin.vm.memoryBytes / 1024).toFixed(0)} KiB after ${streams} streams, ${micros.toFixed(2)} µs per request (host included)${plugin.vm.failed ? `, failed: ${plugin.vm.failure}` : ''}\n`,
  );
}
