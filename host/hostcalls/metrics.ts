import { WasmResult } from '../abi.ts';
import { hostFunction, readText, type HostFunctionGroup } from './define.ts';

export const metricCalls: HostFunctionGroup = (vm) => ({
  proxy_define_metric: hostFunction('iiii', 'i', (type: number, namePointer: number, nameLength: number, idOut: number) => {
    const name = readText(vm, namePointer, nameLength);
    if (name === null) return WasmResult.InvalidMemoryAccess;
    const { result, id } = vm.env.metrics.define(type >>> 0, name);
    if (result !== WasmResult.Ok) return result;
    return vm.writeU32(idOut, id!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }),
  proxy_increment_metric: hostFunction('iI', 'i', (id: number, delta: bigint) => vm.env.metrics.increment(id >>> 0, delta)),
  proxy_record_metric: hostFunction('iI', 'i', (id: number, value: bigint) => vm.env.metrics.record(id >>> 0, BigInt.asUintN(64, value))),
  proxy_get_metric: hostFunction('ii', 'i', (id: number, valueOut: number) => {
    const { result, value } = vm.env.metrics.get(id >>> 0);
    if (result !== WasmResult.Ok) return result;
    return vm.writeU64(valueOut, value!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  }),
});
