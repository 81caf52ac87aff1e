import { WasmResult } from '../abi.ts';
import { hostFunction, readText, type HostFunctionGroup } from './define.ts';

export const loggingCalls: HostFunctionGroup = (vm) => ({
  proxy_log: hostFunction('iii', 'i', (level: number, pointer: number, length: number) => {
    if (level >>> 0 > 5) return WasmResult.BadArgument;
    const message = readText(vm, pointer, length);
    if (message === null) return WasmResult.InvalidMemoryAccess;
    vm.env.logs.write(level, vm.context()?.logPrefix ?? '', message);
    return WasmResult.Ok;
  }),
  proxy_get_log_level: hostFunction('i', 'i', (levelOut: number) =>
    vm.writeU32(levelOut, vm.env.logs.levelNumber) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess,
  ),
  proxy_get_status: hostFunction('iii', 'i', (codeOut: number, messageOut: number, messageSizeOut: number) => {
    // Only meaningful after an http/grpc call, which this host does not make.
    if (!vm.writeU32(codeOut, 0)) return WasmResult.InvalidMemoryAccess;
    return vm.copyOut(new Uint8Array(0), messageOut, messageSizeOut);
  }),
});
