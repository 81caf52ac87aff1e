// Finds one query parameter in a :path value and percent-decodes it ('+' is a space, as in
// application/x-www-form-urlencoded). Malformed escapes are kept as they are, never a trap.
import { bytesEqual } from "./bytes";

// The decoded value of the first `name=` parameter, or null. With `bareName`, a `name` without '='
// counts too, with an empty value, as Envoy's parseAndDecodeQueryString reads it.
export function findQueryParameter(path: ArrayBuffer, name: ArrayBuffer, bareName: bool = false): ArrayBuffer | null {
  const base = changetype<usize>(path);
  const end = <i32>path.byteLength;
  let i = 0;
  while (i < end && load<u8>(base + <usize>i) != 0x3f) i++;
  if (i >= end) return null;
  i++;
  return findFormField(base + <usize>i, end - i, name, bareName);
}

// The same over an urlencoded list "a=1&b=2" (a query string or a form body).
export function findFormField(
  start: usize,
  length: i32,
  name: ArrayBuffer,
  bareName: bool = false,
): ArrayBuffer | null {
  let i = 0;
  while (i <= length) {
    const fieldStart = i;
    while (i < length && load<u8>(start + <usize>i) != 0x26 && load<u8>(start + <usize>i) != 0x23) i++;
    const fieldEnd = i;
    let equals = fieldStart;
    while (equals < fieldEnd && load<u8>(start + <usize>equals) != 0x3d) equals++;
    // Names are compared after decoding only when they hold escapes; plain names compare as bytes.
    const rawName = start + <usize>fieldStart;
    if (equals < fieldEnd && nameMatches(rawName, equals - fieldStart, name)) {
      return percentDecode(start + <usize>(equals + 1), fieldEnd - equals - 1);
    }
    if (bareName && equals == fieldEnd && fieldEnd > fieldStart && nameMatches(rawName, fieldEnd - fieldStart, name))
      return new ArrayBuffer(0);
    if (i < length && load<u8>(start + <usize>i) == 0x23) return null;
    i++;
  }
  return null;
}

function nameMatches(start: usize, length: i32, name: ArrayBuffer): bool {
  for (let i = 0; i < length; i++) {
    const c = load<u8>(start + <usize>i);
    if (c == 0x25 || c == 0x2b) {
      const decoded = percentDecode(start, length);
      return bytesEqual(changetype<usize>(decoded), decoded.byteLength, name);
    }
  }
  return bytesEqual(start, length, name);
}

function hexDigit(c: u32): i32 {
  if (c - 0x30 < 10) return <i32>(c - 0x30);
  const lower = c | 0x20;
  if (lower - 0x61 < 6) return <i32>(lower - 0x61 + 10);
  return -1;
}

export function percentDecode(start: usize, length: i32): ArrayBuffer {
  const out = new ArrayBuffer(length);
  const o = changetype<usize>(out);
  let w = 0;
  for (let i = 0; i < length; i++) {
    const c = <u32>load<u8>(start + <usize>i);
    if (c == 0x2b) {
      store<u8>(o + <usize>w, 0x20);
    } else if (
      c == 0x25 &&
      i + 2 < length &&
      hexDigit(<u32>load<u8>(start + <usize>(i + 1))) >= 0 &&
      hexDigit(<u32>load<u8>(start + <usize>(i + 2))) >= 0
    ) {
      store<u8>(
        o + <usize>w,
        <u8>((hexDigit(<u32>load<u8>(start + <usize>(i + 1))) << 4) | hexDigit(<u32>load<u8>(start + <usize>(i + 2)))),
      );
      i += 2;
    } else {
      store<u8>(o + <usize>w, <u8>c);
    }
    w++;
  }
  return w == length ? out : out.slice(0, w);
}
