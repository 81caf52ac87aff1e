// as-jwt-decoder: splits a compact JWS (header.payload.signature), decodes the header and the
// payload from base64url and gives access to claims by path.
//
// It does NOT verify signatures. A claim read here is only as trustworthy as the component that
// verified the token before this filter ran (Envoy jwt_authn, Istio RequestAuthentication).
import { decodedSize, decodeBase64UrlInto } from "./base64url";
import { findPath, JsonError, JsonKind, JsonSpan, scanError } from "../json/scan";
import { MemberIndex } from "../json/members";

// Bounds that keep the work per token small whatever a client sends.
export const JWT_MAX_TOKEN_BYTES: i32 = 16384;
export const JWT_MAX_DEPTH: i32 = 16;

export enum JwtError {
  None = 0,
  Empty = 1,
  TooLarge = 2,
  SegmentCount = 3,
  HeaderBase64 = 4,
  PayloadBase64 = 5,
  HeaderNotObject = 6,
  PayloadNotObject = 7,
  TooDeep = 8,
  // RFC 7519 §4: a header or payload with two members of one name is refused, not read either way.
  RepeatedName = 9,
}

export function jwtErrorText(error: JwtError): string {
  switch (error) {
    case JwtError.Empty:
      return "the token is empty";
    // Literal texts (kept equal to JWT_MAX_TOKEN_BYTES and JWT_MAX_DEPTH): no string built per bad token.
    case JwtError.TooLarge:
      return "the token is larger than 16384 bytes";
    case JwtError.SegmentCount:
      return "the token does not have three dot-separated segments";
    case JwtError.HeaderBase64:
      return "the token header is not base64url";
    case JwtError.PayloadBase64:
      return "the token payload is not base64url";
    case JwtError.HeaderNotObject:
      return "the token header is not a JSON object";
    case JwtError.PayloadNotObject:
      return "the token payload is not a JSON object";
    case JwtError.TooDeep:
      return "the token payload is nested deeper than 16 levels";
    case JwtError.RepeatedName:
      return "the token repeats a member name";
    default:
      return "no error";
  }
}

// A decoded token: header and payload JSON bytes, validated as objects. A Jwt can be decoded
// into again and again (decodeJwt's `into`): its scratch memory is reused, so a request that
// decodes one token allocates nothing once the scratch is large enough.
export class Jwt {
  error: JwtError = JwtError.None;
  // Keeps the token's bytes alive while the decoder reads them through raw pointers.
  token: ArrayBuffer | null = null;
  // Header bytes then payload bytes.
  scratch: ArrayBuffer = new ArrayBuffer(0);
  headerStart: usize = 0;
  headerLength: i32 = 0;
  payloadStart: usize = 0;
  payloadLength: i32 = 0;
  // The payload's top-level claims, recorded while it is validated.
  readonly claims: MemberIndex = new MemberIndex();
  // The header's members (alg, typ, kid), recorded to find a repeated name.
  readonly headerMembers: MemberIndex = new MemberIndex();

  get ok(): bool {
    return this.error == JwtError.None;
  }

  get header(): Uint8Array {
    return Uint8Array.wrap(this.scratch, <i32>(this.headerStart - changetype<usize>(this.scratch)), this.headerLength);
  }

  get payload(): Uint8Array {
    return Uint8Array.wrap(
      this.scratch,
      <i32>(this.payloadStart - changetype<usize>(this.scratch)),
      this.payloadLength,
    );
  }

  // Finds a claim by path (names, or decimal indices into arrays) in the payload. A nested object
  // on the way that repeats the name the path takes makes the token invalid (error RepeatedName).
  claim(path: Array<ArrayBuffer>, out: JsonSpan): bool {
    if (!this.ok) return false;
    if (!this.claims.find(path, out, JWT_MAX_DEPTH)) return false;
    if (path.length > 1 && this.claims.repeatsOnPath(path, JWT_MAX_DEPTH)) {
      this.error = JwtError.RepeatedName;
      out.reset();
      return false;
    }
    return true;
  }

  headerField(path: Array<ArrayBuffer>, out: JsonSpan): bool {
    if (!this.ok) return false;
    return findPath(this.headerStart, this.headerStart + <usize>this.headerLength, path, out, JWT_MAX_DEPTH);
  }
}

function fail(jwt: Jwt, error: JwtError): Jwt {
  jwt.error = error;
  return jwt;
}

// Decodes the token held in bytes [offset, offset + length) of `buffer`, into `into` when given.
// Never traps: every malformed input is an error with a reason.
export function decodeJwt(buffer: ArrayBuffer, offset: i32, length: i32, into: Jwt | null = null): Jwt {
  const jwt = into !== null ? into : new Jwt();
  if (offset < 0 || length < 0 || offset + length > buffer.byteLength) {
    jwt.headerLength = 0;
    jwt.payloadLength = 0;
    return fail(jwt, JwtError.Empty);
  }
  decodeJwtAt(changetype<usize>(buffer) + <usize>offset, length, jwt);
  jwt.token = buffer;
  return jwt;
}

// Decodes the token at [start, start + length); the caller keeps those bytes alive.
export function decodeJwtAt(start: usize, length: i32, jwt: Jwt): Jwt {
  jwt.error = JwtError.None;
  jwt.headerLength = 0;
  jwt.payloadLength = 0;
  jwt.token = null;
  if (length <= 0) return fail(jwt, JwtError.Empty);
  if (length > JWT_MAX_TOKEN_BYTES) return fail(jwt, JwtError.TooLarge);
  const firstDot = findDot(start, 0, length);
  const secondDot = firstDot < 0 ? -1 : findDot(start, firstDot + 1, length);
  if (secondDot < 0 || findDot(start, secondDot + 1, length) >= 0) return fail(jwt, JwtError.SegmentCount);
  const headerSize = decodedSize(start, firstDot);
  if (headerSize < 0) return fail(jwt, JwtError.HeaderBase64);
  const payloadStart = start + <usize>(firstDot + 1);
  const payloadChars = secondDot - firstDot - 1;
  const payloadSize = decodedSize(payloadStart, payloadChars);
  if (payloadSize < 0) return fail(jwt, JwtError.PayloadBase64);
  if (jwt.scratch.byteLength < headerSize + payloadSize) jwt.scratch = new ArrayBuffer(headerSize + payloadSize);
  const base = changetype<usize>(jwt.scratch);
  if (decodeBase64UrlInto(start, firstDot, base) < 0) return fail(jwt, JwtError.HeaderBase64);
  if (decodeBase64UrlInto(payloadStart, payloadChars, base + <usize>headerSize) < 0)
    return fail(jwt, JwtError.PayloadBase64);
  jwt.headerStart = base;
  jwt.headerLength = headerSize;
  jwt.payloadStart = base + <usize>headerSize;
  jwt.payloadLength = payloadSize;
  if (
    jwt.headerMembers.validate(jwt.headerStart, jwt.headerStart + <usize>headerSize, JWT_MAX_DEPTH) != JsonKind.Object
  )
    return fail(jwt, JwtError.HeaderNotObject);
  const payloadKind = jwt.claims.validate(jwt.payloadStart, jwt.payloadStart + <usize>payloadSize, JWT_MAX_DEPTH);
  if (payloadKind != JsonKind.Object) {
    return fail(jwt, payloadKind == JsonKind.Missing && isTooDeep() ? JwtError.TooDeep : JwtError.PayloadNotObject);
  }
  if (jwt.headerMembers.hasRepeatedName() || jwt.claims.hasRepeatedName()) return fail(jwt, JwtError.RepeatedName);
  return jwt;
}

// The index of the next '.' in [from, length), or -1; 16 bytes at a time with SIMD.
function findDot(start: usize, from: i32, length: i32): i32 {
  const dots = i8x16.splat(0x2e);
  let i = from;
  while (i + 16 <= length) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(start + <usize>i), dots));
    if (mask != 0) return i + <i32>ctz(mask);
    i += 16;
  }
  for (; i < length; i++) if (load<u8>(start + <usize>i) == 0x2e) return i;
  return -1;
}

// Convenience for a token held in a string (tests, configuration).
export function decodeJwtString(token: string): Jwt {
  const bytes = String.UTF8.encode(token);
  return decodeJwt(bytes, 0, bytes.byteLength);
}

function isTooDeep(): bool {
  return scanError == JsonError.TooDeep;
}
