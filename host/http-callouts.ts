import { WasmResult } from './abi.ts';
import type { CalloutReadables } from './callout-readables.ts';
import { HostHeaderMap, utf8ToBytes } from './header-map.ts';
import type { CalloutAnswer } from './request.ts';

const encoder = new TextEncoder();

// What proxy_on_http_call_response may read while it runs (Envoy http_call_response_); null for a
// failed call, which sets the status to BrokenConnection "reset" instead.
type CalloutResponse = NonNullable<CalloutReadables['httpResponse']> | null;

interface PendingCall {
  token: number;
  answer: CalloutAnswer;
  headers: HostHeaderMap;
}

// One stream's HTTP callouts (Envoy Context::httpCall, made on the root context), answered from
// the request's `callouts`; gRPC answers (entries with `grpc`) are not HTTP answers.
export class HttpCallouts {
  private readonly pending: PendingCall[] = [];
  private readonly clusterAnswers: CalloutAnswer[];

  constructor(readonly answers: CalloutAnswer[]) {
    this.clusterAnswers = answers.filter((answer) => answer.grpc === undefined);
  }

  knows(cluster: string): boolean {
    return this.clusterAnswers.some((candidate) => candidate.cluster === cluster);
  }

  get waiting(): boolean {
    return this.pending.length > 0;
  }

  // Envoy answers BadArgument for an unknown cluster and for headers without :method, :path or
  // :authority; otherwise the call is queued and its token returned.
  call(cluster: string, headers: HostHeaderMap, token: () => number): { result: number; token?: number } {
    const answer = this.clusterAnswers.find((candidate) => candidate.cluster === cluster);
    if (answer === undefined) return { result: WasmResult.BadArgument };
    for (const name of [':method', ':path', ':authority']) {
      if (headers.first(name) === undefined) return { result: WasmResult.BadArgument };
    }
    const call = { token: token(), answer, headers };
    this.pending.push(call);
    return { result: WasmResult.Ok, token: call.token };
  }

  // Delivers each queued answer through `respond` (proxy_on_http_call_response), in call order,
  // with the answer readable from the root context's `readables` while it runs. `mismatch` hears
  // of a call that differs from what the request file expects.
  deliver(
    readables: CalloutReadables,
    respond: (token: number, headers: number, bodySize: number, trailers: number) => void,
    mismatch: (message: string) => void,
  ): void {
    while (this.pending.length > 0) {
      const call = this.pending.shift()!;
      const difference = expectationMismatch(call);
      if (difference !== null) mismatch(`http callout to ${call.answer.cluster}: ${difference}`);
      const response = responseFor(call.answer);
      readables.httpResponse = response;
      if (response === null) {
        readables.statusCode = WasmResult.BrokenConnection;
        readables.statusMessage = 'reset';
      }
      try {
        if (response === null) respond(call.token, 0, 0, 0);
        else respond(call.token, response.headers.size, response.body.length, response.trailers.size);
      } finally {
        readables.httpResponse = null;
        readables.statusMessage = '';
      }
    }
  }
}

function expectationMismatch(call: PendingCall): string | null {
  const expected = call.answer.expect;
  if (expected === undefined) return null;
  if (expected.method !== undefined && call.headers.first(':method') !== expected.method) {
    return `expected method ${expected.method}, the plugin sent ${call.headers.first(':method')}`;
  }
  if (expected.path !== undefined && call.headers.first(':path') !== utf8ToBytes(expected.path)) {
    return `expected path ${expected.path}, the plugin sent ${call.headers.first(':path')}`;
  }
  for (const [name, value] of expected.headers ?? []) {
    const sent = call.headers.first(utf8ToBytes(name));
    if (sent !== utf8ToBytes(value)) return `expected ${name}: ${value}, the plugin sent ${sent ?? 'none'}`;
  }
  return null;
}

// A reset reaches the plugin as (0, 0, 0) with BrokenConnection and no response to read (Envoy
// onHttpCallFailure); a timeout as the 504 the async client's router answers. A success leaves the
// status as it was (onHttpCallSuccess does not set it).
function responseFor(answer: CalloutAnswer): CalloutResponse {
  if (answer.reset) return null;
  const response = answer.timeout ? { status: 504, body: 'upstream request timeout' } : (answer.response ?? {});
  const headers = new HostHeaderMap();
  headers.add(':status', String(response.status ?? 200));
  for (const [name, value] of answer.response?.headers ?? []) headers.add(utf8ToBytes(name), utf8ToBytes(value));
  const body = typeof response.body === 'string' ? encoder.encode(response.body) : (response.body ?? new Uint8Array(0));
  if (body.length > 0 && headers.first('content-length') === undefined) {
    headers.add('content-length', String(body.length));
  }
  const trailers = HostHeaderMap.fromPairs(answer.timeout ? [] : (answer.response?.trailers ?? []));
  return { headers, body, trailers };
}
