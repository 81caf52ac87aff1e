import { WasmResult } from '../abi.ts';
import { decodePairs } from '../pairs.ts';
import { hostFunction, readText, type HostFunctionGroup } from './define.ts';

export const streamCalls: HostFunctionGroup = (vm) => ({
  proxy_send_local_response: hostFunction(
    'iiiiiiii',
    'i',
    (status: number, detailsPointer: number, detailsLength: number, bodyPointer: number, bodyLength: number, headersPointer: number, headersLength: number, grpcStatus: number) => {
      const details = readText(vm, detailsPointer, detailsLength);
      const body = vm.read(bodyPointer, bodyLength);
      const headerBytes = vm.read(headersPointer, headersLength);
      if (details === null || body === null || headerBytes === null) return WasmResult.InvalidMemoryAccess;
      const context = vm.context();
      if (context === null) return WasmResult.BadArgument;
      const headers = (decodePairs(headerBytes) ?? []).map(
        ([n, v]) => [Buffer.from(n).toString('latin1').toLowerCase(), Buffer.from(v).toString('latin1')] as [string, string],
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
  ),
  proxy_continue_stream: hostFunction('i', 'i', (type: number) => vm.context()?.continueStream(type >>> 0) ?? WasmResult.BadArgument),
  proxy_close_stream: hostFunction('i', 'i', (type: number) => vm.context()?.closeStream(type >>> 0) ?? WasmResult.BadArgument),
});
