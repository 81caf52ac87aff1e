// The raw table MemberIndex keeps of a top-level object's members, one row per member, written by
// both validators (members.ts, plain.ts). Raw words, not managed objects: the loops that write
// and read them then carry no shadow-stack work.
export const ROW_BYTES: usize = 5 * sizeof<usize>();
const KEY_END: usize = sizeof<usize>();
const VALUE_START: usize = 2 * sizeof<usize>();
const VALUE_END: usize = 3 * sizeof<usize>();
const FLAGS: usize = 4 * sizeof<usize>();
const KEY_ESCAPED: usize = 1;
const VALUE_ESCAPED: usize = 2;


@inline function rowAt(table: usize, index: i32): usize {
  return table + <usize>index * ROW_BYTES;
}

// A member's key (between its quotes) and where its value starts; the value's end comes later.
@inline export function recordMember(
  table: usize,
  index: i32,
  keyStart: usize,
  keyEnd: usize,
  keyEscaped: bool,
  valueStart: usize,
): void {
  const row = rowAt(table, index);
  store<usize>(row, keyStart);
  store<usize>(row + KEY_END, keyEnd);
  store<usize>(row + VALUE_START, valueStart);
  store<usize>(row + VALUE_END, valueStart);
  store<usize>(row + FLAGS, keyEscaped ? KEY_ESCAPED : 0);
}

// The position after the member's value; `escaped` when that value is a string with a backslash.
@inline export function recordValueEnd(table: usize, index: i32, valueEnd: usize, valueEscaped: bool = false): void {
  const row = rowAt(table, index);
  store<usize>(row + VALUE_END, valueEnd);
  if (valueEscaped) store<usize>(row + FLAGS, load<usize>(row + FLAGS) | VALUE_ESCAPED);
}


@inline export function rowKeyStart(row: usize): usize {
  return load<usize>(row);
}


@inline export function rowKeyEnd(row: usize): usize {
  return load<usize>(row + KEY_END);
}


@inline export function rowKeyEscaped(row: usize): bool {
  return (load<usize>(row + FLAGS) & KEY_ESCAPED) != 0;
}


@inline export function rowValueStart(row: usize): usize {
  return load<usize>(row + VALUE_START);
}


@inline export function rowValueEnd(row: usize): usize {
  return load<usize>(row + VALUE_END);
}


@inline export function rowValueEscaped(row: usize): bool {
  return (load<usize>(row + FLAGS) & VALUE_ESCAPED) != 0;
}
