// body-keys's configuration, parsed and validated once in onConfigure (config.schema.json says
// the same in JSON Schema; `route-keys validate body-keys FILE` checks it offline).
import { decimalText } from "../../assembly/codecs/decimal";
import { lowerAsciiCase } from "../../assembly/codecs/ascii-case";
import { ConfigReader, isHeaderName } from "../../assembly/codecs/config-reader";
import { JsonObject } from "../../assembly/codecs/json/value";
import { parseJsonPointer } from "../../assembly/codecs/json/pointer";
import { STREAM_MAX_TARGETS } from "./json-stream";
import { forbiddenOutputHeader } from "../../assembly/codecs/output-headers";
import { CharsetPattern, compileCharsetPattern } from "../../assembly/codecs/match/charset";

export const DEFAULT_VALUE_PATTERN = "^[A-Za-z0-9._:-]{1,128}$";
const MAX_PATTERN_SOURCE: i32 = 1024;
const MAX_VALUE_LENGTH: i32 = 1024;
const JSON_SUFFIX_TYPE = "application/*+json";
// application/grpc, application/grpc+json, application/grpc-web+json...: gRPC frames, never read.
export const GRPC_TYPE = "application/grpc";
const FORM_TYPE = "application/x-www-form-urlencoded";

export enum SourceKind {
  Header = 0,
  Cookie = 1,
  Query = 2,
  Json = 3,
  Form = 4,
}

export class KeySource {
  // For json: the pointer's segments.
  pointer: Array<ArrayBuffer> = [];
  constructor(
    public kind: SourceKind,
    public name: ArrayBuffer,
  ) {}
}

export class Derived {
  constructor(
    public header: ArrayBuffer,
    public until: i32,
  ) {}
}

export class Key {
  // Header, cookie and query sources first (in their order), then body sources (in theirs).
  requestSources: Array<KeySource> = [];
  jsonPointers: Array<Array<ArrayBuffer>> = [];
  formFields: Array<ArrayBuffer> = [];
  derived: Derived | null = null;
  constructor(
    public header: ArrayBuffer,
    public pattern: CharsetPattern,
  ) {}

  get readsBody(): bool {
    return this.jsonPointers.length > 0 || this.formFields.length > 0;
  }
}

export enum Action {
  Forward = 0,
  Reject = 1,
}

export class OnFailure {
  constructor(
    public action: Action,
    public status: u32,
  ) {}
}

export class BodyKeysConfig {
  keys: Array<Key> = [];
  // Every header a key or derived part writes (lower-case), for the runtime's owned-header strip.
  outputHeaders: Array<ArrayBuffer> = [];
  // The JSON Pointer path of the field that names each output header, to report a second writer.
  outputPaths: Array<string> = [];
  jsonPointerCount: i32 = 0;
  methods: Array<ArrayBuffer> = [];
  pathPrefixes: Array<ArrayBuffer> = [];
  // Content types: exact lower-case types, with application/*+json as the structured-suffix form.
  jsonTypes: Array<ArrayBuffer> = [];
  jsonSuffix: bool = true;
  formTypes: Array<ArrayBuffer> = [];
  maxBodyBytes: i32 = 65536;
  maxValueLength: i32 = 128;
  onMissing: OnFailure = new OnFailure(Action.Forward, 400);
  onUnparseable: OnFailure = new OnFailure(Action.Forward, 400);
  onLimit: OnFailure = new OnFailure(Action.Forward, 413);
}

function utf8(text: string): ArrayBuffer {
  return String.UTF8.encode(text);
}

export function parseConfig(text: ArrayBuffer, reader: ConfigReader): BodyKeysConfig {
  const config = new BodyKeysConfig();
  const root = reader.root(text);
  reader.allowOnly(root, "", ["keys", "inspect", "max_body_bytes", "on_missing", "on_unparseable", "on_limit"]);
  const keys = reader.array(root, "keys", "", 16);
  if (keys === null || keys.length == 0)
    reader.fail(
      "/keys",
      'expected at least one key, such as {"header": "x-cart-id", "sources": [{"json": "/cartId"}]}',
    );
  else
    for (let i = 0; i < keys.length; i++)
      parseKey(reader, config, keys[i].isObject ? keys[i].asObject : null, "/keys/" + decimalText(i));

  const inspect = reader.object(root, "inspect", "");
  const inspectObject = inspect !== null ? inspect : new JsonObject();
  reader.allowOnly(inspectObject, "/inspect", ["methods", "path_prefixes", "content_types"]);
  const methods = stringList(reader, inspectObject, "methods", "/inspect", ["POST", "PUT", "PATCH"]);
  for (let i = 0; i < methods.length; i++) {
    // Envoy passes :method as the client sent it and methods are case-sensitive (RFC 9110 §9.1).
    if (!isUpperCaseMethod(methods[i]))
      reader.fail(
        "/inspect/methods/" + decimalText(i),
        'expected an HTTP method in upper case, as Envoy sends it (such as "POST"), got "' + methods[i] + '"',
      );
    config.methods.push(utf8(methods[i]));
  }
  const prefixes = stringList(reader, inspectObject, "path_prefixes", "/inspect", ["/"]);
  for (let i = 0; i < prefixes.length; i++) {
    if (!prefixes[i].startsWith("/"))
      reader.fail(
        "/inspect/path_prefixes/" + decimalText(i),
        'expected a path prefix starting with /, got "' + prefixes[i] + '"',
      );
    config.pathPrefixes.push(utf8(prefixes[i]));
  }
  const types = stringList(reader, inspectObject, "content_types", "/inspect", [
    "application/json",
    JSON_SUFFIX_TYPE,
    FORM_TYPE,
  ]);
  config.jsonSuffix = false;
  for (let i = 0; i < types.length; i++) {
    const type = lowerAsciiCase(types[i]);
    const at = "/inspect/content_types/" + decimalText(i);
    if (type.includes(";"))
      reader.fail(
        at,
        'expected a media type without parameters (requests are compared without them), got "' + types[i] + '"',
      );
    else if (type.startsWith(GRPC_TYPE))
      reader.fail(
        at,
        'expected a type whose body is a document; a gRPC body is length-prefixed frames, got "' + types[i] + '"',
      );
    else if (type == JSON_SUFFIX_TYPE) config.jsonSuffix = true;
    else if (type == FORM_TYPE) config.formTypes.push(utf8(type));
    else if (isJsonMediaType(type)) config.jsonTypes.push(utf8(type));
    else
      reader.fail(
        at,
        'expected a JSON type (type/subtype, the subtype ending in json), application/*+json or application/x-www-form-urlencoded, got "' +
          types[i] +
          '"',
      );
  }
  config.maxBodyBytes = <i32>reader.integer(root, "max_body_bytes", "", 65536, 1, 8388608);
  config.onMissing = readFailure(reader, root, "on_missing", 400);
  config.onUnparseable = readFailure(reader, root, "on_unparseable", 400);
  config.onLimit = readFailure(reader, root, "on_limit", 413);
  return config;
}

function parseKey(reader: ConfigReader, config: BodyKeysConfig, object: JsonObject | null, path: string): void {
  if (object === null) {
    reader.fail(path, "expected a key object with header and sources");
    return;
  }
  reader.allowOnly(object, path, ["header", "sources", "pattern", "derived"]);
  if (!object.has("header")) reader.fail(path + "/header", "expected the header the key is written to");
  const header = outputHeader(reader, config, object, path);
  const pattern = valuePattern(reader, object, path);
  if (pattern.maxLength > config.maxValueLength) config.maxValueLength = pattern.maxLength;
  const key = new Key(header, pattern);
  const sources = reader.array(object, "sources", path, 8);
  if (sources === null || sources.length == 0) reader.fail(path + "/sources", "expected at least one source");
  else {
    for (let i = 0; i < sources.length; i++) {
      const at = path + "/sources/" + decimalText(i);
      if (!sources[i].isObject || sources[i].asObject.keys.length != 1) {
        reader.fail(
          at,
          'expected one of {"header": …}, {"cookie": …}, {"query": …}, {"json": "/pointer"}, {"form": …}',
        );
        continue;
      }
      const source = sources[i].asObject;
      const kind = source.keys[0];
      const name = reader.string(source, kind, at, "");
      if (name.length == 0) reader.fail(at + "/" + kind, "expected a non-empty name");
      if (kind == "header") {
        const lower = lowerAsciiCase(name);
        if (!isHeaderName(lower.startsWith(":") ? lower.substring(1) : lower))
          reader.fail(at + "/header", 'expected a header name, got "' + name + '"');
        key.requestSources.push(new KeySource(SourceKind.Header, utf8(lower)));
      } else if (kind == "cookie") key.requestSources.push(new KeySource(SourceKind.Cookie, utf8(name)));
      else if (kind == "query") key.requestSources.push(new KeySource(SourceKind.Query, utf8(name)));
      else if (kind == "form") key.formFields.push(utf8(name));
      else if (kind == "json") {
        const pointer = parseJsonPointer(name);
        if (pointer === null)
          reader.fail(at + "/json", 'expected a JSON Pointer such as "/cart/id", got "' + name + '"');
        else if (++config.jsonPointerCount > STREAM_MAX_TARGETS)
          reader.fail(
            at + "/json",
            "expected at most " + decimalText(STREAM_MAX_TARGETS) + " JSON Pointers over all keys",
          );
        else key.jsonPointers.push(pointer);
      } else reader.fail(at + "/" + kind, "expected one of header, cookie, query, json, form");
    }
  }
  const derived = reader.object(object, "derived", path);
  if (derived !== null) {
    reader.allowOnly(derived, path + "/derived", ["header", "until"]);
    if (!derived.has("header"))
      reader.fail(path + "/derived/header", "expected the header the derived part is written to");
    const derivedHeader = outputHeader(reader, config, derived, path + "/derived");
    const until = reader.string(derived, "until", path + "/derived", "-");
    const untilOk = until.length == 1 && until.charCodeAt(0) >= 0x20 && until.charCodeAt(0) <= 0x7e;
    if (!untilOk) reader.fail(path + "/derived/until", "expected one visible ASCII character or space");
    key.derived = new Derived(derivedHeader, untilOk ? until.charCodeAt(0) : 0x2d);
  }
  config.keys.push(key);
}

// An output header: a lower-case name a filter may write (forbiddenOutputHeader), written by no
// other key or derived part.
function outputHeader(reader: ConfigReader, config: BodyKeysConfig, object: JsonObject, path: string): ArrayBuffer {
  const at = path + "/header";
  const name = reader.headerName(object, "header", path, "x-key");
  const why = forbiddenOutputHeader(name);
  if (why !== null) reader.fail(at, 'expected a header a filter may write: "' + name + '" ' + why);
  const bytes = utf8(name);
  for (let i = 0; i < config.outputHeaders.length; i++) {
    if (String.UTF8.decode(config.outputHeaders[i]) == name)
      reader.fail(at, 'expected a header no other key writes: "' + name + '" is written by ' + config.outputPaths[i]);
  }
  config.outputHeaders.push(bytes);
  config.outputPaths.push(at);
  return bytes;
}

// The allow-pattern of an output: bounded, and never allowing an empty value (an empty header is
// not a key, and a hash over it would send every such request to one pod).
function valuePattern(reader: ConfigReader, object: JsonObject, path: string): CharsetPattern {
  const at = path + "/pattern";
  const source = reader.string(object, "pattern", path, DEFAULT_VALUE_PATTERN);
  if (source.length > MAX_PATTERN_SOURCE) {
    reader.fail(at, "expected a pattern of at most " + decimalText(MAX_PATTERN_SOURCE) + " characters");
    return new CharsetPattern();
  }
  const compiled = compileCharsetPattern(source);
  const parsed = compiled.pattern;
  if (parsed === null) {
    reader.fail(at, compiled.error + ', got "' + source + '"');
    return new CharsetPattern();
  }
  if (parsed.maxLength == i32.MAX_VALUE)
    reader.fail(
      at,
      "expected a length range {min,max} with max at most " +
        decimalText(MAX_VALUE_LENGTH) +
        ': + and * set no maximum, got "' +
        source +
        '"',
    );
  else if (parsed.maxLength > MAX_VALUE_LENGTH)
    reader.fail(at, "expected a maximum length of at most " + decimalText(MAX_VALUE_LENGTH));
  else if (parsed.minLength < 1)
    reader.fail(at, 'expected a minimum length of at least 1 (an empty value is never written), got "' + source + '"');
  return parsed;
}

function stringList(
  reader: ConfigReader,
  object: JsonObject,
  key: string,
  path: string,
  fallback: Array<string>,
): Array<string> {
  const items = reader.array(object, key, path, 32);
  const texts = new Array<string>();
  if (items === null) for (let i = 0; i < fallback.length; i++) texts.push(fallback[i]);
  else {
    if (items.length == 0) reader.fail(path + "/" + key, "expected at least one entry");
    for (let i = 0; i < items.length; i++) {
      if (!items[i].isString || items[i].asString.length == 0)
        reader.fail(path + "/" + key + "/" + decimalText(i), "expected a non-empty string");
      else texts.push(items[i].asString);
    }
  }
  return texts;
}

// RFC 9110 token characters, upper case only.
function isUpperCaseMethod(method: string): bool {
  if (method.length == 0) return false;
  for (let i = 0; i < method.length; i++) {
    const c = method.charCodeAt(i);
    if (!((c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || "!#$%&'*+.^_`|~-".includes(String.fromCharCode(c))))
      return false;
  }
  return true;
}

// A lower-case type/subtype of token characters whose subtype ends in "json" (no wildcard).
function isJsonMediaType(type: string): bool {
  const slash = type.indexOf("/");
  if (slash <= 0 || !type.endsWith("json") || type.length - slash - 1 < 4) return false;
  for (let i = 0; i < type.length; i++) {
    if (i == slash) continue;
    const c = type.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || "!#$%&'+-.^_`|~".includes(String.fromCharCode(c))))
      return false;
  }
  return true;
}

function readFailure(reader: ConfigReader, root: JsonObject, key: string, defaultStatus: u32): OnFailure {
  const failure = new OnFailure(Action.Forward, defaultStatus);
  const object = reader.object(root, key, "");
  if (object === null) return failure;
  const path = "/" + key;
  reader.allowOnly(object, path, ["action", "status"]);
  if (!object.has("action")) reader.fail(path + "/action", "expected forward or reject");
  failure.action =
    reader.oneOf(object, "action", path, ["forward", "reject"], "forward") == "reject" ? Action.Reject : Action.Forward;
  failure.status = <u32>reader.integer(object, "status", path, defaultStatus, 400, 599);
  return failure;
}
