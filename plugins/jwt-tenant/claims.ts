// Claim values from either a decoded token or jwt_authn's verified payload in metadata, reduced
// to what a header can carry: the text of a string, or the decimal text of an integer.
import { Jwt } from "../../assembly/jwt/decoder";
import { JsonKind, JsonSpan, unescapeToUtf8 } from "../../assembly/json/scan";
import { getPropertyBytes } from "../../assembly/proxy/properties";

export enum ClaimStatus {
  Found = 0,
  Missing = 1,
  // Present but not a string or an integer (or an array when arrays are refused).
  WrongType = 2,
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
  if (!jwt.claim(path, span)) return ClaimStatus.Missing;
  if (span.kind == JsonKind.Array) {
    if (!takeFirstOfArray) return ClaimStatus.WrongType;
    const first = path.slice(0);
    first.push(FIRST);
    if (!jwt.claim(first, span)) return ClaimStatus.Missing;
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

// A token's numeric date claim (exp, nbf) in whole seconds; i64.MIN_VALUE when absent or not a number.
export function tokenSeconds(jwt: Jwt, path: Array<ArrayBuffer>): i64 {
  if (!jwt.claim(path, span) || span.kind != JsonKind.Number) return i64.MIN_VALUE;
  let value: i64 = 0;
  let negative = false;
  let p = span.start;
  if (load<u8>(p) == 0x2d) {
    negative = true;
    p++;
  }
  for (; p < span.end; p++) {
    const digit = <u32>load<u8>(p) - 0x30;
    if (digit >= 10) break;
    if (value > 100000000000) return i64.MIN_VALUE;
    value = value * 10 + <i64>digit;
  }
  // A fraction is dropped (whole seconds are enough); an exponent is not a date we accept.
  for (; p < span.end; p++) if ((load<u8>(p) | 0x20) == 0x65) return i64.MIN_VALUE;
  return negative ? -value : value;
}
