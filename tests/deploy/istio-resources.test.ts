// Every Istio resource in the repository (plugins/<name>/istio.yaml) and every one
// `route-keys render istio` produces: each within the field set of Istio's API, each plugin
// configuration valid under its schema, images pinned by digest, and the committed files the
// same as a fresh render.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT, pluginNames } from '../../cli/build.ts';
import { renderPlugin, renderYaml } from '../../cli/istio/render.ts';
import { imagesOf } from '../../cli/package.ts';
import { validationErrors } from '../../cli/validate.ts';

const istioSchema = parse(readFileSync(join(import.meta.dirname, 'istio-api.schema.yaml'), 'utf8'));
const validateIstio = new Ajv2020.default({ allErrors: true, strict: false }).compile(istioSchema);
const anyDigest = (text: string) => text.replace(/@sha256:[0-9a-f]{64}/g, '@sha256:<digest>');

function istioErrors(resource: unknown): string[] {
  if (validateIstio(resource)) return [];
  return (validateIstio.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => `${e.instancePath} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`);
}

function checkResources(where: string, resources: Record<string, any>[]): void {
  for (const resource of resources) {
    assert.deepEqual(istioErrors(resource), [], `${where}: ${resource.kind} ${resource.metadata?.name}`);
    if (resource.kind === 'WasmPlugin') {
      const plugin = resource.spec.pluginName;
      assert.deepEqual(validationErrors(plugin, resource.spec.pluginConfig), [], `${where}: pluginConfig of ${plugin}`);
      assert.match(resource.spec.url, /^oci:\/\/[^@]+@sha256:[0-9a-f]{64}$/, `${where}: ${plugin} is pinned by digest`);
    }
    if (resource.kind === 'EnvoyFilter') {
      for (const patch of resource.spec.configPatches) {
        const wasm = patch.patch.value.typed_config?.value?.config;
        if (!wasm) continue;
        assert.deepEqual(validationErrors(wasm.root_id, JSON.parse(wasm.configuration.value)), [], `${where}: configuration of ${wasm.root_id}`);
        assert.match(wasm.vm_config.code.remote.http_uri.uri, /^oci:\/\/[^@]+@sha256:[0-9a-f]{64}$/);
      }
    }
  }
}

for (const plugin of pluginNames()) {
  test(`plugins/${plugin}/istio.yaml: within Istio's API, configuration valid, the same as a fresh render`, () => {
    const text = readFileSync(join(ROOT, 'plugins', plugin, 'istio.yaml'), 'utf8');
    checkResources(`plugins/${plugin}/istio.yaml`, parseAllDocuments(text).map((d) => d.toJS()));
    // Digests follow the build; everything else must match `npm run render:examples`.
    assert.equal(anyDigest(text), anyDigest(renderYaml(plugin, { registry: 'registry.example.com' })), 'run npm run render:examples');
  });

  test(`${plugin}: render istio pins the packaged image's digest and passes the same checks`, () => {
    const resources = renderPlugin(plugin, { registry: '127.0.0.1:5000', namespace: 'team-a', selector: 'istio=ingressgateway' });
    checkResources(`render ${plugin}`, resources);
    const digest = imagesOf(plugin).find((i) => i.variant === 'compat')!.manifest.descriptor.digest;
    assert.ok(JSON.stringify(resources).includes(`oci://127.0.0.1:5000/route-keys/${plugin}@${digest}`));
    assert.ok(resources.every((r: any) => r.metadata.namespace === 'team-a'));
  });
}

test('jwt-tenant runs right after Istio authentication and before feature-alias', () => {
  const [tenant] = renderPlugin('jwt-tenant', { registry: 'r' }) as any[];
  const [feature] = renderPlugin('feature-alias', { registry: 'r' }) as any[];
  assert.equal(tenant.spec.phase, 'AUTHZ');
  assert.equal(feature.spec.phase, 'AUTHZ');
  assert.ok(tenant.spec.priority > feature.spec.priority, 'higher priority runs first within a phase');
});

test('body-keys is an EnvoyFilter that sets allow_on_headers_stop_iteration, with hash-on-x-cart-id DestinationRules', () => {
  const [filter, cart, checkout] = renderPlugin('body-keys', { registry: 'r' }) as any[];
  assert.equal(filter.kind, 'EnvoyFilter');
  assert.equal(filter.spec.configPatches[0].patch.value.typed_config.value.config.allow_on_headers_stop_iteration, true);
  assert.equal(filter.spec.configPatches[1].patch.value.name, filter.spec.configPatches[0].patch.value.name);
  assert.deepEqual(cart.spec.trafficPolicy.loadBalancer.consistentHash, { httpHeaderName: 'x-cart-id', ringHash: { minimumRingSize: 1024 } });
  assert.equal(checkout.spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize, 65537);
});

test('the field check refuses a field Istio does not have', () => {
  const [plugin] = renderPlugin('jwt-tenant', { registry: 'r' }) as any[];
  assert.deepEqual(istioErrors({ ...plugin, spec: { ...plugin.spec, rootId: 'jwt-tenant' } }), ['/spec must NOT have additional properties (rootId)']);
  assert.match(istioErrors({ ...plugin, spec: { ...plugin.spec, phase: 'AUTHORIZATION' } }).join(), /\/spec\/phase must be equal to one of the allowed values/);
});
