// The filters on the gateway: jwt-tenant and feature-alias as WasmPlugins; body-keys as an
// EnvoyFilter (a WasmPlugin cannot set allow_on_headers_stop_iteration) that serves the same OCI
// image through ECDS, which istio-agent resolves like a WasmPlugin's.
import { compatDigest, exampleConfig, gatewayLabels, metadata, pinnedUrl, type RenderOptions, type Resource, WASM_TYPE } from './options.ts';
import { PROXY_VERSION_REGEX } from './versions.ts';
import { outputHeaders } from '../output-headers.ts';

const HEADER_MUTATION_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation';
const BODY_KEYS_FILTER = 'route-keys.body-keys';

// Where each plugin goes, and why: jwt-tenant right after Istio's authentication (so only
// verified tokens reach it, and AuthorizationPolicy can see x-tenant-id), the others after it.
const PLACEMENT: Record<string, { phase: string; priority: number }> = {
  'jwt-tenant': { phase: 'AUTHZ', priority: 100 },
  'feature-alias': { phase: 'AUTHZ', priority: 90 },
};

export function wasmPlugin(plugin: string, options: RenderOptions): Resource {
  const placement = PLACEMENT[plugin]!;
  return {
    apiVersion: 'extensions.istio.io/v1alpha1',
    kind: 'WasmPlugin',
    metadata: metadata(plugin, options),
    spec: {
      selector: { matchLabels: gatewayLabels(options) },
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

// The fallback until (or if never) the Wasm configuration arrives: native, since Wasm code comes only through ECDS; strips body-keys' headers so no client-set key is hashed.
function passThroughWithoutKeys(config: Record<string, any>): Resource {
  return {
    '@type': HEADER_MUTATION_TYPE,
    mutations: { request_mutations: outputHeaders('body-keys', config).map((header) => ({ remove: header })) },
  };
}

export function bodyKeysEnvoyFilter(options: RenderOptions): Resource {
  const config = exampleConfig('body-keys');
  const proxy = { proxyVersion: PROXY_VERSION_REGEX };
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: metadata('body-keys', options),
    spec: {
      workloadSelector: { labels: gatewayLabels(options) },
      configPatches: [
        {
          applyTo: 'EXTENSION_CONFIG',
          match: { proxy },
          patch: {
            operation: 'ADD',
            value: {
              name: BODY_KEYS_FILTER,
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
                    configuration: { '@type': 'type.googleapis.com/google.protobuf.StringValue', value: JSON.stringify(config) },
                    vm_config: {
                      vm_id: 'body-keys',
                      runtime: 'envoy.wasm.runtime.v8',
                      code: {
                        remote: {
                          // istio-agent pulls oci:// and checks sha256 against the manifest digest; the unused cluster "_" is for Envoy's validation, as Istio's WasmPlugin sets it.
                          http_uri: { uri: pinnedUrl('body-keys', options), cluster: '_', timeout: '30s' },
                          sha256: compatDigest('body-keys').replace(/^sha256:/, ''),
                        },
                      },
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
            proxy,
            listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
          },
          patch: {
            operation: 'INSERT_BEFORE',
            value: {
              name: BODY_KEYS_FILTER,
              config_discovery: {
                // Finite: a listener never waits for a configuration that does not come.
                config_source: { ads: {}, initial_fetch_timeout: '10s' },
                default_config: passThroughWithoutKeys(config),
                type_urls: [WASM_TYPE, HEADER_MUTATION_TYPE],
              },
            },
          },
        },
      ],
    },
  };
}
