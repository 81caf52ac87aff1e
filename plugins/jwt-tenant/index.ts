// jwt-tenant: the tenant from a JWT claim into a routing header (x-tenant-id), never spoofable.
export * from "../../assembly/proxy/exports";
import { RootContext, registerRootContext } from "../../assembly/proxy";
import { TenantRoot } from "./root";

registerRootContext((contextId: u32): RootContext => new TenantRoot(contextId), "jwt-tenant");
