import type { HostHeaderMap } from './header-map.ts';

// How Envoy's downstream codecs turn the fields a client sent into the request header map the
// filters see: inline headers joined, HTTP/2 and HTTP/3 cookie crumbs rebuilt, and the
// connection manager's headers_with_underscores_action applied.

export type HttpProtocol = 'HTTP/1.0' | 'HTTP/1.1' | 'HTTP/2' | 'HTTP/3';

// common_http_protocol_options.headers_with_underscores_action (default ALLOW).
export type UnderscoresAction = 'ALLOW' | 'DROP_HEADER' | 'REJECT_REQUEST';

// Request headers Envoy keeps inline (O(1)), so a repeated field is appended to the first entry
// with "," (header_map_impl.cc insertByKey → appendToHeader). The set is a standard upstream build's:
// envoy/http/header_map.h INLINE_REQ_* and INLINE_REQ_RESP_* lists, plus `authorization`, which
// extensions register with RegisterCustomInlineHeader (oauth2, cache); a custom build may differ.
// Left out: pseudo-headers (never regular fields here), host (the codecs make it :authority) and
// content-length (its repeats are the codec parsers' business), none of which this host models.
const INLINE_REQUEST_HEADERS = new Set([
  'x-client-trace-id',
  'x-envoy-downstream-service-cluster',
  'x-envoy-downstream-service-node',
  'x-envoy-external-address',
  'x-envoy-force-trace',
  'x-envoy-hedge-on-per-try-timeout',
  'x-envoy-internal',
  'x-envoy-ip-tags',
  'x-envoy-retry-on',
  'x-envoy-retry-grpc-on',
  'x-envoy-retriable-status-codes',
  'x-envoy-retriable-header-names',
  'x-envoy-is-timeout-retry',
  'x-envoy-original-path',
  'x-envoy-original-url',
  'x-envoy-upstream-alt-stat-name',
  'x-envoy-upstream-rq-timeout-alt-response',
  'expect',
  'x-forwarded-client-cert',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'grpc-timeout',
  'te',
  'user-agent',
  'x-envoy-expected-rq-timeout-ms',
  'x-envoy-max-retries',
  'x-envoy-upstream-rq-timeout-ms',
  'x-envoy-upstream-rq-per-try-timeout-ms',
  'x-envoy-upstream-stream-duration-ms',
  'x-forwarded-port',
  'connection',
  'content-type',
  'x-envoy-decorator-operation',
  'keep-alive',
  'proxy-connection',
  'proxy-status',
  'x-request-id',
  'transfer-encoding',
  'upgrade',
  'via',
  'x-envoy-attempt-count',
  'authorization',
]);

// What the codec did with a header block: counters in Envoy's names (`http1.`, `http2.` or `http3.`
// codec stats), and the refusal of an underscore under REJECT_REQUEST.
export interface ReceivedBlock {
  counters: Record<string, number>;
  rejected: { name: string; details: string; reset: boolean } | null;
}

// Adds the fields (names lower-case, values checked) to `map` as the codec of `protocol` does.
// Headers get inline joining; cookie crumbs become one header joined by "; ": over HTTP/2 built
// aside and added after the other fields (http2/codec_impl.cc saveHeader,
// reconstituteCrumbledCookies), over HTTP/3 appended to the first (quic/envoy_quic_utils.h
// quicHeadersToEnvoyHeaders, appendCopy); HTTP/1 adds each cookie field as its own entry. Trailers
// get only the underscore check, which every codec runs on them too.
export function receiveFields(
  map: HostHeaderMap,
  fields: [string, string][],
  protocol: HttpProtocol,
  action: UnderscoresAction,
  trailers: boolean,
  block: ReceivedBlock,
): void {
  const multiplexed = protocol === 'HTTP/2' || protocol === 'HTTP/3';
  const stats = protocol === 'HTTP/3' ? 'http3' : multiplexed ? 'http2' : 'http1';
  let cookies: string | null = null;
  for (const [name, value] of fields) {
    if (action !== 'ALLOW' && name.includes('_')) {
      // checkHeaderNameForUnderscores in the HTTP/1 and HTTP/2 codecs, validateHeader over HTTP/3.
      if (action === 'DROP_HEADER') {
        count(block, `${stats}.dropped_headers_with_underscores`);
        continue;
      }
      if (block.rejected === null) {
        count(block, `${stats}.requests_rejected_with_underscores_in_headers`);
        // HTTP/1 answers 400 (sendProtocolError); HTTP/2 and HTTP/3 reset the stream.
        block.rejected = { name, details: `${stats}.unexpected_underscore`, reset: multiplexed };
      }
      continue;
    }
    if (trailers) {
      map.add(name, value);
    } else if (protocol === 'HTTP/2' && name === 'cookie') {
      cookies = cookies === null || cookies === '' ? value : `${cookies}; ${value}`;
    } else if (protocol === 'HTTP/3' && name === 'cookie') {
      map.append(name, value, '; ');
    } else if (INLINE_REQUEST_HEADERS.has(name)) {
      map.append(name, value, ',');
    } else {
      map.add(name, value);
    }
  }
  if (cookies !== null && cookies !== '') map.add('cookie', cookies);
}

function count(block: ReceivedBlock, name: string): void {
  block.counters[name] = (block.counters[name] ?? 0) + 1;
}
