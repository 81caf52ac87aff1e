// feature-alias's metrics (Envoy shows them as wasmcustom.feature_alias.*).
import { Counter } from "../../assembly/proxy";
import { FeatureAliasConfig } from "./config";

export class AliasMetrics {
  // Requests assigned each feature, by feature name (in configuration order).
  readonly assigned: Array<Counter> = [];
  // Requests no rule matched (the default feature, if any, is then assigned).
  readonly noMatch: Counter = new Counter("feature_alias.no_match");
  readonly incomingKept: Counter = new Counter("feature_alias.incoming_kept");
  readonly incomingStripped: Counter = new Counter("feature_alias.incoming_stripped");

  constructor(config: FeatureAliasConfig) {
    for (let i = 0; i < config.features.length; i++)
      this.assigned.push(new Counter("feature_alias.assigned." + config.features[i].name));
  }
}
