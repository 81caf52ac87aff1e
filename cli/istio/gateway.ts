// The ingress gateway the filters run on: Istio's Gateway (which hosts and ports it serves), and
// the workload itself, deployed by gateway injection so its pod carries the stats inclusion
// that exports the filters' wasmcustom.* counters.
import { stringify } from 'yaml';
import {
  DEFAULT_HOST,
  GATEWAY_CREDENTIAL,
  GATEWAY_NAME,
  type RenderOptions,
  type Resource,
  gatewayLabels,
  metadata,
} from './options.ts';

// Istio's proxy keeps only the stats its matcher includes, built from ProxyConfig.proxyStatsMatcher (per pod: proxy.istio.io/config).
export const STATS_INCLUSION = { proxyStatsMatcher: { inclusionPrefixes: ['wasmcustom'] } };

export function gateway(options: RenderOptions): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: metadata(GATEWAY_NAME, options),
    spec: {
      selector: gatewayLabels(options),
      servers: [
        { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: [options.host ?? DEFAULT_HOST] },
        // Peer data centres forward carts here over TLS, since the requests carry tokens and cookies.
        ...(hasPeers(options)
          ? [
              {
                port: { number: 443, name: 'https', protocol: 'HTTPS' },
                hosts: [options.host ?? DEFAULT_HOST],
                tls: { mode: 'SIMPLE', credentialName: GATEWAY_CREDENTIAL },
              },
            ]
          : []),
      ],
    },
  };
}

const hasPeers = (options: RenderOptions) => (options.dataCentres?.peers.length ?? 0) > 0;

export function gatewayDeployment(options: RenderOptions): Resource {
  const labels = gatewayLabels(options);
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(GATEWAY_NAME, options),
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels: { ...labels, 'sidecar.istio.io/inject': 'true' },
          annotations: { 'inject.istio.io/templates': 'gateway', 'proxy.istio.io/config': stringify(STATS_INCLUSION) },
        },
        // "auto": the injector replaces the image with the proxy of the mesh's revision.
        spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
      },
    },
  };
}

// 8080 and 8443 in the pod (the gateway runs unprivileged): Istio maps the Gateway's ports to the Service's target ports.
export function gatewayService(options: RenderOptions): Resource {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(GATEWAY_NAME, options),
    spec: {
      type: 'LoadBalancer',
      selector: gatewayLabels(options),
      ports: [
        { name: 'http', port: 80, targetPort: 8080 },
        ...(hasPeers(options) ? [{ name: 'https', port: 443, targetPort: 8443 }] : []),
      ],
    },
  };
}

// The gateway's connection manager drops request headers whose names hold "_", as the Envoy test
// configurations do: Envoy passes them by default, and a backend that maps header names CGI-style
// (PHP, some WSGI servers) would read a client's x_tenant_id as the x-tenant-id the filters own.
export function gatewayHeaderNames(options: RenderOptions): Resource {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: metadata(`${GATEWAY_NAME}-header-names`, options),
    spec: {
      workloadSelector: { labels: gatewayLabels(options) },
      configPatches: [
        {
          applyTo: 'NETWORK_FILTER',
          match: {
            context: 'GATEWAY',
            listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } },
          },
          patch: {
            operation: 'MERGE',
            value: {
              typed_config: {
                '@type': HCM_TYPE,
                common_http_protocol_options: { headers_with_underscores_action: 'DROP_HEADER' },
              },
            },
          },
        },
      ],
    },
  };
}

const HCM_TYPE =
  'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
