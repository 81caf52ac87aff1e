// The checks every Istio resource route-keys ships must pass: the field sets of Istio's API and
// of the Kubernetes kinds the gateway uses, the plugins' configurations valid under their schemas,
// images pinned by digest, and the gateway pod's proxy.istio.io/config within ProxyConfig.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { validationErrors } from '../../cli/validate.ts';

const istioSchema = parse(readFileSync(join(import.meta.dirname, 'istio-api.schema.yaml'), 'utf8'));
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
const validateIstio = ajv.compile(istioSchema);
const validateProxyConfig = ajv.compile({ ...istioSchema.$defs.ProxyConfigAnnotation, $defs: istioSchema.$defs });

const PINNED = /^oci:\/\/[^@]+@sha256:[0-9a-f]{64}$/;

function errorsOf(validate: typeof validateIstio): string[] {
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map(
      (e) =>
        `${e.instancePath} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`,
    );
}

export function istioErrors(resource: unknown): string[] {
  return validateIstio(resource) ? [] : errorsOf(validateIstio);
}

export function checkResources(where: string, resources: Record<string, any>[]): void {
  for (const resource of resources) {
    const name = `${where}: ${resource.kind} ${resource.metadata?.name}`;
    assert.deepEqual(istioErrors(resource), [], name);
    if (resource.kind === 'WasmPlugin') {
      const plugin = resource.spec.pluginName;
      assert.deepEqual(validationErrors(plugin, resource.spec.pluginConfig), [], `${name}: pluginConfig of ${plugin}`);
      assert.match(resource.spec.url, PINNED, `${name}: pinned by digest`);
    }
    if (resource.kind === 'EnvoyFilter') {
      for (const patch of resource.spec.configPatches) {
        const wasm = patch.patch.value.typed_config?.value?.config;
        if (!wasm) continue;
        assert.deepEqual(
          validationErrors(wasm.root_id, JSON.parse(wasm.configuration.value)),
          [],
          `${name}: configuration of ${wasm.root_id}`,
        );
        assert.match(wasm.vm_config.code.remote.http_uri.uri, PINNED);
        assert.equal(
          `sha256:${wasm.vm_config.code.remote.sha256}`,
          wasm.vm_config.code.remote.http_uri.uri.split('@')[1],
          `${name}: sha256 is the pinned digest`,
        );
      }
    }
    const proxyConfig =
      resource.kind === 'Deployment'
        ? resource.spec.template.metadata.annotations?.['proxy.istio.io/config']
        : undefined;
    if (proxyConfig !== undefined)
      assert.ok(
        validateProxyConfig(parse(proxyConfig)),
        `${name}: proxy.istio.io/config ${errorsOf(validateProxyConfig).join(', ')}`,
      );
  }
}
