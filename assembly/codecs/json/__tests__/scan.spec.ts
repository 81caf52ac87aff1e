import { findPath, JsonError, JsonKind, JsonSpan, nextElement, scanError, spanText, validateDocument } from "../scan";
import { parseJson } from "../value";

function kindOf(text: string, depth: i32 = 16): JsonKind {
  const bytes = String.UTF8.encode(text);
  const start = changetype<usize>(bytes);
  return validateDocument(start, start + <usize>bytes.byteLength, depth);
}

function lookup(text: string, path: string[]): string | null {
  const bytes = String.UTF8.encode(text);
  const start = changetype<usize>(bytes);
  const segments = new Array<ArrayBuffer>();
  for (let i = 0; i < path.length; i++) segments.push(String.UTF8.encode(path[i]));
  const span = new JsonSpan();
  if (!findPath(start, start + <usize>bytes.byteLength, segments, span, 16)) return null;
  return spanText(span);
}

describe("validateDocument", () => {
  it("accepts each kind of value", () => {
    expect(kindOf('{"a":[1,-2.5e3,true,false,null,"x"]}')).toBe(JsonKind.Object);
    expect(kindOf(" [ ] ")).toBe(JsonKind.Array);
    expect(kindOf('"s"')).toBe(JsonKind.String);
    expect(kindOf("0")).toBe(JsonKind.Number);
  });

  it("rejects malformed input with a reason", () => {
    expect(kindOf('{"a":1')).toBe(JsonKind.Missing);
    expect(scanError).toBe(JsonError.Truncated);
    expect(kindOf('{"a":01}')).toBe(JsonKind.Missing);
    expect(kindOf('{"a":"\\x"}')).toBe(JsonKind.Missing);
    expect(scanError).toBe(JsonError.BadEscape);
    expect(kindOf('{"a":1} x')).toBe(JsonKind.Missing);
    expect(scanError).toBe(JsonError.TrailingBytes);
    expect(kindOf('"tab\there"')).toBe(JsonKind.Missing);
    expect(scanError).toBe(JsonError.ControlCharacter);
    expect(kindOf("")).toBe(JsonKind.Missing);
  });

  it("bounds nesting depth", () => {
    expect(kindOf("[[[[1]]]]", 4)).toBe(JsonKind.Array);
    expect(kindOf("[[[[[1]]]]]", 4)).toBe(JsonKind.Missing);
    expect(scanError).toBe(JsonError.TooDeep);
  });
});

describe("findPath", () => {
  const doc =
    '{"sub":"u-1","org":{"id":42,"name":"Acme \\u00e9"},"https://example.com/tenant":"acme","groups":["a","b"],"e\\u0073c":"yes"}';

  it("finds top-level, nested, URL-named and array values", () => {
    expect(lookup(doc, ["sub"])).toBe("u-1");
    expect(lookup(doc, ["org", "id"])).toBe("42");
    expect(lookup(doc, ["org", "name"])).toBe("Acme é");
    expect(lookup(doc, ["https://example.com/tenant"])).toBe("acme");
    expect(lookup(doc, ["groups", "1"])).toBe("b");
  });

  it("matches keys written with escapes", () => {
    expect(lookup(doc, ["esc"])).toBe("yes");
  });

  it("answers null for what is not there", () => {
    expect(lookup(doc, ["missing"])).toBeNull();
    expect(lookup(doc, ["groups", "2"])).toBeNull();
    expect(lookup(doc, ["groups", "x"])).toBeNull();
    expect(lookup(doc, ["sub", "deeper"])).toBeNull();
  });
});

describe("parseJson", () => {
  it("builds a tree", () => {
    const result = parseJson(String.UTF8.encode('{"a":[1,"two",{"b":true}],"c":null}'));
    expect(result.error).toBe("");
    const root = result.value!.asObject;
    expect(root.keys.length).toBe(2);
    expect(root.get("a")!.asArray[1].asString).toBe("two");
    expect(root.get("c")!.isNull).toBe(true);
  });

  it("reports duplicate keys and syntax errors with a position", () => {
    expect(parseJson(String.UTF8.encode('{"a":1,"a":2}')).error).toBe('duplicate key "a" at byte 7');
    expect(parseJson(String.UTF8.encode('{"a":}')).error).toBe("unexpected byte in JSON at byte 5");
  });
});

describe("strings across the 16-byte fast path", () => {
  it("finds the closing quote, escapes and control bytes at every offset", () => {
    for (let length = 0; length < 40; length++) {
      const plain = "x".repeat(length);
      expect(lookup('{"k":"' + plain + '","z":1}', ["k"])).toBe(plain);
      expect(lookup('{"k":"' + plain + '\\n","z":1}', ["k"])).toBe(plain + "\n");
      expect(kindOf('{"k":"' + plain + "\t" + '"}')).toBe(JsonKind.Missing);
      expect(scanError).toBe(JsonError.ControlCharacter);
      expect(kindOf('{"k":"' + plain)).toBe(JsonKind.Missing);
      expect(scanError).toBe(JsonError.Truncated);
    }
  });
});

// Every element of the array `text` as "kind:text", in order.
function elements(text: string): string[] {
  const bytes = String.UTF8.encode(text);
  const start = changetype<usize>(bytes);
  const end = start + <usize>bytes.byteLength;
  const out = new Array<string>();
  const span = new JsonSpan();
  let p = start;
  while ((p = nextElement(p, end, span, 16)) != 0) out.push(span.kind.toString() + ":" + spanText(span));
  return out;
}

describe("nextElement", () => {
  it("walks each element of an array in order, of every kind", () => {
    const found = elements('[ "a" , 2 ,true,false,null, "x\\"y", [1,[2]], {"k":[3]} ]');
    expect(found.length).toBe(8);
    expect(found[0]).toBe(JsonKind.String.toString() + ":a");
    expect(found[1]).toBe(JsonKind.Number.toString() + ":2");
    expect(found[2]).toBe(JsonKind.True.toString() + ":true");
    expect(found[4]).toBe(JsonKind.Null.toString() + ":null");
    expect(found[6]).toBe(JsonKind.Array.toString() + ":[1,[2]]");
    expect(found[7]).toBe(JsonKind.Object.toString() + ':{"k":[3]}');
  });

  it("gives nothing for an empty array or a value that is not one", () => {
    expect(elements("[]").length).toBe(0);
    expect(elements("[ ] ").length).toBe(0);
    expect(elements('"a"').length).toBe(0);
  });
});
