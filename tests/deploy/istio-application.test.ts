// The Istio-application model over the rendered deployment: every header a route matches is
// written by a filter on the proxies the route reaches, and every consistentHash header on a
// proxy that routes to the rule's host. The resources rendered before issue 16 fail it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { EXAMPLE_OPTIONS } from '../../cli/istio/examples.ts';
import { renderFiles } from '../../cli/istio/render.ts';
import { applyIstio, type Proxy } from './istio-model.ts';

const fresh = () => structuredClone(renderFiles(EXAMPLE_OPTIONS).flatMap((f) => f.resources));
const find = (resources: Record<string, any>[], kind: string, name: string) =>
  resources.find((r) => r.kind === kind && r.metadata.name === name)!;

test('the rendered deployment routes: the gateway writes every header its routes and hash rules use', () => {
  const model = applyIstio(fresh());
  assert.deepEqual(model.problems, []);
  const gateway = model.proxies.find((p) => p.kind === 'gateway')!;
  for (const header of ['x-tenant-id', 'x-version', 'x-cart-id'])
    assert.ok(model.written.get(gateway.name)!.has(header), header);
  assert.deepEqual([...model.written.get('sidecars in shop')!], [], 'no filter runs on the sidecars');
});

test('the resources rendered before issue 16 fail: routes reach only sidecars, hash rules are never fed', () => {
  const text = readFileSync(join(import.meta.dirname, 'fixtures', 'istio-before-issue-16.yaml'), 'utf8');
  // The gateway the filters selected was installed outside these resources.
  const gateway: Proxy = { name: 'shop-gateway', kind: 'gateway', namespace: 'shop', labels: { app: 'shop-gateway' } };
  const model = applyIstio(
    parseAllDocuments(text).map((d) => d.toJS()),
    { workloads: [gateway] },
  );
  assert.deepEqual(model.problems, [
    'VirtualService shop/account route globex matches x-tenant-id on sidecars in shop, where no filter writes it',
    'VirtualService shop/pricing route v2 matches x-version on sidecars in shop, where no filter writes it',
    'VirtualService shop/pricing route v3 matches x-version on sidecars in shop, where no filter writes it',
    'DestinationRule shop/cart hashes on x-cart-id, which no filter writes on the proxies that route to cart.shop.svc.cluster.local',
    'DestinationRule shop/checkout hashes on x-cart-id, which no filter writes on the proxies that route to checkout.shop.svc.cluster.local',
  ]);
});

test('a gateway route left without `gateways` reaches the sidecars only, and fails', () => {
  const resources = fresh();
  delete find(resources, 'VirtualService', 'shop').spec.gateways;
  assert.match(
    applyIstio(resources).problems.join('\n'),
    /VirtualService shop\/shop route pricing-v2 matches x-version on sidecars in shop/,
  );
});

test('a filter whose selector misses the gateway leaves its headers unwritten there', () => {
  const resources = fresh();
  find(resources, 'WasmPlugin', 'jwt-tenant').spec.selector.matchLabels = { app: 'other-gateway' };
  assert.deepEqual(applyIstio(resources).problems, [
    'VirtualService shop/shop route account-globex matches x-tenant-id on Deployment shop/shop-gateway, where no filter writes it',
  ]);
});

test('targetRefs select the Gateway API gateway of that name instead of labels', () => {
  const resources = fresh();
  const plugin = find(resources, 'WasmPlugin', 'jwt-tenant');
  delete plugin.spec.selector;
  plugin.spec.targetRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'shop-gateway' }];
  assert.equal(applyIstio(resources).problems.length, 1, 'the gateway deployment has no gateway-name label yet');
  find(resources, 'Deployment', 'shop-gateway').spec.template.metadata.labels[
    'gateway.networking.k8s.io/gateway-name'
  ] = 'shop-gateway';
  assert.deepEqual(applyIstio(resources).problems, []);
});

test('a WasmPlugin in another namespace reaches the gateway only from the root namespace', () => {
  const resources = fresh();
  find(resources, 'WasmPlugin', 'feature-alias').metadata.namespace = 'team-b';
  assert.match(
    applyIstio(resources).problems.join('\n'),
    /route pricing-v2 matches x-version on Deployment shop\/shop-gateway/,
  );
  find(resources, 'WasmPlugin', 'feature-alias').metadata.namespace = 'istio-system';
  assert.deepEqual(applyIstio(resources).problems, []);
});

test('the mesh-bound pricing routes rely on callers forwarding x-version, and say so', () => {
  const resources = fresh();
  const mesh = find(resources, 'VirtualService', 'pricing-mesh');
  assert.deepEqual(mesh.spec.gateways, ['mesh']);
  delete mesh.metadata.annotations;
  assert.match(
    applyIstio(resources).problems.join('\n'),
    /VirtualService shop\/pricing-mesh route pricing-v2 matches x-version on sidecars in shop/,
  );
});

test('a VirtualService exported to another namespace does not reach the sidecars here', () => {
  const resources = fresh();
  const mesh = find(resources, 'VirtualService', 'pricing-mesh');
  delete mesh.metadata.annotations;
  mesh.spec.exportTo = ['team-b'];
  assert.deepEqual(applyIstio(resources).problems, []);
});

test('on a proxy older than the EnvoyFilter admits, body-keys is absent: the cart hash is never fed, the data-centre routes never match', () => {
  assert.deepEqual(applyIstio(fresh(), { istioVersion: '1.27.3' }).problems, [
    'VirtualService shop/shop route cart-of-fra matches x-cart-dc on Deployment shop/shop-gateway, where no filter writes it',
    'VirtualService shop/shop route checkout-of-fra matches x-cart-dc on Deployment shop/shop-gateway, where no filter writes it',
    'DestinationRule shop/cart hashes on x-cart-id, which no filter writes on the proxies that route to cart.shop.svc.cluster.local',
    'DestinationRule shop/checkout hashes on x-cart-id, which no filter writes on the proxies that route to checkout.shop.svc.cluster.local',
  ]);
});

test('a route to a subset no DestinationRule defines is found', () => {
  const resources = fresh();
  find(resources, 'DestinationRule', 'pricing').spec.subsets.pop();
  assert.deepEqual(applyIstio(resources).problems, [
    'VirtualService shop/shop route pricing-v3 sends to subset v3 of pricing.shop.svc.cluster.local, which no DestinationRule defines',
    'VirtualService shop/pricing-mesh route pricing-v3 sends to subset v3 of pricing.shop.svc.cluster.local, which no DestinationRule defines',
  ]);
});
