import { MetricType, WasmResult } from './abi.ts';

export type MetricKind = 'counter' | 'gauge' | 'histogram';

export interface MetricSnapshot {
  type: MetricKind;
  value: number;
  // Histograms: every recorded value, so tests can assert on them.
  samples?: number[];
}

// Values are kept as numbers: exact to 2^53, far beyond what a test or benchmark counts, and
// without a BigInt allocation per increment.
interface Metric {
  type: MetricKind;
  value: number;
  samples: number[];
}

const KIND_BY_TYPE: MetricKind[] = ['counter', 'gauge', 'histogram'];

// Envoy's metric store for one Wasm VM: stats are named `wasmcustom.<name>`, every define gives a
// new id from its type's own sequence (type in the low 2 bits, stepping by 4: the first counter is
// 4, the first gauge 5, the first histogram 6; Envoy wasm.h nextCounterMetricId and siblings), and
// ids for one name point at the same stat.
export class MetricStore {
  private readonly byName = new Map<string, Metric>();
  private readonly byId = new Map<number, Metric>();
  // The last id handed out per type; each starts at its type (Envoy next_*_metric_id_).
  private readonly lastIds = [MetricType.Counter, MetricType.Gauge, MetricType.Histogram];

  define(type: number, name: string): { result: number; id?: number } {
    if (type > MetricType.Histogram) return { result: WasmResult.BadArgument };
    const fullName = `wasmcustom.${name}`;
    let metric = this.byName.get(fullName);
    if (metric === undefined) {
      metric = { type: KIND_BY_TYPE[type], value: 0, samples: [] };
      this.byName.set(fullName, metric);
    }
    const id = (this.lastIds[type] += 4);
    this.byId.set(id, metric);
    return { result: WasmResult.Ok, id };
  }

  increment(id: number, delta: bigint): number {
    const metric = this.byId.get(id);
    if (metric === undefined) return WasmResult.NotFound;
    if (metric.type === 'histogram') return WasmResult.BadArgument;
    if (metric.type === 'counter' && delta <= 0n) return WasmResult.BadArgument;
    metric.value += Number(delta);
    return WasmResult.Ok;
  }

  record(id: number, value: bigint): number {
    const metric = this.byId.get(id);
    if (metric === undefined) return WasmResult.NotFound;
    if (metric.type === 'counter') metric.value += Number(value);
    else if (metric.type === 'gauge') metric.value = Number(value);
    else {
      // Keeps the most recent samples; trimmed in bulk so that recording stays O(1).
      metric.samples.push(Number(value));
      if (metric.samples.length > 20_000) metric.samples.splice(0, 10_000);
    }
    return WasmResult.Ok;
  }

  get(id: number): { result: number; value?: bigint } {
    const metric = this.byId.get(id);
    if (metric === undefined) return { result: WasmResult.NotFound };
    if (metric.type === 'histogram') return { result: WasmResult.BadArgument };
    return { result: WasmResult.Ok, value: BigInt(metric.value) };
  }

  snapshot(): Record<string, MetricSnapshot> {
    const out: Record<string, MetricSnapshot> = {};
    for (const [name, metric] of [...this.byName].sort(([a], [b]) => a.localeCompare(b))) {
      out[name] =
        metric.type === 'histogram'
          ? { type: metric.type, value: metric.samples.length, samples: [...metric.samples] }
          : { type: metric.type, value: metric.value };
    }
    return out;
  }
}
