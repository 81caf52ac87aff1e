// Reads a plugin configuration (parsed once, in onConfigure) into typed values. The first problem
// is kept as "<path>: expected <what>", naming the field by its JSON Pointer as the JSON Schema
// validator does, so a rejected configuration says exactly what to fix.
import { decimalText } from "./decimal";
import { JsonNumber, JsonObject, JsonValue, parseJson } from "./json/value";

export class ConfigReader {
  error: string | null = null;

  get ok(): bool {
    return this.error === null;
  }

  fail(path: string, problem: string): void {
    if (this.error !== null) return;
    const where: string = path.length > 0 ? path : "/";
    const message: string = where + ": " + problem;
    this.error = message;
  }

  // The configuration's root object; an empty configuration is an empty object.
  root(text: ArrayBuffer): JsonObject {
    if (text.byteLength == 0) return new JsonObject();
    const parsed = parseJson(text);
    if (parsed.value === null) {
      this.fail("", "expected JSON (" + parsed.error + ")");
      return new JsonObject();
    }
    const value = parsed.value!;
    if (!value.isObject) {
      this.fail("", "expected an object, got " + value.typeName());
      return new JsonObject();
    }
    return value.asObject;
  }

  // Refuses keys the schema does not know: a misspelt field must not silently fall back to a default.
  allowOnly(object: JsonObject, path: string, known: Array<string>): void {
    for (let i = 0; i < object.keys.length; i++) {
      if (!known.includes(object.keys[i]))
        this.fail(path + "/" + object.keys[i], "unknown field (known: " + known.join(", ") + ")");
    }
  }

  object(object: JsonObject, key: string, path: string): JsonObject | null {
    const value = object.get(key);
    if (value === null) return null;
    if (!value.isObject) {
      this.fail(path + "/" + key, "expected an object, got " + value.typeName());
      return null;
    }
    return value.asObject;
  }

  array(object: JsonObject, key: string, path: string, maxItems: i32): Array<JsonValue> | null {
    const value = object.get(key);
    if (value === null) return null;
    if (!value.isArray) {
      this.fail(path + "/" + key, "expected an array, got " + value.typeName());
      return null;
    }
    if (value.asArray.length > maxItems) {
      this.fail(path + "/" + key, "expected at most " + decimalText(maxItems) + " items");
      return null;
    }
    return value.asArray;
  }

  string(object: JsonObject, key: string, path: string, fallback: string): string {
    const value = object.get(key);
    if (value === null) return fallback;
    if (!value.isString) {
      this.fail(path + "/" + key, "expected a string, got " + value.typeName());
      return fallback;
    }
    return value.asString;
  }

  bool(object: JsonObject, key: string, path: string, fallback: bool): bool {
    const value = object.get(key);
    if (value === null) return fallback;
    if (!value.isBool) {
      this.fail(path + "/" + key, "expected true or false, got " + value.typeName());
      return fallback;
    }
    return value.asBool;
  }

  integer(object: JsonObject, key: string, path: string, fallback: i64, min: i64, max: i64): i64 {
    const value = object.get(key);
    if (value === null) return fallback;
    if (!value.isNumber || !(<JsonNumber>value).isInteger) {
      this.fail(path + "/" + key, "expected an integer, got " + value.typeName());
      return fallback;
    }
    const number = <i64>value.asNumber;
    if (number < min || number > max) {
      this.fail(path + "/" + key, "expected an integer from " + decimalText(min) + " to " + decimalText(max));
      return fallback;
    }
    return number;
  }

  oneOf(object: JsonObject, key: string, path: string, allowed: Array<string>, fallback: string): string {
    const value = this.string(object, key, path, fallback);
    if (!allowed.includes(value))
      this.fail(path + "/" + key, "expected one of " + allowed.join(", ") + ', got "' + value + '"');
    return value;
  }

  // A lower-case HTTP header name (RFC 9110 token characters).
  headerName(object: JsonObject, key: string, path: string, fallback: string): string {
    const name = this.string(object, key, path, fallback);
    if (!isHeaderName(name)) this.fail(path + "/" + key, 'expected a lower-case header name, got "' + name + '"');
    return name;
  }
}

export function isHeaderName(name: string): bool {
  if (name.length == 0 || name.length > 128) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ok =
      (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || "!#$%&'*+.^_`|~-".indexOf(String.fromCharCode(c)) >= 0;
    if (!ok) return false;
  }
  return true;
}
