// Base64url (RFC 4648 §5) with or without padding, decoded through as-base64, which knows only
// the standard, padded alphabet and does no input checking: so the segment is checked and
// translated here first, and as-base64 never sees a byte it would index out of range.
import { decode } from "as-base64/assembly";

// Returns null when the segment is not base64url: a byte outside the alphabet, padding in the
// middle, or a length that no encoding produces (4n+1).
export function decodeBase64Url(start: usize, length: i32): Uint8Array | null {
  let dataLength = length;
  // Trailing '=' are allowed only as real padding.
  while (dataLength > 0 && load<u8>(start + <usize>(dataLength - 1)) == 0x3d) dataLength--;
  const padding = length - dataLength;
  if (padding > 2 || (padding > 0 && (length & 3) != 0)) return null;
  if ((dataLength & 3) == 1) return null;
  const paddedLength = (dataLength + 3) & ~3;
  const standard = changetype<string>(__new(<usize>paddedLength << 1, idof<string>()));
  const out = changetype<usize>(standard);
  for (let i = 0; i < dataLength; i++) {
    let c = <u32>load<u8>(start + <usize>i);
    if (c == 0x2d) c = 0x2b; // '-' → '+'
    else if (c == 0x5f) c = 0x2f; // '_' → '/'
    else if (!(c - 0x41 < 26 || c - 0x61 < 26 || c - 0x30 < 10)) return null;
    store<u16>(out + (<usize>i << 1), <u16>c);
  }
  for (let i = dataLength; i < paddedLength; i++) store<u16>(out + (<usize>i << 1), 0x3d);
  return decode(standard);
}
