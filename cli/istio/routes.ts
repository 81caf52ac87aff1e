// Routing on the filters' headers. The routes that use them are bound to the gateway, where the
// filters run; a VirtualService without `gateways` reaches sidecars only ("mesh"), where those
// headers exist only if an application forwards them.
import { DEFAULT_HOST, GATEWAY_NAME, metadata, type RenderOptions, type Resource } from './options.ts';

// On a mesh-bound VirtualService: the headers it matches that callers must forward, since no sidecar filter writes them.
export const FORWARDED_HEADERS_ANNOTATION = 'route-keys.io/forwarded-headers';

export interface HttpRoute {
  name: string;
  prefix?: string;
  header?: [name: string, value: string];
  // The header holds a comma-separated list (feature-alias mode all): match its first element.
  headerIsList?: boolean;
  host: string;
  subset?: string;
}

// Istio's regex is RE2, matched against the whole value.
const listHead = (value: string) => `${value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')}(,.*)?`;

function headerMatch(value: string, isList = false): Resource {
  return isList ? { regex: listHead(value) } : { exact: value };
}

function httpRoute(route: HttpRoute): Resource {
  const match: Resource = {
    ...(route.prefix ? { uri: { prefix: route.prefix } } : {}),
    ...(route.header ? { headers: { [route.header[0]]: headerMatch(route.header[1], route.headerIsList) } } : {}),
  };
  return {
    name: route.name,
    ...(Object.keys(match).length ? { match: [match] } : {}),
    route: [{ destination: { host: route.host, ...(route.subset ? { subset: route.subset } : {}) } }],
  };
}

// A gateway name without a namespace resolves in the VirtualService's namespace, so an overlay's namespace keeps it bound.
export function gatewayVirtualService(routes: HttpRoute[], options: RenderOptions): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: metadata('shop', options),
    spec: { hosts: [options.host ?? DEFAULT_HOST], gateways: [GATEWAY_NAME], http: routes.map(httpRoute) },
  };
}

export function meshVirtualService(
  host: string,
  routes: HttpRoute[],
  forwarded: string[],
  options: RenderOptions,
): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: metadata(`${host}-mesh`, options, { [FORWARDED_HEADERS_ANNOTATION]: forwarded.join(',') }),
    spec: { hosts: [host], gateways: ['mesh'], http: routes.map(httpRoute) },
  };
}

export function subsetRule(
  host: string,
  label: string,
  values: [name: string, value: string][],
  options: RenderOptions,
): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: metadata(host, options),
    spec: { host, subsets: values.map(([name, value]) => ({ name, labels: { [label]: value } })) },
  };
}

export function hashRule(host: string, header: string, balancer: Resource, options: RenderOptions): Resource {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: metadata(host, options),
    spec: { host, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: header, ...balancer } } } },
  };
}
