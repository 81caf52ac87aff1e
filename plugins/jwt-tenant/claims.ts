// Claim values from either a decoded token or jwt_authn's verified payload in metadata, reduced
// to what a header can carry: the text of a string, or the decimal text of an integer.
import { Jwt } from "../../assembly/codecs/jwt/decoder";
import { JsonKind, JsonSpan, unescapeToUtf8 } from "../../assembly/codecs/json/scan";
import { parseJsonNumber } from "../../assembly/codecs/json/number";
import { getPropertyBytes } from "../../assembly/proxy";

export enum ClaimStatus {
  Found = 0,
  Missing = 1,
  // Present but not a string or an integer (or an array when arrays are refused).
  WrongType = 2,
  // A nested object on the claim's path repeats the name the path takes: the token is invalid.
  Repeated = 3,
}

// The claim's text: bytes [start, start + length), kept alive by `owner`.
export class ClaimText {
  owner: ArrayBuffer | null = null;
  start: usize = 0;
  length: i32 = 0;

  set(owner: ArrayBuffer, start: usize, length: i32): void {
    this.owner = owner;
    this.start = start;
    this.length = length;
  }
}

const FIRST = String.UTF8.encode("0");

// One reusable span: the request path is single-threaded and reads one claim at a time.
const span = new JsonSpan();

export function tokenClaim(jwt: Jwt, path: Array<ArrayBuffer>, takeFirstOfArray: bool, out: ClaimText): ClaimStatus {
  if (!jwt.claim(path, span)) return jwt.ok ? ClaimStatus.Missing : ClaimStatus.Repeated;
  if (span.kind == JsonKind.Array) {
    if (!takeFirstOfArray) return ClaimStatus.WrongType;
    const first = path.slice(0);
    first.push(FIRST);
    if (!jwt.claim(first, span)) return jwt.ok ? ClaimStatus.Missing : ClaimStatus.Repeated;
  }
  return spanToText(jwt.scratch, out);
}

function spanToText(payload: ArrayBuffer, out: ClaimText): ClaimStatus {
  if (span.kind == JsonKind.String) {
    if (span.escaped) {
      const decoded = unescapeToUtf8(span.start, span.end);
      out.set(decoded, changetype<usize>(decoded), decoded.byteLength);
    } else {
      out.set(payload, span.start, <i32>(span.end - span.start));
    }
    return ClaimStatus.Found;
  }
  if (span.kind == JsonKind.Number && isIntegerText(span.start, <i32>(span.end - span.start))) {
    out.set(payload, span.start, <i32>(span.end - span.start));
    return ClaimStatus.Found;
  }
  return ClaimStatus.WrongType;
}

// -?[0-9]+ : integers are written as decimal; 4.2 or 1e3 are not tenant names.
function isIntegerText(start: usize, length: i32): bool {
  let i = 0;
  if (length > 0 && load<u8>(start) == 0x2d) i = 1;
  if (i >= length) return false;
  for (; i < length; i++) if (<u32>load<u8>(start + <usize>i) - 0x30 >= 10) return false;
  return true;
}

// jwt_authn's payload, read through proxy_get_property; Envoy serializes a string claim as its raw
// bytes, so the value is taken as text (the allow-pattern then decides whether it is acceptable).
export function metadataClaim(propertyPath: ArrayBuffer, out: ClaimText): ClaimStatus {
  const value = getPropertyBytes(propertyPath);
  if (value === null || value.byteLength == 0) return ClaimStatus.Missing;
  out.set(value, changetype<usize>(value), value.byteLength);
  return ClaimStatus.Found;
}

// exp or nbf absent.
export const NO_DATE: f64 = -Infinity;
// Beyond 9999-12-31T23:59:59Z: no issuer means such a date, and larger numbers lose their seconds in an f64.
const LATEST_DATE: f64 = 253402300799;

// A token's NumericDate claim (exp, nbf; RFC 7519 §2: any JSON number of seconds, with fraction or
// exponent): its value, NO_DATE when absent, NaN when present but not a number within ±LATEST_DATE.
export function numericDate(jwt: Jwt, path: Array<ArrayBuffer>): f64 {
  if (!jwt.claim(path, span)) return jwt.ok ? NO_DATE : NaN;
  if (span.kind != JsonKind.Number) return NaN;
  const length = <i32>(span.end - span.start);
  let value = integerValue(span.start, length);
  // Fractions, exponents and long digit runs: parsed as JSON numbers are (a double), bounded first.
  if (isNaN(value)) value = length <= 64 ? parseJsonNumber(span.start, span.end) : NaN;
  return Math.abs(value) <= LATEST_DATE ? value : NaN;
}

// -?[0-9]{1,15} exactly, the usual form; NaN for any other number text.
function integerValue(start: usize, length: i32): f64 {
  let i = 0;
  const negative = length > 0 && load<u8>(start) == 0x2d;
  if (negative) i = 1;
  if (length - i < 1 || length - i > 15) return NaN;
  let value: i64 = 0;
  for (; i < length; i++) {
    const digit = <u32>load<u8>(start + <usize>i) - 0x30;
    if (digit >= 10) return NaN;
    value = value * 10 + <i64>digit;
  }
  return <f64>(negative ? -value : value);
}
