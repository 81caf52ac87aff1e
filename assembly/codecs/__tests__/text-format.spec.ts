import { lowerAsciiCase, upperAsciiCase } from "../ascii-case";
import { decimalText, hexByteText, parseDecimalDigits } from "../decimal";

describe("decimal text", () => {
  it("formats integers as toString does, both ends of i64 included", () => {
    expect(decimalText(0)).toBe("0");
    expect(decimalText(7)).toBe("7");
    expect(decimalText(10)).toBe("10");
    expect(decimalText(-1)).toBe("-1");
    expect(decimalText(1048576)).toBe("1048576");
    expect(decimalText(i32.MIN_VALUE)).toBe("-2147483648");
    expect(decimalText(i64.MAX_VALUE)).toBe("9223372036854775807");
    expect(decimalText(i64.MIN_VALUE)).toBe("-9223372036854775808");
  });

  it("formats a byte as two lower-case hex digits", () => {
    expect(hexByteText(0)).toBe("00");
    expect(hexByteText(0x1f)).toBe("1f");
    expect(hexByteText(0xa0)).toBe("a0");
  });

  it("reads checked decimal digits", () => {
    expect(parseDecimalDigits("0")).toBe(0);
    expect(parseDecimalDigits("007")).toBe(7);
    expect(parseDecimalDigits("999999")).toBe(999999);
  });
});

describe("ASCII case", () => {
  it("maps A-Z and a-z only", () => {
    expect(lowerAsciiCase("X-Cart-ID@[`{")).toBe("x-cart-id@[`{");
    expect(upperAsciiCase("post@[`{")).toBe("POST@[`{");
    expect(lowerAsciiCase("")).toBe("");
  });

  it("leaves other characters as they are (the Kelvin sign is no k)", () => {
    expect(lowerAsciiCase("X-\u212Aey-Ä")).toBe("x-\u212Aey-Ä");
    expect(upperAsciiCase("é")).toBe("é");
  });
});
