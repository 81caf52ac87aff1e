// The filters on the gateway, placed as each plugin's manifest says: a WasmPlugin at its phase and
// priority, or an EnvoyFilter (a WasmPlugin cannot set allow_on_headers_stop_iteration) that
// serves the same OCI image through ECDS, which istio-agent resolves like a WasmPlugin's.
import {
  compatDigest,
  exampleConfig,
  gatewayLabels,
  metadata,
  pinnedUrl,
  type RenderOptions,
  type Resource,
  WASM_TYPE,
} from './options.ts';
import { PROXY_VERSION_REGEX } from './versions.ts';
import { outputHeaders } from '../output-headers.ts';
import { manifestOf } from '../plugins.ts';

const HEADER_MUTATION_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.header_mutation.v3.HeaderMutation';

export function filterResource(plugin: string, options: RenderOptions): Resource {
  return manifestOf(plugin).istio.kind === 'WasmPlugin' ? wasmPlugin(plugin, options) : envoyFilter(plugin, options);
}

function wasmPlugin(plugin: string, options: RenderOptions): Resource {
  const { root_id: rootId, istio: placement } = manifestOf(plugin);
  if (placement.kind !== 'WasmPlugin') throw new Error(`${plugin} is placed as an ${placement.kind}`);
  return {
    apiVersion: 'extensions.istio.io/v1alpha1',
    kind: 'WasmPlugin',
    metadata: metadata(plugin, options),
    spec: {
      selector: { matchLabels: gatewayLabels(options) },
      url: pinnedUrl(plugin, options),
      pluginName: rootId,
      phase: placement.phase,
      priority: placement.priority,
      failStrategy: 'FAIL_CLOSE',
      type: 'HTTP',
      pluginConfig: exampleConfig(plugin),
    },
  };
}

// The fallback until (or if never) the Wasm configuration arrives: native, since Wasm code comes only through ECDS; strips the plugin's headers so no client-set key is hashed.
function passThroughWithoutKeys(plugin: string, config: Record<string, any>): Resource {
  return {
    '@type': HEADER_MUTATION_TYPE,
    mutations: { request_mutations: outputHeaders(plugin, config).map((header) => ({ remove: header })) },
  };
}

function envoyFilter(plugin: string, options: RenderOptions): Resource {
  const { root_id: rootId, istio: placement } = manifestOf(plugin);
  if (placement.kind !== 'EnvoyFilter') throw new Error(`${plugin} is placed as a ${placement.kind}`);
  const config = exampleConfig(plugin);
  const filterName = `route-keys.${plugin}`;
  const proxy = { proxyVersion: PROXY_VERSION_REGEX };
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: metadata(plugin, options),
    spec: {
      workloadSelector: { labels: gatewayLabels(options) },
      configPatches: [
        {
          applyTo: 'EXTENSION_CONFIG',
          match: { proxy },
          patch: {
            operation: 'ADD',
            value: {
              name: filterName,
              typed_config: {
                '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
                type_url: WASM_TYPE,
                value: {
                  config: {
                    name: plugin,
                    root_id: rootId,
                    failure_policy: 'FAIL_CLOSED',
                    // Envoy 1.35+: change request headers after reading the body.
                    ...(placement.allow_on_headers_stop_iteration ? { allow_on_headers_stop_iteration: true } : {}),
                    configuration: {
                      '@type': 'type.googleapis.com/google.protobuf.StringValue',
                      value: JSON.stringify(config),
                    },
                    vm_config: {
                      vm_id: plugin,
                      runtime: 'envoy.wasm.runtime.v8',
                      code: {
                        remote: {
                          // istio-agent pulls oci:// and checks sha256 against the manifest digest; the unused cluster "_" is for Envoy's validation, as Istio's WasmPlugin sets it.
                          http_uri: { uri: pinnedUrl(plugin, options), cluster: '_', timeout: '30s' },
                          sha256: compatDigest(plugin).replace(/^sha256:/, ''),
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
            listener: {
              filterChain: {
                filter: {
                  name: 'envoy.filters.network.http_connection_manager',
                  subFilter: { name: 'envoy.filters.http.router' },
                },
              },
            },
          },
          patch: {
            operation: 'INSERT_BEFORE',
            value: {
              name: filterName,
              config_discovery: {
                // Finite: a listener never waits for a configuration that does not come.
                config_source: { ads: {}, initial_fetch_timeout: '10s' },
                default_config: passThroughWithoutKeys(plugin, config),
                type_urls: [WASM_TYPE, HEADER_MUTATION_TYPE],
              },
            },
          },
        },
      ],
    },
  };
}
