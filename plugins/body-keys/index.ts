// body-keys: cart and session keys from headers, cookies, the query or the body into headers.
export * from "../../assembly/proxy/exports";
import { RootContext, registerRootContext } from "../../assembly/proxy";
import { KeysRoot } from "./root";

registerRootContext((contextId: u32): RootContext => new KeysRoot(contextId), "body-keys");
