import { BufferType, WasmResult } from '../abi.ts';
import { BodyBuffer } from '../body-buffer.ts';
import { hostFunction, type HostFunctionGroup } from './define.ts';

export const bufferCalls: HostFunctionGroup = (vm) => {
  const find = (type: number) => {
    const context = vm.context();
    if (context === null) return type >>> 0 > BufferType.CallData ? WasmResult.BadArgument : WasmResult.NotFound;
    return context.getBuffer(type >>> 0);
  };
  const bytesOf = (buffer: BodyBuffer | Uint8Array) => (buffer instanceof BodyBuffer ? buffer.bytes : buffer);
  return {
    proxy_get_buffer_bytes: hostFunction('iiiii', 'i', (type: number, start: number, maxSize: number, dataOut: number, sizeOut: number) => {
      const buffer = find(type);
      if (typeof buffer === 'number') return buffer;
      start >>>= 0;
      maxSize >>>= 0;
      if (start + maxSize > 0xffffffff) return WasmResult.BadArgument;
      const bytes = bytesOf(buffer);
      // Clamped to the end; an empty range is Ok with (0, 0) (cpp-host exports.cc).
      const slice = start >= bytes.length ? new Uint8Array(0) : bytes.subarray(start, Math.min(bytes.length, start + maxSize));
      return vm.copyOut(slice, dataOut, sizeOut);
    }),
    proxy_get_buffer_status: hostFunction('iii', 'i', (type: number, lengthOut: number, flagsOut: number) => {
      const buffer = find(type);
      if (typeof buffer === 'number') return buffer;
      return vm.writeU32(lengthOut, bytesOf(buffer).length) && vm.writeU32(flagsOut, 0) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    }),
    proxy_set_buffer_bytes: hostFunction('iiiii', 'i', (type: number, start: number, length: number, pointer: number, size: number) => {
      const data = vm.read(pointer, size);
      if (data === null) return WasmResult.InvalidMemoryAccess;
      const buffer = find(type);
      if (typeof buffer === 'number') return buffer;
      // Configuration buffers are read-only.
      if (!(buffer instanceof BodyBuffer)) return WasmResult.BadArgument;
      return buffer.write(start >>> 0, length >>> 0, data.slice()) ? WasmResult.Ok : WasmResult.BadArgument;
    }),
  };
};
