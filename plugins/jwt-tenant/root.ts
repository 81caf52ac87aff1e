// jwt-tenant's root context: reads and validates the configuration once.
import { ConfigReader } from "../../assembly/codecs/config-reader";
import { Context, RootContext, LogLevel, log, logInfo } from "../../assembly/proxy";
import { JwtTenantConfig, parseConfig } from "./config";
import { TenantMetrics } from "./metrics";
import { TenantStream } from "./filter";
import { TokenCache } from "./token-cache";

export class TenantRoot extends RootContext {
  config: JwtTenantConfig = new JwtTenantConfig();
  metrics: TenantMetrics | null = null;
  // Results for tokens seen before; null when token_cache.entries is 0 or claims come from metadata.
  tokenCache: TokenCache | null = null;

  onConfigure(configurationSize: u32): bool {
    const reader = new ConfigReader();
    const config = parseConfig(this.getConfigurationBytes(configurationSize), reader);
    if (!reader.ok) {
      log(LogLevel.Error, "jwt-tenant: invalid configuration: " + reader.error!);
      return false;
    }
    this.config = config;
    this.ownedRequestHeaders = config.ownedHeaders;
    // A new configuration may map the same token differently: its cache starts empty.
    this.tokenCache =
      config.tokenCacheEntries > 0 && config.metadataPayloadPath === null
        ? new TokenCache(config.tokenCacheEntries, config.claimHeaders.length)
        : null;
    if (this.metrics === null) this.metrics = new TenantMetrics();
    logInfo(
      "jwt-tenant: configured, tenant claim " +
        config.tenantClaim.display +
        " to header " +
        String.UTF8.decode(config.tenantHeader),
    );
    return true;
  }

  createContext(contextId: u32): Context {
    return new TenantStream(contextId, this, this.config, this.metrics, this.tokenCache);
  }
}
