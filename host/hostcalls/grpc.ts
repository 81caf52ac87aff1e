import { WasmResult } from '../abi.ts';
import { decodePairs } from '../pairs.ts';
import { readText, type HostCallGroup } from './define.ts';
import type { GrpcCallRequest } from './target.ts';

const byteString = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

// gRPC callouts (cpp-host exports.cc grpc_*): every one acts on the calling context's root.
export const grpcCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  // The arguments common to a call and a stream; null when one lies outside memory.
  const request = (
    servicePointer: number,
    serviceLength: number,
    namePointer: number,
    nameLength: number,
    methodPointer: number,
    methodLength: number,
    metadataPointer: number,
    metadataLength: number,
    message: Uint8Array | null,
  ): GrpcCallRequest | null => {
    const service = memory.read(servicePointer, serviceLength);
    const serviceName = readText(memory, namePointer, nameLength);
    const method = readText(memory, methodPointer, methodLength);
    const metadata = memory.read(metadataPointer, metadataLength);
    if (service === null || serviceName === null || method === null || metadata === null || message === null) {
      return null;
    }
    // A malformed pairs buffer is no metadata at all (PairsUtil::toPairs).
    const pairs = (decodePairs(metadata) ?? []).map(([n, v]): [string, string] => [byteString(n), byteString(v)]);
    return { service: service.slice(), serviceName, method, metadata: pairs, message: message.slice() };
  };
  // The token is written only for a call that started.
  const started = (call: { result: number; token?: number }, tokenOut: number) => {
    if (call.result !== WasmResult.Ok) return call.result;
    return memory.writeU32(tokenOut, call.token!) ? WasmResult.Ok : WasmResult.InvalidMemoryAccess;
  };
  return {
    proxy_grpc_call: (
      servicePointer: number,
      serviceLength: number,
      namePointer: number,
      nameLength: number,
      methodPointer: number,
      methodLength: number,
      metadataPointer: number,
      metadataLength: number,
      messagePointer: number,
      messageLength: number,
      _timeoutMilliseconds: number,
      tokenOut: number,
    ) => {
      const message = memory.read(messagePointer, messageLength);
      const call = request(
        servicePointer,
        serviceLength,
        namePointer,
        nameLength,
        methodPointer,
        methodLength,
        metadataPointer,
        metadataLength,
        message,
      );
      if (call === null) return WasmResult.InvalidMemoryAccess;
      const context = host.context();
      return context === null ? WasmResult.BadArgument : started(context.grpcCall(call), tokenOut);
    },
    proxy_grpc_stream: (
      servicePointer: number,
      serviceLength: number,
      namePointer: number,
      nameLength: number,
      methodPointer: number,
      methodLength: number,
      metadataPointer: number,
      metadataLength: number,
      tokenOut: number,
    ) => {
      const stream = request(
        servicePointer,
        serviceLength,
        namePointer,
        nameLength,
        methodPointer,
        methodLength,
        metadataPointer,
        metadataLength,
        new Uint8Array(0),
      );
      if (stream === null) return WasmResult.InvalidMemoryAccess;
      const context = host.context();
      return context === null ? WasmResult.BadArgument : started(context.grpcStream(stream), tokenOut);
    },
    proxy_grpc_send: (token: number, messagePointer: number, messageLength: number, endOfStream: number) => {
      const message = memory.read(messagePointer, messageLength);
      if (message === null) return WasmResult.InvalidMemoryAccess;
      const context = host.context();
      return context === null
        ? WasmResult.BadArgument
        : context.grpcSend(token >>> 0, message.slice(), endOfStream !== 0);
    },
    proxy_grpc_cancel: (token: number) => host.context()?.grpcCancel(token >>> 0) ?? WasmResult.BadArgument,
    proxy_grpc_close: (token: number) => host.context()?.grpcClose(token >>> 0) ?? WasmResult.BadArgument,
  };
};
