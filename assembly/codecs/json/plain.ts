// A fast path for the JSON that identity providers put in tokens: no backslash and no control
// byte anywhere. Without escapes the first quote after an opening quote closes the string, so a
// string is skipped 16 bytes at a time without reading its content, and the grammar is walked
// in one loop with an explicit stack instead of one call per value.
//
// It answers only for documents the full validator (scan.ts) accepts, and records the same
// members. Everything else, every invalid document included, is DEFERRED to the full validator,
// which then says what is wrong: the fast path never has to explain an error.
import { FAILED, resetScanError, skipNumber } from "./scan";
import { recordMember, recordValueEnd } from "./member-rows";

export const DEFERRED: i32 = -2;

// Containers are tracked as bits of a u64, one per open level.
const MAX_PLAIN_DEPTH: i32 = 63;

// Whether [start, end) holds a backslash or a byte below 0x20 (which includes \t \n \r).
function hasEscapeOrControl(start: usize, end: usize): bool {
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  let seen = i8x16.splat(0);
  let p = start;
  while (p + 16 <= end) {
    const chunk = v128.load(p);
    seen = v128.or(seen, v128.or(i8x16.eq(chunk, backslash), i8x16.lt_u(chunk, space)));
    p += 16;
  }
  if (v128.any_true(seen)) return true;
  for (; p < end; p++) {
    const c = load<u8>(p);
    if (c == 0x5c || c < 0x20) return true;
  }
  return false;
}

// The first quote in [p, end), or 0 when there is none.
@inline function nextQuote(p: usize, end: usize, quote: v128): usize {
  while (p + 16 <= end) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(p), quote));
    if (mask != 0) return p + <usize>ctz(mask);
    p += 16;
  }
  for (; p < end; p++) if (load<u8>(p) == 0x22) return p;
  return 0;
}


@inline function skipSpaces(p: usize, end: usize): usize {
  while (p < end && load<u8>(p) == 0x20) p++;
  return p;
}

// What the walk expects next.
const KEY_OR_CLOSE: i32 = 0;
const KEY: i32 = 1;
const VALUE_OR_CLOSE: i32 = 2;
const VALUE: i32 = 3;
const AFTER_VALUE: i32 = 4;

// The fast path for the object at p (its '{') to `end`: its top-level members recorded in `table`
// (at most maxRows) as the full validator records them, and their count; or DEFERRED when the
// document holds an escape or a control byte, or is not valid. scanError is clear when it answers.
export function indexPlainDocument(p: usize, end: usize, maxDepth: i32, table: usize, maxRows: i32): i32 {
  if (hasEscapeOrControl(p, end)) return DEFERRED;
  const members = indexPlainObject(p, end, maxDepth, table, maxRows);
  if (members != DEFERRED) resetScanError();
  return members;
}

// Validates the object at `start` (its '{') to `end`, which holds no escape or control byte,
// recording the top-level members in `table`. The member count, or DEFERRED.
function indexPlainObject(start: usize, end: usize, maxDepth: i32, table: usize, maxRows: i32): i32 {
  if (maxDepth > MAX_PLAIN_DEPTH) return DEFERRED;
  const quote = i8x16.splat(0x22);
  let p = start + 1;
  let depth: i32 = 1;
  // Bit d set: the container at depth d + 1 is an array.
  let arrays: u64 = 0;
  let count: i32 = 0;
  let state = KEY_OR_CLOSE;
  while (true) {
    p = skipSpaces(p, end);
    if (p >= end) return DEFERRED;
    const c = <u32>load<u8>(p);
    if (state == AFTER_VALUE) {
      const inArray = (arrays >> (<u64>(depth - 1))) & 1;
      if (c == 0x2c) {
        p++;
        state = inArray != 0 ? VALUE : KEY;
        continue;
      }
      if (c != (inArray != 0 ? <u32>0x5d : <u32>0x7d)) return DEFERRED;
      p++;
      depth--;
      if (depth == 0) return skipSpaces(p, end) == end ? count : DEFERRED;
      // A container that was a top-level member's value has just closed.
      if (depth == 1 && count <= maxRows) recordValueEnd(table, count - 1, p);
      continue;
    }
    if (state <= KEY) {
      if (c == 0x7d && state == KEY_OR_CLOSE) {
        state = AFTER_VALUE;
        continue;
      }
      if (c != 0x22) return DEFERRED;
      const keyStart = p + 1;
      const keyEnd = nextQuote(keyStart, end, quote);
      if (keyEnd == 0) return DEFERRED;
      p = skipSpaces(keyEnd + 1, end);
      if (p >= end || load<u8>(p) != 0x3a) return DEFERRED;
      p = skipSpaces(p + 1, end);
      if (depth == 1) {
        if (count < maxRows) recordMember(table, count, keyStart, keyEnd, false, p);
        count++;
      }
      state = VALUE;
      continue;
    }
    // A value.
    if (c == 0x5d && state == VALUE_OR_CLOSE) {
      state = AFTER_VALUE;
      continue;
    }
    if (c == 0x7b || c == 0x5b) {
      if (depth + 1 > maxDepth) return DEFERRED;
      if (c == 0x5b) {
        arrays |= (<u64>1) << (<u64>depth);
        state = VALUE_OR_CLOSE;
      } else {
        arrays &= ~((<u64>1) << (<u64>depth));
        state = KEY_OR_CLOSE;
      }
      depth++;
      p++;
      continue;
    }
    if (c == 0x22) {
      const close = nextQuote(p + 1, end, quote);
      if (close == 0) return DEFERRED;
      p = close + 1;
    } else if (c == 0x74) {
      if (p + 4 > end || load<u32>(p) != 0x65757274) return DEFERRED;
      p += 4;
    } else if (c == 0x6e) {
      if (p + 4 > end || load<u32>(p) != 0x6c6c756e) return DEFERRED;
      p += 4;
    } else if (c == 0x66) {
      if (p + 5 > end || load<u32>(p) != 0x736c6166 || load<u8>(p + 4) != 0x65) return DEFERRED;
      p += 5;
    } else {
      p = skipNumber(p, end);
      if (p == FAILED) return DEFERRED;
    }
    if (depth == 1 && count <= maxRows) recordValueEnd(table, count - 1, p);
    state = AFTER_VALUE;
  }
  return DEFERRED;
}
