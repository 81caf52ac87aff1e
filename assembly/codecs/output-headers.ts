// Header names no route-keys filter may write, whatever its configuration says: pseudo-headers and
// the headers Envoy's codecs, the router or the verifier give a meaning of their own (RFC 9110
// §7.6.1 connection-specific fields, framing, Host, credentials).
const FORBIDDEN: Array<string> = [
  "host",
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "te",
  "upgrade",
  "keep-alive",
  "expect",
];

// Why `name` (lower-case) cannot be an output header, or null when it can.
export function forbiddenOutputHeader(name: string): string | null {
  if (name.length == 0) return "is empty";
  if (name.charAt(0) == ":") return "is a pseudo-header";
  if (name.startsWith("proxy-")) return "is a proxy-* header";
  for (let i = 0; i < FORBIDDEN.length; i++) if (FORBIDDEN[i] == name) return "is a header Envoy or the verifier owns";
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const token = (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c == 0x2d || c == 0x5f || c == 0x2e;
    if (!token) return "has a character other than a-z, 0-9, '-', '_' or '.'";
  }
  return null;
}
