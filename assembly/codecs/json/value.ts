// A JSON document tree for configuration, parsed once in onConfigure. Errors name the byte
// offset so that configuration mistakes can be reported precisely. Not for the request path.
import { parseJsonNumber } from "./number";
import { decimalText } from "../decimal";
import { JsonKind, jsonErrorText, scanError, scanErrorAt, skipValue, unescapeToUtf8, validateDocument } from "./scan";

export const CONFIG_MAX_DEPTH: i32 = 32;

export class JsonValue {
  constructor(public kind: JsonKind) {}

  get isNull(): bool {
    return this.kind == JsonKind.Null;
  }
  get isBool(): bool {
    return this.kind == JsonKind.True || this.kind == JsonKind.False;
  }
  get isNumber(): bool {
    return this.kind == JsonKind.Number;
  }
  get isString(): bool {
    return this.kind == JsonKind.String;
  }
  get isArray(): bool {
    return this.kind == JsonKind.Array;
  }
  get isObject(): bool {
    return this.kind == JsonKind.Object;
  }

  get asBool(): bool {
    return this.kind == JsonKind.True;
  }
  get asNumber(): f64 {
    return (<JsonNumber>this).value;
  }
  get asString(): string {
    return (<JsonString>this).value;
  }
  get asArray(): Array<JsonValue> {
    return (<JsonArray>this).items;
  }
  get asObject(): JsonObject {
    return <JsonObject>this;
  }

  typeName(): string {
    switch (this.kind) {
      case JsonKind.Null:
        return "null";
      case JsonKind.True:
      case JsonKind.False:
        return "a boolean";
      case JsonKind.Number:
        return "a number";
      case JsonKind.String:
        return "a string";
      case JsonKind.Array:
        return "an array";
      default:
        return "an object";
    }
  }
}

export class JsonNumber extends JsonValue {
  constructor(
    public value: f64,
    public text: string,
  ) {
    super(JsonKind.Number);
  }

  // JSON Schema's integer (a zero fraction, so 65536.0 and 6.5536e4 too), within 2^53 - 1 so an
  // f64 holds it exactly: the schema and configure give one verdict.
  get isInteger(): bool {
    const value = this.value;
    return Math.floor(value) == value && Math.abs(value) <= 9007199254740991.0;
  }
}

export class JsonString extends JsonValue {
  constructor(public value: string) {
    super(JsonKind.String);
  }
}

export class JsonArray extends JsonValue {
  items: Array<JsonValue> = [];
  constructor() {
    super(JsonKind.Array);
  }
}

export class JsonObject extends JsonValue {
  keys: Array<string> = [];
  values: Map<string, JsonValue> = new Map();
  constructor() {
    super(JsonKind.Object);
  }

  has(key: string): bool {
    return this.values.has(key);
  }
  get(key: string): JsonValue | null {
    return this.values.has(key) ? this.values.get(key) : null;
  }
}

export class JsonParseResult {
  value: JsonValue | null = null;
  error: string = "";
}

// Parses UTF-8 JSON text. Duplicate keys are an error: in configuration they are a mistake.
export function parseJson(text: ArrayBuffer): JsonParseResult {
  const result = new JsonParseResult();
  const start = changetype<usize>(text);
  const end = start + <usize>text.byteLength;
  if (validateDocument(start, end, CONFIG_MAX_DEPTH) == JsonKind.Missing) {
    result.error = jsonErrorText(scanError) + " at byte " + decimalText(scanErrorAt - start);
    return result;
  }
  const parser = new TreeBuilder(start, end);
  const value = parser.value();
  if (parser.error.length > 0) {
    result.error = parser.error;
    return result;
  }
  result.value = value;
  return result;
}

// Builds the tree from a document validateDocument already accepted.
class TreeBuilder {
  error: string = "";
  private base: usize;
  constructor(
    private p: usize,
    private end: usize,
  ) {
    this.base = p;
  }

  private space(): void {
    while (this.p < this.end) {
      const c = load<u8>(this.p);
      if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
      this.p++;
    }
  }

  private string(): string {
    const start = this.p + 1;
    let q = start;
    while (load<u8>(q) != 0x22) q += load<u8>(q) == 0x5c ? 2 : 1;
    this.p = q + 1;
    const bytes = unescapeToUtf8(start, q);
    return String.UTF8.decode(bytes);
  }

  value(): JsonValue {
    this.space();
    const c = load<u8>(this.p);
    if (c == 0x7b) {
      const object = new JsonObject();
      this.p++;
      this.space();
      if (load<u8>(this.p) == 0x7d) {
        this.p++;
        return object;
      }
      while (true) {
        this.space();
        const keyAt = this.p;
        const key = this.string();
        this.space();
        this.p++; // ':'
        const item = this.value();
        if (object.values.has(key) && this.error.length == 0)
          this.error = 'duplicate key "' + key + '" at byte ' + decimalText(keyAt - this.base);
        object.keys.push(key);
        object.values.set(key, item);
        this.space();
        if (load<u8>(this.p++) == 0x7d) return object;
      }
    }
    if (c == 0x5b) {
      const array = new JsonArray();
      this.p++;
      this.space();
      if (load<u8>(this.p) == 0x5d) {
        this.p++;
        return array;
      }
      while (true) {
        array.items.push(this.value());
        this.space();
        if (load<u8>(this.p++) == 0x5d) return array;
      }
    }
    if (c == 0x22) return new JsonString(this.string());
    const start = this.p;
    this.p = skipValue(this.p, this.end, 0, 1);
    if (c == 0x74) return new JsonValue(JsonKind.True);
    if (c == 0x66) return new JsonValue(JsonKind.False);
    if (c == 0x6e) return new JsonValue(JsonKind.Null);
    return new JsonNumber(parseJsonNumber(start, this.p), String.UTF8.decodeUnsafe(start, this.p - start));
  }
}
