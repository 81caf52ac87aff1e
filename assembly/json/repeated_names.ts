// Repeated member names. RFC 8259 §4 leaves an object with two members of one name open to any
// reading, and RFC 7519 §4 lets a token reader refuse it: readers that take the first and readers
// that take the last would otherwise disagree about one token. Documents here are already valid.
import { decimalIndex, FAILED, keyEqualsAt, lastStringEscaped, skipSpace, skipStringBody, skipValue, unescapeToUtf8 } from "./scan";
import { ROW_BYTES, rowKeyEnd, rowKeyEscaped, rowKeyStart } from "./member_rows";

// Whether two of the `count` rows of a member table share a name (escapes decoded).
export function rowsRepeatName(table: usize, count: i32): bool {
  for (let i = 1; i < count; i++) {
    const row = table + <usize>i * ROW_BYTES;
    const start = rowKeyStart(row);
    const length = rowKeyEnd(row) - start;
    const escaped = rowKeyEscaped(row);
    for (let j = 0; j < i; j++) {
      const other = table + <usize>j * ROW_BYTES;
      const otherStart = rowKeyStart(other);
      const otherEscaped = rowKeyEscaped(other);
      // Plain keys of different lengths differ: no call for them.
      if (!escaped && !otherEscaped && rowKeyEnd(other) - otherStart != length) continue;
      if (sameName(start, start + length, escaped, otherStart, rowKeyEnd(other), otherEscaped)) return true;
    }
  }
  return false;
}

function sameName(start: usize, end: usize, escaped: bool, otherStart: usize, otherEnd: usize, otherEscaped: bool): bool {
  if (!escaped) return keyEqualsAt(otherStart, otherEnd, otherEscaped, start, end - start);
  const decoded = unescapeToUtf8(start, end);
  return keyEqualsAt(otherStart, otherEnd, otherEscaped, changetype<usize>(decoded), <usize>decoded.byteLength);
}

// Whether the object at p (its '{') has two members of one name; for objects with more members
// than a table holds (rare: a set of names instead of pairwise comparison).
export function objectRepeatsName(p: usize, end: usize, maxDepth: i32): bool {
  const seen = new Set<string>();
  p = skipSpace(p + 1, end);
  while (p < end && load<u8>(p) == 0x22) {
    const keyStart = p + 1;
    p = skipStringBody(keyStart, end);
    if (p == FAILED) return false;
    const name = lastStringEscaped() ? String.UTF8.decode(unescapeToUtf8(keyStart, p - 1)) : String.UTF8.decodeUnsafe(keyStart, p - 1 - keyStart);
    if (seen.has(name)) return true;
    seen.add(name);
    p = skipValue(skipSpace(skipSpace(p, end) + 1, end), end, 1, maxDepth);
    if (p == FAILED) return false;
    p = skipSpace(p, end);
    if (p < end && load<u8>(p) == 0x2c) p = skipSpace(p + 1, end);
  }
  return false;
}

// Whether an object met on the way from the value at p down `path` (from segment `level` on)
// has more than one member with the name the path takes there.
export function pathRepeatsName(p: usize, end: usize, path: Array<ArrayBuffer>, level: i32, maxDepth: i32): bool {
  for (; level < path.length; level++) {
    if (p >= end) return false;
    const segment = path[level];
    const name = changetype<usize>(segment);
    const nameLength = <usize>segment.byteLength;
    const c = load<u8>(p);
    if (c == 0x7b) {
      let next: usize = 0;
      p = skipSpace(p + 1, end);
      while (p < end && load<u8>(p) == 0x22) {
        const keyStart = p + 1;
        p = skipStringBody(keyStart, end);
        if (p == FAILED) return false;
        const matches = keyEqualsAt(keyStart, p - 1, lastStringEscaped(), name, nameLength);
        p = skipSpace(skipSpace(p, end) + 1, end);
        if (matches) {
          if (next != 0) return true;
          next = p;
        }
        p = skipValue(p, end, level + 1, maxDepth);
        if (p == FAILED) return false;
        p = skipSpace(p, end);
        if (p < end && load<u8>(p) == 0x2c) p = skipSpace(p + 1, end);
      }
      if (next == 0) return false;
      p = next;
    } else if (c == 0x5b) {
      const index = decimalIndex(segment);
      if (index < 0) return false;
      p = skipSpace(p + 1, end);
      for (let i = 0; i < index; i++) {
        p = skipValue(p, end, level + 1, maxDepth);
        if (p == FAILED) return false;
        p = skipSpace(p, end);
        if (p >= end || load<u8>(p) != 0x2c) return false;
        p = skipSpace(p + 1, end);
      }
    } else {
      return false;
    }
  }
  return false;
}
