import { WasmResult } from './abi.ts';
import type { LogSink } from './logs.ts';
import type { MetricStore } from './metrics.ts';
import type { CompiledModule } from './module.ts';
import { buildImports } from './hostcalls/index.ts';
import type { ContextBase } from './context.ts';
import type { Clock } from './clock.ts';

// Envoy's V8 runs with --wasm_max_mem_pages=16384 (cpp-host limits.h): 1 GiB of linear memory.
export const MAX_MEMORY_BYTES = 1024 * 1024 * 1024;

// Thrown by a host call to trap the module, as cpp-host does for a call made where it is not allowed.
export class HostTrap extends Error {}

export type Restriction = 'start' | 'allocator' | null;

export interface VmEnvironment {
  logs: LogSink;
  metrics: MetricStore;
  clock: Clock;
  environment: Record<string, string>;
}

// One instance of a module: Envoy's per-worker VM with its own memory, globals and context ids.
export class WasmVm {
  readonly instance: WebAssembly.Instance;
  readonly memory: WebAssembly.Memory;
  readonly contexts = new Map<number, ContextBase>();
  failure: string | null = null;
  restriction: Restriction = null;
  // Host calls made since resetHostCalls (the chain resets it per stream), one slot per import
  // name: an increment per call, and one small copy per stream for the report. A plain array of
  // small integers: allocating a typed array per stream costs V8 a backing store each time.
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

  private current: ContextBase | null = null;
  private effective: ContextBase | null = null;
  private nextContextId = 1;
  private cachedBuffer: ArrayBuffer | null = null;
  private bytesView = new Uint8Array(0);
  // A Buffer over the same memory, for latin1 reads and writes without intermediate copies.
  private bufferView = Buffer.alloc(0);
  private readonly shortStrings = new Map<number, string>();
  private dataView = new DataView(new ArrayBuffer(0));
  private readonly allocator: (size: number) => number;

  constructor(
    readonly compiled: CompiledModule,
    readonly env: VmEnvironment,
  ) {
    const imported: Record<string, Record<string, WebAssembly.ImportValue>> = buildImports(this, compiled.abiVersion);
    let importedMemory: WebAssembly.Memory | undefined;
    for (const entry of compiled.shape.imports) {
      if (entry.kind === 'memory') {
        importedMemory = new WebAssembly.Memory({ initial: entry.limits!.initial, maximum: entry.limits!.maximum });
        (imported[entry.module] ??= {})[entry.name] = importedMemory;
      } else if (entry.kind === 'table') {
        (imported[entry.module] ??= {})[entry.name] = new WebAssembly.Table({ element: 'anyfunc', initial: entry.limits!.initial, maximum: entry.limits!.maximum });
      }
    }
    // A start section runs here, with no context at all (cpp-host link()).
    this.restriction = 'start';
    try {
      this.instance = new WebAssembly.Instance(compiled.module, imported);
    } finally {
      this.restriction = null;
    }
    const exportedMemory = Object.values(this.instance.exports).find((e) => e instanceof WebAssembly.Memory) as WebAssembly.Memory | undefined;
    this.memory = importedMemory ?? exportedMemory!;
    const allocate = this.instance.exports[compiled.allocatorExport] as (size: number) => number;
    this.allocator = allocate;
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
  call(context: ContextBase | null, exportName: string, args: (number | bigint)[], restriction: Restriction = null): number | undefined {
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
      if (this.memoryGrew() && this.bytesView.length > MAX_MEMORY_BYTES) this.fail(`Function: ${exportName} failed: linear memory grew past 1 GiB`);
      return result === undefined ? 0 : result;
    } catch (error) {
      this.fail(`Function: ${exportName} failed: ${describeTrap(error)}`);
      return undefined;
    } finally {
      this.current = savedCurrent;
      this.effective = savedEffective;
      this.restriction = savedRestriction;
    }
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
  context(): ContextBase | null {
    return this.effective ?? this.current;
  }

  setEffectiveContext(id: number): number {
    const context = this.contexts.get(id);
    if (context === undefined) return WasmResult.BadArgument;
    this.effective = context;
    return WasmResult.Ok;
  }

  // ---- linear memory access; views are refreshed whenever memory.grow replaced the buffer.

  private refresh(): void {
    const buffer = this.memory.buffer;
    if (buffer !== this.cachedBuffer) {
      this.cachedBuffer = buffer;
      this.bytesView = new Uint8Array(buffer);
      this.bufferView = Buffer.from(buffer);
      this.dataView = new DataView(buffer);
    }
  }

  // memory.grow detaches the buffer the views were made over (its length reads 0 then), so a
  // detached or missing view is how growth shows; the views are refreshed at the same time. Reading
  // memory.buffer after every call would cost more than most calls.
  private memoryGrew(): boolean {
    if (this.cachedBuffer !== null && this.cachedBuffer.byteLength !== 0) return false;
    this.refresh();
    return true;
  }

  // Whether [pointer, end) lies in memory. The views are refreshed only when the range falls
  // outside them: memory.grow detaches the old buffer, whose views then have length 0.
  private inBounds(end: number): boolean {
    if (end <= this.bytesView.length && this.bytesView.length !== 0) return true;
    this.refresh();
    return end <= this.bytesView.length;
  }

  // A range outside memory is InvalidMemoryAccess, not a trap (cpp-host v8.cc getMemory).
  read(pointer: number, length: number): Uint8Array | null {
    pointer >>>= 0;
    length >>>= 0;
    if (!this.inBounds(pointer + length)) return null;
    return this.bytesView.subarray(pointer, pointer + length);
  }

  writeU32(pointer: number, value: number): boolean {
    pointer >>>= 0;
    if (!this.inBounds(pointer + 4)) return false;
    this.dataView.setUint32(pointer, value >>> 0, true);
    return true;
  }

  writeU64(pointer: number, value: bigint): boolean {
    pointer >>>= 0;
    if (!this.inBounds(pointer + 8)) return false;
    this.dataView.setBigUint64(pointer, BigInt.asUintN(64, value), true);
    return true;
  }

  writeBytes(pointer: number, data: Uint8Array): boolean {
    pointer >>>= 0;
    if (!this.inBounds(pointer + data.length)) return false;
    this.bytesView.set(data, pointer);
    return true;
  }

  // Bytes [pointer, pointer + length) as a byte string (one char per byte), or null when out of range.
  readByteString(pointer: number, length: number): string | null {
    pointer >>>= 0;
    length >>>= 0;
    if (!this.inBounds(pointer + length)) return null;
    if (length > 64) return this.bufferView.toString('latin1', pointer, pointer + length);
    // Plugins pass the same short names (configured once, at fixed addresses) on every request:
    // comparing them with the string made last time is far cheaper than making a new one.
    const bytes = this.bytesView;
    const key = pointer * 65 + length;
    const cached = this.shortStrings.get(key);
    if (cached !== undefined) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (cached.charCodeAt(i) !== bytes[pointer + i]) {
          same = false;
          break;
        }
      }
      if (same) return cached;
    }
    let text = '';
    for (let i = 0; i < length; i++) text += String.fromCharCode(bytes[pointer + i]);
    if (this.shortStrings.size > 4096) this.shortStrings.clear();
    this.shortStrings.set(key, text);
    return text;
  }

  // copyOut for a byte string: written straight into the block the module allocates.
  copyOutByteString(text: string, pointerOut: number, sizeOut: number): number {
    if (text.length === 0) return this.copyOut(new Uint8Array(0), pointerOut, sizeOut);
    if (text.length > 64) return this.copyOut(this.longValueBytes(text), pointerOut, sizeOut);
    const pointer = this.allocate(text.length);
    if (pointer === 0 || !this.inBounds(pointer + text.length)) return WasmResult.InvalidMemoryAccess;
    this.bufferView.write(text, pointer, text.length, 'latin1');
    return this.writeU32(pointerOut, pointer) && this.writeU32(sizeOut, text.length) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }

  // Long values (tokens, cookies) come back request after request when a request is replayed:
  // their bytes are kept, so a copy-out is one memcpy, as it is in Envoy, whose header values are
  // bytes already, and not a string conversion each time.
  private readonly longValues = new Map<string, Uint8Array>();

  private longValueBytes(text: string): Uint8Array {
    let bytes = this.longValues.get(text);
    if (bytes === undefined) {
      bytes = Buffer.from(text, 'latin1');
      if (this.longValues.size >= 256) this.longValues.clear();
      this.longValues.set(text, bytes);
    }
    return bytes;
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
      return this.allocator(size) >>> 0;
    } finally {
      this.current = savedCurrent;
      this.effective = savedEffective;
      this.restriction = savedRestriction;
    }
  }

  // copyToPointerSize (cpp-host wasm.h): empty data is (0, 0) with no allocation; otherwise the
  // module's allocator is called (with the VM context and allocator-time restrictions).
  copyOut(data: Uint8Array, pointerOut: number, sizeOut: number): number {
    if (data.length === 0) {
      return this.writeU32(pointerOut, 0) && this.writeU32(sizeOut, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    }
    const pointer = this.allocate(data.length);
    if (pointer === 0 || !this.writeBytes(pointer, data)) return WasmResult.InvalidMemoryAccess;
    return this.writeU32(pointerOut, pointer) && this.writeU32(sizeOut, data.length) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }

  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }
}

function describeTrap(error: unknown): string {
  if (error instanceof WebAssembly.RuntimeError) return `Uncaught RuntimeError: ${error.message}`;
  if (error instanceof HostTrap) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
