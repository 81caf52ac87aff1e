import { BufferType, WasmResult } from '../abi.ts';
import { BodyBuffer } from '../body-buffer.ts';
import type { HostCallGroup } from './define.ts';

export const bufferCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  const find = (type: number) => {
    const context = host.context();
    if (context === null) return type >>> 0 > BufferType.CallData ? WasmResult.BadArgument : WasmResult.NotFound;
    return context.getBuffer(type >>> 0);
  };
  const bytesOf = (buffer: BodyBuffer | Uint8Array) => (buffer instanceof BodyBuffer ? buffer.bytes : buffer);
  return {
    proxy_get_buffer_bytes: (type: number, start: number, maxSize: number, dataOut: number, sizeOut: number) => {
      const buffer = find(type);
      if (typeof buffer === 'number') return buffer;
      start >>>= 0;
      maxSize >>>= 0;
      if (start + maxSize > 0xffffffff) return WasmResult.BadArgument;
      const bytes = bytesOf(buffer);
      // Clamped to the end; an empty range is Ok with (0, 0) (cpp-host exports.cc).
      const end = Math.min(bytes.length, start + maxSize);
      const slice = start >= bytes.length ? new Uint8Array(0) : bytes.subarray(start, end);
      return memory.copyOut(slice, dataOut, sizeOut);
    },
    proxy_get_buffer_status: (type: number, lengthOut: number, flagsOut: number) => {
      const buffer = find(type);
      if (typeof buffer === 'number') return buffer;
      const written = memory.writeU32(lengthOut, bytesOf(buffer).length) && memory.writeU32(flagsOut, 0);
      return written ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_set_buffer_bytes: (type: number, start: number, length: number, pointer: number, size: number) => {
      const data = memory.read(pointer, size);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      const buffer = find(type);
      if (typeof buffer === 'number') return buffer;
      // Configuration buffers are read-only.
      if (!(buffer instanceof BodyBuffer)) return WasmResult.BadArgument;
      return buffer.write(start >>> 0, length >>> 0, data.slice()) ? WasmResult.Ok : WasmResult.BadArgument;
    },
  };
};
