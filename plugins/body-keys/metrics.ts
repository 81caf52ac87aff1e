// body-keys's metrics (Envoy shows them as wasmcustom.body_keys.*).
import { Counter } from "../../assembly/proxy";
import { SourceKind } from "./config";

export class KeysMetrics {
  // Keys found, by where: header, cookie, query, json, form (SourceKind order).
  readonly found: Array<Counter> = [
    new Counter("body_keys.found.header"),
    new Counter("body_keys.found.cookie"),
    new Counter("body_keys.found.query"),
    new Counter("body_keys.found.json"),
    new Counter("body_keys.found.form"),
  ];
  // Keys no source held (or held only values outside the pattern).
  readonly missing: Counter = new Counter("body_keys.missing");
  readonly unparseable: Counter = new Counter("body_keys.unparseable");
  readonly limitReached: Counter = new Counter("body_keys.limit_reached");
  readonly rejected: Counter = new Counter("body_keys.rejected");

  foundIn(kind: SourceKind): void {
    this.found[<i32>kind].increment();
  }
}
