// as-jwt-decoder: splits a compact JWS (header.payload.signature), decodes the header and the
// payload from base64url and gives access to claims by path.
//
// It does NOT verify signatures. A claim read here is only as trustworthy as the component that
// verified the token before this filter ran (Envoy jwt_authn, Istio RequestAuthentication).
import { decodeBase64Url } from "./base64url";
import { findPath, JsonError, JsonKind, JsonSpan, scanError, validateDocument } from "../json/scan";

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
}

export function jwtErrorText(error: JwtError): string {
  switch (error) {
    case JwtError.Empty: return "the token is empty";
    case JwtError.TooLarge: return "the token is larger than " + JWT_MAX_TOKEN_BYTES.toString() + " bytes";
    case JwtError.SegmentCount: return "the token does not have three dot-separated segments";
    case JwtError.HeaderBase64: return "the token header is not base64url";
    case JwtError.PayloadBase64: return "the token payload is not base64url";
    case JwtError.HeaderNotObject: return "the token header is not a JSON object";
    case JwtError.PayloadNotObject: return "the token payload is not a JSON object";
    case JwtError.TooDeep: return "the token payload is nested deeper than " + JWT_MAX_DEPTH.toString() + " levels";
    default: return "no error";
  }
}

// A decoded token: header and payload JSON bytes, validated as objects.
export class Jwt {
  error: JwtError = JwtError.None;
  // Keeps the token's bytes alive while the decoder reads them through raw pointers.
  token: ArrayBuffer | null = null;
  header: Uint8Array = new Uint8Array(0);
  payload: Uint8Array = new Uint8Array(0);

  get ok(): bool {
    return this.error == JwtError.None;
  }

  // Finds a claim by path (names, or decimal indices into arrays) in the payload.
  claim(path: Array<ArrayBuffer>, out: JsonSpan): bool {
    if (!this.ok) return false;
    const start = this.payload.dataStart;
    return findPath(start, start + <usize>this.payload.length, path, out, JWT_MAX_DEPTH);
  }

  headerField(path: Array<ArrayBuffer>, out: JsonSpan): bool {
    if (!this.ok) return false;
    const start = this.header.dataStart;
    return findPath(start, start + <usize>this.header.length, path, out, JWT_MAX_DEPTH);
  }
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

function fail(jwt: Jwt, error: JwtError): Jwt {
  jwt.error = error;
  return jwt;
}

function validateObject(bytes: Uint8Array): JsonKind {
  const start = bytes.dataStart;
  return validateDocument(start, start + <usize>bytes.length, JWT_MAX_DEPTH);
}

// Decodes the token held in bytes [offset, offset + length) of `buffer`. Never traps: every
// malformed input is an error with a reason.
export function decodeJwt(buffer: ArrayBuffer, offset: i32, length: i32): Jwt {
  const jwt = new Jwt();
  if (offset < 0 || length < 0 || offset + length > buffer.byteLength) return fail(jwt, JwtError.Empty);
  jwt.token = buffer;
  const start = changetype<usize>(buffer) + <usize>offset;
  if (length == 0) return fail(jwt, JwtError.Empty);
  if (length > JWT_MAX_TOKEN_BYTES) return fail(jwt, JwtError.TooLarge);
  const firstDot = findDot(start, 0, length);
  const secondDot = firstDot < 0 ? -1 : findDot(start, firstDot + 1, length);
  if (secondDot < 0 || findDot(start, secondDot + 1, length) >= 0) return fail(jwt, JwtError.SegmentCount);
  const header = decodeBase64Url(start, firstDot);
  if (header === null) return fail(jwt, JwtError.HeaderBase64);
  const payload = decodeBase64Url(start + <usize>(firstDot + 1), secondDot - firstDot - 1);
  if (payload === null) return fail(jwt, JwtError.PayloadBase64);
  jwt.header = header;
  jwt.payload = payload;
  if (validateObject(header) != JsonKind.Object) return fail(jwt, JwtError.HeaderNotObject);
  const payloadKind = validateObject(payload);
  if (payloadKind != JsonKind.Object) {
    return fail(jwt, payloadKind == JsonKind.Missing && isTooDeep() ? JwtError.TooDeep : JwtError.PayloadNotObject);
  }
  return jwt;
}

// Convenience for a token held in a string (tests, configuration).
export function decodeJwtString(token: string): Jwt {
  const bytes = String.UTF8.encode(token);
  return decodeJwt(bytes, 0, bytes.byteLength);
}

function isTooDeep(): bool {
  return scanError == JsonError.TooDeep;
}
