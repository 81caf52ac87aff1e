import { MapType, WasmResult } from '../abi.ts';
import { decodePairs } from '../pairs.ts';
import { bytesToUtf8, type HeaderMap } from '../header-map.ts';
import { headerValueProblem, writtenNameProblem } from '../header-validation.ts';
import { hostFunction, readByteString, type HostFunctionGroup } from './define.ts';
import type { WasmVm } from '../vm.ts';

function lookup(vm: WasmVm, type: number, mutable: boolean): HeaderMap | number {
  const context = vm.context();
  if (type >>> 0 > MapType.HttpCallResponseTrailers || context === null) return WasmResult.BadArgument;
  return mutable ? context.getMutableMap(type) : context.getMap(type);
}

const MAP_NAMES = ['request header', 'request trailer', 'response header', 'response trailer'];

// Envoy's Wasm context stores any write (context.cc addHeaderMapValue/replaceHeaderMapValue call
// addCopy/setCopy unchecked); the upstream codec refuses it later. The host reports it at once.
function checkWrite(vm: WasmVm, type: number, key: string, value: string): void {
  const problem = writtenNameProblem(key) ?? headerValueProblem(value);
  if (problem === null) return;
  const context = vm.context()!;
  const what = MAP_NAMES[type] ?? 'header';
  context.reportInvalidWrite(`${context.plugin.name} wrote ${what} ${JSON.stringify(bytesToUtf8(key))}: ${JSON.stringify(bytesToUtf8(value))}: ${problem}`);
}

export const headerCalls: HostFunctionGroup = (vm) => ({
  proxy_get_header_map_value: hostFunction('iiiii', 'i', (type: number, keyPointer: number, keyLength: number, valueOut: number, valueSizeOut: number) => {
    const key = readByteString(vm, keyPointer, keyLength);
    if (key === null) return WasmResult.InvalidMemoryAccess;
    const map = lookup(vm, type, false);
    if (typeof map === 'number') return map;
    const value = map.first(key);
    // 0.2.x: an absent header is NotFound; a present empty one is Ok with (0, 0).
    if (value === undefined) return WasmResult.NotFound;
    return vm.copyOutByteString(value, valueOut, valueSizeOut);
  }),
  proxy_get_header_map_pairs: hostFunction('iii', 'i', (type: number, pairsOut: number, sizeOut: number) => {
    if (type >>> 0 > MapType.HttpCallResponseTrailers) return WasmResult.BadArgument;
    const map = lookup(vm, type, false);
    // An empty or unavailable map is Ok with (0, 0) (cpp-host exports.cc).
    if (typeof map === 'number' || map.size === 0) return vm.copyOut(new Uint8Array(0), pairsOut, sizeOut);
    return vm.copyOut(map.serializedPairs(), pairsOut, sizeOut);
  }),
  proxy_set_header_map_pairs: hostFunction('iii', 'i', (type: number, pointer: number, length: number) => {
    const bytes = vm.read(pointer, length);
    if (bytes === null) return WasmResult.InvalidMemoryAccess;
    const map = lookup(vm, type, true);
    if (typeof map === 'number') return map;
    // A malformed list becomes an empty one, which wipes the map, as in cpp-host.
    const pairs = decodePairs(bytes) ?? [];
    map.clear();
    for (const [nameBytes, valueBytes] of pairs) {
      const name = Buffer.from(nameBytes).toString('latin1');
      const value = Buffer.from(valueBytes).toString('latin1');
      checkWrite(vm, type, name, value);
      map.add(name, value);
    }
    vm.context()!.headersModified(type);
    return WasmResult.Ok;
  }),
  proxy_get_header_map_size: hostFunction('ii', 'i', (type: number, sizeOut: number) => {
    const map = lookup(vm, type, true);
    if (typeof map === 'number') return map;
    return vm.writeU32(sizeOut, map.byteSize) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }),
  proxy_add_header_map_value: hostFunction('iiiii', 'i', (type: number, keyPointer: number, keyLength: number, valuePointer: number, valueLength: number) => {
    const key = readByteString(vm, keyPointer, keyLength);
    const value = readByteString(vm, valuePointer, valueLength);
    if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
    const map = lookup(vm, type, true);
    if (typeof map === 'number') return map;
    checkWrite(vm, type, key, value);
    map.add(key, value);
    vm.context()!.headersModified(type);
    return WasmResult.Ok;
  }),
  proxy_replace_header_map_value: hostFunction('iiiii', 'i', (type: number, keyPointer: number, keyLength: number, valuePointer: number, valueLength: number) => {
    const key = readByteString(vm, keyPointer, keyLength);
    const value = readByteString(vm, valuePointer, valueLength);
    if (key === null || value === null) return WasmResult.InvalidMemoryAccess;
    const map = lookup(vm, type, true);
    if (typeof map === 'number') return map;
    checkWrite(vm, type, key, value);
    map.replace(key, value);
    vm.context()!.headersModified(type);
    return WasmResult.Ok;
  }),
  proxy_remove_header_map_value: hostFunction('iii', 'i', (type: number, keyPointer: number, keyLength: number) => {
    const key = readByteString(vm, keyPointer, keyLength);
    if (key === null) return WasmResult.InvalidMemoryAccess;
    const map = lookup(vm, type, true);
    if (typeof map === 'number') return map;
    map.remove(key);
    vm.context()!.headersModified(type);
    return WasmResult.Ok;
  }),
});
