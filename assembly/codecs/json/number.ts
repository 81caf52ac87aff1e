// The value of a JSON number whose grammar was already checked, without the standard library's
// strtod (about 2 KB of code and tables in each module). Exact, as strtod is, when its digits make
// an integer below 2^53 and its decimal exponent is within ±22: every power of ten up to 1e22 is
// exact in an f64, so one multiplication or division rounds once. Beyond that (more than 15
// significant digits, or magnitudes past 1e±22) the value is within a few units in the last
// place. The numbers read here are configuration integers and token dates, well inside.

const MAX_EXACT_MANTISSA: u64 = 1 << 53;
const MAX_EXACT_POWER: i32 = 22;

export function parseJsonNumber(start: usize, end: usize): f64 {
  let p = start;
  const negative = p < end && load<u8>(p) == 0x2d;
  if (negative) p++;
  let mantissa: u64 = 0;
  let digits = 0;
  let exponent: i32 = 0;
  // Digits past the 19th no longer fit the mantissa: those of the integer part scale it instead.
  for (; p < end && digitAt(p) < 10; p++) {
    if (digits < 19) {
      mantissa = mantissa * 10 + <u64>digitAt(p);
      if (mantissa != 0) digits++;
    } else exponent++;
  }
  if (p < end && load<u8>(p) == 0x2e) {
    for (p++; p < end && digitAt(p) < 10; p++) {
      if (digits >= 19) continue;
      mantissa = mantissa * 10 + <u64>digitAt(p);
      if (mantissa != 0) digits++;
      exponent--;
    }
  }
  if (p < end && (load<u8>(p) | 0x20) == 0x65) {
    p++;
    const negativeExponent = p < end && load<u8>(p) == 0x2d;
    if (p < end && (load<u8>(p) == 0x2d || load<u8>(p) == 0x2b)) p++;
    let written: i32 = 0;
    // Past 100,000 the value is 0 or infinite whatever the digits.
    for (; p < end && digitAt(p) < 10; p++) if (written < 100000) written = written * 10 + <i32>digitAt(p);
    exponent += negativeExponent ? -written : written;
  }
  let value = <f64>mantissa;
  if (mantissa != 0) value = scaleByPowerOfTen(value, exponent, mantissa <= MAX_EXACT_MANTISSA);
  return negative ? -value : value;
}

// The digit at p, or 10 and above for any other byte.
@inline function digitAt(p: usize): u32 {
  return <u32>load<u8>(p) - 0x30;
}

function scaleByPowerOfTen(value: f64, exponent: i32, exact: bool): f64 {
  if (exact && exponent >= -MAX_EXACT_POWER && exponent <= MAX_EXACT_POWER)
    return exponent >= 0 ? value * powerOfTen(exponent) : value / powerOfTen(-exponent);
  while (exponent > MAX_EXACT_POWER && value != Infinity) {
    value *= 1e22;
    exponent -= MAX_EXACT_POWER;
  }
  while (exponent < -MAX_EXACT_POWER && value != 0) {
    value /= 1e22;
    exponent += MAX_EXACT_POWER;
  }
  return exponent >= 0 ? value * powerOfTen(exponent) : value / powerOfTen(-exponent);
}

// 10^n for n in 0..22, exact: each product stays below 2^53 times a power of two.
function powerOfTen(n: i32): f64 {
  let power: f64 = 1;
  for (let i = 0; i < n; i++) power *= 10;
  return power;
}
