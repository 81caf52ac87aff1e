// The shipping commands with a user's arguments, through the command's main(): package, push and
// render istio, with their errors.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { exampleTexts, staleExamples } from '../../cli/istio/examples.ts';
import { imagesOf } from '../../cli/package.ts';
import { pluginNames } from '../../cli/plugins.ts';
import { routeKeys } from '../support/cli.ts';

test('render istio --out writes a Kustomize base: the gateway, one file per plugin, pinned to the digests package computes', async () => {
  const out = mkdtempSync(join(tmpdir(), 'route-keys-render-'));
  try {
    const result = await routeKeys(
      'render',
      'istio',
      '--registry',
      'registry.internal:5000',
      '--namespace',
      'payments',
      '--out',
      out,
    );
    assert.equal(result.status, 0, result.stderr);
    const pluginFiles = pluginNames().map((plugin) => `${plugin}.yaml`);
    assert.ok(pluginFiles.length >= 3, 'the plugins are found');
    assert.deepEqual(readdirSync(out).sort(), [...pluginFiles, 'gateway.yaml', 'kustomization.yaml'].sort());
    assert.deepEqual(parseAllDocuments(readFileSync(join(out, 'kustomization.yaml'), 'utf8'))[0]!.toJS().resources, [
      'gateway.yaml',
      ...pluginFiles,
    ]);
    assert.ok(
      parseAllDocuments(readFileSync(join(out, 'gateway.yaml'), 'utf8')).every(
        (d) => d.toJS().metadata.namespace === 'payments',
      ),
    );
    for (const plugin of pluginNames()) {
      const text = readFileSync(join(out, `${plugin}.yaml`), 'utf8');
      const digest = imagesOf(plugin)[0]!.manifest.descriptor.digest;
      assert.ok(text.includes(`oci://registry.internal:5000/route-keys/${plugin}@${digest}`), plugin);
      assert.ok(parseAllDocuments(text).every((d) => d.toJS().metadata.namespace === 'payments'));
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test("render istio --dc and --peer-dc: each peer's carts go to its gateway; none renders one data centre", async () => {
  const rendered = async (...args: string[]) => {
    const result = await routeKeys('render', 'istio', '--registry', 'r', ...args);
    assert.equal(result.status, 0, result.stderr);
    const resources = parseAllDocuments(result.stdout)
      .map((d) => d.toJS())
      .filter((r) => r !== null);
    const routes = resources.find((r) => r.kind === 'VirtualService' && r.metadata.name === 'shop').spec.http;
    return {
      peers: routes
        .filter((r: any) => r.match[0].headers?.['x-cart-dc'])
        .map((r: any) => `${r.name} ${r.match[0].headers['x-cart-dc'].exact} → ${r.route[0].destination.host}`),
      entries: resources.filter((r) => r.kind === 'ServiceEntry').map((r) => `${r.metadata.name} ${r.spec.hosts}`),
    };
  };
  assert.deepEqual(await rendered(), {
    peers: ['cart-of-fra fra → shop-gateway.fra.example.com', 'checkout-of-fra fra → shop-gateway.fra.example.com'],
    entries: ['gateway-fra shop-gateway.fra.example.com'],
  });
  assert.deepEqual(
    await rendered('--dc', 'fra', '--peer-dc', 'ams=gw.ams.internal', '--peer-dc', 'lon=gw.lon.internal'),
    {
      peers: [
        'cart-of-ams ams → gw.ams.internal',
        'cart-of-lon lon → gw.lon.internal',
        'checkout-of-ams ams → gw.ams.internal',
        'checkout-of-lon lon → gw.lon.internal',
      ],
      entries: ['gateway-ams gw.ams.internal', 'gateway-lon gw.lon.internal'],
    },
  );
  assert.deepEqual(await rendered('--peer-dc', 'none'), { peers: [], entries: [] });
});

test('wrong arguments are one line and a non-zero exit', async () => {
  const cases: [string[], RegExp][] = [
    [['render', 'helm', '--registry', 'r'], /render knows "istio", not "helm"/],
    [['render', 'istio', '--registry', 'r', '--selector', 'app'], /--selector takes KEY=VALUE/],
    [['render', 'istio'], /render istio needs --registry HOST\[:PORT\]/],
    [
      ['render', 'istio', '--registry', 'r', '--istio-version', '1.27.3'],
      /Istio 1\.27\.3 cannot run body-keys: its istio-agent's Envoy API predates allow_on_headers_stop_iteration.*Istio 1\.28 or newer is needed/,
    ],
    [['render', 'istio', '--registry', 'r', '--peer-dc', 'fra'], /--peer-dc takes NAME=HOST .* not "fra"/],
    [
      ['render', 'istio', '--registry', 'r', '--dc', 'fra', '--peer-dc', 'fra=shop-gateway.fra.example.com'],
      /--peer-dc fra is this data centre \(--dc fra\)/,
    ],
    [['render', 'istio', '--registry', 'r', '--dc', 'ams-1'], /--dc takes the data centre's name .* not "ams-1"/],
    [['push', '--registry', 'https://registry.example.com'], /--registry takes HOST or HOST:PORT/],
    [['push', '--registry', 'r:5000', '--tag', '-bad'], /--tag "-bad" is not a valid image tag/],
  ];
  for (const [args, message] of cases) {
    const result = await routeKeys(...args);
    assert.equal(result.status, 1, args.join(' '));
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  }
});

test('render istio --check passes on the committed examples; a stale digest is found and named', async () => {
  const result = await routeKeys('render', 'istio', '--check');
  assert.equal(result.status, 0, result.stderr);
  const copy = mkdtempSync(join(tmpdir(), 'route-keys-examples-'));
  try {
    for (const [path, text] of exampleTexts()) {
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      writeFileSync(join(copy, path), text);
    }
    assert.deepEqual(staleExamples(copy), []);
    const stale = join(copy, 'plugins', 'jwt-tenant', 'istio.yaml');
    writeFileSync(stale, readFileSync(stale, 'utf8').replace(/@sha256:[0-9a-f]{8}/, '@sha256:00000000'));
    assert.deepEqual(staleExamples(copy), [join('plugins', 'jwt-tenant', 'istio.yaml')]);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
