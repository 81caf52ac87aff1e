// `route-keys render istio`: a deployment that routes, generated from the plugins' example
// configurations and image digests, so a GitOps repository generates it rather than hand-edits
// it. gateway.yaml holds the gateway and the routes bound to it; each plugin's file holds its
// filter and the DestinationRules of the services it steers. One function per resource kind
// (gateway.ts, filters.ts, routes.ts); a plugin's list below is where a new kind for it goes.
import { stringify } from 'yaml';
import { pluginNames } from '../build.ts';
import { requestAuthentication } from './authentication.ts';
import { bodyKeysEnvoyFilter, wasmPlugin } from './filters.ts';
import { gateway, gatewayDeployment, gatewayService } from './gateway.ts';
import { exampleConfig, type RenderOptions, type Resource } from './options.ts';
import { gatewayVirtualService, hashRule, type HttpRoute, meshVirtualService, subsetRule } from './routes.ts';

export type { RenderOptions } from './options.ts';
export { tokenSourcesOf } from './authentication.ts';

interface PluginDeployment {
  // The filter and the resources of the services its headers steer.
  resources(config: Record<string, any>, options: RenderOptions): Resource[];
  // Its routes on the gateway, in order (the last one for a prefix catches the rest).
  gatewayRoutes(config: Record<string, any>): HttpRoute[];
}

// The example's services: "account" has a dedicated deployment for tenant globex; "pricing"
// runs one version per feature; "cart" and "checkout" keep a cart on one pod.
const tenantHeader = (config: Record<string, any>) => (config.tenant.header ?? 'x-tenant-id') as string;
const versionHeader = (config: Record<string, any>) => (config.headers?.version ?? 'x-version') as string;
const cartHeader = (config: Record<string, any>) => config.keys[0].header as string;

function versions(config: Record<string, any>): { all: string[]; baseline: string } {
  const all = [...new Set(Object.values(config.features as Record<string, { version: string }>).map((f) => f.version))];
  return { all, baseline: config.features[config.default_feature].version as string };
}

function versionRoutes(config: Record<string, any>, prefix?: string): HttpRoute[] {
  const { all, baseline } = versions(config);
  return [
    ...all.filter((v) => v !== baseline).map((v) => ({ name: `pricing-v${v}`, prefix, header: [versionHeader(config), v] as [string, string], host: 'pricing', subset: `v${v}` })),
    { name: `pricing-v${baseline}`, prefix, host: 'pricing', subset: `v${baseline}` },
  ];
}

const PLUGINS: Record<string, PluginDeployment> = {
  'jwt-tenant': {
    resources: (config, options) => [
      wasmPlugin('jwt-tenant', options),
      ...requestAuthentication('jwt-tenant', config, options),
      subsetRule('account', 'tenant', [['globex', 'globex'], ['shared', 'shared']], options)],
    gatewayRoutes: (config) => [
      { name: 'account-globex', prefix: '/account', header: [tenantHeader(config), 'globex'], host: 'account', subset: 'globex' },
      { name: 'account-shared', prefix: '/account', host: 'account', subset: 'shared' },
    ],
  },
  'feature-alias': {
    // Calls between services reach pricing through sidecars: they keep the gateway's version if the caller forwards x-version.
    resources: (config, options) => [
      wasmPlugin('feature-alias', options),
      ...requestAuthentication('feature-alias', config, options),
      subsetRule('pricing', 'version', versions(config).all.map((v) => [`v${v}`, `v${v}`]), options),
      meshVirtualService('pricing', versionRoutes(config), [versionHeader(config)], options),
    ],
    gatewayRoutes: (config) => versionRoutes(config, '/pricing'),
  },
  'body-keys': {
    resources: (config, options) => [
      bodyKeysEnvoyFilter(options),
      hashRule('cart', cartHeader(config), { ringHash: { minimumRingSize: 1024 } }, options),
      hashRule('checkout', cartHeader(config), { maglev: { tableSize: 65537 } }, options),
    ],
    gatewayRoutes: () => [
      { name: 'cart', prefix: '/cart', host: 'cart' },
      { name: 'checkout', prefix: '/checkout', host: 'checkout' },
    ],
  },
};

function deploymentOf(plugin: string): PluginDeployment {
  const deployment = PLUGINS[plugin];
  if (!deployment) throw new Error(`no Istio resources are defined for plugin ${plugin}`);
  return deployment;
}

export function renderPlugin(plugin: string, options: RenderOptions): Resource[] {
  return deploymentOf(plugin).resources(exampleConfig(plugin), options);
}

export function renderGateway(options: RenderOptions): Resource[] {
  const routes = pluginNames().flatMap((plugin) => deploymentOf(plugin).gatewayRoutes(exampleConfig(plugin)));
  return [gateway(options), gatewayDeployment(options), gatewayService(options), gatewayVirtualService(routes, options)];
}

export interface RenderedFile {
  name: string;
  source: string;
  resources: Resource[];
}

// The files of one deployment: the gateway first, then one per plugin.
export function renderFiles(options: RenderOptions): RenderedFile[] {
  return [
    { name: 'gateway.yaml', source: 'plugins/*/example.config.json', resources: renderGateway(options) },
    ...pluginNames().map((plugin) => ({ name: `${plugin}.yaml`, source: `plugins/${plugin}/example.config.json`, resources: renderPlugin(plugin, options) })),
  ];
}

export function toYaml(file: RenderedFile): string {
  const header = [
    `# Generated by \`route-keys render istio\` from ${file.source},`,
    '# with images pinned by the digests `route-keys push` prints: render again rather than edit.',
  ].join('\n');
  return `${header}\n${file.resources.map((r) => stringify(r, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n')}`;
}

// A Kustomize base over the rendered files.
export function kustomization(files: RenderedFile[]): string {
  return stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files.map((f) => f.name) });
}
