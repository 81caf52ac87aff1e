// What every rendered resource shares: the options, names, labels and the pinned image URL.
import { imagesOf } from '../package.ts';
import { DEFAULT_NAMESPACE, repositoryFor } from '../push.ts';

export interface RenderOptions {
  registry: string;
  // The repository path before the plugin name (as for push).
  repositoryNamespace?: string;
  // The Kubernetes namespace of the resources.
  namespace?: string;
  // The gateway workload the filters attach to (label key=value).
  selector?: string;
  // The host clients send to the gateway.
  host?: string;
  // The identity provider the RequestAuthentications verify tokens of.
  issuer?: string;
  jwksUri?: string;
  // This data centre and the peers whose carts its gateway forwards (none: one data centre).
  dataCentres?: DataCentres;
}

export interface PeerDataCentre {
  // What body-keys derives into the DC header for this data centre's carts (the id's prefix).
  name: string;
  // The DNS name of its gateway (its load balancer), resolved by this data centre's gateway.
  host: string;
}

export interface DataCentres {
  local: string;
  peers: PeerDataCentre[];
}

export type Resource = Record<string, any>;

export const GATEWAY_NAME = 'shop-gateway';
export const DEFAULT_HOST = 'shop.example.com';
// The certificate of the shop host, a kubernetes.io/tls Secret beside the gateway, for the peer data centres' forwarding.
export const GATEWAY_CREDENTIAL = 'shop-gateway-tls';
export const WASM_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm';

export { exampleConfig } from '../plugins.ts';

export function compatDigest(plugin: string): string {
  return imagesOf(plugin).find((image) => image.variant === 'compat')!.manifest.descriptor.digest;
}

export function pinnedUrl(plugin: string, options: RenderOptions): string {
  return `oci://${options.registry}/${repositoryFor(options.repositoryNamespace ?? DEFAULT_NAMESPACE, plugin)}@${compatDigest(plugin)}`;
}

export function gatewayLabels(options: RenderOptions): Record<string, string> {
  const [key, value] = (options.selector ?? `app=${GATEWAY_NAME}`).split('=');
  return { [key!]: value ?? '' };
}

export function metadata(name: string, options: RenderOptions, annotations?: Record<string, string>): Resource {
  return {
    name,
    namespace: options.namespace ?? 'shop',
    labels: { 'app.kubernetes.io/part-of': 'route-keys' },
    ...(annotations ? { annotations } : {}),
  };
}
