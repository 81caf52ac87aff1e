// npm run bench:configure: per plugin, the time from a compiled module to a configured plugin
// (instantiate, _initialize, on_vm_start, on_configure with its example configuration), the
// median and p90 of many loads; what a worker pays when Envoy applies a new configuration.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { DIST, assertBuilt } from '../cli/build.ts';
import { exampleConfig, manifestOf, pluginNames } from '../cli/plugins.ts';
import { Plugin, compileModule } from '../host/index.ts';

const options = new Command('bench:configure')
  .option('--loads <n>', 'loads per plugin', (v) => Number(v), 500)
  .option('--dist <dir>', 'the folder holding <plugin>.wasm', DIST)
  .parse(process.argv)
  .opts<{ loads: number; dist: string }>();

for (const plugin of pluginNames()) {
  const file = join(options.dist, `${plugin}.wasm`);
  assertBuilt(file);
  const compiled = compileModule(readFileSync(file));
  const configuration = JSON.stringify(exampleConfig(plugin));
  const load = () =>
    Plugin.load({
      wasm: compiled,
      rootId: manifestOf(plugin).root_id,
      vmId: 'bench',
      failurePolicy: 'FAIL_CLOSED',
      configuration,
    });
  for (let i = 0; i < 50; i++) load();
  const samples: number[] = [];
  for (let i = 0; i < options.loads; i++) {
    const start = process.hrtime.bigint();
    load();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!;
  process.stdout.write(
    `${plugin.padEnd(16)} configure median ${at(0.5).toFixed(3)} ms  p90 ${at(0.9).toFixed(3)} ms  (${options.loads} loads of ${plugin}/${manifestOf(plugin).example_config}, ${readFileSync(file).length} bytes)\n`,
  );
}
