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
export function findCookieIn(base: usize, end: i32, name: ArrayBuffer, out: CookieValue): bool {
  let i = 0;
  while (i < end) {
    while (i < end && (load<u8>(base + <usize>i) == 0x20 || load<u8>(base + <usize>i) == 0x3b)) i++;
    const nameStart = i;
    while (i < end && load<u8>(base + <usize>i) != 0x3d && load<u8>(base + <usize>i) != 0x3b) i++;
    let nameEnd = i;
    while (nameEnd > nameStart && load<u8>(base + <usize>(nameEnd - 1)) == 0x20) nameEnd--;
    if (i >= end || load<u8>(base + <usize>i) != 0x3d) continue;
    i++;
    let valueStart = i;
    while (i < end && load<u8>(base + <usize>i) != 0x3b) i++;
    let valueEnd = i;
    while (valueStart < valueEnd && load<u8>(base + <usize>valueStart) == 0x20) valueStart++;
    while (valueEnd > valueStart && load<u8>(base + <usize>(valueEnd - 1)) == 0x20) valueEnd--;
    // A quoted cookie value (RFC 6265 cookie-value) loses its quotes.
    if (
      valueEnd - valueStart >= 2 &&
      load<u8>(base + <usize>valueStart) == 0x22 &&
      load<u8>(base + <usize>(valueEnd - 1)) == 0x22
    ) {
      valueStart++;
      valueEnd--;
    }
    if (bytesEqual(base + <usize>nameStart, nameEnd - nameStart, name)) {
      out.start = base + <usize>valueStart;
      out.length = valueEnd - valueStart;
      return true;
    }
  }
  return false;
}
