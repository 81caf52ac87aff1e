import { WasmResult } from '../abi.ts';
import { decodePairs } from '../pairs.ts';
import { readText, type HostCallGroup } from './define.ts';

const byteString = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

export const streamCalls: HostCallGroup = (host) => {
  const memory = host.memory;
  return {
    proxy_send_local_response: (
      status: number,
      detailsPointer: number,
      detailsLength: number,
      bodyPointer: number,
      bodyLength: number,
      headersPointer: number,
      headersLength: number,
      grpcStatus: number,
    ) => {
      const details = readText(memory, detailsPointer, detailsLength);
      const body = memory.read(bodyPointer, bodyLength);
      const headerBytes = memory.read(headersPointer, headersLength);
      if (details === null || body === null || headerBytes === null) return WasmResult.InvalidMemoryAccess;
      const context = host.context();
      if (context === null) return WasmResult.BadArgument;
      const headers = (decodePairs(headerBytes) ?? []).map(
        ([n, v]) => [byteString(n).toLowerCase(), byteString(v)] as [string, string],
      );
      const grpc = grpcStatus >>> 0;
      return context.sendLocalResponse({
        status: status >>> 0,
        // Envoy replaces spaces in response code details with underscores.
        details: details.replace(/ /g, '_'),
        body: body.slice(),
        headers,
        grpcStatus: grpc <= 16 ? grpc : null,
      });
    },
    proxy_continue_stream: (type: number) => host.context()?.continueStream(type >>> 0) ?? WasmResult.BadArgument,
    proxy_close_stream: (type: number) => host.context()?.closeStream(type >>> 0) ?? WasmResult.BadArgument,
  };
};
