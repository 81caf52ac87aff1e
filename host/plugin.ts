import type { LogLevelName } from './abi.ts';
import { systemClock, type Clock } from './clock.ts';
import { HostContext, makeLogPrefix, type PluginIdentity } from './context.ts';
import { LogSink, type LogRecord } from './logs.ts';
import { MetricStore } from './metrics.ts';
import { compileModule, type CompiledModule } from './module.ts';
import type { StreamInfo } from './stream-info.ts';
import { HostStreamContext, type FailurePolicy } from './stream-context.ts';
import { WasmVm } from './vm.ts';

export type FailurePolicyName = 'FAIL_CLOSED' | 'FAIL_OPEN';

// The fields of Envoy's PluginConfig (envoy.extensions.wasm.v3) this host models.
export interface PluginOptions {
  wasm: Uint8Array | CompiledModule;
  name?: string;
  rootId?: string;
  vmId?: string;
  // The `configuration` field's bytes: a StringValue's string (a Struct arrives as JSON text).
  configuration?: string | Uint8Array;
  vmConfiguration?: string | Uint8Array;
  // Set explicitly in every configuration: Envoy's default differs between versions.
  failurePolicy?: FailurePolicyName;
  allowOnHeadersStopIteration?: boolean;
  logLevel?: LogLevelName;
  clock?: Clock;
  environment?: Record<string, string>;
}

export class ConfigurationRejectedError extends Error {
  constructor(
    message: string,
    readonly logs: LogRecord[],
  ) {
    super(message);
  }
}

const encoder = new TextEncoder();
const asBytes = (value: string | Uint8Array | undefined) =>
  value === undefined ? new Uint8Array(0) : typeof value === 'string' ? encoder.encode(value) : value;

// A configured plugin on one worker: its VM, its root context, its logs and metrics.
export class Plugin {
  readonly identity: PluginIdentity;
  readonly failOpen: boolean;
  readonly allowOnHeadersStopIteration: boolean;
  private readonly policy: FailurePolicy;
  // Envoy's stream log prefix: " <plugin name> <root id> <vm id>", empty parts left out.
  private readonly streamLogPrefix: string;

  private constructor(
    readonly vm: WasmVm,
    readonly root: HostContext,
    options: PluginOptions,
  ) {
    this.identity = root.plugin;
    this.failOpen = options.failurePolicy === 'FAIL_OPEN';
    this.allowOnHeadersStopIteration = options.allowOnHeadersStopIteration ?? false;
    this.policy = { failOpen: this.failOpen, allowOnHeadersStopIteration: this.allowOnHeadersStopIteration };
    this.streamLogPrefix = makeLogPrefix([this.identity.name, this.identity.rootId, this.identity.vmId]);
  }

  get logs(): LogSink {
    return this.vm.env.logs;
  }

  get metrics(): MetricStore {
    return this.vm.env.metrics;
  }

  get clock(): Clock {
    return this.vm.env.clock;
  }

  get name(): string {
    return this.identity.name;
  }

  // Start and configure in Envoy's order (cpp-host wasm.cc): instantiate (start section), then
  // _initialize/_start, then for the root context on_context_create(root, 0), on_vm_start,
  // on_configure. A false return or a trap rejects the configuration with the plugin's log lines.
  static load(options: PluginOptions): Plugin {
    const compiled = options.wasm instanceof Uint8Array ? compileModule(options.wasm) : options.wasm;
    const logs = new LogSink(options.logLevel ?? 'info');
    const clock = options.clock ?? systemClock;
    const environment = options.environment ?? {};
    const vm = new WasmVm(compiled, { logs, metrics: new MetricStore(), clock, environment });
    const identity: PluginIdentity = {
      name: options.name ?? options.rootId ?? '',
      rootId: options.rootId ?? '',
      vmId: options.vmId ?? '',
      vmConfiguration: asBytes(options.vmConfiguration),
    };
    const reject = (message: string) => new ConfigurationRejectedError(message, logs.since(0));
    vm.vmId = identity.vmId;
    if (!vm.start()) throw reject(`VM start failed: ${vm.failure}`);

    const root = new HostContext(vm, vm.allocateContextId(), identity, makeLogPrefix([identity.rootId, identity.vmId]));
    vm.contexts.set(root.id, root);
    const configuration = asBytes(options.configuration);
    root.pluginConfiguration = configuration;
    try {
      vm.call(root, 'proxy_on_context_create', [root.id, 0]);
      if (vm.failed) throw reject(`proxy_on_context_create failed: ${vm.failure}`);
      // Any non-zero result is true; a missing callback counts as true.
      const started = vm.call(root, 'proxy_on_vm_start', [root.id, identity.vmConfiguration.length]);
      if (vm.failed || started === 0) {
        throw reject(vm.failed ? `proxy_on_vm_start failed: ${vm.failure}` : 'proxy_on_vm_start returned false');
      }
      const configured = vm.call(root, 'proxy_on_configure', [root.id, configuration.length]);
      if (vm.failed || configured === 0) {
        const rejected = 'the plugin rejected its configuration (proxy_on_configure returned false)';
        throw reject(vm.failed ? `proxy_on_configure failed: ${vm.failure}` : rejected);
      }
    } finally {
      root.pluginConfiguration = null;
    }
    return new Plugin(vm, root, options);
  }

  // The root context's on_tick for every period the clock has passed since the last one.
  fireDueTicks(): void {
    const vm = this.vm;
    while (vm.tickPeriodMilliseconds !== 0 && !vm.failed && vm.env.clock.monotonic() >= vm.nextTickNanos) {
      vm.nextTickNanos += BigInt(vm.tickPeriodMilliseconds) * 1_000_000n;
      vm.call(this.root, 'proxy_on_tick', [this.root.id]);
    }
  }

  // Envoy's createFilter on this worker: a failed VM is skipped (fail-open) or still builds a
  // filter that answers 503 (fail-closed); otherwise a new stream context with a fresh id.
  newStream(info: StreamInfo): HostStreamContext | null {
    if (this.vm.failed && this.failOpen) return null;
    const id = this.vm.failed ? 0 : this.vm.allocateContextId();
    return new HostStreamContext(this.vm, id, this.identity, this.root, this.policy, info, this.streamLogPrefix);
  }
}
