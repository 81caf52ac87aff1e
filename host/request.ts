import type { LogRecord } from './logs.ts';
import type { MetricSnapshot } from './metrics.ts';
import type { StreamInfoInput } from './stream-info.ts';

export type HeaderList = [string, string][];
export type BodyInput = string | Uint8Array;

// A request as it arrives from downstream. Headers are a list so that names can repeat.
export interface HttpRequest {
  method?: string;
  path?: string;
  authority?: string;
  scheme?: string;
  headers?: HeaderList;
  // One body, or the data frames in the order they arrive.
  body?: BodyInput | BodyInput[];
  trailers?: HeaderList;
  stream?: StreamInfoInput;
  // What the upstream answers when the request reaches it (default 200, no body).
  upstreamResponse?: { status?: number; headers?: HeaderList; body?: BodyInput };
}

export interface UpstreamRequest {
  headers: HeaderList;
  body: Uint8Array;
  trailers: HeaderList | null;
}

export interface DownstreamResponse {
  status: number;
  headers: HeaderList;
  body: Uint8Array;
  // Envoy's response code details: via_upstream, or the local reply's details.
  details: string;
}

export interface StallReport {
  filter: string;
  // Where the request waits: request headers held, or body held by the filter.
  phase: 'request_headers' | 'request_body' | 'request_trailers' | 'response';
  reason: string;
}

export type Decision = 'continue' | 'local_reply' | 'stalled';

export interface Outcome {
  decision: Decision;
  // What left for upstream (only when decision is continue).
  upstream: UpstreamRequest | null;
  // What downstream received: the upstream's answer after the filters, or the local reply.
  response: DownstreamResponse | null;
  stall: StallReport | null;
  // Per filter: request-header mutations, each of which clears Envoy's route cache.
  routeCacheClears: Record<string, number>;
  // Per filter, the host calls it made during this request, by name.
  hostCalls: Record<string, Record<string, number>>;
  logs: (LogRecord & { plugin: string })[];
  // What Envoy's codecs refuse: a request they answer 400 before any filter, or a header a
  // filter wrote with a name or value they cannot send (one line each, naming the header).
  errors: string[];
  metrics: Record<string, Record<string, MetricSnapshot>>;
}
