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
      '{"a":[1,-2.5e3,true,false,null,"x"]}',
      " { } ",
      '{ "a" : 1 , "b" : { "c" : [ ] } } ',
      "[1]",
      '"s"',
      "0",
      "",
      '{"a":1',
      '{"a":01}',
      '{"a":"\\x"}',
      '{"a":1} x',
      '{"a" 1}',
      '{"a":1,}',
      '{"a":1 "b":2}',
      "{1:2}",
      '{"a":{"b":{"c":1}}}',
    ];
    for (let i = 0; i < documents.length; i++) agreeOnValidation(documents[i]);
    agreeOnValidation('{"a":{"b":{"c":1}}}', 2);
    agreeOnValidation('{"a":1}', 0);
  });
});

describe("MemberIndex.find", () => {
  it("finds top-level and nested values as findPath does", () => {
    const doc =
      '{"tenant":"acme","org":{"region":"eu","ids":[7,8]},"https://example.com/plan":"gold","n":-1.5,"t":true}';
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

// Generated documents, most of them without escapes or control bytes (the fast path's domain),
// then damaged at one byte or cut short: both validators must agree on every one, and lookups of
// every top-level name must agree with findPath.
let seed: u32 = 12345;
function next(bound: i32): i32 {
  seed = seed * 1103515245 + 12345;
  return <i32>((seed >>> 8) % <u32>bound);
}

// The first entries of each list hold no escape or control byte; `plain` picks only from those.
const NAMES = ["a", "b", "tenant", "iss", "groups", "https://example.com/tenant", "a b", "t\\u0065nant", "x\\ny"];
const PLAIN_NAMES = 7;
const STRINGS = ["", "acme", "https://kc/realms/acme", "a b c", "caf\u00e9", 'x\\"y', "\\u00e9t\\u00e9", "tab\\there"];
const PLAIN_STRINGS = 5;
const NUMBERS = ["0", "-1", "42", "1900000000", "3.25", "-0.5e-3", "1E9", "01", "1.", "-", "2e", "-x"];
const LITERALS = ["true", "false", "null", "tru", "nul", "fals", "nulls"];
const SPACES = ["", "", "", " ", "  ", "\n", "\t"];
const PLAIN_SPACES = 5;

function pick(list: string[], plain: bool, plainCount: i32): string {
  return list[next(plain ? plainCount : list.length)];
}

function generate(depth: i32, plain: bool): string {
  const choice = next(depth >= 4 ? 3 : 5);
  if (choice == 0) return '"' + pick(STRINGS, plain, PLAIN_STRINGS) + '"';
  if (choice == 1) return next(3) == 0 ? LITERALS[next(LITERALS.length)] : NUMBERS[next(NUMBERS.length)];
  if (choice == 2) return '"' + STRINGS[next(3)] + '"';
  const members = next(5);
  const isObject = choice == 3;
  let out = isObject ? "{" : "[";
  for (let i = 0; i < members; i++) {
    if (i > 0) out += pick(SPACES, plain, PLAIN_SPACES) + ",";
    out += pick(SPACES, plain, PLAIN_SPACES);
    if (isObject)
      out +=
        '"' +
        pick(NAMES, plain, PLAIN_NAMES) +
        '"' +
        pick(SPACES, plain, PLAIN_SPACES) +
        ":" +
        pick(SPACES, plain, PLAIN_SPACES);
    out += generate(depth + 1, plain);
  }
  return out + pick(SPACES, plain, PLAIN_SPACES) + (isObject ? "}" : "]");
}

function topObject(plain: bool): string {
  let out = "{";
  const members = next(8);
  for (let i = 0; i < members; i++)
    out += (i > 0 ? "," : "") + '"' + pick(NAMES, plain, PLAIN_NAMES) + '":' + generate(1, plain);
  return out + "}";
}

const DAMAGE = ['"', ",", ":", "}", "]", "{", "[", "\\", " ", "\n", "x", "0", "-", "e", "\u0001"];

// One byte replaced, a closing bracket swapped for the other kind, or the text cut short.
function damaged(text: string): string {
  const at = next(text.length);
  const how = next(3);
  if (how == 0) return text.substring(0, at);
  if (how == 1) {
    for (let i = at; i < text.length; i++) {
      const c = text.charAt(i);
      if (c == "]" || c == "}") return text.substring(0, i) + (c == "]" ? "}" : "]") + text.substring(i + 1);
    }
  }
  return text.substring(0, at) + DAMAGE[next(DAMAGE.length)] + text.substring(at + 1);
}

describe("MemberIndex on generated documents", () => {
  it("agrees with validateDocument and findPath, intact and damaged", () => {
    let valid = 0;
    for (let i = 0; i < 4000; i++) {
      const intact = topObject(next(4) != 0);
      const text = next(2) == 0 ? intact : damaged(intact);
      const depth = next(4) == 0 ? 2 : 16;
      if (agreeOnValidation(text, depth) != JsonKind.Object || depth != 16) continue;
      valid++;
      for (let n = 0; n < NAMES.length; n++) agreeOnLookup(text, [NAMES[n]]);
      agreeOnLookup(text, ["groups", "0"]);
    }
    // The generator must reach valid documents, not only failures.
    expect(valid).toBeGreaterThan(500);
  });
});
