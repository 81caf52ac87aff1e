// Repeated member names. RFC 8259 §4 leaves an object with two members of one name open to any
// reading, and RFC 7519 §4 lets a token reader refuse it: readers that take the first and readers
// that take the last would otherwise disagree about one token. Documents here are already valid.
import {
  decimalIndex,
  FAILED,
  keyEqualsAt,
  lastStringEscaped,
  skipElements,
  skipSpace,
  skipStringBody,
  skipValue,
  unescapeToUtf8,
} from "./scan";
import { ROW_BYTES, rowKeyEnd, rowKeyEscaped, rowKeyStart } from "./member-rows";

// Whether two of the `count` rows of a member table share a name (escapes decoded). Each plain
// key marks one of 256 buckets by its length, first and last byte; only a key whose bucket is
// already marked is compared with the keys before it, so distinct names cost one pass.
export function rowsRepeatName(table: usize, count: i32): bool {
  let seen0: u64 = 0;
  let seen1: u64 = 0;
  let seen2: u64 = 0;
  let seen3: u64 = 0;
  for (let i = 0; i < count; i++) {
    const row = table + <usize>i * ROW_BYTES;
    // Identity providers do not escape claim names: a table with an escaped key is compared pair by pair.
    if (rowKeyEscaped(row)) return anyPairRepeats(table, count);
    const bucket = keyBucket(rowKeyStart(row), rowKeyEnd(row));
    const shift = <u64>(bucket & 63);
    const bit = (<u64>1) << shift;
    const word = bucket >> 6;
    const seen = word == 0 ? seen0 : word == 1 ? seen1 : word == 2 ? seen2 : seen3;
    if ((seen & bit) != 0 && repeatsEarlier(table, i)) return true;
    if (word == 0) seen0 |= bit;
    else if (word == 1) seen1 |= bit;
    else if (word == 2) seen2 |= bit;
    else seen3 |= bit;
  }
  return false;
}


@inline function keyBucket(start: usize, end: usize): u32 {
  const length = <u32>(end - start);
  if (length == 0) return 0;
  const h = (length * 0x9e3779b1) ^ (<u32>load<u8>(start) * 0x01000193) ^ ((<u32>load<u8>(end - 1)) << 16);
  return (h * 0x85ebca6b) >> 24;
}

// Whether row i's plain key equals the key of an earlier row.
function repeatsEarlier(table: usize, i: i32): bool {
  const row = table + <usize>i * ROW_BYTES;
  const start = rowKeyStart(row);
  const length = rowKeyEnd(row) - start;
  for (let j = 0; j < i; j++) {
    const other = table + <usize>j * ROW_BYTES;
    const otherStart = rowKeyStart(other);
    if (rowKeyEnd(other) - otherStart != length) continue;
    if (keyEqualsAt(otherStart, rowKeyEnd(other), rowKeyEscaped(other), start, length)) return true;
  }
  return false;
}

function anyPairRepeats(table: usize, count: i32): bool {
  for (let i = 1; i < count; i++) {
    const row = table + <usize>i * ROW_BYTES;
    for (let j = 0; j < i; j++) {
      const other = table + <usize>j * ROW_BYTES;
      if (
        sameName(
          rowKeyStart(row),
          rowKeyEnd(row),
          rowKeyEscaped(row),
          rowKeyStart(other),
          rowKeyEnd(other),
          rowKeyEscaped(other),
        )
      )
        return true;
    }
  }
  return false;
}

function sameName(
  start: usize,
  end: usize,
  escaped: bool,
  otherStart: usize,
  otherEnd: usize,
  otherEscaped: bool,
): bool {
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
    const name = lastStringEscaped()
      ? String.UTF8.decode(unescapeToUtf8(keyStart, p - 1))
      : String.UTF8.decodeUnsafe(keyStart, p - 1 - keyStart);
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
      p = skipElements(skipSpace(p + 1, end), end, index, level + 1, maxDepth);
      if (p == FAILED) return false;
    } else {
      return false;
    }
  }
  return false;
}
