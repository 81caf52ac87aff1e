// Metrics, defined in onConfigure/onVmStart (never at top level: host calls are restricted
// while the module starts). Envoy names them wasmcustom.<name>.
import { MetricType, WasmResult } from "./enums";
import { proxy_define_metric, proxy_get_metric, proxy_increment_metric, proxy_record_metric } from "./imports";
import { outPointer } from "./memory";

// 0 is never a valid id (Envoy ids carry the type in the low bits and start at 4).
function defineMetric(metricType: MetricType, name: string): u32 {
  const bytes = String.UTF8.encode(name);
  if (proxy_define_metric(metricType, changetype<usize>(bytes), bytes.byteLength, outPointer) != WasmResult.Ok)
    return 0;
  return load<u32>(outPointer);
}

class Metric {
  readonly id: u32;
  constructor(
    metricType: MetricType,
    readonly name: string,
  ) {
    this.id = defineMetric(metricType, name);
  }

  get(): u64 {
    if (proxy_get_metric(this.id, outPointer) != WasmResult.Ok) return 0;
    return load<u64>(outPointer);
  }
}

export class Counter extends Metric {
  constructor(name: string) {
    super(MetricType.Counter, name);
  }

  increment(delta: i64 = 1): void {
    proxy_increment_metric(this.id, delta);
  }
}

export class Gauge extends Metric {
  constructor(name: string) {
    super(MetricType.Gauge, name);
  }

  set(value: u64): void {
    proxy_record_metric(this.id, value);
  }

  add(delta: i64): void {
    proxy_increment_metric(this.id, delta);
  }
}

export class Histogram extends Metric {
  constructor(name: string) {
    super(MetricType.Histogram, name);
  }

  record(value: u64): void {
    proxy_record_metric(this.id, value);
  }
}
