// feature-alias's configuration, parsed and validated once in onConfigure (config.schema.json
// says the same in JSON Schema; `route-keys validate feature-alias FILE` checks it offline).
import { decimalText } from "../../assembly/codecs/decimal";
import { ConfigReader, isHeaderName } from "../../assembly/codecs/config-reader";
import { JsonObject, JsonValue } from "../../assembly/codecs/json/value";
import { compileCharsetPattern } from "../../assembly/codecs/match/charset";
import { readTokenSources, TokenSource, TokenSourceKind } from "../../assembly/request/token-sources";
import { forbiddenOutputHeader } from "../../assembly/codecs/output-headers";
import { Attribute } from "./facts";
import { AttributeTable, BUCKET_KEY, Condition, parseAttribute, parseCondition } from "./conditions";

// Feature names, versions and rule names become header values: plain tokens, a subset of what a
// header value may hold (visible ASCII and space), so no derived write (names joined by ",") can
// carry a byte the runtime would refuse.
const NAME_PATTERN = compileCharsetPattern("^[A-Za-z0-9._-]{1,64}$").pattern!;
const NAME_CHARACTERS = " of letters, digits, '.', '_' or '-' (1 to 64)";

export class Feature {
  constructor(
    public index: i32,
    public name: string,
    public nameBytes: ArrayBuffer,
    public version: ArrayBuffer,
  ) {}
}

// Weights across features (flagd fractional): the bucket of the key picks one, or none ("").
export class Split {
  cumulative: StaticArray<u32>;
  constructor(
    public key: Attribute,
    public salt: ArrayBuffer,
    public targets: Array<Feature | null>,
    weights: Array<u32>,
  ) {
    this.cumulative = new StaticArray<u32>(weights.length);
    let total: u32 = 0;
    for (let i = 0; i < weights.length; i++) {
      total += weights[i];
      this.cumulative[i] = total;
    }
  }
}

export class Rule {
  feature: Feature | null = null;
  condition: Condition | null = null;
  split: Split | null = null;
  constructor(
    public name: string,
    public nameBytes: ArrayBuffer,
  ) {}

  // A header slot the rule cannot match without, or -1.
  requiredHeaderSlot(): i32 {
    const condition = this.condition;
    if (condition !== null) return condition.requiredHeaderSlot();
    return this.split !== null ? this.split!.key.headerSlot : -1;
  }
}

// The rules as the request path walks them: in order, each with the header it needs (-1: none),
// so that a rule on an absent header costs one check.
export class RuleTable {
  readonly count: i32;
  readonly rules: StaticArray<Rule>;
  readonly requiredSlots: StaticArray<i32>;

  // Only once every attribute has its header slot (RequestFacts assigns them).
  constructor(rules: Array<Rule>) {
    this.count = rules.length;
    this.rules = StaticArray.fromArray(rules);
    this.requiredSlots = new StaticArray<i32>(rules.length);
    for (let i = 0; i < rules.length; i++) this.requiredSlots[i] = rules[i].requiredHeaderSlot();
  }
}

export class FeatureAliasConfig {
  features: Array<Feature> = [];
  byName: Map<string, Feature> = new Map();
  rules: Array<Rule> = [];
  allMatches: bool = false;
  defaultFeature: Feature | null = null;
  aliasHeader: ArrayBuffer = new ArrayBuffer(0);
  versionHeader: ArrayBuffer = new ArrayBuffer(0);
  ruleHeader: ArrayBuffer = new ArrayBuffer(0);
  // Every header stripped of client copies: the three above, and x-version / x-feature-rule when
  // switched off with "", so a client never picks a version or rule whatever the configuration.
  owned: Array<string> = [];
  keepKnownIncoming: bool = false;
  tokenSources: Array<TokenSource> = [];
  attributes: AttributeTable = new AttributeTable();
}

export function parseConfig(text: ArrayBuffer, reader: ConfigReader): FeatureAliasConfig {
  const config = new FeatureAliasConfig();
  const root = reader.root(text);
  reader.allowOnly(root, "", ["features", "rules", "default_feature", "mode", "headers", "incoming", "token_sources"]);

  const features = reader.object(root, "features", "");
  if (features === null || features.keys.length == 0)
    reader.fail("/features", 'expected at least one feature, such as {"baseline": {"version": "1"}}');
  else {
    if (features.keys.length > 256) reader.fail("/features", "expected at most 256 features");
    for (let i = 0; i < features.keys.length; i++) {
      const name = features.keys[i];
      const at = "/features/" + name;
      if (!NAME_PATTERN.matchesString(name)) reader.fail(at, "expected a feature name" + NAME_CHARACTERS);
      const entry = features.get(name)!;
      if (!entry.isObject) {
        reader.fail(at, 'expected an object such as {"version": "2"}');
        continue;
      }
      reader.allowOnly(entry.asObject, at, ["version"]);
      const version = reader.string(entry.asObject, "version", at, "");
      // Left out, a feature has no version; given, it is written, so it is never empty.
      if ((version.length > 0 || entry.asObject.has("version")) && !NAME_PATTERN.matchesString(version))
        reader.fail(at + "/version", "expected a version" + NAME_CHARACTERS);
      const feature = new Feature(config.features.length, name, String.UTF8.encode(name), String.UTF8.encode(version));
      config.features.push(feature);
      config.byName.set(name, feature);
    }
  }

  config.allMatches = reader.oneOf(root, "mode", "", ["first", "all"], "first") == "all";
  const defaultName = reader.string(root, "default_feature", "", "");
  if (defaultName.length > 0) config.defaultFeature = lookup(reader, config, defaultName, "/default_feature");

  const headers = reader.object(root, "headers", "");
  const headerObject = headers !== null ? headers : new JsonObject();
  reader.allowOnly(headerObject, "/headers", ["alias", "version", "rule"]);
  const alias = outputHeader(reader, headerObject, "alias", DEFAULT_ALIAS, false, []);
  const version = outputHeader(reader, headerObject, "version", DEFAULT_VERSION, true, [alias]);
  const rule = outputHeader(reader, headerObject, "rule", "", true, [alias, version]);
  config.aliasHeader = String.UTF8.encode(alias);
  config.versionHeader = String.UTF8.encode(version);
  config.ruleHeader = String.UTF8.encode(rule);
  const owned = [alias, version.length > 0 ? version : DEFAULT_VERSION, rule.length > 0 ? rule : DEFAULT_RULE];
  for (let i = 0; i < owned.length; i++) if (!config.owned.includes(owned[i])) config.owned.push(owned[i]);
  config.attributes.owned = config.owned;

  const incoming = reader.oneOf(root, "incoming", "", ["strip", "keep_known"], "strip");
  config.keepKnownIncoming = incoming == "keep_known";
  config.tokenSources = readTokenSources(reader, root, "token_sources", "");
  for (let i = 0; i < config.tokenSources.length; i++) {
    const source = config.tokenSources[i];
    const name = String.UTF8.decode(source.name);
    // The runtime strips owned headers before any claim is read: a token there would never be seen.
    if (source.kind == TokenSourceKind.Header && config.owned.includes(name))
      reader.fail(
        "/token_sources/" + decimalText(i) + "/header",
        'expected a header this filter does not write or strip, got "' + name + '"',
      );
  }

  const rules = reader.array(root, "rules", "", 512);
  if (rules !== null) {
    const names = new Set<string>();
    for (let i = 0; i < rules.length; i++) {
      const rule = parseRule(reader, config, rules[i], "/rules/" + decimalText(i));
      if (rule === null) continue;
      if (names.has(rule.name))
        reader.fail(
          "/rules/" + decimalText(i) + "/name",
          'expected a unique rule name, "' + rule.name + '" is used twice',
        );
      names.add(rule.name);
      config.rules.push(rule);
    }
  }
  return config;
}

const DEFAULT_ALIAS = "x-feature";
const DEFAULT_VERSION = "x-version";
const DEFAULT_RULE = "x-feature-rule";

// An output header name: lower-case, one a filter may write, not one of the other outputs.
// "" switches an optional header off (nothing is written there).
function outputHeader(
  reader: ConfigReader,
  object: JsonObject,
  key: string,
  fallback: string,
  optional: bool,
  others: Array<string>,
): string {
  const at = "/headers/" + key;
  const name = reader.string(object, key, "/headers", fallback);
  if (name.length == 0 && optional) return name;
  if (!isHeaderName(name)) {
    reader.fail(
      at,
      "expected a lower-case header name" + (optional ? ', or "" for none' : "") + ', got "' + name + '"',
    );
    return name;
  }
  const forbidden = forbiddenOutputHeader(name);
  if (forbidden !== null) reader.fail(at, 'expected a header a filter may write, "' + name + '" ' + forbidden!);
  for (let i = 0; i < others.length; i++) {
    if (others[i] == name)
      reader.fail(
        at,
        'expected a header other than the other outputs, "' + name + '" is already written (two outputs on one header)',
      );
  }
  return name;
}

function lookup(reader: ConfigReader, config: FeatureAliasConfig, name: string, path: string): Feature | null {
  if (config.byName.has(name)) return config.byName.get(name);
  reader.fail(path, 'expected a feature listed in /features, got "' + name + '"');
  return null;
}

function parseRule(reader: ConfigReader, config: FeatureAliasConfig, value: JsonValue, path: string): Rule | null {
  if (!value.isObject) {
    reader.fail(path, "expected a rule object");
    return null;
  }
  const object = value.asObject;
  reader.allowOnly(object, path, ["name", "feature", "when", "split"]);
  const name = reader.string(object, "name", path, "");
  if (!NAME_PATTERN.matchesString(name)) reader.fail(path + "/name", "expected a rule name" + NAME_CHARACTERS);
  const rule = new Rule(name, String.UTF8.encode(name));
  if (object.has("when"))
    rule.condition = parseCondition(reader, object.get("when")!, path + "/when", config.attributes, name, 0);
  if (object.has("feature") == object.has("split")) {
    reader.fail(path, "expected either feature (with when) or split");
    return rule;
  }
  if (object.has("feature")) {
    if (!object.has("when")) reader.fail(path + "/when", "expected the condition under which the feature applies");
    rule.feature = lookup(reader, config, reader.string(object, "feature", path, ""), path + "/feature");
    return rule;
  }
  rule.split = parseSplit(reader, config, object, path + "/split", name);
  return rule;
}

function parseSplit(
  reader: ConfigReader,
  config: FeatureAliasConfig,
  rule: JsonObject,
  path: string,
  ruleName: string,
): Split | null {
  const object = reader.object(rule, "split", path.substring(0, path.length - 6));
  if (object === null) return null;
  reader.allowOnly(object, path, ["key", "salt", "weights"]);
  const keyObject = reader.object(object, "key", path);
  if (keyObject === null) {
    reader.fail(path + "/key", BUCKET_KEY + '{"claim": "/sub"}');
    return null;
  }
  const key = parseAttribute(reader, keyObject, path + "/key", config.attributes);
  const salt = reader.string(object, "salt", path, ruleName);
  const weights = reader.array(object, "weights", path, 64);
  if (weights === null || weights.length == 0) {
    reader.fail(path + "/weights", 'expected [["feature", weight], ...]');
    return null;
  }
  const targets = new Array<Feature | null>();
  const values = new Array<u32>();
  let total: u64 = 0;
  for (let i = 0; i < weights.length; i++) {
    const at = path + "/weights/" + decimalText(i);
    const pair = weights[i];
    if (!pair.isArray || pair.asArray.length < 1 || pair.asArray.length > 2 || !pair.asArray[0].isString) {
      reader.fail(at, 'expected ["feature", weight] ("" for no feature; weight 1 when left out)');
      continue;
    }
    const featureName = pair.asArray[0].asString;
    targets.push(featureName.length == 0 ? null : lookup(reader, config, featureName, at + "/0"));
    let weight: u32 = 1;
    if (pair.asArray.length == 2) {
      const w = pair.asArray[1];
      if (!w.isNumber || w.asNumber < 0 || w.asNumber > 1000000 || w.asNumber != Math.floor(w.asNumber))
        reader.fail(at + "/1", "expected a whole weight from 0 to 1000000");
      else weight = <u32>w.asNumber;
    }
    values.push(weight);
    total += weight;
  }
  if (total == 0) reader.fail(path + "/weights", "expected weights that add up to more than 0");
  return key === null ? null : new Split(key, String.UTF8.encode(salt), targets, values);
}
