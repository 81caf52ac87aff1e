// npm run bench: per scenario the median and p99 time per request, the difference to its
// baseline measured in the same run, and linear memory before and after a million streams.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { DIST, ROOT, assertBuilt } from '../cli/build.ts';
import { pluginNames } from '../cli/plugins.ts';
import { CliError } from '../cli/errors.ts';
import { baselineScenarios } from './baseline.ts';
import {
  BATCH,
  BLOCK_ROUNDS,
  baselineName,
  measureLatency,
  measureMemory,
  measureOverBaseline,
  type ScenarioResult,
} from './measure.ts';
import { benchModules, type Scenario } from './scenario.ts';
import { lbLine, runLbBenchmarks } from './lb.ts';

const options = new Command('bench')
  .option('--time <ms>', 'time per scenario for the latency measurement', (v) => Number(v), 2000)
  .option('--streams <n>', 'streams for the memory measurement', (v) => Number(v), 1_000_000)
  .option('--rounds <n>', 'alternating baseline/scenario rounds for the cost over the baseline', (v) => Number(v), 5000)
  .option('--only <text>', 'run only scenarios whose name contains this text')
  .parse(process.argv)
  .opts<{ time: number; streams: number; rounds: number; only?: string }>();

// A module not built yet is one line naming the build command, not an ENOENT inside a scenario.
try {
  for (const file of [join(DIST, 'test', 'noop.wasm'), ...pluginNames().map((name) => join(DIST, `${name}.wasm`))])
    assertBuilt(file);
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
}

// Each plugin's bench module (plugins/<name>/bench.ts, named by its manifest) exports its scenarios.
async function allScenarios(): Promise<Scenario[]> {
  const scenarios = [...baselineScenarios];
  for (const file of benchModules())
    scenarios.push(...((await import(pathToFileURL(file).href)) as { scenarios: Scenario[] }).scenarios);
  const wanted = options.only;
  return wanted === undefined ? scenarios : scenarios.filter((s) => s.name.includes(wanted));
}

const scenarios = await allScenarios();
const latency = await measureLatency(scenarios, options.time);
const results: ScenarioResult[] = [];
for (const scenario of scenarios) {
  const time = latency.get(scenario.name)!;
  const base = scenario.baseline ? latency.get(baselineName(scenario)) : undefined;
  const memory = measureMemory(scenario, Math.min(options.streams, scenario.memoryStreams ?? options.streams));
  // Large bodies take milliseconds per request: fewer paired rounds for them.
  const rounds =
    scenario.memoryStreams === undefined
      ? options.rounds
      : Math.min(options.rounds, Math.max(50, Math.floor(scenario.memoryStreams / 20)));
  const paired = scenario.baseline ? measureOverBaseline(scenario, rounds) : null;
  const overBaseline = paired ? paired.median : null;
  results.push({
    name: scenario.name,
    baseline: scenario.baseline ?? null,
    baselineMedianMicros: base ? round(base.median) : null,
    medianMicros: round(time.median),
    p99Micros: round(time.p99),
    overBaselineMicros: overBaseline === null ? null : round(overBaseline),
    overBaselineP99Micros: paired === null ? null : round(paired.p99),
    overBaselineAllRoundsMicros: paired === null ? null : round(paired.allRoundsMedian),
    pairedBaselineMicros: paired === null ? null : round(paired.baselineMicros),
    samples: time.samples,
    bodyBytes: scenario.bodyBytes ?? null,
    nanosPerBodyByte:
      scenario.bodyBytes && overBaseline !== null ? round((overBaseline * 1000) / scenario.bodyBytes) : null,
    memory,
  });
  const row = results[results.length - 1];
  process.stdout.write(
    `${row.name.padEnd(44)} median ${row.medianMicros.toFixed(3).padStart(9)} µs  p99 ${row.p99Micros.toFixed(3).padStart(9)} µs` +
      `${row.overBaselineMicros === null ? ''.padEnd(26) : `  +${row.overBaselineMicros.toFixed(3)} µs over ${row.baseline} (${row.baseline} ${row.pairedBaselineMicros!.toFixed(2)} µs; all rounds +${row.overBaselineAllRoundsMicros!.toFixed(3)})`.padEnd(22)}` +
      `  memory ${kib(memory.warmBytes)} → ${kib(memory.afterBytes)} KiB after ${memory.streams} streams` +
      `${row.nanosPerBodyByte === null ? '' : `  (${row.nanosPerBodyByte.toFixed(2)} ns per body byte)`}\n`,
  );
}

// The balancers of cli/lb: no plugin, no baseline; their own figures.
const lb = runLbBenchmarks(Math.min(options.time, 1000), options.only);
for (const row of lb) process.stdout.write(lbLine(row));

const report = {
  generated: new Date().toISOString(),
  node: process.version,
  method:
    `Per request. median/p99: tinybench, ${options.time} ms per scenario, timed in batches of ${BATCH} requests. ` +
    `overBaseline: paired differences, each a batch of ${BATCH} through the baseline with the same request followed by a batch through the scenario, at least ${options.rounds} rounds in blocks of ${BLOCK_ROUNDS}, more (up to five times) while no block's baseline has run within 15% of the fastest that baseline ran in this run; the median of the block whose baseline ran fastest (pairedBaselineMicros is that baseline's time), the median over all rounds beside it (overBaselineAllRounds), and the p99 over all rounds. ` +
    `Memory: the plugins' linear memory after up to 20,000 warm-up requests and after the number of streams given per scenario (--streams, fewer for large bodies). Node ${process.version} with --no-liftoff (Envoy's V8 flag).`,
  scenarios: results,
  lb,
};
writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write('wrote bench/results.json\n');

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function kib(bytes: number): string {
  return (bytes / 1024).toFixed(0);
}
