// JSON Pointer (RFC 6901) parsing, shared by claim paths and body keys.

// "/a/0/b~1c" → [a, 0, b/c] as UTF-8; null when it is not a JSON Pointer (RFC 6901).
export function parseJsonPointer(pointer: string): Array<ArrayBuffer> | null {
  if (pointer.length == 0 || pointer.charAt(0) != "/") return null;
  const parts = pointer.substring(1).split("/");
  const out = new Array<ArrayBuffer>();
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    let decoded = "";
    for (let j = 0; j < part.length; j++) {
      const c = part.charAt(j);
      if (c != "~") {
        decoded += c;
        continue;
      }
      const next = j + 1 < part.length ? part.charAt(j + 1) : "";
      if (next == "0") decoded += "~";
      else if (next == "1") decoded += "/";
      else return null;
      j++;
    }
    out.push(String.UTF8.encode(decoded));
  }
  return out;
}
