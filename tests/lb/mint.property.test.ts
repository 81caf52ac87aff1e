// For random endpoint sets, weights and balancer settings: every id mint makes reaches its target
// through `lb` and through the filter chain (body-keys in the host) plus host-mode routing; a
// target without a share of the ring or table is refused instead.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Cluster, Route } from '../../cli/e2e/envoy-config.ts';
import { pickEndpoint } from '../../cli/e2e/route-model.ts';
import { type BalancerOptions, buildBalancer } from '../../cli/lb/balancer.ts';
import { lbCommand } from '../../cli/lb/command.ts';
import { parseEndpointList } from '../../cli/lb/endpoints.ts';
import { minter } from '../../cli/lb/mint.ts';
import { FilterChain } from '../../host/index.ts';
import { propertyOptions } from '../support/fuzz.ts';
import { ROOT, load, pluginModule } from '../support/modules.ts';

const endpointSet = fc
  .uniqueArray(fc.integer({ min: 1024, max: 65535 }), { minLength: 1, maxLength: 12 })
  .chain((ports) =>
    fc.tuple(...ports.map((port) => fc.record({ port: fc.constant(port), weight: fc.integer({ min: 1, max: 4 }) }))),
  );
const settings: fc.Arbitrary<BalancerOptions> = fc.oneof(
  fc.record({
    policy: fc.constant('ring_hash' as const),
    minRingSize: fc.constantFrom(4, 16, 128, 1024),
    hashFunction: fc.constantFrom('xx_hash' as const, 'murmur_hash_2' as const),
  }),
  fc.record({ policy: fc.constant('maglev' as const), tableSize: fc.constantFrom(7, 17, 257, 65537) }),
);

const exampleConfig = readFileSync(join(ROOT, 'plugins', 'body-keys', 'example.config.json'), 'utf8');

test('minted ids reach their target through lb and through body-keys plus host-mode routing, 100% of the time', () => {
  const chain = new FilterChain([
    load(pluginModule('body-keys'), {
      rootId: 'body-keys',
      configuration: exampleConfig,
      allowOnHeadersStopIteration: true,
    }),
  ]);
  const route: Route = { name: 'carts', prefix: '/', headers: [], cluster: 'carts', hashHeader: 'x-cart-id' };
  fc.assert(
    fc.property(endpointSet, settings, fc.nat(), fc.constantFrom('ams', 'fra', 'dc.2'), (hosts, options, pick, dc) => {
      const list = hosts.map((h) => `127.0.0.1:${h.port};weight=${h.weight}`).join(',');
      const endpoints = parseEndpointList(list);
      const balancer = buildBalancer(endpoints, options);
      const target = endpoints[pick % endpoints.length]!;
      const share = balancer.shares().get(target) ?? 0;
      if (share === 0) {
        assert.throws(() => minter(balancer, target.address, `${dc}-`), /has no share/);
        return;
      }
      const m = minter(balancer, target.address, `${dc}-`);
      const cluster: Cluster = {
        name: 'carts',
        lbPolicy: options.policy.toUpperCase(),
        endpoints: hosts.map((h) => ({ host: '127.0.0.1', port: h.port })),
        balancer: { options, endpoints },
        gateway: null,
      };
      for (let i = 0; i < 3; i++) {
        const id = m.mint();
        const viaLb = lbCommand({
          policy: options.policy,
          endpoints: list,
          key: [id],
          hostnames: false,
          hashFunction: options.hashFunction ?? 'xx_hash',
          minRingSize: options.minRingSize,
          tableSize: options.tableSize,
        });
        assert.equal(viaLb.endpoint, target.address);
        const outcome = chain.send({
          method: 'POST',
          path: '/cart/items',
          headers: [['content-type', 'application/json']],
          body: JSON.stringify({ cart: { id }, sku: 'tea-42' }),
        });
        assert.equal(outcome.decision, 'continue');
        const headers = outcome.upstream!.headers.filter(([n]) => !n.startsWith(':'));
        assert.deepEqual(
          headers.filter(([n]) => n.startsWith('x-cart')),
          [
            ['x-cart-id', id],
            ['x-cart-dc', dc],
          ],
        );
        const landed = pickEndpoint(cluster, route, headers, 0);
        assert.equal(`${landed.host}:${landed.port}`, target.address);
      }
    }),
    propertyOptions(),
  );
});
