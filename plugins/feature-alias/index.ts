// feature-alias: focus-group rules to a feature alias (x-feature) and its version (x-version).
export * from "../../assembly/proxy/exports";
import { RootContext, registerRootContext } from "../../assembly/proxy";
import { AliasRoot } from "./root";

registerRootContext((contextId: u32): RootContext => new AliasRoot(contextId), "feature-alias");
