import type { FilterChain, HttpRequest, Outcome } from '../host/index.ts';
import { manifestOf, pluginFile, pluginNames } from '../cli/plugins.ts';

// One benchmark scenario: a chain, a request, and the check that the request does what the
// scenario says (so a broken plugin cannot post a fast number).
export interface Scenario {
  name: string;
  // What this scenario is compared with, in the same run and with the same request: the no-op
  // plugin, or the host with no filter. The baseline's own time is reported too.
  baseline?: 'noop' | 'host';
  chain: () => FilterChain;
  request: HttpRequest;
  check?: (outcome: Outcome) => void;
  // Bytes of body per request, to report time per body byte.
  bodyBytes?: number;
  // Streams for the memory measurement when fewer than --streams keep the run short (large bodies).
  memoryStreams?: number;
}

// The plugins' bench modules (plugins/<name>/bench.ts, as each manifest names it), each exporting `scenarios`.
export function benchModules(): string[] {
  return pluginNames().flatMap((plugin) => {
    const module = manifestOf(plugin).bench;
    return module ? [pluginFile(plugin, module)] : [];
  });
}
