import type { FilterChain, HttpRequest, Outcome } from '../host/index.ts';

// One benchmark scenario: a chain, a request, and the check that the request does what the
// scenario says (so a broken plugin cannot post a fast number).
export interface Scenario {
  name: string;
  // The scenario whose median this one is compared with, in the same run.
  baseline?: string;
  chain: () => FilterChain;
  request: HttpRequest;
  check?: (outcome: Outcome) => void;
  // Bytes of body per request, to report time per body byte.
  bodyBytes?: number;
}
