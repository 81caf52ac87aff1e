// Case mapping of ASCII letters only, as HTTP compares header names, media types and methods.
// String#toLowerCase maps all of Unicode, which costs its tables (about 6 KB of module), and
// folds some other characters into ASCII letters (the Kelvin sign U+212A becomes "k").

// `first` is the first letter of the case to flip ("A" to lower, "a" to upper).
function flipAsciiCase(text: string, first: u32): string {
  const length = text.length;
  const out = changetype<string>(__new((<usize>length) << 1, idof<string>()));
  const source = changetype<usize>(text);
  const target = changetype<usize>(out);
  for (let i = 0; i < length; i++) {
    const offset = (<usize>i) << 1;
    const c = <u32>load<u16>(source + offset);
    store<u16>(target + offset, <u16>(c - first < 26 ? c ^ 0x20 : c));
  }
  return out;
}

export function lowerAsciiCase(text: string): string {
  return flipAsciiCase(text, 0x41);
}

export function upperAsciiCase(text: string): string {
  return flipAsciiCase(text, 0x61);
}
