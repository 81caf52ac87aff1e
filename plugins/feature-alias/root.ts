// feature-alias's root context: reads and validates the configuration once.
import { decimalText } from "../../assembly/codecs/decimal";
import { ConfigReader } from "../../assembly/codecs/config-reader";
import { Context, RootContext, LogLevel, log, logInfo } from "../../assembly/proxy";
import { Feature, FeatureAliasConfig, parseConfig, RuleTable } from "./config";
import { RequestFacts } from "./facts";
import { AliasMetrics } from "./metrics";
import { AliasStream } from "./filter";

export class AliasRoot extends RootContext {
  config: FeatureAliasConfig = new FeatureAliasConfig();
  metrics: AliasMetrics | null = null;
  // One set of facts, reset per request: streams are handled one at a time.
  // The features chosen for the current request, emptied per request rather than reallocated.
  chosen: Array<Feature> = [];
  ruleTable: RuleTable = new RuleTable([]);
  facts: RequestFacts = new RequestFacts([], [], new ArrayBuffer(0), []);

  onConfigure(configurationSize: u32): bool {
    const reader = new ConfigReader();
    const config = parseConfig(this.getConfigurationBytes(configurationSize), reader);
    if (!reader.ok) {
      log(LogLevel.Error, "feature-alias: invalid configuration: " + reader.error!);
      return false;
    }
    this.config = config;
    const owned = new Array<ArrayBuffer>();
    for (let i = 0; i < config.owned.length; i++) owned.push(String.UTF8.encode(config.owned[i]));
    this.ownedRequestHeaders = owned;
    this.metrics = new AliasMetrics(config);
    this.facts = new RequestFacts(config.attributes.attributes, config.tokenSources, config.aliasHeader, owned);
    this.ruleTable = new RuleTable(config.rules);
    logInfo(
      "feature-alias: configured, " +
        decimalText(config.features.length) +
        " features, " +
        decimalText(config.rules.length) +
        " rules",
    );
    return true;
  }

  createContext(contextId: u32): Context {
    return new AliasStream(contextId, this, this.config, this.metrics, this.facts, this.ruleTable, this.chosen);
  }
}
