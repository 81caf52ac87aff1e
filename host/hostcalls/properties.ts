import { WasmResult } from '../abi.ts';
import { serialize } from '../properties.ts';
import { readText, type HostCallGroup } from './define.ts';

export const propertyCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  return {
    proxy_get_property: (pathPointer: number, pathLength: number, valueOut: number, valueSizeOut: number) => {
      const path = readText(memory, pathPointer, pathLength);
      if (path === null) return WasmResult.InvalidMemoryAccess;
      const context = host.context();
      if (context === null) return WasmResult.NotFound;
      // Segments are separated by NUL; a trailing NUL is allowed. "request.path" is one segment.
      const segments = path.split('\0');
      if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
      const value = context.property(segments);
      if (value === undefined) return WasmResult.NotFound;
      const bytes = serialize(value);
      if (typeof bytes === 'number') return bytes;
      return memory.copyOut(bytes, valueOut, valueSizeOut);
    },
    proxy_set_property: (pathPointer: number, pathLength: number, valuePointer: number, valueLength: number) => {
      const path = readText(memory, pathPointer, pathLength);
      const value = memory.read(valuePointer, valueLength);
      if (path === null || value === null) return WasmResult.InvalidMemoryAccess;
      const context = host.context();
      return context === null ? WasmResult.NotFound : context.setProperty(path, value.slice());
    },
  };
};
