// One filter owns each header on a proxy. A body-keys key that writes x-tenant-id validates on its
// own, but on the gateway where jwt-tenant runs it strips jwt-tenant's value as a client copy and
// writes one taken from the body: the client picks its tenant. The model finds it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EXAMPLE_DATA_CENTRES } from '../../cli/istio/data-centres.ts';
import { EXAMPLE_OPTIONS } from '../../cli/istio/examples.ts';
import { renderFiles } from '../../cli/istio/render.ts';
import { applyIstio } from './istio-model.ts';

type Resource = Record<string, any>;
const render = () =>
  structuredClone(
    renderFiles({ ...EXAMPLE_OPTIONS, dataCentres: EXAMPLE_DATA_CENTRES }).flatMap((f) => f.resources),
  ) as Resource[];

function bodyKeysConfig(resources: Resource[]): { config: Record<string, any>; save: () => void } {
  const filter = resources.find((r) => r.kind === 'EnvoyFilter' && r.metadata.name === 'body-keys')!;
  const patch = filter.spec.configPatches.find((p: Resource) => p.applyTo === 'EXTENSION_CONFIG');
  const configuration = patch.patch.value.typed_config.value.config.configuration;
  const config = JSON.parse(configuration.value);
  return { config, save: () => (configuration.value = JSON.stringify(config)) };
}

test('the rendered deployment: every header has one writer on each proxy', () => {
  assert.deepEqual(applyIstio(render()).problems, []);
});

test('body-keys writing x-tenant-id beside jwt-tenant on the gateway is found', () => {
  const resources = render();
  const body = bodyKeysConfig(resources);
  body.config.keys[1].header = 'x-tenant-id';
  body.save();
  assert.deepEqual(applyIstio(resources).problems, [
    'x-tenant-id is written by both body-keys and jwt-tenant on Deployment shop/shop-gateway: one filter owns a header',
  ]);
});

test('feature-alias writing the tenant header under another name is found too', () => {
  const resources = render();
  const plugin = resources.find((r) => r.kind === 'WasmPlugin' && r.spec.pluginName === 'feature-alias')!;
  plugin.spec.pluginConfig.headers.rule = 'x-tenant-id';
  assert.deepEqual(applyIstio(resources).problems, [
    'x-tenant-id is written by both feature-alias and jwt-tenant on Deployment shop/shop-gateway: one filter owns a header',
  ]);
});
