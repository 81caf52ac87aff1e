// feature-alias in the example deployment: the RequestAuthentication for its token sources, and
// the service "pricing" with one version per feature, routed on the version header. Calls between
// services reach pricing through sidecars: they keep the gateway's version if the caller forwards it.
import { requestAuthentication } from '../../cli/istio/authentication.ts';
import type { PluginDeployment } from '../../cli/istio/deployment.ts';
import { type HttpRoute, meshVirtualService, subsetRule } from '../../cli/istio/routes.ts';

const versionHeader = (config: Record<string, any>) => (config.headers?.version ?? 'x-version') as string;

function versions(config: Record<string, any>): { all: string[]; baseline: string } {
  const all = [...new Set(Object.values(config.features as Record<string, { version: string }>).map((f) => f.version))];
  return { all, baseline: config.features[config.default_feature].version as string };
}

function versionRoutes(config: Record<string, any>, prefix?: string): HttpRoute[] {
  const { all, baseline } = versions(config);
  return [
    ...all
      .filter((v) => v !== baseline)
      .map((v) => ({
        name: `pricing-v${v}`,
        prefix,
        header: [versionHeader(config), v] as [string, string],
        // mode all writes every matching feature's version, in rule order: route on the first, as mode first would.
        headerIsList: config.mode === 'all',
        host: 'pricing',
        subset: `v${v}`,
      })),
    { name: `pricing-v${baseline}`, prefix, host: 'pricing', subset: `v${baseline}` },
  ];
}

export const deployment: PluginDeployment = {
  resources: (config, options) => [
    ...requestAuthentication('feature-alias', config, options),
    subsetRule(
      'pricing',
      'version',
      versions(config).all.map((v) => [`v${v}`, `v${v}`]),
      options,
    ),
    meshVirtualService('pricing', versionRoutes(config), [versionHeader(config)], options),
  ],
  gatewayRoutes: (config) => versionRoutes(config, '/pricing'),
};
