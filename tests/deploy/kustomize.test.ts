// The GitOps layout: deploy/kustomize/base (rendered) and one overlay per environment, built
// with `kubectl kustomize` as Argo CD builds them, each output checked against the field sets,
// the plugins' schemas and the Istio-application model; and the Argo CD Application's target.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from '../../cli/build.ts';
import { projectPackage } from '../../cli/package.ts';
import { checkResources } from './istio-checks.ts';
import { applyIstio } from './istio-model.ts';

const KUSTOMIZE = join(ROOT, 'deploy', 'kustomize');
const overlays = readdirSync(join(KUSTOMIZE, 'overlays')).sort();
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const noKubectl =
  kubectl.error || kubectl.status !== 0 ? 'kubectl is not on PATH: the Kustomize builds did not run' : false;

function kustomize(dir: string): Record<string, any>[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return parseAllDocuments(result.stdout).map((d) => d.toJS());
}

const pluginConfig = (resources: Record<string, any>[], name: string) =>
  resources.find((r) => r.kind === 'WasmPlugin' && r.metadata.name === name)!.spec.pluginConfig;

test('there is a staging and a production overlay', () => assert.deepEqual(overlays, ['production', 'staging']));

// Without kubectl (it has no Debian package, so CI cannot install it), one skipped test says so.
if (noKubectl) test('kubectl kustomize over the base and the overlays', { skip: noKubectl }, () => {});
else
  for (const dir of ['base', ...overlays.map((o) => join('overlays', o))]) {
    test(`kubectl kustomize deploy/kustomize/${dir}: valid resources that route`, () => {
      const resources = kustomize(join(KUSTOMIZE, dir));
      checkResources(dir, resources);
      assert.deepEqual(applyIstio(resources).problems, []);
      assert.equal(new Set(resources.map((r) => r.metadata.namespace)).size, 1, 'one namespace');
    });
  }

if (!noKubectl)
  test('each overlay carries its own plugin configuration, host and scale', () => {
    const base = kustomize(join(KUSTOMIZE, 'base'));
    const staging = kustomize(join(KUSTOMIZE, 'overlays', 'staging'));
    const production = kustomize(join(KUSTOMIZE, 'overlays', 'production'));
    assert.deepEqual(pluginConfig(staging, 'jwt-tenant').on_missing, { action: 'default', default_tenant: 'demo' });
    assert.deepEqual(pluginConfig(production, 'jwt-tenant').on_missing, { action: 'reject', status: 401 });
    assert.equal(pluginConfig(staging, 'feature-alias').default_feature, 'progressive-discount');
    assert.notDeepEqual(pluginConfig(production, 'feature-alias'), pluginConfig(base, 'feature-alias'));
    assert.ok(staging.every((r) => r.metadata.namespace === 'shop-staging'));
    const hosts = (resources: Record<string, any>[]) => [
      resources.find((r) => r.kind === 'Gateway')!.spec.servers[0].hosts,
      resources.find((r) => r.kind === 'VirtualService' && r.metadata.name === 'shop')!.spec.hosts,
    ];
    assert.deepEqual(hosts(staging), [['shop.staging.example.com'], ['shop.staging.example.com']]);
    // Staging's carts of the peer data centre go to the peer's staging gateway, never to production's.
    const peerHosts = (resources: Record<string, any>[]) =>
      resources.filter((r) => r.kind === 'ServiceEntry').flatMap((r) => r.spec.hosts);
    assert.deepEqual(peerHosts(staging), ['shop-gateway.fra.staging.example.com']);
    assert.deepEqual(peerHosts(production), peerHosts(base));
    assert.equal(production.find((r) => r.kind === 'Deployment')!.spec.replicas, 3);
    // The images stay the ones the base was rendered with (render pins them; overlays do not).
    const urls = (resources: Record<string, any>[]) =>
      resources.filter((r) => r.kind === 'WasmPlugin').map((r) => r.spec.url);
    assert.deepEqual(urls(staging), urls(base));
    assert.deepEqual(urls(production), urls(base));
  });

test("the Argo CD Application points at an overlay of this repository, in that overlay's namespace", () => {
  const app = parse(readFileSync(join(ROOT, 'deploy', 'argocd', 'shop-production.yaml'), 'utf8'));
  assert.equal(app.apiVersion, 'argoproj.io/v1alpha1');
  assert.equal(app.kind, 'Application');
  assert.equal(app.spec.source.repoURL, projectPackage().repository!.url.replace(/^git\+/, ''));
  assert.match(app.spec.source.path, /^deploy\/kustomize\/overlays\/[a-z-]+$/);
  assert.ok(
    existsSync(join(ROOT, app.spec.source.path, 'kustomization.yaml')),
    `${app.spec.source.path} is an overlay`,
  );
  const overlay = parse(readFileSync(join(ROOT, app.spec.source.path, 'kustomization.yaml'), 'utf8'));
  assert.equal(app.spec.destination.namespace, overlay.namespace ?? 'shop');
});
