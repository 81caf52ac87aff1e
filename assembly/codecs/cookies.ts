// Finds one cookie in a Cookie header value ("a=1; b=2") without splitting it into strings.
// Writes the value's position into the caller's CookieValue and returns true, or returns false.
import { bytesEqual } from "./bytes";

// Where a found cookie's value is: [start, start + length). Callers keep one and reuse it.
export class CookieValue {
  start: usize = 0;
  length: i32 = 0;
}

export function findCookie(header: ArrayBuffer, name: ArrayBuffer, out: CookieValue): bool {
  return findCookieIn(changetype<usize>(header), header.byteLength, name, out);
}

// The same over raw bytes [base, base + end), for callers that hold the header inside a larger buffer.
// Read as Envoy reads cookies (http/utility.cc forEachCookie), so a value here is the one jwt_authn
// verifies and a cookie hash policy hashes: split at ';'; the name runs from the first non-space to
// the first '=' (trailing spaces kept); the value is all after that '=', unquoted when it is wrapped
// in double quotes; a piece without '=' is skipped; the first cookie of the name wins.
export function findCookieIn(base: usize, end: i32, name: ArrayBuffer, out: CookieValue): bool {
  let i = 0;
  while (i < end) {
    const pieceStart = i;
    while (i < end && load<u8>(base + <usize>i) != 0x3b) i++;
    const pieceEnd = i;
    i++;
    let nameStart = pieceStart;
    while (nameStart < pieceEnd && load<u8>(base + <usize>nameStart) == 0x20) nameStart++;
    let equals = pieceStart;
    while (equals < pieceEnd && load<u8>(base + <usize>equals) != 0x3d) equals++;
    if (equals >= pieceEnd || nameStart > equals) continue;
    if (!bytesEqual(base + <usize>nameStart, equals - nameStart, name)) continue;
    let valueStart = equals + 1;
    let valueEnd = pieceEnd;
    if (
      valueEnd - valueStart >= 2 &&
      load<u8>(base + <usize>valueStart) == 0x22 &&
      load<u8>(base + <usize>(valueEnd - 1)) == 0x22
    ) {
      valueStart++;
      valueEnd--;
    }
    out.start = base + <usize>valueStart;
    out.length = valueEnd - valueStart;
    return true;
  }
  return false;
}
