import { findFormField, findQueryParameter, percentDecode } from "../query";

function parameter(path: string, name: string): string | null {
  const found = findQueryParameter(String.UTF8.encode(path), String.UTF8.encode(name));
  return found === null ? null : String.UTF8.decode(found!);
}

function decoded(text: string): string {
  const bytes = String.UTF8.encode(text);
  return String.UTF8.decode(percentDecode(changetype<usize>(bytes), bytes.byteLength));
}

describe("findQueryParameter", () => {
  it("finds the first parameter of that name in the query", () => {
    expect(parameter("/checkout/?cart=ams-7f3a", "cart")).toBe("ams-7f3a");
    expect(parameter("/c?a=1&cart=x&cart=y", "cart")).toBe("x");
    expect(parameter("/c?a=1&cart=", "cart")).toBe("");
  });

  it("answers null without a query, without the parameter, or for a name without =", () => {
    expect(parameter("/checkout/cart=x", "cart")).toBeNull();
    expect(parameter("/c?carts=x&mycart=y", "cart")).toBeNull();
    expect(parameter("/c?cart&b=1", "cart")).toBeNull();
  });

  it("with bareName, takes a name without = as the parameter with an empty value, as Envoy reads it", () => {
    const path = String.UTF8.encode("/c?cart&b=1");
    const found = findQueryParameter(path, String.UTF8.encode("cart"), true);
    expect(found).not.toBeNull();
    expect(found!.byteLength).toBe(0);
    expect(findQueryParameter(path, String.UTF8.encode("car"), true)).toBeNull();
    expect(findQueryParameter(String.UTF8.encode("/c?&b=1"), String.UTF8.encode("cart"), true)).toBeNull();
  });

  it("stops at the fragment", () => {
    expect(parameter("/c?a=1#cart=x", "cart")).toBeNull();
    expect(parameter("/c?cart=x#y", "cart")).toBe("x");
  });

  it("decodes escaped values and escaped names", () => {
    expect(parameter("/c?cart=ams%2D7f3a", "cart")).toBe("ams-7f3a");
    expect(parameter("/c?c%61rt=x", "cart")).toBe("x");
  });
});

describe("findFormField", () => {
  it("reads an urlencoded body", () => {
    const body = String.UTF8.encode("item=3&cart=ams-1");
    const found = findFormField(changetype<usize>(body), body.byteLength, String.UTF8.encode("cart"));
    expect(String.UTF8.decode(found!)).toBe("ams-1");
  });
});

describe("percentDecode", () => {
  it("turns + into a space and %XX into its byte, either case", () => {
    expect(decoded("a+b")).toBe("a b");
    expect(decoded("%41%6a")).toBe("Aj");
  });

  it("keeps a malformed escape as it is", () => {
    expect(decoded("100%")).toBe("100%");
    expect(decoded("%zz%4")).toBe("%zz%4");
  });
});
