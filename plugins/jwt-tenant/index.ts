// jwt-tenant: the tenant from a JWT claim into a routing header (x-tenant-id), never spoofable.
export * from "../../assembly/proxy/exports";
import { RootContext } from "../../assembly/proxy/context";
import { registerRootContext } from "../../assembly/proxy/registry";
import { TenantRoot } from "./root";

registerRootContext((contextId: u32): RootContext => new TenantRoot(contextId), "jwt-tenant");
