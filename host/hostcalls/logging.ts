import { WasmResult } from '../abi.ts';
import { readText, type HostCallGroup } from './define.ts';

export const loggingCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  return {
    proxy_log: (level: number, pointer: number, length: number) => {
      if (level >>> 0 > 5) return WasmResult.BadArgument;
      const message = readText(memory, pointer, length);
      if (message === null) return WasmResult.InvalidMemoryAccess;
      host.env.logs.write(level, host.context()?.logPrefix ?? '', message);
      return WasmResult.Ok;
    },
    proxy_get_log_level: (levelOut: number) =>
      memory.writeU32(levelOut, host.env.logs.levelNumber) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess,
    proxy_get_status: (codeOut: number, messageOut: number, messageSizeOut: number) => {
      // The status of the callout being answered (Envoy getStatus); Ok outside one.
      const status = host.context()?.callStatus() ?? { code: WasmResult.Ok, message: '' };
      if (!memory.writeU32(codeOut, status.code)) return WasmResult.InvalidMemoryAccess;
      return memory.copyOut(Buffer.from(status.message), messageOut, messageSizeOut);
    },
  };
};
