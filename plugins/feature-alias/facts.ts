// What conditions read from a request, each read at most once per request. All headers come
// from one proxy_get_header_map_pairs call (50 header rules cost one host call, not 50); the
// token's claims are decoded on first use.
import { stream_context } from "../../assembly/proxy/context";
import { PairsView } from "../../assembly/http/pairs_view";
import { cookieValueLength, cookieValueStart, findCookie } from "../../assembly/http/cookies";
import { findQueryParameter } from "../../assembly/http/query";
import { decodeJwt, Jwt, JwtError } from "../../assembly/jwt/decoder";
import { FoundToken, findToken, TokenSource } from "../../assembly/jwt/token_sources";
import { JsonKind, JsonSpan, unescapeToUtf8 } from "../../assembly/json/scan";

export enum AttributeKind {
  Header = 0,
  Cookie = 1,
  Query = 2,
  Path = 3,
  Method = 4,
  Authority = 5,
  Claim = 6,
}

// One attribute a condition reads; `slot` indexes the per-request cache.
export class Attribute {
  constructor(public kind: AttributeKind, public name: ArrayBuffer, public claimPath: Array<ArrayBuffer>, public slot: i32, public display: string) {}
}

// A value read from the request: absent, one text, or (claims only) a list of texts.
export class Value {
  present: bool = false;
  // An array claim: `items` are its elements.
  isList: bool = false;
  items: Array<ArrayBuffer> = [];
}

const ABSENT = new Value();
const COOKIE = String.UTF8.encode("cookie");
const PATH = String.UTF8.encode(":path");
const METHOD = String.UTF8.encode(":method");
const AUTHORITY = String.UTF8.encode(":authority");
const span = new JsonSpan();

export class RequestFacts {
  readonly headers: PairsView = new PairsView();
  private cache: Array<Value | null>;
  private cookieHeader: ArrayBuffer | null = null;
  private cookieRead: bool = false;
  private path: ArrayBuffer | null = null;
  private pathRead: bool = false;
  private jwt: Jwt = new Jwt();
  private jwtDecoded: bool = false;
  private token: FoundToken = new FoundToken();

  constructor(slots: i32, private tokenSources: Array<TokenSource>) {
    this.cache = new Array<Value | null>(slots);
  }

  // Starts a request: reads its headers, forgets the previous request's values.
  reset(): void {
    this.headers.load(stream_context.headers.request);
    for (let i = 0; i < this.cache.length; i++) this.cache[i] = null;
    this.cookieRead = false;
    this.pathRead = false;
    this.jwtDecoded = false;
    this.cookieHeader = null;
    this.path = null;
  }

  read(attribute: Attribute): Value {
    const cached = this.cache[attribute.slot];
    if (cached !== null) return cached;
    const value = this.fetch(attribute);
    this.cache[attribute.slot] = value;
    return value;
  }

  // The first value of a header, from the pairs read at reset.
  header(name: ArrayBuffer): ArrayBuffer | null {
    return this.headers.find(name) ? this.headers.copyValue() : null;
  }

  private fetch(attribute: Attribute): Value {
    switch (attribute.kind) {
      case AttributeKind.Header: return single(this.header(attribute.name));
      case AttributeKind.Method: return single(this.header(METHOD));
      case AttributeKind.Authority: return single(this.header(AUTHORITY));
      case AttributeKind.Path: {
        const path = this.requestPath();
        if (path === null) return ABSENT;
        let end = 0;
        while (end < path.byteLength && load<u8>(changetype<usize>(path) + <usize>end) != 0x3f) end++;
        return single(path.slice(0, end));
      }
      case AttributeKind.Query: {
        const path = this.requestPath();
        return path === null ? ABSENT : single(findQueryParameter(path, attribute.name));
      }
      case AttributeKind.Cookie: {
        if (!this.cookieRead) {
          this.cookieHeader = this.header(COOKIE);
          this.cookieRead = true;
        }
        const header = this.cookieHeader;
        if (header === null || !findCookie(header, attribute.name)) return ABSENT;
        const value = new ArrayBuffer(cookieValueLength);
        memory.copy(changetype<usize>(value), cookieValueStart, <usize>cookieValueLength);
        return single(value);
      }
      default:
        return this.claim(attribute.claimPath);
    }
  }

  private requestPath(): ArrayBuffer | null {
    if (!this.pathRead) {
      this.path = this.header(PATH);
      this.pathRead = true;
    }
    return this.path;
  }

  // A claim's text, or for an array claim the texts of its string and integer elements.
  private claim(path: Array<ArrayBuffer>): Value {
    if (!this.jwtDecoded) {
      this.jwtDecoded = true;
      if (findToken(this.tokenSources, this.token)) decodeJwt(this.token.buffer, this.token.offset, this.token.length, this.jwt);
      else this.jwt.error = JwtError.Empty;
    }
    const jwt = this.jwt;
    if (!jwt.ok || !jwt.claim(path, span)) return ABSENT;
    if (span.kind != JsonKind.Array) {
      const text = spanText();
      if (text !== null) return single(text);
      // An object, or null: present, but no text to compare.
      const value = new Value();
      value.present = true;
      return value;
    }
    const value = new Value();
    value.present = true;
    value.isList = true;
    const element = path.slice(0);
    element.push(new ArrayBuffer(0));
    for (let i = 0; i < 64; i++) {
      element[element.length - 1] = String.UTF8.encode(i.toString());
      if (!jwt.claim(element, span)) break;
      const text = spanText();
      if (text !== null) value.items.push(text);
    }
    return value;
  }
}

function single(bytes: ArrayBuffer | null): Value {
  if (bytes === null) return ABSENT;
  const value = new Value();
  value.present = true;
  value.items.push(bytes);
  return value;
}

// The current span as text: strings unescaped, integers and booleans as written; else null.
function spanText(): ArrayBuffer | null {
  if (span.kind == JsonKind.String) {
    if (span.escaped) return unescapeToUtf8(span.start, span.end);
  } else if (span.kind != JsonKind.Number && span.kind != JsonKind.True && span.kind != JsonKind.False) {
    return null;
  }
  const out = new ArrayBuffer(<i32>(span.end - span.start));
  memory.copy(changetype<usize>(out), span.start, span.end - span.start);
  return out;
}
