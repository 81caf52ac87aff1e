// Every Istio resource in the repository (plugins/<name>/istio.yaml, deploy/kustomize/base/) and
// every one `route-keys render istio` produces: each within the field set of Istio's API (and of
// Kubernetes for the gateway's Deployment and Service), each plugin configuration valid under its
// schema, images pinned by digest, and the committed files the same as a fresh render, digests
// included.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ROOT, pluginNames } from '../../cli/build.ts';
import { CliError } from '../../cli/errors.ts';
import { exampleTexts, staleExamples } from '../../cli/istio/examples.ts';
import { renderFiles, renderGateway, renderPlugin } from '../../cli/istio/render.ts';
import { checkIstioVersion, MIN_ISTIO_TEXT } from '../../cli/istio/versions.ts';
import { imagesOf } from '../../cli/package.ts';
import { checkResources, istioErrors } from './istio-checks.ts';

test('the committed examples are a fresh render, digests included', () => {
  for (const [path, text] of exampleTexts())
    assert.equal(readFileSync(join(ROOT, path), 'utf8'), text, `${path}: run npm run render:examples`);
  assert.deepEqual(staleExamples(), []);
});

for (const path of exampleTexts().keys()) {
  if (!path.endsWith('.yaml') || path.endsWith('kustomization.yaml')) continue;
  test(`${path}: within Istio's API, configuration valid`, () => {
    checkResources(
      path,
      parseAllDocuments(readFileSync(join(ROOT, path), 'utf8')).map((d) => d.toJS()),
    );
  });
}

test('render istio pins the packaged images, in the namespace asked for, and passes the same checks', () => {
  const files = renderFiles({
    registry: '127.0.0.1:5000',
    namespace: 'team-a',
    selector: 'istio=ingressgateway',
    host: 'shop.team-a.example',
  });
  const resources = files.flatMap((f) => f.resources);
  checkResources('render', resources);
  for (const plugin of pluginNames()) {
    const digest = imagesOf(plugin).find((i) => i.variant === 'compat')!.manifest.descriptor.digest;
    assert.ok(JSON.stringify(resources).includes(`oci://127.0.0.1:5000/route-keys/${plugin}@${digest}`), plugin);
  }
  assert.ok(resources.every((r) => r.metadata.namespace === 'team-a'));
  const [gateway] = renderGateway({ registry: 'r', selector: 'istio=ingressgateway', host: 'shop.team-a.example' });
  assert.deepEqual(gateway!.spec.selector, { istio: 'ingressgateway' });
  assert.deepEqual(gateway!.spec.servers[0].hosts, ['shop.team-a.example']);
});

test('jwt-tenant runs right after Istio authentication and before feature-alias', () => {
  const [tenant] = renderPlugin('jwt-tenant', { registry: 'r' });
  const [feature] = renderPlugin('feature-alias', { registry: 'r' });
  assert.equal(tenant!.spec.phase, 'AUTHZ');
  assert.equal(feature!.spec.phase, 'AUTHZ');
  assert.ok(tenant!.spec.priority > feature!.spec.priority, 'higher priority runs first within a phase');
});

test('the gateway pod includes wasmcustom in the proxy stats (proxy.istio.io/config proxyStatsMatcher)', () => {
  const deployment = renderGateway({ registry: 'r' }).find((r) => r.kind === 'Deployment')!;
  const annotations = deployment.spec.template.metadata.annotations;
  assert.equal(annotations['inject.istio.io/templates'], 'gateway');
  const proxyConfig = parseAllDocuments(annotations['proxy.istio.io/config'])[0]!.toJS();
  assert.deepEqual(proxyConfig.proxyStatsMatcher.inclusionPrefixes, ['wasmcustom']);
});

test('the gateway drops request headers whose names hold "_", as every Envoy test configuration does', () => {
  const resources = renderGateway({ registry: 'r', selector: 'istio=ingressgateway' });
  const labels = resources.find((r) => r.kind === 'Deployment')!.spec.template.metadata.labels;
  const filters = resources.filter((r) => r.kind === 'EnvoyFilter');
  const patches = filters
    .filter((f) => Object.entries(f.spec.workloadSelector.labels).every(([k, v]) => labels[k] === v))
    .flatMap((f) => f.spec.configPatches)
    .filter(
      (p) =>
        p.applyTo === 'NETWORK_FILTER' &&
        p.match.context === 'GATEWAY' &&
        p.match.listener.filterChain.filter.name === 'envoy.filters.network.http_connection_manager' &&
        p.patch.operation === 'MERGE',
    );
  assert.deepEqual(
    patches.map((p) => p.patch.value.typed_config.common_http_protocol_options.headers_with_underscores_action),
    ['DROP_HEADER'],
  );
});

test('body-keys: an EnvoyFilter that never leaves a gateway waiting and whose remote code Envoy would accept', () => {
  const [filter, cart, checkout] = renderPlugin('body-keys', { registry: 'r' });
  const [extension, httpFilter] = filter!.spec.configPatches;
  const wasm = extension.patch.value.typed_config.value.config;
  assert.equal(wasm.allow_on_headers_stop_iteration, true);
  const remote = wasm.vm_config.code.remote;
  const digest = imagesOf('body-keys').find((i) => i.variant === 'compat')!.manifest.descriptor.digest;
  assert.equal(`sha256:${remote.sha256}`, digest, 'istio-agent compares sha256 with the image manifest digest');
  assert.ok(remote.http_uri.uri.endsWith(`@${digest}`));
  assert.equal(remote.http_uri.cluster, '_');
  const discovery = httpFilter.patch.value.config_discovery;
  assert.equal(httpFilter.patch.value.name, extension.patch.value.name);
  assert.match(discovery.config_source.initial_fetch_timeout, /^[1-9][0-9]*s$/, 'a finite, non-zero wait');
  assert.ok(
    discovery.type_urls.includes(discovery.default_config['@type']),
    'Envoy accepts a default_config only of a listed type',
  );
  assert.deepEqual(
    discovery.default_config.mutations.request_mutations.map((m: { remove: string }) => m.remove),
    ['x-cart-id', 'x-cart-dc', 'x-session-id'],
    'the fallback lets no client-set key through',
  );
  for (const patch of filter!.spec.configPatches)
    assert.ok(
      new RegExp(patch.match.proxy.proxyVersion).test('1.28.0') &&
        !new RegExp(patch.match.proxy.proxyVersion).test('1.27.3'),
    );
  assert.deepEqual(cart!.spec.trafficPolicy.loadBalancer.consistentHash, {
    httpHeaderName: 'x-cart-id',
    ringHash: { minimumRingSize: 1024 },
  });
  assert.equal(checkout!.spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize, 65537);
});

test(`--istio-version refuses releases before ${MIN_ISTIO_TEXT}, with the reason, and the README states the same minimum`, () => {
  for (const version of ['1.28', '1.28.0', '1.29.1', 'v1.30.0-beta.1', '2.0.0']) checkIstioVersion(version);
  for (const version of ['1.27.3', '1.26', '0.9.0']) {
    assert.throws(
      () => checkIstioVersion(version),
      (e: unknown) =>
        e instanceof CliError &&
        /allow_on_headers_stop_iteration/.test(e.message) &&
        e.message.includes(`Istio ${MIN_ISTIO_TEXT} or newer`),
    );
  }
  assert.throws(() => checkIstioVersion('latest'), /--istio-version takes MAJOR.MINOR/);
  assert.ok(
    readFileSync(join(ROOT, 'README.md'), 'utf8').includes(`Istio ${MIN_ISTIO_TEXT} or newer`),
    'README states the minimum',
  );
});

test('the field check refuses a field Istio does not have', () => {
  const [plugin] = renderPlugin('jwt-tenant', { registry: 'r' });
  assert.deepEqual(istioErrors({ ...plugin, spec: { ...plugin!.spec, rootId: 'jwt-tenant' } }), [
    '/spec must NOT have additional properties (rootId)',
  ]);
  assert.match(
    istioErrors({ ...plugin, spec: { ...plugin!.spec, phase: 'AUTHORIZATION' } }).join(),
    /\/spec\/phase must be equal to one of the allowed values/,
  );
  const [gateway] = renderGateway({ registry: 'r' });
  assert.deepEqual(
    istioErrors({
      ...gateway,
      spec: { ...gateway!.spec, servers: [{ ...gateway!.spec.servers[0], port: { number: 80 } }] },
    }),
    [
      "/spec/servers/0/port must have required property 'protocol'",
      "/spec/servers/0/port must have required property 'name'",
    ],
  );
});
