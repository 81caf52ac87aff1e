import { decimalText, hexByteText, parseDecimalDigits } from "../decimal";
// An allow-pattern of the form ^[characters]{min,max}$ (also {n}, {n,}, +, * and ?): a set of
// visible ASCII bytes and a length range, checked in one pass with no backtracking. Inside the
// class, escapes mean what they mean in a regular expression (\w, \d, an escaped metacharacter);
// every other escape, and anything that would let a byte outside 0x20..0x7E through, is refused
// at configure with an error that names it.

// Longest pattern source accepted: a configuration typo, not a character set, beyond this.
export const MAX_PATTERN_SOURCE = 1024;

export class CharsetPattern {
  // One bit per ASCII byte; bytes >= 0x80 are never allowed.
  private low: u64 = 0;
  private high: u64 = 0;
  minLength: i32 = 1;
  maxLength: i32 = i32.MAX_VALUE;
  source: string = "";

  allow(c: u32): void {
    if (c < 64) this.low |= (<u64>1) << c;
    else this.high |= (<u64>1) << (c - 64);
  }


  @inline allows(c: u32): bool {
    if (c < 64) return ((this.low >> c) & 1) != 0;
    if (c < 128) return ((this.high >> (c - 64)) & 1) != 0;
    return false;
  }

  // True when "" matches: a plugin must refuse such a pattern for a header it writes.
  get allowsEmpty(): bool {
    return this.minLength == 0;
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

// The parsed pattern, or null and the reason it was refused.
export class CharsetPatternResult {
  constructor(
    public pattern: CharsetPattern | null,
    public error: string,
  ) {}
}

const LIST_ALLOWED = "; list the allowed characters instead";
const FORM = "expected a pattern of the form ^[characters]{min,max}$ (or {n}, {n,}, +, *, ?)";
// Escapes that stand for their character, as in a regular expression with the u flag.
const LITERAL_ESCAPES = "-]\\.^$*+?()[{}|/";
// readClassItem's result for the class escapes \w and \d (not a byte).
const CLASS_WORD: i32 = -2;
const CLASS_DIGIT: i32 = -3;

// Parses the pattern; the error names what is wrong (an escape, a range, the length...).
export function compileCharsetPattern(source: string): CharsetPatternResult {
  if (source.length > MAX_PATTERN_SOURCE)
    return refused(
      "a pattern is at most " + decimalText(MAX_PATTERN_SOURCE) + " characters, got " + decimalText(source.length),
    );
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c > 0x7e)
      return refused('a pattern is ASCII only, got "' + source.charAt(i) + '" at character ' + decimalText(i));
    if (c < 0x20)
      return refused(
        "a pattern holds visible ASCII and space only, got the control character 0x" +
          hexByteText(c) +
          " at character " +
          decimalText(i),
      );
  }
  const n = source.length;
  if (n < 5 || source.charAt(0) != "^" || source.charAt(1) != "[" || source.charAt(n - 1) != "$") return refused(FORM);
  if (source.charAt(2) == "^")
    return refused("a negated class [^...] allows bytes outside visible ASCII" + LIST_ALLOWED);
  if (source.charAt(2) == "]") return refused("an empty class [] matches nothing; write \\] for a literal ]");
  const pattern = new CharsetPattern();
  pattern.source = source;
  let i = 2;
  while (i < n && source.charAt(i) != "]") {
    const itemStart = i;
    const start = readClassItem(source, i);
    if (start.error != "") return refused(start.error);
    i = start.next;
    // A '-' between two items is a range; before ']' or after a class escape it is itself.
    if (i + 1 < n && source.charAt(i) == "-" && source.charAt(i + 1) != "]") {
      const end = readClassItem(source, i + 1);
      if (end.error != "") return refused(end.error);
      if (start.value < 0 || end.value < 0)
        return refused(
          "a range cannot start or end at a class escape (\\w, \\d): " +
            source.substring(itemStart, end.next) +
            "; escape the - as \\-",
        );
      if (end.value < start.value)
        return refused("the range " + source.substring(itemStart, end.next) + " is out of order");
      for (let x = start.value; x <= end.value; x++) pattern.allow(<u32>x);
      i = end.next;
    } else {
      allowItem(pattern, start.value);
    }
  }
  if (i >= n) return refused("the class is not closed: expected ]");
  i++;
  const quantifier = source.substring(i, n - 1);
  if (quantifier == "") {
    pattern.minLength = 1;
    pattern.maxLength = 1;
  } else if (quantifier == "+") {
    pattern.minLength = 1;
  } else if (quantifier == "*") {
    pattern.minLength = 0;
  } else if (quantifier == "?") {
    pattern.minLength = 0;
    pattern.maxLength = 1;
  } else {
    if (quantifier.charAt(0) != "{" || quantifier.charAt(quantifier.length - 1) != "}")
      return refused(FORM + ', got "' + quantifier + '" after the class');
    const inner = quantifier.substring(1, quantifier.length - 1);
    const comma = inner.indexOf(",");
    const minText = comma < 0 ? inner : inner.substring(0, comma);
    const maxText = comma < 0 ? inner : inner.substring(comma + 1);
    if (!isDecimal(minText) || (maxText.length > 0 && !isDecimal(maxText)))
      return refused('expected {min,max} with whole numbers of up to 6 digits, got "' + quantifier + '"');
    pattern.minLength = parseDecimalDigits(minText);
    pattern.maxLength = maxText.length == 0 ? i32.MAX_VALUE : parseDecimalDigits(maxText);
    if (pattern.maxLength < pattern.minLength)
      return refused('the maximum length is below the minimum in "' + quantifier + '"');
  }
  return new CharsetPatternResult(pattern, "");
}

class ClassItem {
  value: i32 = 0;
  next: i32 = 0;
  error: string = "";
}

// One character of the class, an escaped metacharacter, or \w / \d (a negative value).
function readClassItem(source: string, i: i32): ClassItem {
  const item = new ClassItem();
  if (i >= source.length) {
    item.error = "the class is not closed: expected ]";
    return item;
  }
  const c = source.charCodeAt(i);
  if (c != 0x5c) {
    item.value = c;
    item.next = i + 1;
    return item;
  }
  item.next = i + 2;
  if (i + 1 >= source.length - 1) {
    item.error = "the pattern ends inside an escape";
    return item;
  }
  const e = source.charAt(i + 1);
  if (e == "w") item.value = CLASS_WORD;
  else if (e == "d") item.value = CLASS_DIGIT;
  else if (LITERAL_ESCAPES.includes(e)) item.value = source.charCodeAt(i + 1);
  else if (e == "s" || e == "S" || e == "W" || e == "D")
    item.error =
      "the escape \\" + e + " allows controls or bytes outside ASCII, which a header value cannot hold" + LIST_ALLOWED;
  else if ("tnrfv0bcxu".includes(e)) item.error = "the escape \\" + e + " stands for a byte a header value cannot hold";
  else
    item.error =
      "the escape \\" +
      e +
      " is not supported: inside a class only \\w, \\d and an escaped " +
      LITERAL_ESCAPES +
      " are";
  return item;
}

function allowItem(pattern: CharsetPattern, value: i32): void {
  if (value == CLASS_WORD) {
    allowRange(pattern, 0x30, 0x39);
    allowRange(pattern, 0x41, 0x5a);
    allowRange(pattern, 0x61, 0x7a);
    pattern.allow(0x5f);
  } else if (value == CLASS_DIGIT) {
    allowRange(pattern, 0x30, 0x39);
  } else {
    pattern.allow(<u32>value);
  }
}

function allowRange(pattern: CharsetPattern, from: u32, to: u32): void {
  for (let c = from; c <= to; c++) pattern.allow(c);
}

function isDecimal(text: string): bool {
  if (text.length == 0 || text.length > 6) return false;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x30 || text.charCodeAt(i) > 0x39) return false;
  return true;
}

function refused(error: string): CharsetPatternResult {
  return new CharsetPatternResult(null, error);
}
