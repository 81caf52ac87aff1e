// jwt-tenant on one request: find the token (or the verified payload), turn the tenant claim into
// an allowed value, write it; otherwise apply on_missing or on_invalid. The runtime has removed
// every client copy of the owned headers before, so no outcome can leave one.
import {
  Context,
  RootContext,
  stream_context,
  FilterHeadersStatus,
  LogLevel,
  log,
  logEnabled,
  HeaderPair,
  sendLocalResponse,
  currentTimeNanoseconds,
} from "../../assembly/proxy";
import { decodeJwtAt, Jwt, jwtErrorText } from "../../assembly/codecs/jwt/decoder";
import { FoundToken, findToken } from "../../assembly/request/token-sources";
import { bytesEqual, copyBytes } from "../../assembly/codecs/bytes";
import { ClaimStatus, ClaimText, metadataClaim, NO_DATE, numericDate, tokenClaim } from "./claims";
import { FailureAction, issuerPath, JwtTenantConfig, OnFailure } from "./config";
import { TenantMetrics } from "./metrics";
import { CachedTenant, TokenCache } from "./token-cache";

const EXP = [String.UTF8.encode("exp")];
const NBF = [String.UTF8.encode("nbf")];
const JSON_TYPE = [new HeaderPair("content-type", "application/json")];

// Reused per request: the request path is single-threaded.
const token = new FoundToken();
// One per claims_to_headers entry; length -1 when that header is not written.
const claimValues = new Array<ClaimText>();
const jwt = new Jwt();
const tenantText = new ClaimText();
const tenant = new ClaimText();
const claimText = new ClaimText();

export class TenantStream extends Context {
  // The root creates each stream with what it parsed at configure: the stream never reads its root.
  constructor(
    contextId: u32,
    root: RootContext,
    readonly config: JwtTenantConfig,
    readonly metrics: TenantMetrics | null,
    readonly tokenCache: TokenCache | null,
  ) {
    super(contextId, root);
  }

  // The runtime has already removed every client copy of the owned headers (ownedRequestHeaders).
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const config = this.config;
    const metrics = this.metrics!;
    metrics.requests.increment();
    if (config.metadataPayloadPath !== null) return this.fromMetadata(config, metrics);

    if (!findToken(config.tokenSources, token)) return this.missing(config, metrics, "no token");
    const cache = this.tokenCache;
    if (cache !== null) {
      const seen = cache.find(token.start, token.length);
      if (seen !== null) return this.fromCache(config, metrics, seen);
    }
    decodeJwtAt(token.start, token.length, jwt);
    if (!jwt.ok) return this.invalid(config, metrics, jwtErrorText(jwt.error));
    const exp = config.checkExpiry ? numericDate(jwt, EXP) : NO_DATE;
    const nbf = config.checkExpiry ? numericDate(jwt, NBF) : NO_DATE;
    const failedCheck = checkToken(config, jwt, exp, nbf);
    if (failedCheck !== null) return this.invalid(config, metrics, failedCheck);

    const status = tokenClaim(jwt, config.tenantClaim.segments, config.arraysTakeFirst, tenantText);
    if (status == ClaimStatus.Missing) return this.missing(config, metrics, config.missingClaimReason);
    if (status == ClaimStatus.WrongType)
      return this.invalid(config, metrics, "the tenant claim is not a string or an integer");
    if (status == ClaimStatus.Repeated) return this.invalid(config, metrics, jwtErrorText(jwt.error));
    if (!tenantValue(config, tenantText, tenant))
      return this.invalid(config, metrics, "the tenant claim's value is not allowed");
    // Every claim is read before anything is written: a repeated name on any claim's path makes the whole token invalid.
    const claimHeaders = config.claimHeaders;
    while (claimValues.length < claimHeaders.length) claimValues.push(new ClaimText());
    for (let i = 0; i < claimHeaders.length; i++) {
      const claimHeader = claimHeaders[i];
      const value = claimValues[i];
      const claimStatus = tokenClaim(jwt, claimHeader.claim.segments, config.arraysTakeFirst, value);
      if (claimStatus == ClaimStatus.Repeated) return this.invalid(config, metrics, jwtErrorText(jwt.error));
      if (claimStatus != ClaimStatus.Found || !claimHeader.pattern.matches(value.start, value.length))
        value.length = -1;
    }

    const request = stream_context.headers.request;
    request.replaceRaw(config.tenantHeader, tenant.start, tenant.length);
    metrics.tenantSet.increment();
    const stored =
      cache !== null ? cache.store(token.start, token.length, exp, nbf, tenant.start, tenant.length) : null;
    for (let i = 0; i < claimHeaders.length; i++) {
      const value = claimValues[i];
      if (value.length < 0) continue;
      request.replaceRaw(claimHeaders[i].header, value.start, value.length);
      if (stored !== null) stored.claimValues[i] = copyBytes(value.start, value.length);
    }
    return FilterHeadersStatus.Continue;
  }

  // A token seen before: the same headers as the first time, once the clock still allows it.
  private fromCache(config: JwtTenantConfig, metrics: TenantMetrics, seen: CachedTenant): FilterHeadersStatus {
    if (config.checkExpiry) {
      const failedTime = timeCheck(config, seen.exp, seen.nbf);
      if (failedTime !== null) return this.invalid(config, metrics, failedTime);
    }
    const request = stream_context.headers.request;
    request.replaceBytes(config.tenantHeader, seen.tenant);
    metrics.tenantSet.increment();
    for (let i = 0; i < config.claimHeaders.length; i++) {
      const value = seen.claimValues[i];
      if (value !== null) request.replaceBytes(config.claimHeaders[i].header, value);
    }
    return FilterHeadersStatus.Continue;
  }

  private fromMetadata(config: JwtTenantConfig, metrics: TenantMetrics): FilterHeadersStatus {
    if (config.issuers.length > 0) {
      if (
        metadataClaim(config.issuerMetadataPath, claimText) != ClaimStatus.Found ||
        !issuerAllowed(config, claimText)
      ) {
        return this.invalid(config, metrics, "the issuer is not allowed");
      }
    }
    if (metadataClaim(config.tenantMetadataPath, tenantText) != ClaimStatus.Found)
      return this.missing(config, metrics, config.missingVerifiedClaimReason);
    if (!tenantValue(config, tenantText, tenant))
      return this.invalid(config, metrics, "the tenant claim's value is not allowed");
    const request = stream_context.headers.request;
    request.replaceRaw(config.tenantHeader, tenant.start, tenant.length);
    metrics.tenantSet.increment();
    for (let i = 0; i < config.claimHeaders.length; i++) {
      const claimHeader = config.claimHeaders[i];
      if (metadataClaim(claimHeader.metadataPath, claimText) != ClaimStatus.Found) continue;
      if (claimHeader.pattern.matches(claimText.start, claimText.length))
        request.replaceRaw(claimHeader.header, claimText.start, claimText.length);
    }
    return FilterHeadersStatus.Continue;
  }

  private missing(config: JwtTenantConfig, metrics: TenantMetrics, reason: string): FilterHeadersStatus {
    metrics.missing.increment();
    return this.fail(config.onMissing, config, metrics, "tenant_missing", reason);
  }

  private invalid(config: JwtTenantConfig, metrics: TenantMetrics, reason: string): FilterHeadersStatus {
    metrics.invalid.increment();
    return this.fail(config.onInvalid, config, metrics, "tenant_invalid", reason);
  }

  private fail(
    onFailure: OnFailure,
    config: JwtTenantConfig,
    metrics: TenantMetrics,
    code: string,
    reason: string,
  ): FilterHeadersStatus {
    if (logEnabled(LogLevel.Debug)) log(LogLevel.Debug, "jwt-tenant: " + code + ": " + reason);
    if (onFailure.action == FailureAction.Default) {
      stream_context.headers.request.replaceBytes(config.tenantHeader, onFailure.defaultTenant);
      metrics.defaulted.increment();
      return FilterHeadersStatus.Continue;
    }
    if (onFailure.action == FailureAction.Reject) {
      metrics.rejected.increment();
      const body = '{"error":"' + code + '","reason":"' + reason + '"}';
      sendLocalResponse(onFailure.status, "jwt_tenant_" + code, String.UTF8.encode(body), JSON_TYPE);
      return FilterHeadersStatus.StopIteration;
    }
    return FilterHeadersStatus.Continue;
  }
}

// exp / nbf against the host clock, and the issuer allow-list; null when the token passes.
function checkToken(config: JwtTenantConfig, jwt: Jwt, exp: f64, nbf: f64): string | null {
  if (config.checkExpiry) {
    const failedTime = timeCheck(config, exp, nbf);
    if (failedTime !== null) return failedTime;
  }
  if (config.issuers.length > 0) {
    if (tokenClaim(jwt, issuerPath(), false, claimText) != ClaimStatus.Found || !issuerAllowed(config, claimText))
      return "the issuer is not allowed";
  }
  return null;
}

// exp and nbf (NO_DATE when absent, NaN when not a NumericDate) against the host clock, with the
// configured leeway (RFC 7519 §4.1.4, §4.1.5).
function timeCheck(config: JwtTenantConfig, exp: f64, nbf: f64): string | null {
  if (isNaN(exp)) return "the token's exp is not a NumericDate";
  if (isNaN(nbf)) return "the token's nbf is not a NumericDate";
  const now = <f64>currentTimeNanoseconds() / 1e9;
  const leeway = <f64>config.leewaySeconds;
  if (exp != NO_DATE && now > exp + leeway) return "the token has expired";
  if (nbf != NO_DATE && now + leeway < nbf) return "the token is not valid yet";
  return null;
}

function issuerAllowed(config: JwtTenantConfig, issuer: ClaimText): bool {
  for (let i = 0; i < config.issuers.length; i++)
    if (bytesEqual(issuer.start, issuer.length, config.issuers[i])) return true;
  return false;
}

// Capture, map, then the allow-pattern: writes the bytes to send into `out`, or answers false when
// the value is not allowed.
function tenantValue(config: JwtTenantConfig, claim: ClaimText, out: ClaimText): bool {
  let start = claim.start;
  let length = claim.length;
  const capture = config.capture;
  if (capture !== null) {
    const prefix = capture.prefix;
    if (length < prefix.byteLength || memory.compare(start, changetype<usize>(prefix), <usize>prefix.byteLength) != 0)
      return false;
    start += <usize>prefix.byteLength;
    length -= prefix.byteLength;
    if (capture.until >= 0) {
      let end = 0;
      while (end < length && <i32>load<u8>(start + <usize>end) != capture.until) end++;
      length = end;
    }
  }
  const map = config.tenantMap;
  if (map !== null) {
    const key = String.UTF8.decodeUnsafe(start, <usize>length);
    if (map.has(key)) {
      const name = map.get(key);
      out.set(name, changetype<usize>(name), name.byteLength);
      return true;
    }
    if (config.unmappedInvalid) return false;
  }
  if (!config.tenantPattern.matches(start, length)) return false;
  out.set(claim.owner!, start, length);
  return true;
}
