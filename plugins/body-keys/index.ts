// body-keys: cart and session keys from headers, cookies, the query or the body into headers.
export * from "../../assembly/proxy/exports";
import { RootContext } from "../../assembly/proxy/context";
import { registerRootContext } from "../../assembly/proxy/registry";
import { KeysRoot } from "./root";

registerRootContext((contextId: u32): RootContext => new KeysRoot(contextId), "body-keys");
