import { WasmResult, type AbiVersion } from './abi.ts';
import {
  ALLOWED_AT_START,
  ALLOWED_IN_ALLOCATOR,
  ENV_HOST_CALLS,
  linkedIn,
  WASI_HOST_CALLS,
  WASI_MODULES,
  type HostCallSpec,
} from './abi-host-calls.ts';
import { GuestMemory, HostTrap, MAX_MEMORY_BYTES } from './guest-memory.ts';
import { queueNoticesWaiting, runQueueNotices } from './shared-queues.ts';
import {
  hostCallImplementations,
  type HostCallContext,
  type HostCallTable,
  type HostCallTarget,
  type HostImpl,
  type VmEnvironment,
} from './hostcalls/index.ts';
import type { CompiledModule } from './module.ts';

export type Restriction = 'start' | 'allocator' | null;
export type { VmEnvironment };

// One instance of a module: Envoy's per-worker VM with its own memory, globals and context ids.
export class WasmVm implements HostCallTarget {
  readonly instance: WebAssembly.Instance;
  readonly memory: GuestMemory = new GuestMemory((size) => this.allocate(size));
  readonly contexts = new Map<number, HostCallContext>();
  failure: string | null = null;
  restriction: Restriction = null;
  // Host calls since resetHostCalls, a slot per import name: a plain array, as a typed array per stream costs a store.
  private readonly hostCallNames: string[] = [];
  private readonly hostCallCounts: number[] = [];

  // The slot that counts calls to `name` (called while the imports are built).
  hostCallSlot(name: string): number {
    let slot = this.hostCallNames.indexOf(name);
    if (slot < 0) {
      slot = this.hostCallNames.push(name) - 1;
      this.hostCallCounts.push(0);
    }
    return slot;
  }

  countHostCall(slot: number): void {
    this.hostCallCounts[slot]++;
  }

  resetHostCalls(): void {
    this.hostCallCounts.fill(0);
  }

  // The counts so far; hostCallsByName turns them into a record when someone reads it.
  hostCallSnapshot(): number[] {
    return this.hostCallCounts.slice();
  }

  hostCallsByName(counts: number[]): Record<string, number> {
    const out: Record<string, number> = {};
    counts.forEach((count, slot) => {
      if (count > 0) out[this.hostCallNames[slot]] = count;
    });
    return out;
  }

  // PluginConfig vm_id, set by the plugin that loads this VM.
  vmId = '';
  // Host calls made since load that this host does not model (see reportUnsupported).
  readonly unsupportedCalls = new Set<string>();
  private current: HostCallContext | null = null;
  private effective: HostCallContext | null = null;
  private nextContextId = 1;
  private readonly allocator: ((size: number) => number) | null = null;

  constructor(
    readonly compiled: CompiledModule,
    readonly env: VmEnvironment,
  ) {
    const imported = this.buildImports(compiled.abiVersion);
    let importedMemory: WebAssembly.Memory | undefined;
    for (const entry of compiled.shape.imports) {
      if (entry.kind === 'memory') {
        importedMemory = new WebAssembly.Memory({ initial: entry.limits!.initial, maximum: entry.limits!.maximum });
        (imported[entry.module] ??= {})[entry.name] = importedMemory;
      } else if (entry.kind === 'table') {
        const { initial, maximum } = entry.limits!;
        (imported[entry.module] ??= {})[entry.name] = new WebAssembly.Table({ element: 'anyfunc', initial, maximum });
      }
    }
    // A start section runs here, with no context at all (cpp-host link()).
    this.restriction = 'start';
    try {
      this.instance = new WebAssembly.Instance(compiled.module, imported);
    } finally {
      this.restriction = null;
    }
    const exports = Object.values(this.instance.exports);
    const exportedMemory = exports.find((e) => e instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined;
    this.memory.attach(importedMemory ?? exportedMemory!);
    this.allocator = this.instance.exports[compiled.allocatorExport] as (size: number) => number;
  }

  get failed(): boolean {
    return this.failure !== null;
  }

  has(exportName: string): boolean {
    return typeof this.instance.exports[exportName] === 'function';
  }

  allocateContextId(): number {
    return this.nextContextId++;
  }

  // _initialize (+ main) or _start, with the VM context (id 0) and only start-time host calls allowed.
  start(): boolean {
    const run = (name: string, ...args: number[]) => this.call(null, name, args, 'start');
    if (this.has('_initialize')) {
      if (run('_initialize') === undefined && this.failed) return false;
      if (this.has('main') && run('main', 0, 0) === undefined && this.failed) return false;
    } else if (this.has('_start')) {
      if (run('_start') === undefined && this.failed) return false;
    }
    return !this.failed;
  }

  // Calls an export with `context` current. A trap marks the VM failed (as cpp-host's fail()) and
  // returns undefined; a missing export also returns undefined, and callers apply Envoy's default.
  call(
    context: HostCallContext | null,
    exportName: string,
    args: (number | bigint)[],
    restriction: Restriction = null,
  ): number | undefined {
    const fn = this.exportedFunction(exportName);
    if (fn === undefined || this.failed) return undefined;
    const savedCurrent = this.current;
    const savedEffective = this.effective;
    const savedRestriction = this.restriction;
    this.current = context;
    this.effective = null;
    this.restriction = restriction;
    try {
      const result = fn(...args);
      if (this.memory.grew() && this.memory.viewLength > MAX_MEMORY_BYTES) {
        this.fail(`Function: ${exportName} failed: linear memory grew past 1 GiB`);
      }
      return result === undefined ? 0 : result;
    } catch (error) {
      this.fail(`Function: ${exportName} failed: ${describeTrap(error)}`);
      return undefined;
    } finally {
      this.current = savedCurrent;
      this.effective = savedEffective;
      this.restriction = savedRestriction;
      if (savedCurrent === null && queueNoticesWaiting()) runQueueNotices();
    }
  }

  // proxy_on_queue_ready for a queue this VM registered, on its root context (the first context).
  queueReady(token: number): void {
    const root = this.contexts.get(1);
    if (root !== undefined) this.call(root, 'proxy_on_queue_ready', [1, token]);
  }

  private readonly functions = new Map<string, ((...a: (number | bigint)[]) => number | undefined) | undefined>();

  private exportedFunction(name: string): ((...a: (number | bigint)[]) => number | undefined) | undefined {
    let fn = this.functions.get(name);
    if (fn === undefined && !this.functions.has(name)) {
      const found = this.instance.exports[name];
      fn = typeof found === 'function' ? (found as (...a: (number | bigint)[]) => number | undefined) : undefined;
      this.functions.set(name, fn);
    }
    return fn;
  }

  fail(message: string): void {
    if (this.failure !== null) return;
    this.failure = message;
    this.env.logs.write(4, this.current?.logPrefix ?? '', message);
  }

  // The context host calls act on: proxy_set_effective_context's choice, else the callee's.
  context(): HostCallContext | null {
    return this.effective ?? this.current;
  }

  // Envoy's callout tokens: the type in the low 2 bits (HttpCall is 0), stepping by 4 per VM.
  private lastHttpCallToken = 0;

  nextHttpCallToken(): number {
    return (this.lastHttpCallToken += 4);
  }

  // gRPC calls are type 1 and streams type 2 (Envoy wasm.h CalloutType): 5, 9, ... and 6, 10, ...
  private lastGrpcCallToken = 1;
  private lastGrpcStreamToken = 2;

  nextGrpcCallToken(): number {
    return (this.lastGrpcCallToken += 4);
  }

  nextGrpcStreamToken(): number {
    return (this.lastGrpcStreamToken += 4);
  }

  // The tick period (Envoy keeps one per root context; a VM here has one root) and the next tick,
  // in the clock's monotonic nanoseconds.
  tickPeriodMilliseconds = 0;
  nextTickNanos = 0n;

  setTickPeriod(milliseconds: number): void {
    this.tickPeriodMilliseconds = milliseconds;
    this.nextTickNanos = this.env.clock.monotonic() + BigInt(milliseconds) * 1_000_000n;
  }

  reportUnsupported(name: string): void {
    this.unsupportedCalls.add(name);
  }

  setEffectiveContext(id: number): number {
    const context = this.contexts.get(id);
    if (context === undefined) return WasmResult.BadArgument;
    this.effective = context;
    return WasmResult.Ok;
  }

  get memoryBytes(): number {
    return this.memory.byteLength;
  }

  // The module's allocator, run with the VM context and allocator-time restrictions.
  private allocate(size: number): number {
    const savedCurrent = this.current;
    const savedEffective = this.effective;
    const savedRestriction = this.restriction;
    this.current = null;
    this.effective = null;
    this.restriction = 'allocator';
    try {
      return this.allocator!(size) >>> 0;
    } finally {
      this.current = savedCurrent;
      this.effective = savedEffective;
      this.restriction = savedRestriction;
    }
  }

  // The imports for the module's ABI version: each host call from the table, wrapped so that it
  // is counted and refused where cpp-host restricts it.
  private buildImports(abiVersion: AbiVersion): Record<string, Record<string, WebAssembly.ImportValue>> {
    const implementations = hostCallImplementations(this);
    const link = (specs: Record<string, HostCallSpec>, impls: HostCallTable, isWasi: boolean) => {
      const out: Record<string, WebAssembly.ImportValue> = {};
      for (const [name, spec] of Object.entries(specs)) {
        if (!linkedIn(spec, abiVersion)) continue;
        const impl = impls[name];
        if (impl === undefined) throw new Error(`host call ${name} is in the ABI table but not implemented`);
        const slot = this.hostCallSlot(name);
        const check = () => {
          this.countHostCall(slot);
          const restriction = this.restriction;
          if (restriction === 'start' && !isWasi && !ALLOWED_AT_START.has(name)) {
            throw new HostTrap(`restricted_callback: ${name} called during VM start`);
          }
          if (restriction === 'allocator' && !ALLOWED_IN_ALLOCATOR.has(name)) {
            throw new HostTrap(`restricted_callback: ${name} called from the allocator`);
          }
        };
        out[name] = withArity(spec.params.length, check, impl);
      }
      return out;
    };
    const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {
      env: link(ENV_HOST_CALLS, implementations.env, false),
    };
    const wasi = link(WASI_HOST_CALLS, implementations.wasi, true);
    for (const module of WASI_MODULES) imports[module] = wasi;
    return imports;
  }
}

function describeTrap(error: unknown): string {
  if (error instanceof WebAssembly.RuntimeError) return `Uncaught RuntimeError: ${error.message}`;
  if (error instanceof HostTrap) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

// A wrapper whose arity matches the Wasm signature: V8 calls an import of matching arity on its
// fast path, and a mismatch (or rest parameters) costs an adapter on every call.
function withArity(arity: number, check: () => void, impl: HostImpl): HostImpl {
  const f = impl as (...args: any[]) => number | void;
  switch (arity) {
    case 0:
      return () => (check(), f());
    case 1:
      return (a: any) => (check(), f(a));
    case 2:
      return (a: any, b: any) => (check(), f(a, b));
    case 3:
      return (a: any, b: any, c: any) => (check(), f(a, b, c));
    case 4:
      return (a: any, b: any, c: any, d: any) => (check(), f(a, b, c, d));
    case 5:
      return (a: any, b: any, c: any, d: any, e: any) => (check(), f(a, b, c, d, e));
    case 6:
      return (a: any, b: any, c: any, d: any, e: any, g: any) => (check(), f(a, b, c, d, e, g));
    case 8:
      return (a: any, b: any, c: any, d: any, e: any, g: any, h: any, i: any) => (check(), f(a, b, c, d, e, g, h, i));
    default:
      return (...args: any[]) => (check(), f(...args));
  }
}
