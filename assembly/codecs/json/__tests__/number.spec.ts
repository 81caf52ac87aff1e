import { parseJsonNumber } from "../number";

function parse(text: string): f64 {
  const bytes = String.UTF8.encode(text);
  const start = changetype<usize>(bytes);
  return parseJsonNumber(start, start + <usize>bytes.byteLength);
}

function expectClose(actual: f64, expected: f64): void {
  expect(Math.abs(actual - expected) <= Math.abs(expected) * 1e-15).toBe(true);
}

describe("JSON numbers", () => {
  it("reads integers exactly, up to 2^53 and past it as doubles do", () => {
    expect(parse("0")).toBe(0);
    expect(parse("7")).toBe(7);
    expect(parse("-42")).toBe(-42);
    expect(parse("1700000000")).toBe(1700000000);
    expect(parse("9007199254740993")).toBe(9007199254740992);
  });

  it("reads fractions and exponents as strtod does inside the exact range", () => {
    expect(parse("0.1")).toBe(0.1);
    expect(parse("1.5")).toBe(1.5);
    expect(parse("1700000000.25")).toBe(1700000000.25);
    expect(parse("2.50")).toBe(2.5);
    expect(parse("1e3")).toBe(1000);
    expect(parse("1E+3")).toBe(1000);
    expect(parse("25e-2")).toBe(0.25);
    expect(parse("-0.000123")).toBe(-0.000123);
  });

  it("comes within a few units in the last place outside it", () => {
    expectClose(parse("123456789012345678901234"), 1.2345678901234568e23);
    expectClose(parse("1.7976931348623157e308"), 1.7976931348623157e308);
    expectClose(parse("0.1234567890123456789"), 0.1234567890123456789);
    expectClose(parse("6.02214076e-40"), 6.02214076e-40);
  });

  it("goes to 0 or Infinity past the range of a double", () => {
    expect(parse("1e400")).toBe(Infinity);
    expect(parse("-1e400")).toBe(-Infinity);
    expect(parse("1e-400")).toBe(0);
    expect(parse("1e999999999999")).toBe(Infinity);
    expect(parse("0e999")).toBe(0);
  });
});
