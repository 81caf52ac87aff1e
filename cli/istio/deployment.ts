// What a plugin's deploy module (plugins/<name>/istio.ts, named by its manifest) exports as
// `deployment`: the resources of the example services its headers steer, and its gateway routes.
// The filter resource itself (WasmPlugin or EnvoyFilter) comes from the manifest's placement.
import type { RenderOptions, Resource } from './options.ts';
import type { HttpRoute } from './routes.ts';

export interface PluginDeployment {
  // Resources after the filter, in order.
  resources(config: Record<string, any>, options: RenderOptions): Resource[];
  // Its routes on the gateway, in order (the last one for a prefix catches the rest).
  gatewayRoutes(config: Record<string, any>, options: RenderOptions): HttpRoute[];
}
