import { MapType, WasmResult } from '../abi.ts';
import { decodePairs } from '../pairs.ts';
import { bytesToUtf8, type HostHeaderMap } from '../header-map.ts';
import { headerValueProblem, writtenNameProblem } from '../header-validation.ts';
import type { HostCallGroup } from './define.ts';
import type { HostCallTarget } from './target.ts';
const byteString = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

function lookup(host: HostCallTarget, type: number, mutable: boolean): HostHeaderMap | number {
  const context = host.context();
  if (type >>> 0 > MapType.HttpCallResponseTrailers || context === null) return WasmResult.BadArgument;
  return mutable ? context.getMutableMap(type) : context.getMap(type);
}

const MAP_NAMES = ['request header', 'request trailer', 'response header', 'response trailer'];

// Envoy's Wasm context stores any write (context.cc addHeaderMapValue/replaceHeaderMapValue call
// addCopy/setCopy unchecked); the upstream codec refuses it later. The host reports it at once.
function checkWrite(host: HostCallTarget, type: number, key: string, value: string): void {
  const problem = writtenNameProblem(key) ?? headerValueProblem(value);
  if (problem === null) return;
  const context = host.context()!;
  const what = MAP_NAMES[type] ?? 'header';
  context.reportInvalidWrite(
    `${context.plugin.name} wrote ${what} ${JSON.stringify(bytesToUtf8(key))}: ${JSON.stringify(bytesToUtf8(value))}: ${problem}`,
  );
}

export const headerCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  // add_header_map_value appends a value; replace_header_map_value sets the name to exactly one.
  const writeValue =
    (how: 'add' | 'replace') =>
    (type: number, keyPointer: number, keyLength: number, valuePointer: number, valueSize: number) => {
      const key = memory.readByteString(keyPointer, keyLength);
      const value = memory.readByteString(valuePointer, valueSize);
      if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
      const map = lookup(host, type, true);
      if (typeof map === 'number') return map;
      checkWrite(host, type, key, value);
      if (how === 'add') map.add(key, value);
      else map.replace(key, value);
      host.context()!.headersModified(type);
      return WasmResult.Ok;
    };
  return {
    proxy_get_header_map_value: (
      type: number,
      keyPointer: number,
      keyLength: number,
      valueOut: number,
      sizeOut: number,
    ) => {
      const key = memory.readByteString(keyPointer, keyLength);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const map = lookup(host, type, false);
      if (typeof map === 'number') return map;
      const value = map.first(key);
      // 0.2.x: an absent header is NotFound; a present empty one is Ok with (0, 0).
      if (value === undefined) return WasmResult.NotFound;
      return memory.copyOutByteString(value, valueOut, sizeOut);
    },
    proxy_get_header_map_pairs: (type: number, pairsOut: number, sizeOut: number) => {
      if (type >>> 0 > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
      const map = lookup(host, type, false);
      // An empty or unavailable map is Ok with (0, 0) (cpp-host exports.cc).
      if (typeof map === 'number' || map.size === 0) return memory.copyOut(new Uint8Array(0), pairsOut, sizeOut);
      return memory.copyOut(map.serializedPairs(), pairsOut, sizeOut);
    },
    proxy_set_header_map_pairs: (type: number, pointer: number, length: number) => {
      const bytes = memory.read(pointer, length);
      if (bytes === null) return WasmResult.InvalidMemoryAccess;
      const map = lookup(host, type, true);
      if (typeof map === 'number') return map;
      // A malformed list becomes an empty one, which wipes the map, as in cpp-host.
      const pairs = decodePairs(bytes) ?? [];
      map.clear();
      for (const [nameBytes, valueBytes] of pairs) {
        const name = byteString(nameBytes);
        const value = byteString(valueBytes);
        checkWrite(host, type, name, value);
        map.add(name, value);
      }
      host.context()!.headersModified(type);
      return WasmResult.Ok;
    },
    proxy_get_header_map_size: (type: number, sizeOut: number) => {
      const map = lookup(host, type, true);
      if (typeof map === 'number') return map;
      return memory.writeU32(sizeOut, map.byteSize) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_add_header_map_value: writeValue('add'),
    proxy_replace_header_map_value: writeValue('replace'),
    proxy_remove_header_map_value: (type: number, keyPointer: number, keyLength: number) => {
      const key = memory.readByteString(keyPointer, keyLength);
      if (key === null) return WasmResult.InvalidMemoryAccess;
      const map = lookup(host, type, true);
      if (typeof map === 'number') return map;
      map.remove(key);
      host.context()!.headersModified(type);
      return WasmResult.Ok;
    },
  };
};
