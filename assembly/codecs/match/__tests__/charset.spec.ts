import { compileCharsetPattern } from "../charset";

function accepts(source: string, value: string): bool {
  const result = compileCharsetPattern(source);
  if (result.pattern === null) throw new Error("refused " + source + ": " + result.error);
  return result.pattern!.matchesString(value);
}

function refusal(source: string): string {
  const result = compileCharsetPattern(source);
  return result.pattern === null ? result.error : "";
}

describe("class escapes as regular expressions read them", () => {
  it("reads \\w as [A-Za-z0-9_], not the letter w", () => {
    expect(accepts("^[\\w-]{1,64}$", "acme")).toBe(true);
    expect(accepts("^[\\w-]{1,64}$", "Acme_42-x")).toBe(true);
    expect(accepts("^[\\w-]{1,64}$", "acme.io")).toBe(false);
    expect(accepts("^[\\w]+$", "w")).toBe(true);
  });

  it("reads \\d as [0-9]", () => {
    expect(accepts("^[\\d]{3}$", "042")).toBe(true);
    expect(accepts("^[\\d]{3}$", "d42")).toBe(false);
  });

  it("reads escaped metacharacters as themselves", () => {
    expect(accepts("^[\\-\\]\\\\\\.]+$", "-]\\.")).toBe(true);
    expect(accepts("^[\\-\\]\\\\\\.]+$", "a")).toBe(false);
    expect(accepts("^[a\\-z]+$", "-")).toBe(true);
    expect(accepts("^[a\\-z]+$", "b")).toBe(false);
  });

  it("keeps a - before ] or after a class escape literal", () => {
    expect(accepts("^[a-]+$", "a-")).toBe(true);
    expect(accepts("^[-a]+$", "-a")).toBe(true);
    expect(accepts("^[a-c-e]+$", "ace-")).toBe(true);
    expect(accepts("^[a-c-e]+$", "d")).toBe(false);
  });
});

describe("lengths", () => {
  it("reads {n}, {n,}, {n,m}, +, * and ?", () => {
    expect(accepts("^[a]{2}$", "aa")).toBe(true);
    expect(accepts("^[a]{2}$", "aaa")).toBe(false);
    expect(accepts("^[a]{2,}$", "aaaaaaaa")).toBe(true);
    expect(accepts("^[a]{2,}$", "a")).toBe(false);
    expect(accepts("^[a]?$", "")).toBe(true);
    expect(accepts("^[a]?$", "aa")).toBe(false);
    expect(accepts("^[a]$", "a")).toBe(true);
  });

  it("says whether the empty value is allowed", () => {
    expect(compileCharsetPattern("^[a-z]{0,5}$").pattern!.allowsEmpty).toBe(true);
    expect(compileCharsetPattern("^[a-z]*$").pattern!.allowsEmpty).toBe(true);
    expect(compileCharsetPattern("^[a-z]?$").pattern!.allowsEmpty).toBe(true);
    expect(compileCharsetPattern("^[a-z]+$").pattern!.allowsEmpty).toBe(false);
    expect(compileCharsetPattern("^[a-z]{1,5}$").pattern!.allowsEmpty).toBe(false);
  });
});

describe("refusals name what is wrong", () => {
  it("refuses escapes it does not support, naming them", () => {
    expect(refusal("^[\\q]+$").includes("\\q is not supported")).toBe(true);
    expect(refusal("^[\\a-z]+$").includes("\\a is not supported")).toBe(true);
  });

  it("refuses escapes that let bytes outside visible ASCII through", () => {
    expect(refusal("^[\\s]+$").includes("\\s")).toBe(true);
    expect(refusal("^[\\S]+$").includes("\\S")).toBe(true);
    expect(refusal("^[\\W]+$").includes("\\W")).toBe(true);
    expect(refusal("^[\\D]+$").includes("\\D")).toBe(true);
    expect(refusal("^[\\t]+$").includes("\\t")).toBe(true);
    expect(refusal("^[\\n]+$").includes("\\n")).toBe(true);
    expect(refusal("^[\\x41]+$").includes("\\x")).toBe(true);
    expect(refusal("^[\\u0041]+$").includes("\\u")).toBe(true);
  });

  it("refuses a negated or empty class", () => {
    expect(refusal("^[^a]+$").includes("negated")).toBe(true);
    expect(refusal("^[]a]+$").includes("empty class")).toBe(true);
  });

  it("refuses ranges out of order or around a class escape", () => {
    expect(refusal("^[z-a]+$").includes("z-a is out of order")).toBe(true);
    expect(refusal("^[\\w-z]+$").includes("class escape")).toBe(true);
    expect(refusal("^[a-\\d]+$").includes("class escape")).toBe(true);
  });

  it("refuses patterns over 1024 characters, non-ASCII and control characters", () => {
    expect(refusal("^[" + "a".repeat(1020) + "]+$").includes("at most 1024")).toBe(true);
    expect(refusal("^[a" + "a".repeat(1016) + "]+$")).toBe("");
    expect(refusal("^[é]+$").includes("ASCII only")).toBe(true);
    expect(refusal("^[a\tb]+$").includes("control character")).toBe(true);
  });

  it("refuses other forms", () => {
    expect(refusal(".*").includes("expected a pattern of the form")).toBe(true);
    expect(refusal("^[a-z]{1,2").includes("expected a pattern of the form")).toBe(true);
    expect(refusal("^[a-z]{5,2}$").includes("maximum length is below")).toBe(true);
    expect(refusal("^[a-z]{1,x}$").includes("whole numbers")).toBe(true);
    expect(refusal("^[a-z$").includes("not closed")).toBe(true);
    expect(refusal("^[a-z](x)$").includes("after the class")).toBe(true);
  });
});
