// body-keys's configuration, parsed and validated once in onConfigure (config.schema.json says
// the same in JSON Schema; `route-keys validate body-keys FILE` checks it offline).
import { ConfigReader } from "../../assembly/config/reader";
import { JsonObject } from "../../assembly/json/value";
import { parseJsonPointer } from "../../assembly/json/pointer";
import { CharsetPattern, parseCharsetPattern, patternError } from "../../assembly/match/charset";

export const DEFAULT_VALUE_PATTERN = "^[A-Za-z0-9._:-]{1,128}$";

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
  constructor(public kind: SourceKind, public name: ArrayBuffer) {}
}

export class Derived {
  constructor(public header: ArrayBuffer, public until: i32) {}
}

export class Key {
  // Header, cookie and query sources first (in their order), then body sources (in theirs).
  requestSources: Array<KeySource> = [];
  jsonPointers: Array<Array<ArrayBuffer>> = [];
  formFields: Array<ArrayBuffer> = [];
  derived: Derived | null = null;
  constructor(public header: ArrayBuffer, public pattern: CharsetPattern) {}

  get readsBody(): bool {
    return this.jsonPointers.length > 0 || this.formFields.length > 0;
  }
}

export enum Action {
  Forward = 0,
  Reject = 1,
}

export class OnFailure {
  constructor(public action: Action, public status: u32) {}
}

export class BodyKeysConfig {
  keys: Array<Key> = [];
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
  if (keys === null || keys.length == 0) reader.fail("/keys", "expected at least one key, such as {\"header\": \"x-cart-id\", \"sources\": [{\"json\": \"/cartId\"}]}");
  else for (let i = 0; i < keys.length; i++) parseKey(reader, config, keys[i].isObject ? keys[i].asObject : null, "/keys/" + i.toString());

  const inspect = reader.object(root, "inspect", "");
  const inspectObject = inspect !== null ? inspect : new JsonObject();
  reader.allowOnly(inspectObject, "/inspect", ["methods", "path_prefixes", "content_types"]);
  config.methods = stringList(reader, inspectObject, "methods", "/inspect", ["POST", "PUT", "PATCH"], false);
  config.pathPrefixes = stringList(reader, inspectObject, "path_prefixes", "/inspect", ["/"], false);
  const types = stringList(reader, inspectObject, "content_types", "/inspect", ["application/json", "application/*+json", "application/x-www-form-urlencoded"], true);
  config.jsonSuffix = false;
  for (let i = 0; i < types.length; i++) {
    const type = String.UTF8.decode(types[i]);
    if (type == "application/*+json") config.jsonSuffix = true;
    else if (type == "application/x-www-form-urlencoded") config.formTypes.push(types[i]);
    else if (type.endsWith("json")) config.jsonTypes.push(types[i]);
    else reader.fail("/inspect/content_types/" + i.toString(), "expected a JSON type, application/*+json or application/x-www-form-urlencoded, got \"" + type + "\"");
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
  const header = utf8(reader.headerName(object, "header", path, "x-key"));
  const patternSource = reader.string(object, "pattern", path, DEFAULT_VALUE_PATTERN);
  const parsed = parseCharsetPattern(patternSource);
  if (parsed === null) reader.fail(path + "/pattern", patternError + ", got \"" + patternSource + "\"");
  const pattern = parsed !== null ? parsed : new CharsetPattern();
  if (pattern.maxLength > 1024) reader.fail(path + "/pattern", "expected a maximum length of at most 1024");
  else if (pattern.maxLength > config.maxValueLength) config.maxValueLength = pattern.maxLength;
  const key = new Key(header, pattern);
  const sources = reader.array(object, "sources", path, 8);
  if (sources === null || sources.length == 0) reader.fail(path + "/sources", "expected at least one source");
  else {
    for (let i = 0; i < sources.length; i++) {
      const at = path + "/sources/" + i.toString();
      if (!sources[i].isObject || sources[i].asObject.keys.length != 1) {
        reader.fail(at, "expected one of {\"header\": …}, {\"cookie\": …}, {\"query\": …}, {\"json\": \"/pointer\"}, {\"form\": …}");
        continue;
      }
      const source = sources[i].asObject;
      const kind = source.keys[0];
      const name = reader.string(source, kind, at, "");
      if (name.length == 0) reader.fail(at + "/" + kind, "expected a non-empty name");
      if (kind == "header") key.requestSources.push(new KeySource(SourceKind.Header, utf8(name.toLowerCase())));
      else if (kind == "cookie") key.requestSources.push(new KeySource(SourceKind.Cookie, utf8(name)));
      else if (kind == "query") key.requestSources.push(new KeySource(SourceKind.Query, utf8(name)));
      else if (kind == "form") key.formFields.push(utf8(name));
      else if (kind == "json") {
        const pointer = parseJsonPointer(name);
        if (pointer === null) reader.fail(at + "/json", "expected a JSON Pointer such as \"/cart/id\", got \"" + name + "\"");
        else key.jsonPointers.push(pointer);
      } else reader.fail(at + "/" + kind, "expected one of header, cookie, query, json, form");
    }
  }
  const derived = reader.object(object, "derived", path);
  if (derived !== null) {
    reader.allowOnly(derived, path + "/derived", ["header", "until"]);
    const until = reader.string(derived, "until", path + "/derived", "-");
    if (until.length != 1 || until.charCodeAt(0) > 0x7f) reader.fail(path + "/derived/until", "expected one ASCII character");
    key.derived = new Derived(utf8(reader.headerName(derived, "header", path + "/derived", "x-key-prefix")), until.length == 1 ? until.charCodeAt(0) : 0x2d);
  }
  config.keys.push(key);
}

function stringList(reader: ConfigReader, object: JsonObject, key: string, path: string, fallback: Array<string>, lower: bool): Array<ArrayBuffer> {
  const items = reader.array(object, key, path, 32);
  const texts = new Array<string>();
  if (items === null) for (let i = 0; i < fallback.length; i++) texts.push(fallback[i]);
  else {
    if (items.length == 0) reader.fail(path + "/" + key, "expected at least one entry");
    for (let i = 0; i < items.length; i++) {
      if (!items[i].isString || items[i].asString.length == 0) reader.fail(path + "/" + key + "/" + i.toString(), "expected a non-empty string");
      else texts.push(items[i].asString);
    }
  }
  const out = new Array<ArrayBuffer>();
  for (let i = 0; i < texts.length; i++) out.push(utf8(lower ? texts[i].toLowerCase() : texts[i]));
  return out;
}

function readFailure(reader: ConfigReader, root: JsonObject, key: string, defaultStatus: u32): OnFailure {
  const failure = new OnFailure(Action.Forward, defaultStatus);
  const object = reader.object(root, key, "");
  if (object === null) return failure;
  const path = "/" + key;
  reader.allowOnly(object, path, ["action", "status"]);
  failure.action = reader.oneOf(object, "action", path, ["forward", "reject"], "forward") == "reject" ? Action.Reject : Action.Forward;
  failure.status = <u32>reader.integer(object, "status", path, defaultStatus, 400, 599);
  return failure;
}
