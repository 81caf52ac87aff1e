// body-keys in the example deployment: "cart" and "checkout" keep a cart on one pod by hashing
// on the cart header (a ring hash and maglev).
import type { PluginDeployment } from '../../cli/istio/deployment.ts';
import { hashRule } from '../../cli/istio/routes.ts';

const cartHeader = (config: Record<string, any>) => config.keys[0].header as string;

export const deployment: PluginDeployment = {
  resources: (config, options) => [
    hashRule('cart', cartHeader(config), { ringHash: { minimumRingSize: 1024 } }, options),
    hashRule('checkout', cartHeader(config), { maglev: { tableSize: 65537 } }, options),
  ],
  gatewayRoutes: () => [
    { name: 'cart', prefix: '/cart', host: 'cart' },
    { name: 'checkout', prefix: '/checkout', host: 'checkout' },
  ],
};
