// `route-keys render istio`: the Istio resources for each plugin, generated from its example
// configuration and its image digest, so a GitOps repository can generate them rather than
// hand-edit them. jwt-tenant and feature-alias are WasmPlugins, each with the RequestAuthentication
// that verifies every token either of them reads; body-keys is an EnvoyFilter
// (WasmPlugin cannot set allow_on_headers_stop_iteration) that serves the same OCI image through
// ECDS, which istio-agent resolves like a WasmPlugin's. Each plugin also gets the VirtualService
// and DestinationRule that route and hash on its headers, for the services of the example.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROOT } from '../build.ts';
import { imagesOf } from '../package.ts';
import { DEFAULT_NAMESPACE, repositoryFor } from '../push.ts';

export interface RenderOptions {
  registry: string;
  // The repository path before the plugin name (as for push).
  repositoryNamespace?: string;
  // The Kubernetes namespace of the resources.
  namespace?: string;
  // The workload the filters attach to (label key=value).
  selector?: string;
  // The identity provider the RequestAuthentication verifies tokens of.
  issuer?: string;
  jwksUri?: string;
}

type Resource = Record<string, unknown>;

const WASM_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm';

// Where each plugin goes, and why: jwt-tenant right after Istio's authentication (so only
// verified tokens reach it, and AuthorizationPolicy can see x-tenant-id), the others after it.
const PLACEMENT: Record<string, { phase: string; priority: number }> = {
  'jwt-tenant': { phase: 'AUTHZ', priority: 100 },
  'feature-alias': { phase: 'AUTHZ', priority: 90 },
};

function exampleConfig(plugin: string): Record<string, any> {
  return JSON.parse(readFileSync(join(ROOT, 'plugins', plugin, 'example.config.json'), 'utf8'));
}

export function pinnedUrl(plugin: string, options: RenderOptions): string {
  const compat = imagesOf(plugin).find((image) => image.variant === 'compat')!;
  return `oci://${options.registry}/${repositoryFor(options.repositoryNamespace ?? DEFAULT_NAMESPACE, plugin)}@${compat.manifest.descriptor.digest}`;
}

function labels(options: RenderOptions): Record<string, string> {
  const [key, value] = (options.selector ?? 'app=shop-gateway').split('=');
  return { [key!]: value ?? '' };
}

function metadata(name: string, options: RenderOptions): Resource {
  return { name, namespace: options.namespace ?? 'shop', labels: { 'app.kubernetes.io/part-of': 'route-keys' } };
}

function wasmPlugin(plugin: string, options: RenderOptions): Resource {
  const placement = PLACEMENT[plugin]!;
  return {
    apiVersion: 'extensions.istio.io/v1alpha1',
    kind: 'WasmPlugin',
    metadata: metadata(plugin, options),
    spec: {
      selector: { matchLabels: labels(options) },
      url: pinnedUrl(plugin, options),
      pluginName: plugin,
      phase: placement.phase,
      priority: placement.priority,
      failStrategy: 'FAIL_CLOSE',
      type: 'HTTP',
      pluginConfig: exampleConfig(plugin),
    },
  };
}

// The plugins that read tokens, and where each reads them (the plugins' default when unset).
const TOKEN_READERS = ['jwt-tenant', 'feature-alias'];
const DEFAULT_TOKEN_SOURCES = [{ header: 'authorization', prefix: 'Bearer ' }];

interface TokenSource {
  header?: string;
  prefix?: string;
  cookie?: string;
  query?: string;
}

export function tokenSourcesOf(config: Record<string, any>): TokenSource[] {
  // With payload_in_metadata jwt-tenant reads jwt_authn's verified payload, no token.
  if (config.payload_in_metadata) return [];
  return (config.token_sources as TokenSource[] | undefined) ?? DEFAULT_TOKEN_SOURCES;
}

// Istio verifies a token only where its JWTRule looks (Authorization: Bearer and the access_token
// parameter when no location is given): the rule names every place jwt-tenant and feature-alias
// read one, so no token reaches them unverified. The same resource goes with both plugins.
function requestAuthentication(options: RenderOptions): Resource {
  const sources = TOKEN_READERS.flatMap((plugin) => tokenSourcesOf(exampleConfig(plugin)));
  const unique = <T>(items: T[]) => [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
  const fromHeaders = unique(sources.filter((s) => s.header !== undefined).map((s) => ({ name: s.header!, ...(s.prefix ? { prefix: s.prefix } : {}) })));
  const fromParams = unique(sources.flatMap((s) => (s.query !== undefined ? [s.query] : [])));
  const fromCookies = unique(sources.flatMap((s) => (s.cookie !== undefined ? [s.cookie] : [])));
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'RequestAuthentication',
    metadata: metadata('route-keys-tokens', options),
    spec: {
      selector: { matchLabels: labels(options) },
      jwtRules: [
        {
          issuer: options.issuer ?? 'https://idp.example.com',
          jwksUri: options.jwksUri ?? 'https://idp.example.com/.well-known/jwks.json',
          ...(fromHeaders.length > 0 ? { fromHeaders } : {}),
          ...(fromParams.length > 0 ? { fromParams } : {}),
          ...(fromCookies.length > 0 ? { fromCookies } : {}),
          // The filters read the token after Istio verified it: it must stay in the request.
          forwardOriginalToken: true,
        },
      ],
    },
  };
}

// body-keys: the filter config is delivered by ECDS (EXTENSION_CONFIG), whose remote oci:// code
// istio-agent pulls and checks like a WasmPlugin's; the HTTP filter refers to it by name.
function bodyKeysEnvoyFilter(options: RenderOptions): Resource {
  const name = 'route-keys.body-keys';
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: metadata('body-keys', options),
    spec: {
      workloadSelector: { labels: labels(options) },
      configPatches: [
        {
          applyTo: 'EXTENSION_CONFIG',
          patch: {
            operation: 'ADD',
            value: {
              name,
              typed_config: {
                '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
                type_url: WASM_TYPE,
                value: {
                  config: {
                    name: 'body-keys',
                    root_id: 'body-keys',
                    failure_policy: 'FAIL_CLOSED',
                    // Envoy 1.35+: change request headers after reading the body.
                    allow_on_headers_stop_iteration: true,
                    configuration: { '@type': 'type.googleapis.com/google.protobuf.StringValue', value: JSON.stringify(exampleConfig('body-keys')) },
                    vm_config: {
                      vm_id: 'body-keys',
                      runtime: 'envoy.wasm.runtime.v8',
                      code: { remote: { http_uri: { uri: pinnedUrl('body-keys', options), timeout: '30s' } } },
                    },
                  },
                },
              },
            },
          },
        },
        {
          applyTo: 'HTTP_FILTER',
          match: {
            context: 'GATEWAY',
            listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
          },
          patch: {
            operation: 'INSERT_BEFORE',
            value: { name, config_discovery: { config_source: { ads: {}, initial_fetch_timeout: '0s' }, type_urls: [WASM_TYPE] } },
          },
        },
      ],
    },
  };
}

function routeOn(host: string, header: string, cases: [string, string][], fallback: string, options: RenderOptions): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: metadata(host, options),
    spec: {
      hosts: [host],
      http: [
        ...cases.map(([value, subset]) => ({ name: subset, match: [{ headers: { [header]: { exact: value } } }], route: [{ destination: { host, subset } }] })),
        { name: fallback, route: [{ destination: { host, subset: fallback } }] },
      ],
    },
  };
}

function subsets(host: string, label: string, values: [string, string][], options: RenderOptions): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: metadata(host, options),
    spec: { host, subsets: values.map(([name, value]) => ({ name, labels: { [label]: value } })) },
  };
}

function hashedOn(host: string, header: string, balancer: Resource, options: RenderOptions): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: metadata(host, options),
    spec: { host, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: header, ...balancer } } } },
  };
}

// The example's services: "account" has a dedicated deployment for tenant globex; "pricing"
// runs one version per feature; "cart" and "checkout" keep a cart on one pod.
export function renderPlugin(plugin: string, options: RenderOptions): Resource[] {
  const config = exampleConfig(plugin);
  switch (plugin) {
    case 'jwt-tenant': {
      const header = config.tenant.header ?? 'x-tenant-id';
      return [wasmPlugin(plugin, options), requestAuthentication(options), routeOn('account', header, [['globex', 'globex']], 'shared', options), subsets('account', 'tenant', [['globex', 'globex'], ['shared', 'shared']], options)];
    }
    case 'feature-alias': {
      const header = config.headers.version as string;
      const versions = [...new Set(Object.values(config.features as Record<string, { version: string }>).map((f) => f.version))];
      const baseline = config.features[config.default_feature].version as string;
      const cases = versions.filter((v) => v !== baseline).map((v): [string, string] => [v, `v${v}`]);
      return [wasmPlugin(plugin, options), requestAuthentication(options), routeOn('pricing', header, cases, `v${baseline}`, options), subsets('pricing', 'version', versions.map((v) => [`v${v}`, `v${v}`]), options)];
    }
    case 'body-keys': {
      const header = config.keys[0].header as string;
      return [bodyKeysEnvoyFilter(options), hashedOn('cart', header, { ringHash: { minimumRingSize: 1024 } }, options), hashedOn('checkout', header, { maglev: { tableSize: 65537 } }, options)];
    }
    default:
      throw new Error(`no Istio resources are defined for plugin ${plugin}`);
  }
}

export function renderYaml(plugin: string, options: RenderOptions): string {
  const header = [
    `# Istio resources for ${plugin}, generated by \`route-keys render istio\` from`,
    `# plugins/${plugin}/example.config.json; the image is pinned by the digest \`route-keys push\` prints.`,
  ].join('\n');
  return `${header}\n${renderPlugin(plugin, options).map((r) => stringify(r, { lineWidth: 0 })).join('---\n')}`;
}
