import { bufferCalls } from './buffers.ts';
import type { HostCallTable } from './define.ts';
import { grpcCalls } from './grpc.ts';
import { headerCalls } from './headers.ts';
import { loggingCalls } from './logging.ts';
import { metricCalls } from './metrics.ts';
import { miscCalls } from './misc.ts';
import { propertyCalls } from './properties.ts';
import { streamCalls } from './stream.ts';
import type { HostCallTarget } from './target.ts';
import { wasiCalls } from './wasi.ts';

export type { HostCallTable, HostImpl } from './define.ts';
export type {
  GrpcCallRequest,
  HostCallContext,
  HostCallTarget,
  LocalReply,
  MapLookup,
  VmEnvironment,
} from './target.ts';

// Every host call's implementation, by name, acting on `host`; the VM links those its ABI version has.
export function hostCallImplementations(host: HostCallTarget): { env: HostCallTable; wasi: HostCallTable } {
  const env: HostCallTable = {
    ...loggingCalls(host),
    ...headerCalls(host),
    ...bufferCalls(host),
    ...propertyCalls(host),
    ...metricCalls(host),
    ...streamCalls(host),
    ...miscCalls(host),
    ...grpcCalls(host),
  };
  return { env, wasi: wasiCalls(host) };
}
