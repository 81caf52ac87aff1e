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
  kindAt,
  lastStringEscaped,
  resetScanError,
  skipSpace,
  skipStringBody,
  skipValue,
  validateDocument,
} from "./scan";
import { DEFERRED, indexPlainDocument } from "./plain";
import { objectRepeatsName, pathRepeatsName, rowsRepeatName } from "./repeated-names";
import {
  recordMember,
  recordValueEnd,
  ROW_BYTES,
  rowKeyEnd,
  rowKeyEscaped,
  rowKeyStart,
  rowValueEnd,
  rowValueEscaped,
  rowValueStart,
} from "./member-rows";

// Members past this many are not recorded; lookups that miss the index then scan the document.
export const MAX_INDEXED_MEMBERS: i32 = 64;

export class MemberIndex {
  count: i32 = 0;
  overflowed: bool = false;
  // The document: [start, end).
  start: usize = 0;
  end: usize = 0;
  // The depth bound the document was validated with: a lookup under the same bound can take a
  // recorded value's span as it is.
  maxDepth: i32 = 0;
  private readonly table: ArrayBuffer = new ArrayBuffer(<i32>(ROW_BYTES * <usize>MAX_INDEXED_MEMBERS));

  // validateDocument for [start, end), recording the members when the value is an object (the
  // index is left empty and marked overflowed otherwise, so that lookups fall back to scanning).
  validate(start: usize, end: usize, maxDepth: i32): JsonKind {
    this.start = start;
    this.end = end;
    this.count = 0;
    this.overflowed = false;
    this.maxDepth = maxDepth;
    const p = skipSpace(start, end);
    if (p >= end || load<u8>(p) != 0x7b || maxDepth < 1) {
      this.overflowed = true;
      return validateDocument(start, end, maxDepth);
    }
    const table = changetype<usize>(this.table);
    let members = indexPlainDocument(p, end, maxDepth, table, MAX_INDEXED_MEMBERS);
    if (members == DEFERRED) members = indexMembers(p, end, maxDepth, table);
    if (members < 0) return JsonKind.Missing;
    this.count = min(members, MAX_INDEXED_MEMBERS);
    this.overflowed = members > MAX_INDEXED_MEMBERS;
    return JsonKind.Object;
  }

  // The value at `path`, as findPath finds it (the first of repeated names), but the first step
  // looked up in the index.
  find(path: Array<ArrayBuffer>, out: JsonSpan, maxDepth: i32): bool {
    // Raw reads of the path's length and first name: Array#length is a call under this runtime.
    const segments = load<i32>(changetype<usize>(path), offsetof<Array<ArrayBuffer>>("length_"));
    if (segments == 0) return findPath(this.start, this.end, path, out, maxDepth);
    const name = load<usize>(load<usize>(changetype<usize>(path), offsetof<Array<ArrayBuffer>>("dataStart")));
    const row = findRow(
      changetype<usize>(this.table),
      this.count,
      name,
      <usize>changetype<ArrayBuffer>(name).byteLength,
    );
    if (row != 0) {
      // A one-name path under the validation's own bound: the recorded span is the answer.
      if (segments == 1 && maxDepth >= this.maxDepth) return spanOfRow(row, out);
      return findPathFrom(rowValueStart(row), this.end, path, 1, out, maxDepth);
    }
    if (this.overflowed) return findPath(this.start, this.end, path, out, maxDepth);
    out.reset();
    return false;
  }

  // Whether two top-level members of the validated object share a name: the recorded rows are
  // compared (a few keys, most of them told apart by their length), the document only when the
  // object had more members than the table holds.
  hasRepeatedName(): bool {
    if (this.overflowed) return objectRepeatsName(skipSpace(this.start, this.end), this.end, this.maxDepth);
    return rowsRepeatName(changetype<usize>(this.table), this.count);
  }

  // Whether an object below the top level on the way down `path` repeats the name the path takes
  // there (the top level is hasRepeatedName's).
  repeatsOnPath(path: Array<ArrayBuffer>, maxDepth: i32): bool {
    if (path.length < 2) return false;
    const name = path[0];
    const row = findRow(changetype<usize>(this.table), this.count, changetype<usize>(name), <usize>name.byteLength);
    if (row != 0) return pathRepeatsName(rowValueStart(row), this.end, path, 1, maxDepth);
    if (!this.overflowed || !findPath(this.start, this.end, [name], topValue, maxDepth)) return false;
    // findPath's span of a string or number starts at the value; containers start at their bracket.
    return pathRepeatsName(
      topValue.kind == JsonKind.String ? topValue.start - 1 : topValue.start,
      this.end,
      path,
      1,
      maxDepth,
    );
  }
}

const topValue = new JsonSpan();

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
      recordMember(table, count, keyStart, keyEnd, escaped, valueStart);
      // skipValue went through skipStringBody last when the value is a string.
      recordValueEnd(table, count, p, load<u8>(valueStart) == 0x22 && lastStringEscaped());
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
    const keyStart = rowKeyStart(row);
    const keyEnd = rowKeyEnd(row);
    const escaped = rowKeyEscaped(row);
    // Most keys differ in length from the name: no call for them.
    if (!escaped && keyEnd - keyStart != nameLength) continue;
    if (keyEqualsAt(keyStart, keyEnd, escaped, name, nameLength)) return row;
  }
  return 0;
}

// The span spanAt would give for the row's value, without scanning it again.
function spanOfRow(row: usize, out: JsonSpan): bool {
  const start = rowValueStart(row);
  const kind = kindAt(<u32>load<u8>(start));
  out.kind = kind;
  if (kind == JsonKind.String) {
    out.escaped = rowValueEscaped(row);
    out.start = start + 1;
    out.end = rowValueEnd(row) - 1;
  } else {
    out.escaped = false;
    out.start = start;
    out.end = rowValueEnd(row);
  }
  return true;
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
