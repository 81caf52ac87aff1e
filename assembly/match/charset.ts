// An allow-pattern of the form ^[characters]{min,max}$ (also + and *): a set of ASCII bytes and a
// length range, checked in one pass with no backtracking. Anything else is refused at configure.

export class CharsetPattern {
  // One bit per ASCII byte; bytes >= 0x80 are never allowed.
  private low: u64 = 0;
  private high: u64 = 0;
  minLength: i32 = 1;
  maxLength: i32 = i32.MAX_VALUE;
  source: string = "";

  private allow(c: u32): void {
    if (c < 64) this.low |= (<u64>1) << c;
    else this.high |= (<u64>1) << (c - 64);
  }

  @inline allows(c: u32): bool {
    if (c < 64) return ((this.low >> c) & 1) != 0;
    if (c < 128) return ((this.high >> (c - 64)) & 1) != 0;
    return false;
  }

  // Checks bytes [start, start + length).
  matches(start: usize, length: i32): bool {
    if (length < this.minLength || length > this.maxLength) return false;
    for (let i = 0; i < length; i++) if (!this.allows(<u32>load<u8>(start + <usize>i))) return false;
    return true;
  }

  matchesBuffer(value: ArrayBuffer): bool {
    return this.matches(changetype<usize>(value), value.byteLength);
  }

  matchesString(value: string): bool {
    return this.matchesBuffer(String.UTF8.encode(value));
  }
}

// Parses the pattern; null with `patternError` set when it is not of the supported form.
export let patternError: string = "";

export function parseCharsetPattern(source: string): CharsetPattern | null {
  const pattern = new CharsetPattern();
  pattern.source = source;
  const n = source.length;
  if (n < 5 || source.charAt(0) != "^" || source.charAt(1) != "[" || source.charAt(n - 1) != "$") return unsupported();
  let i = 2;
  let first = true;
  while (i < n && (source.charAt(i) != "]" || first)) {
    first = false;
    let c = readClassChar(source, i);
    if (c < 0) return unsupported();
    i += source.charAt(i) == "\\" ? 2 : 1;
    if (i + 1 < n && source.charAt(i) == "-" && source.charAt(i + 1) != "]") {
      const end = readClassChar(source, i + 1);
      if (end < 0 || end < c) return unsupported();
      i += source.charAt(i + 1) == "\\" ? 3 : 2;
      for (let x = c; x <= end; x++) pattern.allow(<u32>x);
    } else {
      pattern.allow(<u32>c);
    }
  }
  if (i >= n) return unsupported();
  i++; // ']'
  const quantifier = source.substring(i, n - 1);
  if (quantifier == "") {
    pattern.minLength = 1;
    pattern.maxLength = 1;
  } else if (quantifier == "+") {
    pattern.minLength = 1;
  } else if (quantifier == "*") {
    pattern.minLength = 0;
  } else {
    if (quantifier.charAt(0) != "{" || quantifier.charAt(quantifier.length - 1) != "}") return unsupported();
    const inner = quantifier.substring(1, quantifier.length - 1);
    const comma = inner.indexOf(",");
    const minText = comma < 0 ? inner : inner.substring(0, comma);
    const maxText = comma < 0 ? inner : inner.substring(comma + 1);
    if (!isDecimal(minText) || !isDecimal(maxText)) return unsupported();
    pattern.minLength = I32.parseInt(minText);
    pattern.maxLength = I32.parseInt(maxText);
    if (pattern.maxLength < pattern.minLength) return unsupported();
  }
  return pattern;
}

function isDecimal(text: string): bool {
  if (text.length == 0 || text.length > 6) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x30 || text.charCodeAt(i) > 0x39) return false;
  return true;
}

// A printable ASCII character, or a backslash escape of one.
function readClassChar(source: string, i: i32): i32 {
  if (i >= source.length) return -1;
  let c = source.charCodeAt(i);
  if (c == 0x5c) {
    if (i + 1 >= source.length) return -1;
    c = source.charCodeAt(i + 1);
  }
  return c >= 0x20 && c < 0x7f ? c : -1;
}

function unsupported(): CharsetPattern | null {
  patternError = "expected a pattern of the form ^[characters]{min,max}$ (or + or *) with ASCII characters";
  return null;
}
