import { findPath, JsonKind, JsonSpan, scanError, spanText, validateDocument } from "../scan";
import { MemberIndex } from "../members";

// MemberIndex.validate must agree with validateDocument (kind and error), and MemberIndex.find with
// findPath, on every document.
const index = new MemberIndex();

function segments(path: string[]): Array<ArrayBuffer> {
  const out = new Array<ArrayBuffer>();
  for (let i = 0; i < path.length; i++) out.push(String.UTF8.encode(path[i]));
  return out;
}

function agreeOnValidation(text: string, depth: i32 = 16): JsonKind {
  const bytes = String.UTF8.encode(text);
  const start = changetype<usize>(bytes);
  const end = start + <usize>bytes.byteLength;
  const expected = validateDocument(start, end, depth);
  const expectedError = scanError;
  const kind = index.validate(start, end, depth);
  expect(kind).toBe(expected, text);
  expect(scanError).toBe(expectedError, text);
  return kind;
}

// Both lookups on one document: the same answer, as text, or null for both.
function agreeOnLookup(text: string, path: string[]): string | null {
  const bytes = String.UTF8.encode(text);
  const start = changetype<usize>(bytes);
  const end = start + <usize>bytes.byteLength;
  expect(index.validate(start, end, 16)).not.toBe(JsonKind.Missing, text);
  const scanned = new JsonSpan();
  const indexed = new JsonSpan();
  const found = findPath(start, end, segments(path), scanned, 16);
  expect(index.find(segments(path), indexed, 16)).toBe(found, text);
  if (!found) return null;
  expect(indexed.kind).toBe(scanned.kind);
  expect(spanText(indexed)).toBe(spanText(scanned));
  return spanText(indexed);
}

describe("MemberIndex.validate", () => {
  it("agrees with validateDocument on valid and malformed documents", () => {
    const documents = [
      '{"a":[1,-2.5e3,true,false,null,"x"]}', " { } ", '{ "a" : 1 , "b" : { "c" : [ ] } } ', "[1]", '"s"', "0", "",
      '{"a":1', '{"a":01}', '{"a":"\\x"}', '{"a":1} x', '{"a" 1}', '{"a":1,}', '{"a":1 "b":2}', "{1:2}", '{"a":{"b":{"c":1}}}',
    ];
    for (let i = 0; i < documents.length; i++) agreeOnValidation(documents[i]);
    agreeOnValidation('{"a":{"b":{"c":1}}}', 2);
    agreeOnValidation('{"a":1}', 0);
  });
});

describe("MemberIndex.find", () => {
  it("finds top-level and nested values as findPath does", () => {
    const doc = '{"tenant":"acme","org":{"region":"eu","ids":[7,8]},"https://example.com/plan":"gold","n":-1.5,"t":true}';
    expect(agreeOnLookup(doc, ["tenant"])).toBe("acme");
    expect(agreeOnLookup(doc, ["org", "region"])).toBe("eu");
    expect(agreeOnLookup(doc, ["org", "ids", "1"])).toBe("8");
    expect(agreeOnLookup(doc, ["https://example.com/plan"])).toBe("gold");
    expect(agreeOnLookup(doc, ["n"])).toBe("-1.5");
    expect(agreeOnLookup(doc, ["t"])).toBe("true");
    expect(agreeOnLookup(doc, ["nope"])).toBeNull();
    expect(agreeOnLookup(doc, ["org", "nope"])).toBeNull();
    expect(agreeOnLookup(doc, ["tenant", "x"])).toBeNull();
  });

  it("takes the first of repeated names and unescapes escaped keys", () => {
    expect(agreeOnLookup('{"a":1,"a":2}', ["a"])).toBe("1");
    expect(agreeOnLookup('{"t\\u0065nant":"x","tenant":"y"}', ["tenant"])).toBe("x");
  });

  it("finds members past the indexed ones by scanning", () => {
    let doc = "{";
    for (let i = 0; i < 100; i++) doc += (i > 0 ? "," : "") + '"k' + i.toString() + '":' + i.toString();
    doc += "}";
    expect(agreeOnLookup(doc, ["k3"])).toBe("3");
    expect(agreeOnLookup(doc, ["k63"])).toBe("63");
    expect(agreeOnLookup(doc, ["k64"])).toBe("64");
    expect(agreeOnLookup(doc, ["k99"])).toBe("99");
    expect(agreeOnLookup(doc, ["k100"])).toBeNull();
  });

  it("looks into a document that is not an object by scanning", () => {
    expect(agreeOnLookup("[10,20]", ["1"])).toBe("20");
    expect(agreeOnLookup('"s"', ["a"])).toBeNull();
  });
});
