// A claim named by a JSON Pointer ("/org/id", RFC 6901: ~1 is "/", ~0 is "~") or by an array of
// names (["https://example.com/tenant"]) so that names with dots and slashes need no escaping.
import { decimalText } from "../decimal";
import { ConfigReader } from "../config-reader";
import { JsonValue } from "../json/value";
import { parseJsonPointer } from "../json/pointer";

export class ClaimPath {
  constructor(
    public segments: Array<ArrayBuffer>,
    public display: string,
  ) {}
}

export function parseClaimPath(
  reader: ConfigReader,
  value: JsonValue | null,
  path: string,
  fallback: string,
): ClaimPath {
  if (value === null) return pointerPath(reader, fallback, path);
  if (value.isString) return pointerPath(reader, value.asString, path);
  if (value.isArray) {
    const items = value.asArray;
    const segments = new Array<ArrayBuffer>();
    if (items.length == 0 || items.length > 8) reader.fail(path, "expected 1 to 8 claim names");
    for (let i = 0; i < items.length; i++) {
      if (!items[i].isString) {
        reader.fail(path + "/" + decimalText(i), "expected a claim name (a string)");
        continue;
      }
      segments.push(String.UTF8.encode(items[i].asString));
    }
    return new ClaimPath(segments, "[" + joinNames(items) + "]");
  }
  reader.fail(path, "expected a JSON Pointer string or an array of claim names, got " + value.typeName());
  return new ClaimPath([], "");
}

function pointerPath(reader: ConfigReader, pointer: string, path: string): ClaimPath {
  const segments = pointer.length >= 2 ? parseJsonPointer(pointer) : null;
  if (segments === null) {
    reader.fail(path, 'expected a JSON Pointer such as "/tenant" (~0 for ~, ~1 for /), got "' + pointer + '"');
    return new ClaimPath([], pointer);
  }
  if (segments.length > 8) reader.fail(path, "expected at most 8 levels");
  return new ClaimPath(segments, pointer);
}

function joinNames(items: Array<JsonValue>): string {
  let out = "";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ", ";
    out += items[i].isString ? '"' + items[i].asString + '"' : "?";
  }
  return out;
}
