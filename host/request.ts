import type { ConnectionManagerSettings } from './connection-manager.ts';
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
  // The x-request-id Envoy would generate when the client sends none (default: a random UUID v4).
  requestId?: string;
  // stream.sourceAddress is the downstream peer (default 10.0.0.7:51234).
  stream?: StreamInfoInput;
  // The listener's HttpConnectionManager settings (default: Envoy's, use_remote_address off).
  connectionManager?: ConnectionManagerSettings;
  // Time that passes before this request arrives: settable plugin clocks move on and due on_tick fire.
  advanceMilliseconds?: number;
  // How the clusters the plugins call out to answer (proxy_http_call).
  callouts?: CalloutAnswer[];
  // What the upstream answers when the request reaches it (default 200, no body): one body or its
  // data frames in order, and trailers.
  upstreamResponse?: { status?: number; headers?: HeaderList; body?: BodyInput | BodyInput[]; trailers?: HeaderList };
}

// The answer of one cluster to a plugin's callout: a response, a timeout or a reset. With `grpc`
// it answers gRPC calls and streams to the cluster, without it HTTP calls.
export interface CalloutAnswer {
  cluster: string;
  // What the plugin should send; a call that differs is logged at error level.
  expect?: { method?: string; path?: string; headers?: HeaderList };
  response?: { status?: number; headers?: HeaderList; body?: BodyInput; trailers?: HeaderList };
  timeout?: boolean;
  reset?: boolean;
  grpc?: GrpcAnswer;
}

// What a gRPC server answers: response messages in order, metadata, and the status it closes with.
export interface GrpcAnswer {
  // What the plugin should call; a call that differs is logged at error level.
  expect?: { service?: string; method?: string; metadata?: HeaderList };
  messages?: BodyInput[];
  initialMetadata?: HeaderList;
  trailingMetadata?: HeaderList;
  // grpc-status (default 0, OK) and grpc-message.
  status?: number;
  message?: string;
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
  phase:
    | 'request_headers'
    | 'request_body'
    | 'request_trailers'
    | 'response_headers'
    | 'response_body'
    | 'response_trailers';
  reason: string;
}

// local_reply: downstream got a local reply (sent while the request or the response was filtered);
// reset: a filter asked for a reply after the response headers had gone downstream, and Envoy resets.
export type Decision = 'continue' | 'local_reply' | 'stalled' | 'reset';

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
  // The downstream codec's counters for this request, by Envoy's stat name (e.g.
  // http1.dropped_headers_with_underscores); empty when it counted nothing.
  codecCounters: Record<string, number>;
  metrics: Record<string, Record<string, MetricSnapshot>>;
  // Host calls the plugins made (at load or since) that this host does not model, by name.
  unsupported: string[];
}
