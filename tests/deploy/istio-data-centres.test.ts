// Carts across data centres in the rendered Istio deployment: the gateway where body-keys writes
// x-cart-dc sends a cart of the peer data centre to the peer's gateway (a ServiceEntry) and keeps
// every other cart on its hashed cart service, as envoy-test-configs/two-dc.yaml's gateways do.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT } from '../../cli/build.ts';
import { readBootstrap } from '../../cli/e2e/envoy-config.ts';
import { matchRoute } from '../../cli/e2e/route-model.ts';
import { type DataCentres, EXAMPLE_DATA_CENTRES } from '../../cli/istio/data-centres.ts';
import { EXAMPLE_OPTIONS } from '../../cli/istio/examples.ts';
import { renderFiles } from '../../cli/istio/render.ts';
import { checkResources } from './istio-checks.ts';
import { applyIstio } from './istio-model.ts';

type Resource = Record<string, any>;
const render = (dataCentres: DataCentres = EXAMPLE_DATA_CENTRES) =>
  structuredClone(renderFiles({ ...EXAMPLE_OPTIONS, dataCentres }).flatMap((f) => f.resources));
const find = (resources: Resource[], kind: string, name: string) =>
  resources.find((r) => r.kind === kind && r.metadata.name === name)!;
const shopRoutes = (resources: Resource[]): Resource[] => find(resources, 'VirtualService', 'shop').spec.http;
const PEER_HOST = EXAMPLE_DATA_CENTRES.peers[0]!.host;

// Istio's first-match over a gateway VirtualService, for uri prefixes and exact headers.
function destinationOf(routes: Resource[], path: string, headers: Record<string, string>): string | undefined {
  const route = routes.find((r) =>
    (r.match ?? [{}]).some(
      (m: Resource) =>
        path.startsWith(m.uri?.prefix ?? '') &&
        Object.entries(m.headers ?? {}).every(([name, value]) => headers[name] === (value as Resource).exact),
    ),
  );
  return route?.route[0].destination.host;
}

test('the x-cart-dc routes are bound to the gateway where body-keys runs and writes x-cart-dc, ahead of the local cart routes', () => {
  const resources = render();
  const model = applyIstio(resources);
  assert.deepEqual(model.problems, []);
  const gateway = model.proxies.find((p) => p.kind === 'gateway')!;
  assert.ok(model.written.get(gateway.name)!.has('x-cart-dc'), 'body-keys writes x-cart-dc on the gateway');
  assert.ok(!model.written.get('sidecars in shop')!.has('x-cart-dc'));
  assert.deepEqual(find(resources, 'VirtualService', 'shop').spec.gateways, ['shop-gateway']);
  const names = shopRoutes(resources).map((r) => r.name);
  assert.deepEqual(names.slice(0, 4), ['cart-of-fra', 'cart', 'checkout-of-fra', 'checkout']);
  for (const name of ['cart-of-fra', 'checkout-of-fra']) {
    const route = shopRoutes(resources).find((r) => r.name === name)!;
    assert.deepEqual(route.match[0].headers, { 'x-cart-dc': { exact: 'fra' } });
    assert.deepEqual(route.route, [{ destination: { host: PEER_HOST } }]);
  }
  const entry = find(resources, 'ServiceEntry', 'gateway-fra');
  assert.deepEqual(
    [entry.spec.hosts, entry.spec.location, entry.spec.resolution, entry.spec.exportTo],
    [[PEER_HOST], 'MESH_EXTERNAL', 'DNS', ['.']],
  );
  checkResources('two data centres', resources);
});

test("each gateway routes a cart as the same data centre of two-dc.yaml does: the peer's carts to its gateway, the rest to its hashed pods", () => {
  const bootstrap = readBootstrap(join(ROOT, 'envoy-test-configs', 'two-dc.yaml'));
  assert.deepEqual(
    bootstrap.listeners.map((l) => l.name),
    ['ams', 'fra'],
  );
  for (const listener of bootstrap.listeners) {
    const peer = bootstrap.listeners.find((l) => l !== listener)!.name;
    const resources = render({
      local: listener.name,
      peers: [{ name: peer, host: `shop-gateway.${peer}.example.com` }],
    });
    assert.deepEqual(applyIstio(resources).problems, [], listener.name);
    const hashed = find(resources, 'DestinationRule', 'cart').spec.trafficPolicy.loadBalancer.consistentHash
      .httpHeaderName;
    for (const dc of ['ams', 'fra', 'lon', undefined]) {
      const headers: Record<string, string> = dc === undefined ? {} : { 'x-cart-dc': dc };
      const envoyRoute = matchRoute(listener.routes, '/cart', Object.entries(headers))!;
      const envoyCluster = bootstrap.clusters.get(envoyRoute.cluster)!;
      const envoy =
        envoyCluster.gateway === null
          ? `local, hashed on ${envoyRoute.hashHeader}`
          : `gateway of ${envoyCluster.gateway}`;
      const host = destinationOf(shopRoutes(resources), '/cart', headers);
      const istio =
        host === 'cart'
          ? `local, hashed on ${hashed}`
          : host === `shop-gateway.${peer}.example.com`
            ? `gateway of ${peer}`
            : `elsewhere: ${host}`;
      assert.equal(istio, envoy, `${listener.name}, x-cart-dc ${dc ?? '(none)'}`);
    }
  }
});

test('one data centre: no x-cart-dc routes and no ServiceEntry', () => {
  const resources = render({ local: 'ams', peers: [] });
  assert.deepEqual(applyIstio(resources).problems, []);
  assert.ok(!resources.some((r) => r.kind === 'ServiceEntry'));
  assert.ok(!shopRoutes(resources).some((r) => JSON.stringify(r.match).includes('x-cart-dc')));
});

test('an x-cart-dc route bound to the sidecars only is found: no filter writes the header there', () => {
  const resources = render();
  shopRoutes(resources).find((r) => r.name === 'cart-of-fra')!.match[0].gateways = ['mesh'];
  assert.deepEqual(applyIstio(resources).problems, [
    'VirtualService shop/shop route cart-of-fra matches x-cart-dc on sidecars in shop, where no filter writes it',
  ]);
});

test('a body-keys configuration that derives no data centre leaves the x-cart-dc routes unfed, and the model says so', () => {
  const resources = render();
  const patch = find(resources, 'EnvoyFilter', 'body-keys').spec.configPatches.find(
    (p: Resource) => p.applyTo === 'EXTENSION_CONFIG',
  );
  const configuration = patch.patch.value.typed_config.value.config.configuration;
  const config = JSON.parse(configuration.value);
  delete config.keys[0].derived;
  configuration.value = JSON.stringify(config);
  assert.deepEqual(applyIstio(resources).problems, [
    'VirtualService shop/shop route cart-of-fra matches x-cart-dc on Deployment shop/shop-gateway, where no filter writes it',
    'VirtualService shop/shop route checkout-of-fra matches x-cart-dc on Deployment shop/shop-gateway, where no filter writes it',
  ]);
});

test('a local cart route placed before the x-cart-dc route hides it, and the model says so', () => {
  const resources = render();
  const routes = shopRoutes(resources);
  const [ofFra, cart] = [routes.findIndex((r) => r.name === 'cart-of-fra'), routes.findIndex((r) => r.name === 'cart')];
  [routes[ofFra], routes[cart]] = [routes[cart]!, routes[ofFra]!];
  assert.deepEqual(applyIstio(resources).problems, [
    'VirtualService shop/shop route cart-of-fra is never used: route cart before it takes every request it matches',
  ]);
});

test("the peer gateway without its ServiceEntry, or with one not visible to the gateway's namespace, is found", () => {
  const resources = render();
  const entry = find(resources, 'ServiceEntry', 'gateway-fra');
  entry.spec.exportTo = ['other'];
  const expected = [
    `VirtualService shop/shop route cart-of-fra sends to ${PEER_HOST}, which no ServiceEntry visible in shop declares`,
    `VirtualService shop/shop route checkout-of-fra sends to ${PEER_HOST}, which no ServiceEntry visible in shop declares`,
  ];
  assert.deepEqual(applyIstio(resources).problems, expected);
  assert.deepEqual(applyIstio(resources.filter((r) => r !== entry)).problems, expected);
});

test('forwarding to the peer gateway in clear text, without a certificate name check, or under a name its Gateway does not serve over HTTPS, is found', () => {
  const plain = render();
  const rule = plain.findIndex((r) => r.kind === 'DestinationRule' && r.spec.host === PEER_HOST);
  plain.splice(rule, 1);
  assert.deepEqual(applyIstio(plain).problems, [
    `VirtualService shop/shop route cart-of-fra sends to ${PEER_HOST} in clear text`,
    `VirtualService shop/shop route checkout-of-fra sends to ${PEER_HOST} in clear text`,
  ]);
  const unchecked = render();
  delete find(unchecked, 'DestinationRule', 'gateway-fra').spec.trafficPolicy.tls.subjectAltNames;
  assert.deepEqual(applyIstio(unchecked).problems, [
    `VirtualService shop/shop route cart-of-fra sends to ${PEER_HOST} over TLS that checks no certificate name`,
    `VirtualService shop/shop route checkout-of-fra sends to ${PEER_HOST} over TLS that checks no certificate name`,
  ]);
  const misnamed = render();
  find(misnamed, 'DestinationRule', 'gateway-fra').spec.trafficPolicy.tls.sni = 'other.example.com';
  find(misnamed, 'DestinationRule', 'gateway-fra').spec.trafficPolicy.tls.subjectAltNames = ['other.example.com'];
  assert.deepEqual(applyIstio(misnamed).problems, [
    `VirtualService shop/shop route cart-of-fra sends to ${PEER_HOST} as other.example.com, which is not its host served by an HTTPS server of the Gateway`,
    `VirtualService shop/shop route checkout-of-fra sends to ${PEER_HOST} as other.example.com, which is not its host served by an HTTPS server of the Gateway`,
  ]);
});
