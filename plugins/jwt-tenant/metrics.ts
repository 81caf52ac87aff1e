// jwt-tenant's metrics (Envoy shows them as wasmcustom.jwt_tenant.*).
import { Counter } from "../../assembly/proxy";

export class TenantMetrics {
  // Every request the filter saw.
  readonly requests: Counter = new Counter("jwt_tenant.requests");
  // Requests that left with a tenant header taken from a token (or payload).
  readonly tenantSet: Counter = new Counter("jwt_tenant.tenant_set");
  // No token, or no tenant claim in it.
  readonly missing: Counter = new Counter("jwt_tenant.missing");
  // A malformed token, a failed check, or a tenant value that is not allowed.
  readonly invalid: Counter = new Counter("jwt_tenant.invalid");
  // Requests answered with on_missing / on_invalid action reject.
  readonly rejected: Counter = new Counter("jwt_tenant.rejected");
  // Requests given the default tenant.
  readonly defaulted: Counter = new Counter("jwt_tenant.defaulted");
}
