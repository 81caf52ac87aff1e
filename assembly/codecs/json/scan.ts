// A JSON scanner over raw bytes that finds one value by path without building a tree: it walks
// in one pass, validates what it skips (so malformed input is an error, not a guess), bounds
// nesting depth, and allocates nothing but the decoded result. Used on the request path.

export enum JsonKind {
  Missing = 0,
  Null = 1,
  False = 2,
  True = 3,
  Number = 4,
  String = 5,
  Array = 6,
  Object = 7,
}

export enum JsonError {
  None = 0,
  Truncated = 1,
  UnexpectedByte = 2,
  BadEscape = 3,
  BadNumber = 4,
  TooDeep = 5,
  ControlCharacter = 6,
  TrailingBytes = 7,
}

export function jsonErrorText(error: JsonError): string {
  switch (error) {
    case JsonError.Truncated:
      return "JSON ends too early";
    case JsonError.UnexpectedByte:
      return "unexpected byte in JSON";
    case JsonError.BadEscape:
      return "bad escape in a JSON string";
    case JsonError.BadNumber:
      return "malformed JSON number";
    case JsonError.TooDeep:
      return "JSON nested too deeply";
    case JsonError.ControlCharacter:
      return "control character in a JSON string";
    case JsonError.TrailingBytes:
      return "bytes after the JSON value";
    default:
      return "no error";
  }
}

// The bytes of one value: [start, end) in the scanned buffer.
export class JsonSpan {
  kind: JsonKind = JsonKind.Missing;
  start: usize = 0;
  end: usize = 0;
  // A string span excludes the quotes; `escaped` says whether decoding must unescape.
  escaped: bool = false;

  reset(): void {
    this.kind = JsonKind.Missing;
    this.start = 0;
    this.end = 0;
    this.escaped = false;
  }
}

// Where the last scan failed, and why: module-level, a side channel of the scanner on every JWT (FAILED is in-band).
export let scanError: JsonError = JsonError.None;
export let scanErrorAt: usize = 0;

export const FAILED: usize = <usize>-1;

export function resetScanError(): void {
  scanError = JsonError.None;
}


@inline export function fail(error: JsonError, at: usize): usize {
  if (scanError == JsonError.None) {
    scanError = error;
    scanErrorAt = at;
  }
  return FAILED;
}


@inline function isSpace(c: u32): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}


@inline export function skipSpace(p: usize, end: usize): usize {
  while (p < end && isSpace(<u32>load<u8>(p))) p++;
  return p;
}


@inline function isDigit(c: u32): bool {
  return c - 0x30 < 10;
}

function isHex(c: u32): bool {
  return c - 0x30 < 10 || (c | 0x20) - 0x61 < 6;
}

// Skips a string starting after its opening quote; returns the position after the closing quote.
// Sets `sawEscape` when the string holds a backslash.
let sawEscape: bool = false;

// Whether the string skipStringBody last skipped held a backslash.
@inline export function lastStringEscaped(): bool {
  return sawEscape;
}

export function skipStringBody(p: usize, end: usize): usize {
  sawEscape = false;
  // Plain runs (no quote, backslash or control byte) are skipped 16 bytes at a time.
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (p + 16 <= end) {
    const chunk = v128.load(p);
    const special = v128.or(v128.or(i8x16.eq(chunk, quote), i8x16.eq(chunk, backslash)), i8x16.lt_u(chunk, space));
    const mask = i8x16.bitmask(special);
    if (mask == 0) {
      p += 16;
      continue;
    }
    p += <usize>ctz(mask);
    break;
  }
  while (p < end) {
    const c = <u32>load<u8>(p);
    if (c == 0x22) return p + 1;
    if (c == 0x5c) {
      sawEscape = true;
      if (p + 1 >= end) return fail(JsonError.Truncated, p);
      const e = <u32>load<u8>(p + 1);
      if (e == 0x75) {
        if (p + 6 > end) return fail(JsonError.Truncated, p);
        for (let i: usize = 2; i < 6; i++) if (!isHex(<u32>load<u8>(p + i))) return fail(JsonError.BadEscape, p);
        p += 6;
        continue;
      }
      if (e != 0x22 && e != 0x5c && e != 0x2f && e != 0x62 && e != 0x66 && e != 0x6e && e != 0x72 && e != 0x74)
        return fail(JsonError.BadEscape, p);
      p += 2;
      continue;
    }
    if (c < 0x20) return fail(JsonError.ControlCharacter, p);
    p++;
  }
  return fail(JsonError.Truncated, p);
}

export function skipNumber(p: usize, end: usize): usize {
  const start = p;
  if (p < end && load<u8>(p) == 0x2d) p++;
  if (p >= end) return fail(JsonError.Truncated, p);
  const c = <u32>load<u8>(p);
  if (c == 0x30) {
    p++;
  } else if (isDigit(c)) {
    while (p < end && isDigit(<u32>load<u8>(p))) p++;
  } else {
    return fail(JsonError.BadNumber, start);
  }
  if (p < end && load<u8>(p) == 0x2e) {
    p++;
    if (p >= end || !isDigit(<u32>load<u8>(p))) return fail(p >= end ? JsonError.Truncated : JsonError.BadNumber, p);
    while (p < end && isDigit(<u32>load<u8>(p))) p++;
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    p++;
    if (p < end && (load<u8>(p) == 0x2b || load<u8>(p) == 0x2d)) p++;
    if (p >= end || !isDigit(<u32>load<u8>(p))) return fail(p >= end ? JsonError.Truncated : JsonError.BadNumber, p);
    while (p < end && isDigit(<u32>load<u8>(p))) p++;
  }
  return p;
}

function skipLiteral(p: usize, end: usize, word: string): usize {
  const length = <usize>word.length;
  if (p + length > end) return fail(JsonError.Truncated, p);
  for (let i: usize = 0; i < length; i++) {
    if (<u32>load<u8>(p + i) != <u32>word.charCodeAt(<i32>i)) return fail(JsonError.UnexpectedByte, p + i);
  }
  return p + length;
}

export function kindAt(c: u32): JsonKind {
  if (c == 0x7b) return JsonKind.Object;
  if (c == 0x5b) return JsonKind.Array;
  if (c == 0x22) return JsonKind.String;
  if (c == 0x74) return JsonKind.True;
  if (c == 0x66) return JsonKind.False;
  if (c == 0x6e) return JsonKind.Null;
  if (c == 0x2d || isDigit(c)) return JsonKind.Number;
  return JsonKind.Missing;
}

// Skips one value at p (no leading space) and returns the position after it, validating it.
// Containers are walked with an explicit depth count; `maxDepth` bounds nesting.
export function skipValue(p: usize, end: usize, depth: i32, maxDepth: i32): usize {
  if (p >= end) return fail(JsonError.Truncated, p);
  const c = <u32>load<u8>(p);
  switch (kindAt(c)) {
    case JsonKind.String:
      return skipStringBody(p + 1, end);
    case JsonKind.Number:
      return skipNumber(p, end);
    case JsonKind.True:
      return skipLiteral(p, end, "true");
    case JsonKind.False:
      return skipLiteral(p, end, "false");
    case JsonKind.Null:
      return skipLiteral(p, end, "null");
    case JsonKind.Object: {
      if (depth + 1 > maxDepth) return fail(JsonError.TooDeep, p);
      p = skipSpace(p + 1, end);
      if (p < end && load<u8>(p) == 0x7d) return p + 1;
      while (true) {
        if (p >= end) return fail(JsonError.Truncated, p);
        if (load<u8>(p) != 0x22) return fail(JsonError.UnexpectedByte, p);
        p = skipStringBody(p + 1, end);
        if (p == FAILED) return p;
        p = skipSpace(p, end);
        if (p >= end) return fail(JsonError.Truncated, p);
        if (load<u8>(p) != 0x3a) return fail(JsonError.UnexpectedByte, p);
        p = skipValue(skipSpace(p + 1, end), end, depth + 1, maxDepth);
        if (p == FAILED) return p;
        p = skipSpace(p, end);
        if (p >= end) return fail(JsonError.Truncated, p);
        const next = load<u8>(p);
        if (next == 0x7d) return p + 1;
        if (next != 0x2c) return fail(JsonError.UnexpectedByte, p);
        p = skipSpace(p + 1, end);
      }
    }
    case JsonKind.Array: {
      if (depth + 1 > maxDepth) return fail(JsonError.TooDeep, p);
      p = skipSpace(p + 1, end);
      if (p < end && load<u8>(p) == 0x5d) return p + 1;
      while (true) {
        p = skipValue(p, end, depth + 1, maxDepth);
        if (p == FAILED) return p;
        p = skipSpace(p, end);
        if (p >= end) return fail(JsonError.Truncated, p);
        const next = load<u8>(p);
        if (next == 0x5d) return p + 1;
        if (next != 0x2c) return fail(JsonError.UnexpectedByte, p);
        p = skipSpace(p + 1, end);
      }
    }
    default:
      return fail(JsonError.UnexpectedByte, p);
  }
}

// Checks that [start, end) is exactly one JSON value (with surrounding space) within the depth
// bound; returns its kind, or Missing with scanError set.
export function validateDocument(start: usize, end: usize, maxDepth: i32): JsonKind {
  scanError = JsonError.None;
  const p = skipSpace(start, end);
  if (p >= end) {
    fail(JsonError.Truncated, p);
    return JsonKind.Missing;
  }
  const kind = kindAt(<u32>load<u8>(p));
  const after = skipValue(p, end, 0, maxDepth);
  if (after == FAILED) return JsonKind.Missing;
  if (skipSpace(after, end) != end) {
    fail(JsonError.TrailingBytes, after);
    return JsonKind.Missing;
  }
  return kind;
}

// Compares a raw key (without quotes, possibly escaped) with an expected UTF-8 key.
function keyEquals(keyStart: usize, keyEnd: usize, escaped: bool, expected: ArrayBuffer): bool {
  return keyEqualsAt(keyStart, keyEnd, escaped, changetype<usize>(expected), <usize>expected.byteLength);
}

// keyEquals with the expected bytes as a raw range: no managed value, so no shadow-stack work
// in the loops that call it.
export function keyEqualsAt(keyStart: usize, keyEnd: usize, escaped: bool, expected: usize, length: usize): bool {
  if (!escaped) {
    if (keyEnd - keyStart != length) return false;
    return memory.compare(keyStart, expected, length) == 0;
  }
  const decoded = unescapeToUtf8(keyStart, keyEnd);
  return <usize>decoded.byteLength == length && memory.compare(changetype<usize>(decoded), expected, length) == 0;
}

// The elements of an array one at a time, without a path per element. Start with p at the
// array's '[' and pass back what each call returns; 0 when no element is left. For a document
// already known to be valid (its elements are not validated again).
export function nextElement(p: usize, end: usize, out: JsonSpan, maxDepth: i32): usize {
  out.reset();
  if (p >= end) return 0;
  const c = load<u8>(p);
  if (c != 0x5b && c != 0x2c) return 0;
  p = skipSpace(p + 1, end);
  if (p >= end || load<u8>(p) == 0x5d) return 0;
  const after = spanAt(p, end, 1, maxDepth, out);
  return after == FAILED ? 0 : skipSpace(after, end);
}

// The value at p (no leading space) into `out`: the position after it, or FAILED.
function spanAt(p: usize, end: usize, depth: i32, maxDepth: i32, out: JsonSpan): usize {
  const kind = kindAt(<u32>load<u8>(p));
  const after = skipValue(p, end, depth, maxDepth);
  if (after == FAILED || kind == JsonKind.Missing) return FAILED;
  out.kind = kind;
  if (kind == JsonKind.String) {
    // skipValue went through skipStringBody for this string: sawEscape is about it.
    out.escaped = sawEscape;
    out.start = p + 1;
    out.end = after - 1;
  } else {
    out.start = p;
    out.end = after;
  }
  return after;
}

// Finds the value at `path` (object keys as UTF-8 bytes, or array indices written in decimal)
// inside a document already known to be valid, writing it to `out`. Returns false when absent.
export function findPath(start: usize, end: usize, path: Array<ArrayBuffer>, out: JsonSpan, maxDepth: i32): bool {
  return findPathFrom(skipSpace(start, end), end, path, 0, out, maxDepth);
}

// findPath for the rest of a path: the value at p (no leading space) is the one path[level - 1]
// named, and the search goes on from path[level].
export function findPathFrom(
  p: usize,
  end: usize,
  path: Array<ArrayBuffer>,
  level: i32,
  out: JsonSpan,
  maxDepth: i32,
): bool {
  out.reset();
  scanError = JsonError.None;
  for (; level < path.length; level++) {
    if (p >= end) return false;
    const segment = path[level];
    const c = load<u8>(p);
    if (c == 0x7b) {
      p = skipSpace(p + 1, end);
      let found = false;
      while (p < end && load<u8>(p) == 0x22) {
        const keyStart = p + 1;
        const keyEnd = skipStringBody(keyStart, end);
        if (keyEnd == FAILED) return false;
        const escaped = sawEscape;
        p = skipSpace(skipSpace(keyEnd, end) + 1, end);
        if (keyEquals(keyStart, keyEnd - 1, escaped, segment)) {
          found = true;
          break;
        }
        p = skipValue(p, end, level + 1, maxDepth);
        if (p == FAILED) return false;
        p = skipSpace(p, end);
        if (p < end && load<u8>(p) == 0x2c) p = skipSpace(p + 1, end);
      }
      if (!found) return false;
    } else if (c == 0x5b) {
      const index = decimalIndex(segment);
      if (index < 0) return false;
      p = skipSpace(p + 1, end);
      if (p < end && load<u8>(p) == 0x5d) return false;
      p = skipElements(p, end, index, level + 1, maxDepth);
      if (p == FAILED) return false;
    } else {
      return false;
    }
  }
  if (p >= end) return false;
  if (spanAt(p, end, path.length, maxDepth, out) != FAILED) return true;
  out.reset();
  return false;
}

// From the first element of an array (p past "[" and its spaces), past `count` elements and their
// commas: the start of element `count`, or FAILED when the array is shorter or malformed.
export function skipElements(p: usize, end: usize, count: i32, depth: i32, maxDepth: i32): usize {
  for (let i = 0; i < count; i++) {
    p = skipValue(p, end, depth, maxDepth);
    if (p == FAILED) return FAILED;
    p = skipSpace(p, end);
    if (p >= end || load<u8>(p) != 0x2c) return FAILED;
    p = skipSpace(p + 1, end);
  }
  return p;
}

export function decimalIndex(segment: ArrayBuffer): i32 {
  const length = segment.byteLength;
  if (length == 0 || length > 9) return -1;
  const base = changetype<usize>(segment);
  if (length > 1 && load<u8>(base) == 0x30) return -1;
  let value = 0;
  for (let i = 0; i < length; i++) {
    const c = <u32>load<u8>(base + i);
    if (!isDigit(c)) return -1;
    value = value * 10 + <i32>(c - 0x30);
  }
  return value;
}

function hexValue(c: u32): u32 {
  if (c - 0x30 < 10) return c - 0x30;
  return (c | 0x20) - 0x61 + 10;
}

function readHex4(p: usize): u32 {
  return (
    (hexValue(<u32>load<u8>(p)) << 12) |
    (hexValue(<u32>load<u8>(p + 1)) << 8) |
    (hexValue(<u32>load<u8>(p + 2)) << 4) |
    hexValue(<u32>load<u8>(p + 3))
  );
}

// Decodes the escapes of a validated string body into UTF-8 bytes. Lone surrogates become U+FFFD.
export function unescapeToUtf8(start: usize, end: usize): ArrayBuffer {
  const out = new ArrayBuffer(<i32>(end - start));
  const base = changetype<usize>(out);
  let w: usize = 0;
  let p = start;
  while (p < end) {
    const c = <u32>load<u8>(p);
    if (c != 0x5c) {
      store<u8>(base + w++, <u8>c);
      p++;
      continue;
    }
    const e = <u32>load<u8>(p + 1);
    if (e != 0x75) {
      let b: u32 = e;
      if (e == 0x62) b = 0x08;
      else if (e == 0x66) b = 0x0c;
      else if (e == 0x6e) b = 0x0a;
      else if (e == 0x72) b = 0x0d;
      else if (e == 0x74) b = 0x09;
      store<u8>(base + w++, <u8>b);
      p += 2;
      continue;
    }
    let cp = readHex4(p + 2);
    p += 6;
    if (cp >= 0xd800 && cp < 0xdc00 && p + 6 <= end && load<u8>(p) == 0x5c && load<u8>(p + 1) == 0x75) {
      const low = readHex4(p + 2);
      if (low >= 0xdc00 && low < 0xe000) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        p += 6;
      }
    }
    if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
    // A \uXXXX escape is 6 bytes and its UTF-8 form at most 4 (a pair: 12 bytes for 4).
    if (cp < 0x80) {
      store<u8>(base + w++, <u8>cp);
    } else if (cp < 0x800) {
      store<u8>(base + w++, <u8>(0xc0 | (cp >> 6)));
      store<u8>(base + w++, <u8>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      store<u8>(base + w++, <u8>(0xe0 | (cp >> 12)));
      store<u8>(base + w++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
      store<u8>(base + w++, <u8>(0x80 | (cp & 0x3f)));
    } else {
      store<u8>(base + w++, <u8>(0xf0 | (cp >> 18)));
      store<u8>(base + w++, <u8>(0x80 | ((cp >> 12) & 0x3f)));
      store<u8>(base + w++, <u8>(0x80 | ((cp >> 6) & 0x3f)));
      store<u8>(base + w++, <u8>(0x80 | (cp & 0x3f)));
    }
  }
  return w == <usize>out.byteLength ? out : out.slice(0, <i32>w);
}

// The span's value as text: strings unescaped, other kinds as their JSON text.
export function spanText(span: JsonSpan): string {
  if (span.kind == JsonKind.String && span.escaped) {
    const bytes = unescapeToUtf8(span.start, span.end);
    return String.UTF8.decodeUnsafe(changetype<usize>(bytes), <usize>bytes.byteLength);
  }
  return String.UTF8.decodeUnsafe(span.start, span.end - span.start);
}
