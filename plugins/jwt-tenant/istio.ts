// jwt-tenant in the example deployment: the RequestAuthentication for its token sources, and the
// service "account" with a dedicated deployment for tenant globex, routed on the tenant header.
import { requestAuthentication } from '../../cli/istio/authentication.ts';
import type { PluginDeployment } from '../../cli/istio/deployment.ts';
import { subsetRule } from '../../cli/istio/routes.ts';
import { outputHeaders } from '../../cli/output-headers.ts';

const tenantHeader = (config: Record<string, any>) => outputHeaders('jwt-tenant', config)[0]!;

export const deployment: PluginDeployment = {
  resources: (config, options) => [
    ...requestAuthentication('jwt-tenant', config, options),
    subsetRule(
      'account',
      'tenant',
      [
        ['globex', 'globex'],
        ['shared', 'shared'],
      ],
      options,
    ),
  ],
  gatewayRoutes: (config) => [
    {
      name: 'account-globex',
      prefix: '/account',
      header: [tenantHeader(config), 'globex'],
      host: 'account',
      subset: 'globex',
    },
    { name: 'account-shared', prefix: '/account', host: 'account', subset: 'shared' },
  ],
};
