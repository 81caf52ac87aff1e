import { bytesToUtf8, HostHeaderMap, utf8ToBytes } from './header-map.ts';
import {
  headerNameProblem,
  headerValueProblem,
  requestTargetProblem,
  tokenProblem,
  trimOptionalWhitespace,
} from './header-validation.ts';
import type { LocalReply } from './local-reply.ts';
import type { HttpRequest } from './request.ts';
import { addRequestId, mutateRequestHeaders } from './connection-manager.ts';
import { DEFAULT_DESTINATION_ADDRESS, DEFAULT_SOURCE_ADDRESS } from './stream-info.ts';
import { receiveFields, type HttpProtocol, type ReceivedBlock } from './downstream-codec.ts';

const encoder = new TextEncoder();

// A request Envoy's downstream codec refuses before any filter sees it: the line for the outcome's
// errors, the response code details of its 400, or a stream reset instead (HTTP/2 and HTTP/3).
export interface CodecRefusal {
  error: string;
  details: string;
  reset?: boolean;
}

// The request as the downstream codec delivers it, and its verdict; made once per request object,
// each send copies the maps.
export interface RequestTemplate {
  headers: HostHeaderMap;
  trailers: HostHeaderMap | null;
  refusal: CodecRefusal | null;
  // The codec's counters for this request (Envoy's http1.* / http2.* codec stats).
  codecCounters: Record<string, number>;
}

const requestTemplates = new WeakMap<HttpRequest, RequestTemplate>();

export function requestTemplate(request: HttpRequest): RequestTemplate {
  let template = requestTemplates.get(request);
  if (template === undefined) {
    template = buildRequestTemplate(request);
    // Serialized once here, so every copy answers proxy_get_header_map_pairs without redoing it
    // until a filter changes that copy.
    template.headers.serializedPairs();
    requestTemplates.set(request, template);
  }
  return template;
}

type Refuse = (what: string, problem: string | null, details: string) => void;

function buildRequestTemplate(request: HttpRequest): RequestTemplate {
  const map = new HostHeaderMap();
  let refusal: CodecRefusal | null = null;
  const refuse: Refuse = (what, problem, details) => {
    if (problem !== null && refusal === null) {
      refusal = {
        error: `${what}: ${problem}; Envoy's codec answers 400 (${details}) before any filter runs`,
        details,
      };
    }
  };
  const method = request.method ?? 'GET';
  const authority = utf8ToBytes(request.authority ?? 'example.com');
  const path = utf8ToBytes(request.path ?? '/');
  refuse(`method ${JSON.stringify(method)}`, tokenProblem(method), 'http1.codec_error');
  refuse(`path ${JSON.stringify(request.path)}`, requestTargetProblem(path), 'http1.codec_error');
  refuse(`authority ${JSON.stringify(request.authority)}`, requestTargetProblem(authority), 'http1.codec_error');
  map.add(':method', method);
  map.add(':scheme', request.scheme ?? 'http');
  map.add(':authority', authority);
  map.add(':path', path);
  const protocol = (request.stream?.protocol ?? 'HTTP/1.1') as HttpProtocol;
  const underscores = request.connectionManager?.headersWithUnderscoresAction ?? 'ALLOW';
  const block: ReceivedBlock = { counters: {}, rejected: null };
  const fields = (request.headers ?? []).map(([name, value]) => checkedField('request header', name, value, refuse));
  receiveFields(map, fields, protocol, underscores, false, block);
  const connection = {
    remoteAddress: request.stream?.sourceAddress ?? DEFAULT_SOURCE_ADDRESS,
    localAddress: request.stream?.destinationAddress ?? DEFAULT_DESTINATION_ADDRESS,
    tls: request.scheme === 'https',
  };
  // An edge request's id is drawn anew: without the client's, each send adds a fresh one.
  if (mutateRequestHeaders(map, request.connectionManager ?? {}, connection).replaceRequestId)
    map.remove('x-request-id');
  if (request.requestId !== undefined) {
    const [, id] = checkedField('request id', 'x-request-id', request.requestId, refuse);
    addRequestId(map, id);
  }
  let trailers: HostHeaderMap | null = null;
  if (request.trailers !== undefined) {
    trailers = new HostHeaderMap();
    const fields = request.trailers.map(([name, value]) => checkedField('request trailer', name, value, refuse));
    receiveFields(trailers, fields, protocol, underscores, true, block);
  }
  const rejected = block.rejected;
  if (rejected !== null && refusal === null) {
    const answer = rejected.reset ? 'resets the stream' : `answers 400 (${rejected.details})`;
    refusal = {
      error: `header ${JSON.stringify(rejected.name)}: the name has an underscore and headers_with_underscores_action is REJECT_REQUEST; Envoy's codec ${answer} before any filter runs`,
      details: rejected.details,
      reset: rejected.reset,
    };
  }
  return { headers: map, trailers, refusal, codecCounters: block.counters };
}

// A field as the codec delivers it (name lower-case, value without surrounding whitespace), after
// its checks.
function checkedField(what: string, name: string, value: string, refuse: Refuse): [string, string] {
  const nameBytes = utf8ToBytes(name).toLowerCase();
  const valueBytes = trimOptionalWhitespace(utf8ToBytes(value));
  refuse(`${what} ${JSON.stringify(name)}`, headerNameProblem(nameBytes), 'http1.codec_error');
  refuse(`${what} ${JSON.stringify(name)}`, headerValueProblem(valueBytes), 'http1.invalid_characters');
  return [nameBytes, valueBytes];
}

// The downstream codec's own 400 (Envoy ServerConnectionImpl::sendProtocolError): no filter sees it.
export function codecErrorResponse(): { headers: HostHeaderMap; body: Uint8Array } {
  const body = encoder.encode('Bad Request');
  const headers = new HostHeaderMap();
  headers.add(':status', '400');
  headers.add('content-length', String(body.length));
  headers.add('content-type', 'text/plain');
  return { headers, body };
}

// The upstream codec's check of what the filters left (HeaderUtility::checkValidRequestHeaders in
// http1/http2 encodeHeaders); the router answers a failure with a 503 (upstream_request.cc).
export function upstreamCodecRefusal(headers: HostHeaderMap): LocalReply | null {
  for (const [name, value] of headers.pairs()) {
    const pseudo = name.charCodeAt(0) === 0x3a;
    const nameProblem = headerNameProblem(pseudo ? name.slice(1) : name);
    if (nameProblem === null && headerValueProblem(value) === null) continue;
    const message = `invalid header ${nameProblem !== null ? 'name' : 'value for'}: ${JSON.stringify(bytesToUtf8(name)).slice(1, -1)}`;
    const details = `filter_removed_required_request_headers{${message.replace(/ /g, '_')}}`;
    return { status: 503, details, body: encoder.encode(message), headers: [], grpcStatus: null };
  }
  return null;
}
