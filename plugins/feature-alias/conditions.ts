// Conditions over request attributes, parsed once at configure into a tree of matchers.
//   {"header": "x-geo", "in": ["NL", "BE"]}      {"claim": "/groups", "contains": "focus-a"}
//   {"cookie": "beta", "equals": "1"}            {"header": "x-app-version", "semver": {">=": "2.3.0"}}
//   {"all": [...]}  {"any": [...]}  {"not": {...}}  {"percentage": {"key": {...}, "percent": 10}}
// Operators: equals, in, prefix, suffix, contains, present, absent, semver, pattern.
// For an array claim an operator holds when it holds for one element; contains then means
// "has this element" (for a text it means "has this substring").
import { decimalText } from "../../assembly/codecs/decimal";
import { lowerAsciiCase, upperAsciiCase } from "../../assembly/codecs/ascii-case";
import { ConfigReader } from "../../assembly/codecs/config-reader";
import { JsonObject, JsonValue } from "../../assembly/codecs/json/value";
import { CharsetPattern, compileCharsetPattern } from "../../assembly/codecs/match/charset";
import { parseClaimPath } from "../../assembly/codecs/jwt/claim-path";
import { Attribute, AttributeKind, RequestFacts } from "./facts";
import { JsonKind, JsonSpan, nextElement, unescapeToUtf8 } from "../../assembly/codecs/json/scan";
import { JWT_MAX_DEPTH } from "../../assembly/codecs/jwt/decoder";
import { bucketFor, saltedHash } from "./bucket";
import { Comparison, expandComparison, parseSemVer, satisfiesAll, SEMVER_OPERATORS } from "./semver";

// The start of the error for a bucket without its key attribute; each place adds its example.
export const BUCKET_KEY = "expected the attribute that keys the bucket, such as ";

// Array claims: the elements compared, and the span each is read into.
const MAX_LIST_ELEMENTS = 64;
const element = new JsonSpan();

export abstract class Condition {
  abstract matches(facts: RequestFacts): bool;

  // A header slot that must be present for the condition to hold, or -1. Lets the filter pass
  // over a rule on an absent header with one check instead of evaluating it.
  requiredHeaderSlot(): i32 {
    return -1;
  }
}

class AllOf extends Condition {
  constructor(public parts: Array<Condition>) {
    super();
  }
  matches(facts: RequestFacts): bool {
    for (let i = 0; i < this.parts.length; i++) if (!this.parts[i].matches(facts)) return false;
    return true;
  }
  requiredHeaderSlot(): i32 {
    for (let i = 0; i < this.parts.length; i++) {
      const slot = this.parts[i].requiredHeaderSlot();
      if (slot >= 0) return slot;
    }
    return -1;
  }
}

class AnyOf extends Condition {
  constructor(public parts: Array<Condition>) {
    super();
  }
  matches(facts: RequestFacts): bool {
    for (let i = 0; i < this.parts.length; i++) if (this.parts[i].matches(facts)) return true;
    return false;
  }
}

class Not extends Condition {
  constructor(public part: Condition) {
    super();
  }
  matches(facts: RequestFacts): bool {
    return !this.part.matches(facts);
  }
}

enum Operator {
  Equals = 0,
  In = 1,
  Prefix = 2,
  Suffix = 3,
  Contains = 4,
  Present = 5,
  Absent = 6,
  SemVer = 7,
  Pattern = 8,
}

class AttributeTest extends Condition {
  operands: Array<ArrayBuffer> = [];
  semverComparisons: Array<Comparison> = [];
  pattern: CharsetPattern | null = null;

  constructor(
    public attribute: Attribute,
    public operator: Operator,
  ) {
    super();
  }

  // Every operator but absent needs a value, and a value needs its header.
  requiredHeaderSlot(): i32 {
    return this.operator == Operator.Absent ? -1 : this.attribute.headerSlot;
  }

  matches(facts: RequestFacts): bool {
    const value = facts.read(this.attribute);
    if (this.operator == Operator.Present) return value.present;
    if (this.operator == Operator.Absent) return !value.present;
    if (value.hasText) return this.test(value.start, value.length, false);
    if (!value.isList) return false;
    // The string, number and boolean elements of an array claim, read in place (the first 64).
    let p = value.listStart;
    for (let i = 0; i < MAX_LIST_ELEMENTS; i++) {
      p = nextElement(p, value.listEnd, element, JWT_MAX_DEPTH);
      if (p == 0) break;
      const kind = element.kind;
      if (kind == JsonKind.String && element.escaped) {
        const text = unescapeToUtf8(element.start, element.end);
        if (this.test(changetype<usize>(text), text.byteLength, true)) return true;
      } else if (
        kind == JsonKind.String ||
        kind == JsonKind.Number ||
        kind == JsonKind.True ||
        kind == JsonKind.False
      ) {
        if (this.test(element.start, <i32>(element.end - element.start), true)) return true;
      }
    }
    return false;
  }

  private test(start: usize, length: i32, isListElement: bool): bool {
    switch (this.operator) {
      case Operator.Equals:
        return equalsAt(start, length, this.operands[0]);
      case Operator.In: {
        for (let i = 0; i < this.operands.length; i++) if (equalsAt(start, length, this.operands[i])) return true;
        return false;
      }
      case Operator.Prefix:
        return startsWithAt(start, length, this.operands[0], 0);
      case Operator.Suffix:
        return (
          length >= this.operands[0].byteLength &&
          startsWithAt(start, length, this.operands[0], length - this.operands[0].byteLength)
        );
      // In a list: has this element. In a text: has this substring.
      case Operator.Contains:
        return isListElement
          ? equalsAt(start, length, this.operands[0])
          : indexOfAt(start, length, this.operands[0]) >= 0;
      case Operator.Pattern:
        return this.pattern!.matches(start, length);
      default: {
        // A value that is not a version (surrounding spaces included) never matches.
        const version = parseSemVer(String.UTF8.decodeUnsafe(start, <usize>length));
        return version !== null && satisfiesAll(version, this.semverComparisons);
      }
    }
  }
}

// In the first bucket of [percent, 100 - percent], keyed by an attribute and salted.
class Percentage extends Condition {
  cumulative: StaticArray<u32> = new StaticArray<u32>(2);
  constructor(
    public key: Attribute,
    public salt: ArrayBuffer,
    percent: u32,
  ) {
    super();
    this.cumulative[0] = percent;
    this.cumulative[1] = 100;
  }
  requiredHeaderSlot(): i32 {
    return this.key.headerSlot;
  }
  matches(facts: RequestFacts): bool {
    const value = facts.read(this.key);
    if (!value.hasText) return false;
    return bucketFor(saltedHash(this.salt, value.start, value.length), this.cumulative) == 0;
  }
}

function equalsAt(start: usize, length: i32, operand: ArrayBuffer): bool {
  return length == operand.byteLength && memory.compare(start, changetype<usize>(operand), <usize>length) == 0;
}

function startsWithAt(start: usize, length: i32, prefix: ArrayBuffer, at: i32): bool {
  return (
    length - at >= prefix.byteLength &&
    memory.compare(start + <usize>at, changetype<usize>(prefix), <usize>prefix.byteLength) == 0
  );
}

function indexOfAt(start: usize, length: i32, needle: ArrayBuffer): i32 {
  const n = needle.byteLength;
  for (let i = 0; i + n <= length; i++) if (startsWithAt(start, length, needle, i)) return i;
  return -1;
}

// ---- parsing

// Assigns each distinct attribute a cache slot, so that one request reads it once.
export class AttributeTable {
  attributes: Array<Attribute> = [];
  usesClaims: bool = false;
  // The headers the filter writes or strips: a condition on one would read a value the filter
  // itself removes, so it is refused at configure.
  owned: Array<string> = [];

  intern(kind: AttributeKind, name: string, claimPath: Array<ArrayBuffer>, display: string): Attribute {
    for (let i = 0; i < this.attributes.length; i++) {
      const known = this.attributes[i];
      if (known.kind == kind && known.display == display) return known;
    }
    if (kind == AttributeKind.Claim) this.usesClaims = true;
    const attribute = new Attribute(kind, String.UTF8.encode(name), claimPath, this.attributes.length, display);
    this.attributes.push(attribute);
    return attribute;
  }
}

const SOURCES = ["header", "cookie", "query", "path", "method", "authority", "claim"];
const OPERATORS = ["equals", "in", "prefix", "suffix", "contains", "present", "absent", "semver", "pattern"];

export function parseAttribute(
  reader: ConfigReader,
  object: JsonObject,
  path: string,
  table: AttributeTable,
): Attribute | null {
  let found: string | null = null;
  for (let i = 0; i < SOURCES.length; i++) {
    if (!object.has(SOURCES[i])) continue;
    if (found !== null) {
      reader.fail(path, "expected one attribute, got both " + found! + " and " + SOURCES[i]);
      return null;
    }
    found = SOURCES[i];
  }
  if (found === null) {
    reader.fail(path, "expected an attribute: one of " + SOURCES.join(", "));
    return null;
  }
  const source = found!;
  const at = path + "/" + source;
  const value = object.get(source)!;
  if (source == "path" || source == "method" || source == "authority") {
    if (!value.isBool || !value.asBool) reader.fail(at, "expected true");
    const kind =
      source == "path" ? AttributeKind.Path : source == "method" ? AttributeKind.Method : AttributeKind.Authority;
    return table.intern(kind, "", [], source);
  }
  if (source == "claim") {
    const claimPath = parseClaimPath(reader, value, at, "/sub");
    return table.intern(AttributeKind.Claim, "", claimPath.segments, "claim " + claimPath.display);
  }
  if (!value.isString || value.asString.length == 0) {
    reader.fail(at, "expected a name");
    return null;
  }
  const name = source == "header" ? lowerAsciiCase(value.asString) : value.asString;
  if (source == "header" && table.owned.includes(name)) {
    reader.fail(at, 'expected a header this filter does not write or strip, got "' + name + '"');
    return null;
  }
  const kind =
    source == "header" ? AttributeKind.Header : source == "cookie" ? AttributeKind.Cookie : AttributeKind.Query;
  return table.intern(kind, name, [], source + " " + name);
}

export function parseCondition(
  reader: ConfigReader,
  value: JsonValue,
  path: string,
  table: AttributeTable,
  ruleName: string,
  depth: i32,
): Condition | null {
  if (depth > 8) {
    reader.fail(path, "expected conditions nested at most 8 levels");
    return null;
  }
  if (!value.isObject) {
    reader.fail(path, "expected a condition object, got " + value.typeName());
    return null;
  }
  const object = value.asObject;
  if (object.has("all") || object.has("any")) {
    const key = object.has("all") ? "all" : "any";
    reader.allowOnly(object, path, [key]);
    const items = reader.array(object, key, path, 64);
    if (items === null || items.length == 0) {
      reader.fail(path + "/" + key, "expected a non-empty array of conditions");
      return null;
    }
    const parts = new Array<Condition>();
    for (let i = 0; i < items.length; i++) {
      const part = parseCondition(
        reader,
        items[i],
        path + "/" + key + "/" + decimalText(i),
        table,
        ruleName,
        depth + 1,
      );
      if (part !== null) parts.push(part);
    }
    return key == "all" ? new AllOf(parts) : new AnyOf(parts);
  }
  if (object.has("not")) {
    reader.allowOnly(object, path, ["not"]);
    const part = parseCondition(reader, object.get("not")!, path + "/not", table, ruleName, depth + 1);
    return part === null ? null : new Not(part);
  }
  if (object.has("percentage")) return parsePercentage(reader, object, path, table, ruleName);

  const attribute = parseAttribute(reader, object, path, table);
  if (attribute === null) return null;
  let operatorName: string | null = null;
  for (let i = 0; i < OPERATORS.length; i++) {
    if (!object.has(OPERATORS[i])) continue;
    if (operatorName !== null) {
      reader.fail(path, "expected one operator, got both " + operatorName! + " and " + OPERATORS[i]);
      return null;
    }
    operatorName = OPERATORS[i];
  }
  if (operatorName === null) {
    reader.fail(path, "expected an operator: one of " + OPERATORS.join(", "));
    return null;
  }
  const known = new Array<string>();
  for (let i = 0; i < object.keys.length; i++) if (SOURCES.includes(object.keys[i])) known.push(object.keys[i]);
  known.push(operatorName!);
  reader.allowOnly(object, path, known);
  const name = operatorName!;
  const at = path + "/" + name;
  const operand = object.get(name)!;
  const test = new AttributeTest(attribute, <Operator>OPERATORS.indexOf(name));
  if (name == "present" || name == "absent") {
    if (!operand.isBool || !operand.asBool) reader.fail(at, "expected true");
  } else if (name == "in") {
    if (!operand.isArray || operand.asArray.length == 0) reader.fail(at, "expected a non-empty array of strings");
    else
      for (let i = 0; i < operand.asArray.length; i++)
        test.operands.push(operandText(reader, operand.asArray[i], at + "/" + decimalText(i)));
  } else if (name == "semver") {
    if (!operand.isObject || operand.asObject.keys.length == 0) {
      reader.fail(at, 'expected comparisons such as {">=": "2.0.0", "<": "3.0.0"}');
    } else {
      const comparisons = operand.asObject;
      for (let i = 0; i < comparisons.keys.length; i++) {
        const key = comparisons.keys[i];
        const bound = comparisons.get(key)!;
        const version = bound.isString ? parseSemVer(bound.asString) : null;
        if (!SEMVER_OPERATORS.includes(key))
          reader.fail(at + "/" + key, "expected one of " + SEMVER_OPERATORS.join(", "));
        else if (version === null)
          reader.fail(
            at + "/" + key,
            "expected a semantic version such as 2.3.0 (pre-release and build identifiers: [0-9A-Za-z-], none empty, numeric ones without leading zeros)",
          );
        else expandComparison(key, version!, test.semverComparisons);
      }
    }
  } else if (name == "pattern") {
    const source = operand.isString ? operand.asString : "";
    const compiled = compileCharsetPattern(source);
    if (compiled.pattern === null) reader.fail(at, compiled.error);
    test.pattern = compiled.pattern;
  } else {
    test.operands.push(operandText(reader, operand, at));
  }
  if (attribute.kind == AttributeKind.Method)
    checkMethods(reader, test.operands, name == "in" ? at + "/" : at, name == "in");
  return test;
}

// Methods are case-sensitive (RFC 9110 §9.1) and Envoy passes :method on as the client sent it,
// so "post" would never match a POST: refused rather than silently never matching.
function checkMethods(reader: ConfigReader, operands: Array<ArrayBuffer>, path: string, indexed: bool): void {
  for (let i = 0; i < operands.length; i++) {
    const bytes = Uint8Array.wrap(operands[i]);
    for (let j = 0; j < bytes.length; j++) {
      if (bytes[j] >= 0x61 && bytes[j] <= 0x7a) {
        const text = String.UTF8.decode(operands[i]);
        reader.fail(
          indexed ? path + decimalText(i) : path,
          'expected an upper-case method such as "' +
            upperAsciiCase(text) +
            '" (methods are case-sensitive), got "' +
            text +
            '"',
        );
        break;
      }
    }
  }
}

function operandText(reader: ConfigReader, value: JsonValue, path: string): ArrayBuffer {
  if (value.isString) return String.UTF8.encode(value.asString);
  reader.fail(path, "expected a string, got " + value.typeName());
  return new ArrayBuffer(0);
}

function parsePercentage(
  reader: ConfigReader,
  object: JsonObject,
  path: string,
  table: AttributeTable,
  ruleName: string,
): Condition | null {
  reader.allowOnly(object, path, ["percentage"]);
  const settings = reader.object(object, "percentage", path);
  const at = path + "/percentage";
  if (settings === null) {
    reader.fail(at, 'expected {"key": {...}, "percent": N}');
    return null;
  }
  reader.allowOnly(settings, at, ["key", "percent", "salt"]);
  const keyObject = reader.object(settings, "key", at);
  if (keyObject === null) {
    reader.fail(at + "/key", BUCKET_KEY + '{"cookie": "session"}');
    return null;
  }
  const key = parseAttribute(reader, keyObject, at + "/key", table);
  const percent = <u32>reader.integer(settings, "percent", at, -1, 0, 100);
  if (!settings.has("percent")) reader.fail(at + "/percent", "expected a percentage from 0 to 100");
  const salt = reader.string(settings, "salt", at, ruleName);
  return key === null ? null : new Percentage(key, String.UTF8.encode(salt), percent);
}
