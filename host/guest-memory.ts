import { WasmResult } from './abi.ts';

// Thrown by a host call to trap the module, as cpp-host does for a call made where it is not allowed.
export class HostTrap extends Error {}

// Envoy's V8 runs with --wasm_max_mem_pages=16384 (cpp-host limits.h): 1 GiB of linear memory.
export const MAX_MEMORY_BYTES = 1024 * 1024 * 1024;

// A module's linear memory as host calls reach it: bounds-checked reads and writes, and copies
// into blocks the module's allocator hands out (cpp-host copyToPointerSize).
export class GuestMemory {
  private memory: WebAssembly.Memory | null = null;
  private cachedBuffer: ArrayBuffer | null = null;
  private bytesView = new Uint8Array(0);
  // A Buffer over the same memory, for latin1 reads and writes without intermediate copies.
  private bufferView = Buffer.alloc(0);
  private dataView = new DataView(new ArrayBuffer(0));
  private readonly shortStrings = new Map<number, string>();
  // Long values (tokens, cookies) recur when a request is replayed: their bytes are kept so a
  // copy-out is one memcpy, as Envoy's byte-valued headers are.
  private readonly longValues = new Map<string, Uint8Array>();

  // `allocate` runs the module's allocator (the VM sets the context and restrictions around it).
  constructor(private readonly allocate: (size: number) => number) {}

  // The memory is known only once the module is instantiated (or when it imports one).
  attach(memory: WebAssembly.Memory): void {
    this.memory = memory;
  }

  get byteLength(): number {
    return this.memory === null ? 0 : this.memory.buffer.byteLength;
  }

  private refresh(): void {
    const buffer = this.memory!.buffer;
    if (buffer !== this.cachedBuffer) {
      this.cachedBuffer = buffer;
      this.bytesView = new Uint8Array(buffer);
      this.bufferView = Buffer.from(buffer);
      this.dataView = new DataView(buffer);
    }
  }

  // memory.grow detaches the buffer the views were made over (its length reads 0 then): that is
  // how growth shows without reading memory.buffer after every call; the views are refreshed too.
  grew(): boolean {
    if (this.cachedBuffer !== null && this.cachedBuffer.byteLength !== 0) return false;
    this.refresh();
    return true;
  }

  // The current length of the views (after grew() or a refresh).
  get viewLength(): number {
    return this.bytesView.length;
  }

  // Whether [pointer, end) lies in memory; views are refreshed only when the range falls outside them.
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
    // Plugins pass the same short names from fixed addresses on every request: comparing with
    // the string made last time is cheaper than making a new one.
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
    const written = this.writeU32(pointerOut, pointer) && this.writeU32(sizeOut, text.length);
    return written ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }

  private longValueBytes(text: string): Uint8Array {
    let bytes = this.longValues.get(text);
    if (bytes === undefined) {
      bytes = Buffer.from(text, 'latin1');
      if (this.longValues.size >= 256) this.longValues.clear();
      this.longValues.set(text, bytes);
    }
    return bytes;
  }

  // copyToPointerSize (cpp-host wasm.h): empty data is (0, 0) with no allocation.
  copyOut(data: Uint8Array, pointerOut: number, sizeOut: number): number {
    if (data.length === 0) {
      return this.writeU32(pointerOut, 0) && this.writeU32(sizeOut, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    }
    const pointer = this.allocate(data.length);
    if (pointer === 0 || !this.writeBytes(pointer, data)) return WasmResult.InvalidMemoryAccess;
    const written = this.writeU32(pointerOut, pointer) && this.writeU32(sizeOut, data.length);
    return written ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }
}
