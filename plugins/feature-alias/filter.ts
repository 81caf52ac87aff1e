// feature-alias on one request: decide the focus group from the rules and write the feature's
// alias and version. Client-sent copies of the owned headers never pass (the runtime strips them
// first); with keep_known a known incoming alias is written again, by the filter, with its version.
import {
  Context,
  RootContext,
  stream_context,
  FilterHeadersStatus,
  LogLevel,
  log,
  logEnabled,
} from "../../assembly/proxy";
import { bucketFor, saltedHash } from "./bucket";
import { Feature, FeatureAliasConfig, Rule, RuleTable } from "./config";
import { RequestFacts } from "./facts";
import { AliasMetrics } from "./metrics";
import { i32At, refAt } from "../../assembly/codecs/unchecked";

export class AliasStream extends Context {
  // The root creates each stream with what it parsed at configure (and the per-request scratch it
  // owns, reused since streams run one at a time): the stream never reads its root.
  constructor(
    contextId: u32,
    root: RootContext,
    readonly config: FeatureAliasConfig,
    readonly metrics: AliasMetrics | null,
    readonly facts: RequestFacts,
    readonly ruleTable: RuleTable,
    readonly chosen: Array<Feature>,
  ) {
    super(contextId, root);
  }

  // Runs before the runtime strips the owned headers: the one read of the request's headers, so
  // keep_known can see the client's alias. No condition reads an owned header (refused at configure).
  readOwnedSources(headerCount: u32): void {
    this.facts.reset();
  }

  // From that same read: the runtime removes only the owned headers the client sent.
  mayCarryOwnedHeader(index: i32): bool {
    return this.facts.mayCarryOwned(index);
  }

  // The owned headers are gone by now (the runtime removed every client copy); facts were loaded
  // in readOwnedSources, which the runtime always calls since the alias header is always owned.
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    const config = this.config;
    const metrics = this.metrics!;
    const facts = this.facts;

    if (facts.has(facts.aliasSlot)) {
      if (config.keepKnownIncoming) {
        const headers = facts.headers;
        const incoming = String.UTF8.decodeUnsafe(
          headers.start(facts.aliasSlot),
          <usize>headers.length(facts.aliasSlot),
        );
        if (config.byName.has(incoming)) {
          const feature = config.byName.get(incoming);
          writeFeatures(config, [feature], null);
          metrics.incomingKept.increment();
          metrics.assigned[feature.index].increment();
          return FilterHeadersStatus.Continue;
        }
      }
      metrics.incomingStripped.increment();
    }

    const chosen = this.chosen;
    chosen.length = 0;
    let firstRule: Rule | null = null;
    const table = this.ruleTable;
    const headers = facts.headers;
    for (let i = 0; i < table.count; i++) {
      const required = i32At(table.requiredSlots, i);
      if (required >= 0 && !headers.has(required)) continue;
      const rule = refAt(table.rules, i);
      const condition = rule.condition;
      if (condition !== null && !condition.matches(facts)) continue;
      const feature = rule.split !== null ? splitTarget(rule, facts) : rule.feature;
      if (feature === null) continue;
      if (!chosen.includes(feature)) chosen.push(feature);
      if (firstRule === null) firstRule = rule;
      if (!config.allMatches) break;
    }
    if (chosen.length == 0) {
      metrics.noMatch.increment();
      const fallback = config.defaultFeature;
      if (fallback === null) return FilterHeadersStatus.Continue;
      chosen.push(fallback);
    }
    writeFeatures(config, chosen, firstRule);
    for (let i = 0; i < chosen.length; i++) metrics.assigned[chosen[i].index].increment();
    if (logEnabled(LogLevel.Debug))
      log(
        LogLevel.Debug,
        "feature-alias: " + chosen[0].name + (firstRule !== null ? " by rule " + firstRule!.name : " (default)"),
      );
    return FilterHeadersStatus.Continue;
  }
}

function splitTarget(rule: Rule, facts: RequestFacts): Feature | null {
  const split = rule.split!;
  const value = facts.read(split.key);
  if (!value.hasText) return null;
  return split.targets[bucketFor(saltedHash(split.salt, value.start, value.length), split.cumulative)];
}

// The alias header (names joined with "," in all mode), the version header (versions in the
// same order, where the features have one) and the rule header when configured.
function writeFeatures(config: FeatureAliasConfig, features: Array<Feature>, rule: Rule | null): void {
  const request = stream_context.headers.request;
  if (features.length == 1) {
    request.replaceBytes(config.aliasHeader, features[0].nameBytes);
    if (config.versionHeader.byteLength > 0 && features[0].version.byteLength > 0)
      request.replaceBytes(config.versionHeader, features[0].version);
  } else {
    const names = new Array<string>();
    const versions = new Array<string>();
    for (let i = 0; i < features.length; i++) {
      names.push(features[i].name);
      if (features[i].version.byteLength > 0) versions.push(String.UTF8.decode(features[i].version));
    }
    request.replace(String.UTF8.decode(config.aliasHeader), names.join(","));
    if (config.versionHeader.byteLength > 0 && versions.length > 0)
      request.replace(String.UTF8.decode(config.versionHeader), versions.join(","));
  }
  if (config.ruleHeader.byteLength > 0 && rule !== null) request.replaceBytes(config.ruleHeader, rule.nameBytes);
}
