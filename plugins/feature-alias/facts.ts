// What conditions read from a request, each read at most once per request. All headers come
// from one proxy_get_header_map_pairs call, indexed in one pass by the names the configuration
// reads (50 header rules cost one host call and one walk over the headers, not 50 scans); the
// token's claims are decoded on first use. Values point into the request's buffers instead of
// being copied, and each attribute has one Value object reused from request to request.
import { stream_context } from "../../assembly/proxy";
import { HeaderIndex } from "../../assembly/request/header-index";
import { CookieValue, findCookieIn } from "../../assembly/codecs/cookies";
import { findFormField } from "../../assembly/codecs/query";
import { decodeJwtAt, Jwt, JwtError } from "../../assembly/codecs/jwt/decoder";
import {
  FoundToken,
  findToken,
  headerSourceToken,
  HeaderVerdict,
  TokenSource,
  TokenSourceKind,
} from "../../assembly/request/token-sources";
import { JsonKind, JsonSpan, unescapeToUtf8 } from "../../assembly/codecs/json/scan";

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
  // The HeaderIndex slot of the header this attribute is read from (-1 for claims).
  headerSlot: i32 = -1;
  constructor(
    public kind: AttributeKind,
    public name: ArrayBuffer,
    public claimPath: Array<ArrayBuffer>,
    public slot: i32,
    public display: string,
  ) {}
}

// A value read from the request: absent, one text [start, start + length), or (an array claim)
// a list of texts.
export class Value {
  present: bool = false;
  hasText: bool = false;
  start: usize = 0;
  length: i32 = 0;
  // Keeps decoded bytes alive when the text is not inside a request buffer.
  owner: ArrayBuffer | null = null;
  // An array claim: its JSON [listStart, listEnd), walked element by element by the conditions.
  isList: bool = false;
  listStart: usize = 0;
  listEnd: usize = 0;
  generation: u32 = 0;

  clear(): void {
    this.present = false;
    this.hasText = false;
    this.isList = false;
    this.owner = null;
  }

  setText(start: usize, length: i32): void {
    this.present = true;
    this.hasText = true;
    this.start = start;
    this.length = length;
  }

  setBuffer(buffer: ArrayBuffer): void {
    this.owner = buffer;
    this.setText(changetype<usize>(buffer), buffer.byteLength);
  }
}

const COOKIE = String.UTF8.encode("cookie");
const PATH = String.UTF8.encode(":path");
const METHOD = String.UTF8.encode(":method");
const AUTHORITY = String.UTF8.encode(":authority");
const span = new JsonSpan();
// Scratch for the cookie an attribute reads, reused: one request at a time.
const cookie = new CookieValue();

// The header each kind of attribute is read from; Header attributes name their own.
function headerOf(attribute: Attribute): ArrayBuffer | null {
  switch (attribute.kind) {
    case AttributeKind.Header:
      return attribute.name;
    case AttributeKind.Method:
      return METHOD;
    case AttributeKind.Authority:
      return AUTHORITY;
    case AttributeKind.Path:
      return PATH;
    case AttributeKind.Query:
      return PATH;
    case AttributeKind.Cookie:
      return COOKIE;
    default:
      return null;
  }
}

export class RequestFacts {
  readonly headers: HeaderIndex = new HeaderIndex();
  // The slot of the alias header as the client sent it (read before the runtime strips it).
  readonly aliasSlot: i32;
  private values: StaticArray<Value>;
  private generation: u32 = 1;
  private jwt: Jwt = new Jwt();
  private jwtDecoded: bool = false;
  private token: FoundToken = new FoundToken();
  // With header sources only (the default), the token is taken from the headers already indexed:
  // no host call. Otherwise findToken reads cookies and the query as jwt-tenant does.
  private tokenSlots: StaticArray<i32> = new StaticArray<i32>(0);

  // Slots of the owned headers, in ownedRequestHeaders order, to tell the runtime which it must remove.
  private ownedSlots: StaticArray<i32> = new StaticArray<i32>(0);

  constructor(
    attributes: Array<Attribute>,
    private tokenSources: Array<TokenSource>,
    aliasHeader: ArrayBuffer,
    owned: Array<ArrayBuffer>,
  ) {
    this.values = new StaticArray<Value>(attributes.length);
    for (let i = 0; i < attributes.length; i++) {
      this.values[i] = new Value();
      const header = headerOf(attributes[i]);
      if (header !== null) attributes[i].headerSlot = this.headers.slotOf(header);
    }
    this.aliasSlot = aliasHeader.byteLength > 0 ? this.headers.slotOf(aliasHeader) : -1;
    this.ownedSlots = new StaticArray<i32>(owned.length);
    for (let i = 0; i < owned.length; i++) this.ownedSlots[i] = this.headers.slotOf(owned[i]);
    let headersOnly = true;
    for (let i = 0; i < tokenSources.length; i++)
      if (tokenSources[i].kind != TokenSourceKind.Header) headersOnly = false;
    this.tokenSlots = new StaticArray<i32>(headersOnly ? tokenSources.length : 0);
    if (headersOnly)
      for (let i = 0; i < tokenSources.length; i++) this.tokenSlots[i] = this.headers.slotOf(tokenSources[i].name);
  }

  // The token of the first header source that yields one, as findToken reads it.
  private findIndexedToken(): bool {
    const headers = this.headers;
    for (let i = 0; i < this.tokenSlots.length; i++) {
      const slot = this.tokenSlots[i];
      if (!headers.has(slot)) continue;
      const verdict = headerSourceToken(this.tokenSources[i], headers.start(slot), headers.length(slot), this.token);
      if (verdict != HeaderVerdict.GoOn) return verdict == HeaderVerdict.Token;
    }
    return false;
  }

  // Whether the client may have sent owned header `index`: no only when the whole map was read.
  mayCarryOwned(index: i32): bool {
    return !this.headers.complete || this.headers.has(unchecked(this.ownedSlots[index]));
  }

  // Whether the request came with the slot's header (false for -1).
  has(slot: i32): bool {
    return slot >= 0 && this.headers.has(slot);
  }

  // Starts a request: reads its headers (as the client sent them: the filter calls this before the
  // runtime strips the owned ones, which no condition reads), forgets the previous request's values.
  reset(): void {
    this.headers.load(stream_context.headers.request);
    this.generation++;
    this.jwtDecoded = false;
  }

  read(attribute: Attribute): Value {
    const value = unchecked(this.values[attribute.slot]);
    if (value.generation == this.generation) return value;
    value.generation = this.generation;
    value.clear();
    this.fetch(attribute, value);
    return value;
  }

  private fetch(attribute: Attribute, value: Value): void {
    const kind = attribute.kind;
    if (kind == AttributeKind.Claim) {
      this.claim(attribute.claimPath, value);
      return;
    }
    const headers = this.headers;
    const slot = attribute.headerSlot;
    if (!headers.has(slot)) return;
    const start = headers.start(slot);
    const length = headers.length(slot);
    switch (kind) {
      case AttributeKind.Path: {
        value.setText(start, queryMark(start, length));
        return;
      }
      case AttributeKind.Query: {
        const mark = queryMark(start, length);
        if (mark >= length) return;
        const decoded = findFormField(start + <usize>(mark + 1), length - mark - 1, attribute.name);
        if (decoded !== null) value.setBuffer(decoded);
        return;
      }
      case AttributeKind.Cookie: {
        if (findCookieIn(start, length, attribute.name, cookie)) value.setText(cookie.start, cookie.length);
        return;
      }
      default:
        value.setText(start, length);
    }
  }

  // A claim's text, or for an array claim the texts of its string and integer elements.
  private claim(path: Array<ArrayBuffer>, value: Value): void {
    if (!this.jwtDecoded) {
      this.jwtDecoded = true;
      const found =
        this.tokenSlots.length == this.tokenSources.length
          ? this.findIndexedToken()
          : findToken(this.tokenSources, this.token);
      if (found) decodeJwtAt(this.token.start, this.token.length, this.jwt);
      else this.jwt.error = JwtError.Empty;
    }
    const jwt = this.jwt;
    if (!jwt.ok || !jwt.claim(path, span)) return;
    value.present = true;
    if (span.kind != JsonKind.Array) {
      setSpanText(value);
      return;
    }
    value.isList = true;
    value.listStart = span.start;
    value.listEnd = span.end;
  }
}

// Where the query starts in a :path value (its length when there is none).
function queryMark(start: usize, length: i32): i32 {
  let i = 0;
  while (i < length && load<u8>(start + <usize>i) != 0x3f) i++;
  return i;
}

// The span's text: strings unescaped, numbers and booleans as written; objects and null have none.
function setSpanText(value: Value): void {
  if (span.kind == JsonKind.String) {
    if (span.escaped) value.setBuffer(unescapeToUtf8(span.start, span.end));
    else value.setText(span.start, <i32>(span.end - span.start));
  } else if (span.kind == JsonKind.Number || span.kind == JsonKind.True || span.kind == JsonKind.False) {
    value.setText(span.start, <i32>(span.end - span.start));
  }
}
