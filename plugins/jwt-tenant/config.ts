// jwt-tenant's configuration, parsed and validated once in onConfigure (config.schema.json says
// the same in JSON Schema; `route-keys validate jwt-tenant FILE` checks it offline).
import { decimalText } from "../../assembly/codecs/decimal";
import { ConfigReader } from "../../assembly/codecs/config-reader";
import { JsonObject } from "../../assembly/codecs/json/value";
import { CharsetPattern, compileCharsetPattern } from "../../assembly/codecs/match/charset";
import { ClaimPath, parseClaimPath } from "../../assembly/codecs/jwt/claim-path";
import { readTokenSources, TokenSource, TokenSourceKind } from "../../assembly/request/token-sources";
import { propertyPath } from "../../assembly/proxy";
import { forbiddenOutputHeader } from "../../assembly/codecs/output-headers";
import { bytesEqual } from "../../assembly/codecs/bytes";

export const DEFAULT_TENANT_PATTERN = "^[A-Za-z0-9._-]{1,64}$";
export const DEFAULT_CLAIM_PATTERN = "^[A-Za-z0-9._@:+-]{1,256}$";

export enum FailureAction {
  Forward = 0,
  Default = 1,
  Reject = 2,
}

export class OnFailure {
  constructor(
    public action: FailureAction,
    public defaultTenant: ArrayBuffer,
    public status: u32,
  ) {}
}

export class Capture {
  constructor(
    public prefix: ArrayBuffer,
    public until: i32,
  ) {}
}

export class ClaimHeader {
  // With payload_in_metadata: the claim's property path, joined once here.
  metadataPath: ArrayBuffer = new ArrayBuffer(0);
  constructor(
    public claim: ClaimPath,
    public header: ArrayBuffer,
    public pattern: CharsetPattern,
  ) {}
}

export class JwtTenantConfig {
  tokenSources: Array<TokenSource> = [];
  // Set when claims come from jwt_authn's verified payload: the property path of that payload.
  metadataPayloadPath: Array<string> | null = null;
  tenantClaim: ClaimPath = new ClaimPath([], "");
  // Reasons built once here, not on each request that lacks the claim.
  missingClaimReason: string = "";
  missingVerifiedClaimReason: string = "";
  tenantMetadataPath: ArrayBuffer = new ArrayBuffer(0);
  issuerMetadataPath: ArrayBuffer = new ArrayBuffer(0);
  tenantHeader: ArrayBuffer = new ArrayBuffer(0);
  arraysTakeFirst: bool = false;
  capture: Capture | null = null;
  tenantMap: Map<string, ArrayBuffer> | null = null;
  unmappedInvalid: bool = false;
  tenantPattern: CharsetPattern = new CharsetPattern();
  claimHeaders: Array<ClaimHeader> = [];
  // Every header the plugin writes (the runtime's ownedRequestHeaders), removed from each request before anything else.
  ownedHeaders: Array<ArrayBuffer> = [];
  checkExpiry: bool = false;
  leewaySeconds: i64 = 60;
  issuers: Array<ArrayBuffer> = [];
  // Slots of the token cache (token_cache.entries); 0 turns it off.
  tokenCacheEntries: i32 = 128;
  onMissing: OnFailure = new OnFailure(FailureAction.Forward, new ArrayBuffer(0), 401);
  onInvalid: OnFailure = new OnFailure(FailureAction.Reject, new ArrayBuffer(0), 401);
}

const ISS = [String.UTF8.encode("iss")];

export function issuerPath(): Array<ArrayBuffer> {
  return ISS;
}

export function parseConfig(text: ArrayBuffer, reader: ConfigReader): JwtTenantConfig {
  const config = new JwtTenantConfig();
  const root = reader.root(text);
  reader.allowOnly(root, "", [
    "token_sources",
    "payload_in_metadata",
    "tenant",
    "claims_to_headers",
    "checks",
    "token_cache",
    "on_missing",
    "on_invalid",
  ]);

  config.tokenSources = readTokenSources(reader, root, "token_sources", "");
  const metadata = reader.object(root, "payload_in_metadata", "");
  if (metadata !== null) {
    reader.allowOnly(metadata, "/payload_in_metadata", ["namespace", "key"]);
    const namespace = reader.string(metadata, "namespace", "/payload_in_metadata", "envoy.filters.http.jwt_authn");
    if (namespace.length == 0)
      reader.fail(
        "/payload_in_metadata/namespace",
        "expected the metadata namespace jwt_authn writes to, such as envoy.filters.http.jwt_authn",
      );
    const key = reader.string(metadata, "key", "/payload_in_metadata", "");
    if (key.length == 0) reader.fail("/payload_in_metadata/key", "expected the provider's payload_in_metadata name");
    config.metadataPayloadPath = ["metadata", "filter_metadata", namespace, key];
  }

  const tenant = reader.object(root, "tenant", "");
  const tenantObject = tenant !== null ? tenant : new JsonObject();
  reader.allowOnly(tenantObject, "/tenant", ["claim", "header", "arrays", "capture", "map", "unmapped", "pattern"]);
  config.tenantClaim = parseClaimPath(reader, tenantObject.get("claim"), "/tenant/claim", "/tenant");
  config.missingClaimReason = "no tenant claim " + config.tenantClaim.display;
  config.missingVerifiedClaimReason = "no verified tenant claim " + config.tenantClaim.display;
  config.tenantHeader = outputHeader(reader, tenantObject, "/tenant", "x-tenant-id", config);
  config.arraysTakeFirst = reader.oneOf(tenantObject, "arrays", "/tenant", ["reject", "first"], "reject") == "first";
  config.capture = readCapture(reader, tenantObject);
  config.tenantPattern = readPattern(reader, tenantObject, "/tenant", DEFAULT_TENANT_PATTERN);
  config.tenantMap = readMap(reader, tenantObject, config.tenantPattern);
  config.unmappedInvalid = reader.oneOf(tenantObject, "unmapped", "/tenant", ["keep", "invalid"], "keep") == "invalid";

  const claimHeaders = reader.array(root, "claims_to_headers", "", 16);
  if (claimHeaders !== null) {
    for (let i = 0; i < claimHeaders.length; i++) {
      const at = "/claims_to_headers/" + decimalText(i);
      if (!claimHeaders[i].isObject) {
        reader.fail(at, "expected an object with claim and header");
        continue;
      }
      const item = claimHeaders[i].asObject;
      reader.allowOnly(item, at, ["claim", "header", "pattern"]);
      if (!item.has("claim") || !item.has("header")) reader.fail(at, "expected both claim and header");
      const header = outputHeader(reader, item, at, "x-claim", config);
      config.claimHeaders.push(
        new ClaimHeader(
          parseClaimPath(reader, item.get("claim"), at + "/claim", "/sub"),
          header,
          readPattern(reader, item, at, DEFAULT_CLAIM_PATTERN),
        ),
      );
    }
  }
  // The runtime removes owned headers before the filter runs: a token there would never be seen.
  for (let i = 0; i < config.tokenSources.length; i++) {
    const source = config.tokenSources[i];
    if (source.kind == TokenSourceKind.Header && isOwned(config, source.name))
      reader.fail("/token_sources/" + decimalText(i) + "/header", "expected a header the plugin does not write");
  }

  const checks = reader.object(root, "checks", "");
  if (checks !== null) {
    reader.allowOnly(checks, "/checks", ["expiry", "leeway_seconds", "issuers"]);
    config.checkExpiry = reader.bool(checks, "expiry", "/checks", false);
    config.leewaySeconds = reader.integer(checks, "leeway_seconds", "/checks", 60, 0, 3600);
    const issuers = reader.array(checks, "issuers", "/checks", 32);
    if (issuers !== null) {
      for (let i = 0; i < issuers.length; i++) {
        if (!issuers[i].isString || issuers[i].asString.length == 0)
          reader.fail("/checks/issuers/" + decimalText(i), "expected an issuer URL");
        else config.issuers.push(String.UTF8.encode(issuers[i].asString));
      }
    }
    if (config.checkExpiry && config.metadataPayloadPath !== null) {
      reader.fail("/checks/expiry", "expected false with payload_in_metadata: jwt_authn already checked exp and nbf");
    }
  }

  const cache = reader.object(root, "token_cache", "");
  if (cache !== null) {
    reader.allowOnly(cache, "/token_cache", ["entries"]);
    config.tokenCacheEntries = <i32>reader.integer(cache, "entries", "/token_cache", 128, 0, 4096);
    if (config.metadataPayloadPath !== null)
      reader.fail("/token_cache", "expected no token_cache with payload_in_metadata: there is no token to cache");
  }

  config.onMissing = readFailure(reader, root, "on_missing", FailureAction.Forward, config.tenantPattern);
  config.onInvalid = readFailure(reader, root, "on_invalid", FailureAction.Reject, config.tenantPattern);
  if (config.metadataPayloadPath !== null) {
    config.tenantMetadataPath = metadataClaimPath(config, config.tenantClaim.segments);
    config.issuerMetadataPath = metadataClaimPath(config, ISS);
    for (let i = 0; i < config.claimHeaders.length; i++)
      config.claimHeaders[i].metadataPath = metadataClaimPath(config, config.claimHeaders[i].claim.segments);
  }
  return config;
}

function readCapture(reader: ConfigReader, tenant: JsonObject): Capture | null {
  const capture = reader.object(tenant, "capture", "/tenant");
  if (capture === null) return null;
  reader.allowOnly(capture, "/tenant/capture", ["prefix", "until"]);
  const prefix = reader.string(capture, "prefix", "/tenant/capture", "");
  if (prefix.length == 0) reader.fail("/tenant/capture/prefix", "expected the text the value starts with");
  // Absent: the rest of the value is kept. Present: one character a header value may hold.
  const until = capture.has("until") ? reader.string(capture, "until", "/tenant/capture", "") : "";
  const untilCode = until.length == 1 ? until.charCodeAt(0) : -1;
  if (capture.has("until") && (untilCode < 0x20 || untilCode > 0x7e))
    reader.fail("/tenant/capture/until", "expected one printable ASCII character or space");
  return new Capture(String.UTF8.encode(prefix), untilCode);
}

// An output header (lower-case, not on the deny list, not written by another output), added to
// the owned headers the runtime strips.
function outputHeader(
  reader: ConfigReader,
  object: JsonObject,
  path: string,
  fallback: string,
  config: JwtTenantConfig,
): ArrayBuffer {
  const name = reader.headerName(object, "header", path, fallback);
  const why = forbiddenOutputHeader(name);
  if (why !== null) reader.fail(path + "/header", '"' + name + '" ' + why + ": expected a header a filter may write");
  const bytes = String.UTF8.encode(name);
  if (isOwned(config, bytes))
    reader.fail(
      path + "/header",
      '"' + name + '" is already written by another output: expected one output per header',
    );
  config.ownedHeaders.push(bytes);
  return bytes;
}

function isOwned(config: JwtTenantConfig, name: ArrayBuffer): bool {
  for (let i = 0; i < config.ownedHeaders.length; i++)
    if (bytesEqual(changetype<usize>(name), name.byteLength, config.ownedHeaders[i])) return true;
  return false;
}

function readMap(reader: ConfigReader, tenant: JsonObject, pattern: CharsetPattern): Map<string, ArrayBuffer> | null {
  const object = reader.object(tenant, "map", "/tenant");
  if (object === null) return null;
  const map = new Map<string, ArrayBuffer>();
  if (object.keys.length > 1024) reader.fail("/tenant/map", "expected at most 1024 entries");
  for (let i = 0; i < object.keys.length; i++) {
    const key = object.keys[i];
    const value = object.get(key)!;
    const at = "/tenant/map/" + key.replaceAll("~", "~0").replaceAll("/", "~1");
    if (!value.isString || value.asString.length == 0) {
      reader.fail(at, "expected a tenant name");
      continue;
    }
    // A map target is written as it is: it must be a value the tenant pattern allows.
    if (!pattern.matchesString(value.asString))
      reader.fail(at, "expected a value the tenant pattern " + pattern.source + " allows");
    map.set(key, String.UTF8.encode(value.asString));
  }
  return map;
}

function readPattern(reader: ConfigReader, object: JsonObject, path: string, fallback: string): CharsetPattern {
  const source = reader.string(object, "pattern", path, fallback);
  const compiled = compileCharsetPattern(source);
  const pattern = compiled.pattern;
  if (pattern === null) {
    reader.fail(path + "/pattern", compiled.error + ', got "' + source + '"');
    return new CharsetPattern();
  }
  // A header is never written empty.
  if (pattern.minLength < 1)
    reader.fail(
      path + "/pattern",
      'expected a pattern that refuses the empty value (a minimum length of 1), got "' + source + '"',
    );
  return pattern;
}

function readFailure(
  reader: ConfigReader,
  root: JsonObject,
  key: string,
  fallback: FailureAction,
  tenantPattern: CharsetPattern,
): OnFailure {
  const failure = new OnFailure(fallback, new ArrayBuffer(0), 401);
  const object = reader.object(root, key, "");
  if (object === null) return failure;
  const path = "/" + key;
  reader.allowOnly(object, path, ["action", "default_tenant", "status"]);
  if (!object.has("action")) reader.fail(path + "/action", "expected forward, default or reject");
  const action = reader.oneOf(object, "action", path, ["forward", "default", "reject"], "forward");
  failure.action =
    action == "reject" ? FailureAction.Reject : action == "default" ? FailureAction.Default : FailureAction.Forward;
  failure.status = <u32>reader.integer(object, "status", path, 401, 400, 599);
  const defaultTenant = reader.string(object, "default_tenant", path, "");
  // A default_tenant is checked whenever it is given, so a later switch to action default can
  // never bring a value the pattern refuses.
  if (failure.action == FailureAction.Default && defaultTenant.length == 0) {
    reader.fail(path + "/default_tenant", "expected the tenant to use with action default");
  } else if (object.has("default_tenant") && !tenantPattern.matchesString(defaultTenant)) {
    reader.fail(path + "/default_tenant", "expected a value the tenant pattern " + tenantPattern.source + " allows");
  }
  failure.defaultTenant = String.UTF8.encode(defaultTenant);
  return failure;
}

// The NUL-joined property path of one claim inside jwt_authn's payload.
function metadataClaimPath(config: JwtTenantConfig, claim: Array<ArrayBuffer>): ArrayBuffer {
  const segments = config.metadataPayloadPath!.slice(0);
  for (let i = 0; i < claim.length; i++) segments.push(String.UTF8.decode(claim[i]));
  return propertyPath(segments);
}
