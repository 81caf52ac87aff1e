// Decimal text of integers and back. The standard library's toString takes a radix, so each use
// brings in its hexadecimal and any-radix formatters and about 1.4 KB of digit tables.

export function decimalText(value: i64): string {
  if (value == 0) return "0";
  const sign: i32 = value < 0 ? 1 : 0;
  // The magnitude as unsigned, which also holds the negation of i64.MIN_VALUE.
  let rest: u64 = sign ? 0 - <u64>value : <u64>value;
  let length = sign;
  for (let r = rest; r != 0; r /= 10) length++;
  const out = changetype<string>(__new((<usize>length) << 1, idof<string>()));
  const base = changetype<usize>(out);
  if (sign) store<u16>(base, 0x2d);
  for (let i = length - 1; i >= sign; i--) {
    store<u16>(base + ((<usize>i) << 1), <u16>(0x30 + <u32>(rest % 10)));
    rest /= 10;
  }
  return out;
}

// Two lower-case hexadecimal digits of a byte.
export function hexByteText(value: u32): string {
  const digits = "0123456789abcdef";
  return digits.charAt(<i32>((value >> 4) & 15)) + digits.charAt(<i32>(value & 15));
}

// The value of decimal digits already checked to be 1 to 9 of them.
export function parseDecimalDigits(text: string): i32 {
  let value: i32 = 0;
  for (let i = 0; i < text.length; i++) value = value * 10 + (text.charCodeAt(i) - 0x30);
  return value;
}
