import { WasmResult } from '../abi.ts';
import { readText, type HostCallGroup } from './define.ts';

export const metricCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  return {
    proxy_define_metric: (type: number, namePointer: number, nameLength: number, idOut: number) => {
      const name = readText(memory, namePointer, nameLength);
      if (name === null) return WasmResult.InvalidMemoryAccess;
      const { result, id } = host.env.metrics.define(type >>> 0, name);
      if (result !== WasmResult.Ok) return result;
      return memory.writeU32(idOut, id!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
    proxy_increment_metric: (id: number, delta: bigint) => host.env.metrics.increment(id >>> 0, delta),
    proxy_record_metric: (id: number, value: bigint) => host.env.metrics.record(id >>> 0, BigInt.asUintN(64, value)),
    proxy_get_metric: (id: number, valueOut: number) => {
      const { result, value } = host.env.metrics.get(id >>> 0);
      if (result !== WasmResult.Ok) return result;
      return memory.writeU64(valueOut, value!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
    },
  };
};
