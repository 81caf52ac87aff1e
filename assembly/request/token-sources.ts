// Where a request carries its token: headers (with an optional scheme prefix), cookies and query
// parameters, read exactly as Envoy's jwt_authn extracts them (extractor.cc) and in its order, so
// the token read is the one the verifier in front judged the request by.
import { decimalText } from "../codecs/decimal";
import { ConfigReader } from "../codecs/config-reader";
import { JsonObject } from "../codecs/json/value";
import { stream_context, HostBlock } from "../proxy";
import { bytesEqual, utf8 } from "../codecs/bytes";
import { CookieValue, findCookie } from "../codecs/cookies";
import { findQueryParameter } from "../codecs/query";

// In jwt_authn's extraction order: headers, then query parameters, then cookies.
export enum TokenSourceKind {
  Header = 0,
  Query = 1,
  Cookie = 2,
}

export class TokenSource {
  // Envoy joins repeated fields of an inline header (authorization, in standard builds) into one
  // value, so the value the plugin reads is all jwt_authn reads of it; other names may arrive as
  // several fields, of which the plugin reads only the first.
  readonly joinedByEnvoy: bool;

  constructor(
    public kind: TokenSourceKind,
    public name: ArrayBuffer,
    public prefix: ArrayBuffer,
  ) {
    this.joinedByEnvoy =
      kind == TokenSourceKind.Header && bytesEqual(changetype<usize>(name), name.byteLength, AUTHORIZATION);
  }
}

const AUTHORIZATION = utf8("authorization");

const COOKIE = utf8("cookie");
const PATH = utf8(":path");
// Scratch for the cookie findToken reads, reused: one request at a time.
const cookie = new CookieValue();

export function defaultTokenSources(): Array<TokenSource> {
  return [new TokenSource(TokenSourceKind.Header, utf8("authorization"), utf8("Bearer "))];
}

// Bounds the schema states too: a prefix is a short scheme ("Bearer "), a cookie or parameter a name.
const MAX_PREFIX = 32;
const MAX_NAME = 128;

export function readTokenSources(
  reader: ConfigReader,
  object: JsonObject,
  key: string,
  path: string,
): Array<TokenSource> {
  const items = reader.array(object, key, path, 8);
  if (items === null) return defaultTokenSources();
  if (items.length == 0) reader.fail(path + "/" + key, "expected at least one token source");
  const sources = new Array<TokenSource>();
  for (let i = 0; i < items.length; i++) {
    const at = path + "/" + key + "/" + decimalText(i);
    if (!items[i].isObject) {
      reader.fail(at, "expected an object with header, cookie or query");
      continue;
    }
    const source = items[i].asObject;
    reader.allowOnly(source, at, ["header", "prefix", "cookie", "query"]);
    const kinds = (source.has("header") ? 1 : 0) + (source.has("cookie") ? 1 : 0) + (source.has("query") ? 1 : 0);
    if (kinds != 1) {
      reader.fail(at, "expected exactly one of header, cookie or query");
      continue;
    }
    if (source.has("prefix") && !source.has("header")) reader.fail(at + "/prefix", "prefix goes with header only");
    if (source.has("header")) {
      const prefix = reader.string(source, "prefix", at, "");
      if (prefix.length > MAX_PREFIX)
        reader.fail(at + "/prefix", "expected a prefix of at most " + decimalText(MAX_PREFIX) + " characters");
      sources.push(
        new TokenSource(TokenSourceKind.Header, utf8(reader.headerName(source, "header", at, "")), utf8(prefix)),
      );
    } else if (source.has("cookie")) {
      sources.push(
        new TokenSource(TokenSourceKind.Cookie, utf8(nonEmpty(reader, source, "cookie", at)), new ArrayBuffer(0)),
      );
    } else {
      sources.push(
        new TokenSource(TokenSourceKind.Query, utf8(nonEmpty(reader, source, "query", at)), new ArrayBuffer(0)),
      );
    }
  }
  return inExtractionOrder(sources);
}

// jwt_authn extracts headers, then query parameters, then cookies, each kind in the order of its
// map's keys (extractor.cc: std::map of header name + prefix, std::map and absl::btree_map of
// names), whatever order the configuration lists them in; with allow_missing the first token it
// extracts decides, so the sources are read in that same order.
function inExtractionOrder(sources: Array<TokenSource>): Array<TokenSource> {
  for (let i = 1; i < sources.length; i++) {
    const source = sources[i];
    let j = i - 1;
    while (j >= 0 && extractedAfter(sources[j], source)) {
      sources[j + 1] = sources[j];
      j--;
    }
    sources[j + 1] = source;
  }
  return sources;
}

// Within a kind, by the map key: name + prefix as one byte string (a prefix is empty but for headers).
function extractedAfter(a: TokenSource, b: TokenSource): bool {
  if (a.kind != b.kind) return a.kind > b.kind;
  const aLength = a.name.byteLength + a.prefix.byteLength;
  const bLength = b.name.byteLength + b.prefix.byteLength;
  for (let i = 0; i < aLength && i < bLength; i++) {
    const difference = keyByte(a, i) - keyByte(b, i);
    if (difference != 0) return difference > 0;
  }
  return aLength > bLength;
}

function keyByte(source: TokenSource, i: i32): i32 {
  const nameLength = source.name.byteLength;
  return i < nameLength
    ? load<u8>(changetype<usize>(source.name) + <usize>i)
    : load<u8>(changetype<usize>(source.prefix) + <usize>(i - nameLength));
}

function nonEmpty(reader: ConfigReader, object: JsonObject, key: string, path: string): string {
  const value = reader.string(object, key, path, "");
  if (value.length == 0) reader.fail(path + "/" + key, "expected a non-empty name");
  else if (value.length > MAX_NAME)
    reader.fail(path + "/" + key, "expected a name of at most " + decimalText(MAX_NAME) + " characters");
  return value;
}

// The token found in a request: bytes [start, start + length), kept alive until the next search.
export class FoundToken {
  start: usize = 0;
  length: i32 = 0;
  sourceIndex: i32 = -1;
  // Header values stay in the block the host wrote: no managed copy of a 1 KiB token per request.
  readonly block: HostBlock = new HostBlock();
  // Cookie headers and decoded query values.
  owner: ArrayBuffer | null = null;
}

// Looks through the sources in order; :path and the cookie header are read once each at most. A
// source jwt_authn extracts a token from ends the search even when that token is empty: with
// allow_missing, jwt_authn's verdict is that of the first token it extracts (authenticator.cc
// doneWithStatus), so reading on past it would take a token the verifier let through unchecked.
export function findToken(sources: Array<TokenSource>, out: FoundToken): bool {
  const request = stream_context.headers.request;
  out.owner = null;
  let cookieHeader: ArrayBuffer | null = null;
  let cookieRead = false;
  let path: ArrayBuffer | null = null;
  let pathRead = false;
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i];
    if (source.kind == TokenSourceKind.Header) {
      if (!request.getInto(source.name, out.block)) continue;
      out.owner = null;
      out.sourceIndex = i;
      const verdict = headerSourceToken(source, out.block.pointer, <i32>out.block.size, out);
      if (verdict != HeaderVerdict.GoOn) return verdict == HeaderVerdict.Token;
      continue;
    }
    if (source.kind == TokenSourceKind.Cookie) {
      if (!cookieRead) {
        cookieHeader = request.getBytes(COOKIE);
        cookieRead = true;
      }
      if (cookieHeader === null || !findCookie(cookieHeader, source.name, cookie)) continue;
      return found(out, cookieHeader, cookie.start, cookie.length, i);
    }
    if (!pathRead) {
      path = request.getBytes(PATH);
      pathRead = true;
    }
    if (path === null) continue;
    const value = findQueryParameter(path!, source.name, true);
    if (value === null) continue;
    return found(out, value, changetype<usize>(value), value.byteLength, i);
  }
  return false;
}

export enum HeaderVerdict {
  // A token in `out`.
  Token = 0,
  // No token, and none may be read further on: an empty one, or a header Envoy may have kept as
  // several fields, of which the plugin sees only the first.
  Stop = 1,
  // The prefix is absent from a value Envoy joined whole: jwt_authn goes on to its other locations.
  GoOn = 2,
}

// What a present header source yields, as jwt_authn takes it.
export function headerSourceToken(source: TokenSource, start: usize, length: i32, out: FoundToken): HeaderVerdict {
  if (!tokenInHeaderValue(start, length, source.prefix, out))
    return source.joinedByEnvoy ? HeaderVerdict.GoOn : HeaderVerdict.Stop;
  return out.length > 0 ? HeaderVerdict.Token : HeaderVerdict.Stop;
}

// The token in a header value as jwt_authn takes it: the prefix is searched for case-sensitively
// anywhere in the value; the token runs from the first base64url character or '.' after it to the
// end of the value, or is the whole value when there is none. Returns whether the prefix was found
// (jwt_authn extracts nothing from the value otherwise); an empty token (out.length 0) is one
// jwt_authn counts missing.
function tokenInHeaderValue(start: usize, length: i32, prefix: ArrayBuffer, out: FoundToken): bool {
  let from = 0;
  const prefixLength = prefix.byteLength;
  if (prefixLength > 0) {
    const at = indexOfBytes(start, length, changetype<usize>(prefix), prefixLength);
    if (at < 0) return false;
    from = at + prefixLength;
    while (from < length && !isTokenByte(load<u8>(start + <usize>from))) from++;
    if (from >= length) from = 0;
  }
  out.start = start + <usize>from;
  out.length = length - from;
  return true;
}

// RFC 4648 section 5 base64url and '.', the characters jwt_authn looks for after the prefix.
function isTokenByte(c: u32): bool {
  return c - 0x41 < 26 || c - 0x61 < 26 || c - 0x30 < 10 || c == 0x2d || c == 0x5f || c == 0x2e;
}

function indexOfBytes(start: usize, length: i32, needle: usize, needleLength: i32): i32 {
  const first = load<u8>(needle);
  for (let i = 0; i + needleLength <= length; i++) {
    if (load<u8>(start + <usize>i) == first && memory.compare(start + <usize>i, needle, <usize>needleLength) == 0)
      return i;
  }
  return -1;
}

function found(out: FoundToken, owner: ArrayBuffer | null, start: usize, length: i32, sourceIndex: i32): bool {
  out.owner = owner;
  out.start = start;
  out.length = length;
  out.sourceIndex = sourceIndex;
  return length > 0;
}
