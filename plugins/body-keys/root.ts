// body-keys's root context: reads and validates the configuration once.
import { decimalText } from "../../assembly/codecs/decimal";
import { ConfigReader } from "../../assembly/codecs/config-reader";
import { Context, RootContext, LogLevel, log, logInfo } from "../../assembly/proxy";
import { BodyKeysConfig, parseConfig } from "./config";
import { KeysMetrics } from "./metrics";
import { KeysStream } from "./filter";

export class KeysRoot extends RootContext {
  config: BodyKeysConfig = new BodyKeysConfig();
  metrics: KeysMetrics | null = null;

  onConfigure(configurationSize: u32): bool {
    const reader = new ConfigReader();
    const config = parseConfig(this.getConfigurationBytes(configurationSize), reader);
    if (!reader.ok) {
      log(LogLevel.Error, "body-keys: invalid configuration: " + reader.error!);
      return false;
    }
    this.config = config;
    this.ownedRequestHeaders = config.outputHeaders;
    if (this.metrics === null) this.metrics = new KeysMetrics();
    logInfo("body-keys: configured, " + decimalText(config.keys.length) + " keys");
    return true;
  }

  createContext(contextId: u32): Context {
    return new KeysStream(contextId, this, this.config, this.metrics);
  }
}
