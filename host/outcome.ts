import type { HostHeaderMap } from './header-map.ts';
import type { Plugin } from './plugin.ts';
import type { DownstreamResponse, Outcome, StallReport, UpstreamRequest } from './request.ts';

// What a stream produced. Readable forms (UTF-8 header pairs, the joined body, host calls by name,
// metrics) are getters made on first read: benchmarks never read them.
export class ChainOutcome implements Outcome {
  readonly routeCacheClears: Record<string, number> = {};
  // Lines for what Envoy's codecs refuse: the request itself, or a header a filter wrote.
  readonly errors: string[] = [];
  readonly logs: Outcome['logs'] = [];
  codecCounters: Record<string, number> = {};
  // Per plugin, its host-call counts for this stream (slots of its VM).
  readonly hostCallCounts: number[][] = [];
  #plugins: Plugin[];
  #hostCalls: Outcome['hostCalls'] | undefined;

  constructor(
    readonly decision: Outcome['decision'],
    readonly upstream: UpstreamRequest | null,
    readonly response: DownstreamResponse | null,
    readonly stall: StallReport | null,
    plugins: Plugin[],
  ) {
    this.#plugins = plugins;
  }

  get hostCalls(): Outcome['hostCalls'] {
    this.#hostCalls ??= Object.fromEntries(
      this.#plugins.map((plugin, index) => [plugin.name, plugin.vm.hostCallsByName(this.hostCallCounts[index])]),
    );
    return this.#hostCalls;
  }

  get unsupported(): string[] {
    const names = new Set<string>();
    for (const plugin of this.#plugins) for (const name of plugin.vm.unsupportedCalls) names.add(name);
    return [...names].sort();
  }

  // Read when asked for: a snapshot per request would dominate the host's cost.
  get metrics(): Outcome['metrics'] {
    return Object.fromEntries(this.#plugins.map((plugin) => [plugin.name, plugin.metrics.snapshot()]));
  }
}

export class UpstreamView implements UpstreamRequest {
  #map: HostHeaderMap;
  #frames: Uint8Array[];
  #pairs: [string, string][] | undefined;
  #body: Uint8Array | undefined;

  constructor(
    map: HostHeaderMap,
    frames: Uint8Array[],
    readonly trailers: [string, string][] | null,
  ) {
    this.#map = map;
    this.#frames = frames;
  }

  get headers(): [string, string][] {
    this.#pairs ??= this.#map.toUtf8Pairs();
    return this.#pairs;
  }

  // Frames as they reached the router, joined on first read.
  get body(): Uint8Array {
    this.#body ??= joinFrames(this.#frames);
    return this.#body;
  }
}

export class ResponseView implements DownstreamResponse {
  #map: HostHeaderMap;
  #pairs: [string, string][] | undefined;

  constructor(
    readonly status: number,
    readonly body: Uint8Array,
    readonly details: string,
    map: HostHeaderMap,
  ) {
    this.#map = map;
  }

  get headers(): [string, string][] {
    this.#pairs ??= this.#map.toUtf8Pairs();
    return this.#pairs;
  }
}

export function joinFrames(frames: Uint8Array[]): Uint8Array {
  if (frames.length === 1) return frames[0]!;
  const out = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let offset = 0;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}
