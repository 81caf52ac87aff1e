// body-keys on one request: keys from headers, cookies and the query first; when one is still
// missing and the request's body may hold it, hold the headers (StopIteration, which needs
// allow_on_headers_stop_iteration) and scan the body as it arrives, releasing the request as soon
// as every key is found, at the end of the body (its last data frame, or its trailers), or at the
// byte limit. Client copies of the output headers are gone before any of this: the runtime strips
// every owned header before onRequestHeaders.
import {
  Context,
  RootContext,
  stream_context,
  BufferType,
  FilterDataStatus,
  FilterHeadersStatus,
  FilterTrailersStatus,
  LogLevel,
  getBufferBytesInto,
  log,
  logEnabled,
  HeaderPair,
  sendLocalResponse,
} from "../../assembly/proxy";
import { PairsView } from "./pairs-view";
import { CookieValue, findCookieIn } from "../../assembly/codecs/cookies";
import { findFormField } from "../../assembly/codecs/query";
import { lowerAscii } from "../../assembly/codecs/bytes";
import { JsonPointerStream } from "./json-stream";
import { Action, BodyKeysConfig, GRPC_TYPE, Key, OnFailure, SourceKind } from "./config";
import { FormFieldStream } from "./form-stream";
import { KeysMetrics } from "./metrics";

const COOKIE = String.UTF8.encode("cookie");
const PATH = String.UTF8.encode(":path");
const METHOD = String.UTF8.encode(":method");
const CONTENT_TYPE = String.UTF8.encode("content-type");
// Scratch for the cookie a source reads, reused: one request at a time.
const cookie = new CookieValue();
// The most body bytes read into the module per host call, into one block reused by every read
// (a stream consumes each slice before it reads the next; one stream runs at a time).
const READ_SLICE_BYTES: i32 = 16384;
let slice: ArrayBuffer | null = null;
const JSON_TYPE = [new HeaderPair("content-type", "application/json")];

enum BodyKind {
  None = 0,
  Json = 1,
  Form = 2,
}

export class KeysStream extends Context {
  private pairs: PairsView = new PairsView();
  private values: Array<ArrayBuffer | null> = [];
  private json: JsonPointerStream | null = null;
  private form: FormFieldStream | null = null;
  private body: BodyKind = BodyKind.None;
  private consumed: i32 = 0;
  // For each json pointer / form field of the scanners: the key it belongs to.
  private jsonOwners: Array<i32> = [];
  private formOwners: Array<i32> = [];

  // The root creates each stream with what it parsed at configure: the stream never reads its root.
  constructor(
    contextId: u32,
    root: RootContext,
    readonly config: BodyKeysConfig,
    readonly metrics: KeysMetrics | null,
  ) {
    super(contextId, root);
  }

  // Every source is read from one snapshot taken before the runtime strips the owned headers, so a
  // header that is both a source and an output (x-cart-id sent by the portal) is seen as sent.
  readOwnedSources(headerCount: u32): void {
    this.pairs.load(stream_context.headers.request);
  }

  // From that same snapshot (the whole map): the runtime removes only the owned headers present.
  mayCarryOwnedHeader(index: i32): bool {
    if (this.pairs.buffer.byteLength < 4) return true;
    return this.pairs.find(this.root.ownedRequestHeaders[index]);
  }

  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const config = this.config;
    const metrics = this.metrics!;
    let pendingBody = false;
    for (let k = 0; k < config.keys.length; k++) {
      const key = config.keys[k];
      const value = this.fromRequest(key, metrics);
      this.values.push(value);
      if (value === null && key.readsBody) pendingBody = true;
    }
    if (!pendingBody || endOfStream) return this.finish(config, metrics, false, false);
    this.body = this.bodyKind(config);
    if (this.body == BodyKind.None) return this.finish(config, metrics, false, false);
    this.startScanner(config);
    return FilterHeadersStatus.StopIteration;
  }

  onRequestBody(bodyBufferLength: usize, endOfStream: bool): FilterDataStatus {
    if (this.body == BodyKind.None) return FilterDataStatus.Continue;
    const total = <i32>bodyBufferLength;
    const limit = this.config.maxBodyBytes;
    const end = total < limit ? total : limit;
    let more = true;
    // In slices: a key near the start of a large frame costs one small copy, not the whole frame,
    // and the copy's size (so linear memory) stays bounded whatever the frame size.
    if (slice === null) slice = new ArrayBuffer(READ_SLICE_BYTES);
    const block = changetype<usize>(slice);
    while (more && end > this.consumed) {
      const want = end - this.consumed;
      const read = getBufferBytesInto(
        BufferType.HttpRequestBody,
        <u32>this.consumed,
        block,
        <u32>(want < READ_SLICE_BYTES ? want : READ_SLICE_BYTES),
      );
      if (read == 0) break;
      this.consumed += read;
      more = this.body == BodyKind.Json ? this.json!.feed(block, read) : this.form!.feed(block, read);
    }
    // Exactly max_body_bytes so far with more to come: the next frame or the trailers say whether
    // the body ends here or goes past the limit.
    const limitReached = more && total > limit;
    if (more && !endOfStream && !limitReached) return FilterDataStatus.StopIterationAndBuffer;
    const status = this.decide(endOfStream && !limitReached, limitReached);
    return status == FilterHeadersStatus.Continue ? FilterDataStatus.Continue : FilterDataStatus.StopIterationNoBuffer;
  }

  // The body ended with trailers (its last data frame had end_of_stream false, or there was none):
  // the held headers go on only after the decision, and a rejection answers here.
  onRequestTrailers(trailerCount: u32): FilterTrailersStatus {
    if (this.body == BodyKind.None) return FilterTrailersStatus.Continue;
    const status = this.decide(true, false);
    return status == FilterHeadersStatus.Continue ? FilterTrailersStatus.Continue : FilterTrailersStatus.StopIteration;
  }

  // The scan is over: at the end of the body (`ended`), at the limit, or with every key found.
  private decide(ended: bool, limitReached: bool): FilterHeadersStatus {
    const config = this.config;
    const metrics = this.metrics!;
    // Only a body that ended is finished: a document cut at the limit is unfinished, not malformed,
    // and a form value cut there is not a value. An empty body is a missing key, not a bad document.
    if (ended && this.consumed > 0) {
      if (this.body == BodyKind.Json) this.json!.finish();
      else this.form!.finish();
    }
    this.collect(config, metrics);
    const unparseable = this.body == BodyKind.Json && this.json!.failed && !this.json!.complete;
    this.body = BodyKind.None;
    return this.finish(config, metrics, unparseable, limitReached);
  }

  // The first allowed value from a header, cookie or query source, in configuration order.
  private fromRequest(key: Key, metrics: KeysMetrics): ArrayBuffer | null {
    const pairs = this.pairs;
    for (let s = 0; s < key.requestSources.length; s++) {
      const source = key.requestSources[s];
      let start: usize = 0;
      let length = -1;
      let decoded: ArrayBuffer | null = null;
      if (source.kind == SourceKind.Header) {
        if (pairs.find(source.name)) {
          start = pairs.valueStart;
          length = pairs.valueLength;
        }
      } else if (source.kind == SourceKind.Cookie) {
        if (pairs.find(COOKIE) && findCookieIn(pairs.valueStart, pairs.valueLength, source.name, cookie)) {
          start = cookie.start;
          length = cookie.length;
        }
      } else if (pairs.find(PATH)) {
        let i = 0;
        while (i < pairs.valueLength && load<u8>(pairs.valueStart + <usize>i) != 0x3f) i++;
        if (i < pairs.valueLength)
          decoded = findFormField(pairs.valueStart + <usize>(i + 1), pairs.valueLength - i - 1, source.name);
        if (decoded !== null) {
          start = changetype<usize>(decoded);
          length = decoded.byteLength;
        }
      }
      if (length < 0 || !key.pattern.matches(start, length)) continue;
      metrics.foundIn(source.kind);
      const out = new ArrayBuffer(length);
      memory.copy(changetype<usize>(out), start, <usize>length);
      return out;
    }
    return null;
  }

  // Which scanner the body needs: by method, path prefix and content type (parameters ignored).
  private bodyKind(config: BodyKeysConfig): BodyKind {
    const pairs = this.pairs;
    if (!pairs.find(METHOD) || !anyEquals(pairs.valueStart, pairs.valueLength, config.methods)) return BodyKind.None;
    if (!pairs.find(PATH) || !anyPrefix(pairs.valueStart, pairs.valueLength, config.pathPrefixes)) return BodyKind.None;
    if (!pairs.find(CONTENT_TYPE)) return BodyKind.None;
    const type = mediaType(pairs.valueStart, pairs.valueLength);
    const start = changetype<usize>(type);
    const length = type.byteLength;
    if (anyEquals(start, length, config.jsonTypes)) return BodyKind.Json;
    if (
      config.jsonSuffix &&
      length > 17 &&
      startsWithText(start, length, "application/") &&
      endsWithText(start, length, "+json") &&
      !startsWithText(start, length, GRPC_TYPE)
    )
      return BodyKind.Json;
    if (anyEquals(start, length, config.formTypes)) return BodyKind.Form;
    return BodyKind.None;
  }

  private startScanner(config: BodyKeysConfig): void {
    const pointers = new Array<Array<ArrayBuffer>>();
    const fields = new Array<ArrayBuffer>();
    for (let k = 0; k < config.keys.length; k++) {
      if (this.values[k] !== null) continue;
      const key = config.keys[k];
      for (let i = 0; i < key.jsonPointers.length; i++) {
        pointers.push(key.jsonPointers[i]);
        this.jsonOwners.push(k);
      }
      for (let i = 0; i < key.formFields.length; i++) {
        fields.push(key.formFields[i]);
        this.formOwners.push(k);
      }
    }
    if (this.body == BodyKind.Json) this.json = new JsonPointerStream(pointers, config.maxValueLength);
    else this.form = new FormFieldStream(fields, config.maxValueLength);
  }

  // Takes what the scanner found: per key, the first of its body sources (in order) with an
  // allowed value.
  private collect(config: BodyKeysConfig, metrics: KeysMetrics): void {
    const found = this.body == BodyKind.Json ? this.json!.values : this.form!.values;
    const owners = this.body == BodyKind.Json ? this.jsonOwners : this.formOwners;
    for (let i = 0; i < found.length; i++) {
      const k = owners[i];
      const value = found[i];
      if (this.values[k] !== null || value === null) continue;
      if (!config.keys[k].pattern.matchesBuffer(value)) continue;
      this.values[k] = value;
      metrics.foundIn(this.body == BodyKind.Json ? SourceKind.Json : SourceKind.Form);
    }
  }

  // Writes the keys found and their derived parts (the runtime already removed client copies),
  // then applies on_unparseable, on_limit or on_missing.
  private finish(
    config: BodyKeysConfig,
    metrics: KeysMetrics,
    unparseable: bool,
    limitReached: bool,
  ): FilterHeadersStatus {
    const request = stream_context.headers.request;
    let missing = 0;
    for (let k = 0; k < config.keys.length; k++) {
      const key = config.keys[k];
      const value = k < this.values.length ? this.values[k] : null;
      if (value === null) {
        missing++;
        continue;
      }
      request.replaceBytes(key.header, value);
      const derived = key.derived;
      if (derived === null) continue;
      for (let i = 0; i < value.byteLength; i++) {
        if (<i32>load<u8>(changetype<usize>(value) + <usize>i) != derived.until) continue;
        if (i > 0) request.replaceRaw(derived.header, changetype<usize>(value), i);
        break;
      }
    }
    if (missing > 0) metrics.missing.increment(missing);
    if (unparseable) metrics.unparseable.increment();
    if (limitReached) metrics.limitReached.increment();
    if (unparseable && this.reject(config.onUnparseable, metrics, "body_unparseable"))
      return FilterHeadersStatus.StopIteration;
    if (limitReached && missing > 0 && this.reject(config.onLimit, metrics, "body_limit_reached"))
      return FilterHeadersStatus.StopIteration;
    if (missing > 0 && this.reject(config.onMissing, metrics, "key_missing")) return FilterHeadersStatus.StopIteration;
    return FilterHeadersStatus.Continue;
  }

  private reject(onFailure: OnFailure, metrics: KeysMetrics, code: string): bool {
    if (onFailure.action != Action.Reject) return false;
    if (logEnabled(LogLevel.Debug)) log(LogLevel.Debug, "body-keys: " + code);
    metrics.rejected.increment();
    sendLocalResponse(onFailure.status, "body_keys_" + code, String.UTF8.encode('{"error":"' + code + '"}'), JSON_TYPE);
    return true;
  }
}

// The media type in lower case, without parameters or the optional whitespace (spaces and tabs,
// RFC 9110 §5.6.3) around it: "Application/JSON\t; charset=utf-8" is application/json.
function mediaType(start: usize, length: i32): ArrayBuffer {
  let end = 0;
  while (end < length && load<u8>(start + <usize>end) != 0x3b) end++;
  let from = 0;
  while (from < end && isOptionalWhitespace(load<u8>(start + <usize>from))) from++;
  while (end > from && isOptionalWhitespace(load<u8>(start + <usize>(end - 1)))) end--;
  const out = new ArrayBuffer(end - from);
  for (let i = 0; i < end - from; i++)
    store<u8>(changetype<usize>(out) + <usize>i, <u8>lowerAscii(<u32>load<u8>(start + <usize>(from + i))));
  return out;
}


@inline function isOptionalWhitespace(c: u8): bool {
  return c == 0x20 || c == 0x09;
}

function anyEquals(start: usize, length: i32, options: Array<ArrayBuffer>): bool {
  for (let i = 0; i < options.length; i++) {
    const option = options[i];
    if (option.byteLength == length && memory.compare(start, changetype<usize>(option), <usize>length) == 0)
      return true;
  }
  return false;
}

function anyPrefix(start: usize, length: i32, prefixes: Array<ArrayBuffer>): bool {
  for (let i = 0; i < prefixes.length; i++) {
    const prefix = prefixes[i];
    if (prefix.byteLength <= length && memory.compare(start, changetype<usize>(prefix), <usize>prefix.byteLength) == 0)
      return true;
  }
  return false;
}

function startsWithText(start: usize, length: i32, text: string): bool {
  if (length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (<u32>load<u8>(start + <usize>i) != <u32>text.charCodeAt(i)) return false;
  return true;
}

function endsWithText(start: usize, length: i32, text: string): bool {
  if (length < text.length) return false;
  const at = length - text.length;
  for (let i = 0; i < text.length; i++)
    if (<u32>load<u8>(start + <usize>(at + i)) != <u32>text.charCodeAt(i)) return false;
  return true;
}
