// body-keys in the example deployment: "cart" and "checkout" keep a cart on one pod by hashing
// on the cart header (a ring hash and maglev); with peer data centres, a cart whose derived DC
// header names a peer goes to that peer's gateway first (cli/istio/data-centres.ts).
import { peerGatewayEntries, peerRoutes } from '../../cli/istio/data-centres.ts';
import type { PluginDeployment } from '../../cli/istio/deployment.ts';
import { hashRule } from '../../cli/istio/routes.ts';

const cartHeader = (config: Record<string, any>) => config.keys[0].header as string;
const dcHeader = (config: Record<string, any>) => config.keys[0].derived?.header as string | undefined;

export const deployment: PluginDeployment = {
  resources: (config, options) => [
    hashRule('cart', cartHeader(config), { ringHash: { minimumRingSize: 1024 } }, options),
    hashRule('checkout', cartHeader(config), { maglev: { tableSize: 65537 } }, options),
    ...(dcHeader(config) === undefined ? [] : peerGatewayEntries(options)),
  ],
  gatewayRoutes: (config, options) => [
    ...peerRoutes('cart', '/cart', dcHeader(config), options),
    { name: 'cart', prefix: '/cart', host: 'cart' },
    ...peerRoutes('checkout', '/checkout', dcHeader(config), options),
    { name: 'checkout', prefix: '/checkout', host: 'checkout' },
  ],
};
