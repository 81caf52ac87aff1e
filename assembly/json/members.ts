// The members of a top-level JSON object, recorded while the object is validated. A token's
// claims are nearly all top-level names (tenant, sub, iss, exp, groups): with the index, each
// lookup compares a few keys instead of scanning the payload again from its start.
//
// The scanning functions work on a raw table (no managed values): AssemblyScript's incremental
// runtime spills every managed local to its shadow stack around each call, which in these
// per-byte and per-member loops cost more than the work itself.
import {
  FAILED,
  fail,
  findPath,
  findPathFrom,
  JsonError,
  JsonKind,
  JsonSpan,
  keyEqualsAt,
  lastStringEscaped,
  resetScanError,
  skipSpace,
  skipStringBody,
  skipValue,
  validateDocument,
} from "./scan";

// Members past this many are not recorded; lookups that miss the index then scan the document.
export const MAX_INDEXED_MEMBERS: i32 = 64;

// One table row per member: key start, key end, value start, key escaped (0 or 1).
const ROW_BYTES: usize = 4 * sizeof<usize>();
const KEY_END: usize = sizeof<usize>();
const VALUE_START: usize = 2 * sizeof<usize>();
const KEY_ESCAPED: usize = 3 * sizeof<usize>();

export class MemberIndex {
  count: i32 = 0;
  overflowed: bool = false;
  // The document: [start, end).
  start: usize = 0;
  end: usize = 0;
  private readonly table: ArrayBuffer = new ArrayBuffer(<i32>(ROW_BYTES * <usize>MAX_INDEXED_MEMBERS));

  // validateDocument for [start, end), recording the members when the value is an object (the
  // index is left empty and marked overflowed otherwise, so that lookups fall back to scanning).
  validate(start: usize, end: usize, maxDepth: i32): JsonKind {
    this.start = start;
    this.end = end;
    this.count = 0;
    this.overflowed = false;
    const p = skipSpace(start, end);
    if (p >= end || load<u8>(p) != 0x7b || maxDepth < 1) {
      this.overflowed = true;
      return validateDocument(start, end, maxDepth);
    }
    const members = indexMembers(p, end, maxDepth, changetype<usize>(this.table));
    if (members < 0) return JsonKind.Missing;
    this.count = min(members, MAX_INDEXED_MEMBERS);
    this.overflowed = members > MAX_INDEXED_MEMBERS;
    return JsonKind.Object;
  }

  // The value at `path`, as findPath finds it (the first of repeated names), but the first step
  // looked up in the index.
  find(path: Array<ArrayBuffer>, out: JsonSpan, maxDepth: i32): bool {
    if (path.length == 0) return findPath(this.start, this.end, path, out, maxDepth);
    const name = unchecked(path[0]);
    const row = findRow(changetype<usize>(this.table), this.count, changetype<usize>(name), <usize>name.byteLength);
    if (row != 0) return findPathFrom(load<usize>(row + VALUE_START), this.end, path, 1, out, maxDepth);
    if (this.overflowed) return findPath(this.start, this.end, path, out, maxDepth);
    out.reset();
    return false;
  }
}

// Validates the object at p (its '{') to the end of the document, recording up to
// MAX_INDEXED_MEMBERS rows in `table`. The member count (all of them, recorded or not), or -1
// when the document is not valid (scanError says why).
function indexMembers(p: usize, end: usize, maxDepth: i32, table: usize): i32 {
  resetScanError();
  let count = 0;
  p = skipSpace(p + 1, end);
  if (p < end && load<u8>(p) == 0x7d) return trailing(p + 1, end, 0);
  while (true) {
    if (p >= end) return invalid(JsonError.Truncated, p);
    if (load<u8>(p) != 0x22) return invalid(JsonError.UnexpectedByte, p);
    const keyStart = p + 1;
    p = skipStringBody(keyStart, end);
    if (p == FAILED) return -1;
    const escaped = lastStringEscaped();
    const keyEnd = p - 1;
    p = skipSpace(p, end);
    if (p >= end) return invalid(JsonError.Truncated, p);
    if (load<u8>(p) != 0x3a) return invalid(JsonError.UnexpectedByte, p);
    p = skipSpace(p + 1, end);
    const valueStart = p;
    p = skipValue(p, end, 1, maxDepth);
    if (p == FAILED) return -1;
    if (count < MAX_INDEXED_MEMBERS) {
      const row = table + <usize>count * ROW_BYTES;
      store<usize>(row, keyStart);
      store<usize>(row + KEY_END, keyEnd);
      store<usize>(row + VALUE_START, valueStart);
      store<usize>(row + KEY_ESCAPED, escaped ? 1 : 0);
    }
    count++;
    p = skipSpace(p, end);
    if (p >= end) return invalid(JsonError.Truncated, p);
    const next = load<u8>(p);
    if (next == 0x7d) return trailing(p + 1, end, count);
    if (next != 0x2c) return invalid(JsonError.UnexpectedByte, p);
    p = skipSpace(p + 1, end);
  }
}

// The first row whose key is the name, or 0.
function findRow(table: usize, count: i32, name: usize, nameLength: usize): usize {
  const stop = table + <usize>count * ROW_BYTES;
  for (let row = table; row < stop; row += ROW_BYTES) {
    const keyStart = load<usize>(row);
    const keyEnd = load<usize>(row + KEY_END);
    const escaped = load<usize>(row + KEY_ESCAPED) != 0;
    // Most keys differ in length from the name: no call for them.
    if (!escaped && keyEnd - keyStart != nameLength) continue;
    if (keyEqualsAt(keyStart, keyEnd, escaped, name, nameLength)) return row;
  }
  return 0;
}

function invalid(error: JsonError, at: usize): i32 {
  fail(error, at);
  return -1;
}

// An object that ends at p: only white space may follow it.
function trailing(p: usize, end: usize, count: i32): i32 {
  if (skipSpace(p, end) != end) return invalid(JsonError.TrailingBytes, p);
  return count;
}
