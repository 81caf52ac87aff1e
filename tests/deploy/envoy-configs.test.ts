// Every Envoy configuration in the repository: the bootstraps in envoy-test-configs/ and the
// filter snippets in plugins/<name>/. Each Wasm filter's configuration must be valid under its
// plugin's schema and each file it loads must exist after a build; the bootstraps' route tables
// must use what the filters write.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ROOT, pluginNames } from '../../cli/build.ts';
import { WASM_FILTER_TYPE, readBootstrap } from '../../cli/e2e/envoy-config.ts';
import { readScenarios } from '../../cli/e2e/scenarios.ts';
import { validationErrors } from '../../cli/validate.ts';
import { outputHeaders } from '../../cli/output-headers.ts';
import { manifestOf, pluginOfRootId } from '../../cli/plugins.ts';

const CONFIG_DIR = join(ROOT, 'envoy-test-configs');
const bootstraps = readdirSync(CONFIG_DIR)
  .filter((f) => f.endsWith('.yaml') && f !== 'scenarios.yaml')
  .sort();
const snippets = pluginNames().flatMap((p) =>
  readdirSync(join(ROOT, 'plugins', p))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('plugins', p, f)),
);

// Every Wasm filter typed_config anywhere in a YAML file (bootstraps, snippets, EnvoyFilter patches).
function wasmFilters(file: string): Record<string, any>[] {
  const found: Record<string, any>[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const record = node as Record<string, any>;
      if (record['@type'] === WASM_FILTER_TYPE) found.push(record.config);
      Object.values(record).forEach(walk);
    }
  };
  for (const document of parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'))) walk(document.toJS());
  return found;
}

test('each plugin has an Envoy snippet in its folder that loads it, and the chain has a bootstrap', () => {
  for (const plugin of pluginNames()) {
    const rootIds = wasmFilters(join('plugins', plugin, 'envoy.yaml')).map((config) => config.root_id);
    assert.ok(rootIds.includes(manifestOf(plugin).root_id), `plugins/${plugin}/envoy.yaml loads ${plugin}`);
  }
  assert.ok(bootstraps.includes('chain.yaml'));
});

for (const file of [...bootstraps.map((f) => join('envoy-test-configs', f)), ...snippets]) {
  const filters = wasmFilters(file);
  if (filters.length === 0) continue;
  test(`${file}: every Wasm filter's configuration is valid and its module exists`, () => {
    for (const config of filters) {
      const plugin = pluginOfRootId(config.root_id);
      assert.ok(plugin !== undefined, `root_id ${config.root_id} is not a plugin's`);
      assert.equal(config.name, plugin);
      assert.match(config.failure_policy, /^FAIL_(CLOSED|OPEN)$/, 'failure_policy is set explicitly');
      assert.equal(config.configuration['@type'], 'type.googleapis.com/google.protobuf.StringValue');
      assert.deepEqual(validationErrors(plugin, JSON.parse(config.configuration.value)), [], `${plugin} configuration`);
      const { istio } = manifestOf(plugin);
      if (istio.kind === 'EnvoyFilter' && istio.allow_on_headers_stop_iteration)
        assert.equal(config.allow_on_headers_stop_iteration, true, `${plugin} needs allow_on_headers_stop_iteration`);
      const code = config.vm_config.code;
      if (code.local)
        assert.ok(
          existsSync(resolve(ROOT, code.local.filename)),
          `${code.local.filename} does not exist after a build`,
        );
      else assert.match(code.remote.sha256, /^[0-9a-f]{64}$/, 'remote code is pinned by its sha256');
    }
  });
}

for (const file of bootstraps) {
  test(`envoy-test-configs/${file}: each listener's route table routes and hashes on the headers its filters write`, () => {
    const bootstrap = readBootstrap(join(CONFIG_DIR, file));
    const used = new Set(bootstrap.listeners.flatMap((l) => l.routes.map((r) => r.cluster)));
    assert.deepEqual(
      [...bootstrap.clusters.keys()].sort(),
      [...used].sort(),
      'every cluster is routed to, every route has its cluster',
    );
    for (const listener of bootstrap.listeners) {
      assert.equal(listener.httpFilterNames.at(-1), 'envoy.filters.http.router');
      const writes = listener.wasmFilters.map((f) => [
        ...new Set(outputHeaders(pluginOfRootId(f.rootId)!, JSON.parse(f.configuration))),
      ]);
      const written = new Set(writes.flat());
      // One filter owns each header: a second writer would strip the first's value and write its own.
      assert.equal(written.size, writes.flat().length, `${listener.name}: two filters write one header`);
      for (const route of listener.routes) {
        for (const match of route.headers)
          assert.ok(
            written.has(match.name),
            `${listener.name}: route ${route.name} matches ${match.name}, which no filter here writes`,
          );
        const cluster = bootstrap.clusters.get(route.cluster)!;
        if (route.hashHeader !== null) {
          assert.ok(
            written.has(route.hashHeader),
            `${listener.name}: route ${route.name} hashes on ${route.hashHeader}, which no filter here writes`,
          );
          assert.match(cluster.lbPolicy, /^(RING_HASH|MAGLEV)$/);
          assert.ok(cluster.endpoints.length >= 3, `${cluster.name}: several endpoints to hash over`);
          assert.ok(cluster.balancer !== null, `${cluster.name}: its balancer is modelled`);
        }
        if (cluster.gateway !== null)
          assert.notEqual(
            cluster.gateway,
            listener.name,
            `${listener.name}: route ${route.name} sends requests back to its own listener`,
          );
      }
      // The last route catches everything, so no request is left without a route.
      assert.ok(listener.routes.at(-1)!.headers.length === 0);
    }
  });
}

test("two-dc.yaml: each data centre sends the other's carts to the other's gateway and keeps every other cart", () => {
  const bootstrap = readBootstrap(join(CONFIG_DIR, 'two-dc.yaml'));
  assert.deepEqual(
    bootstrap.listeners.map((l) => l.name),
    ['ams', 'fra'],
  );
  for (const [here, there] of [
    ['ams', 'fra'],
    ['fra', 'ams'],
  ] as const) {
    const [forward, local] = bootstrap.listeners.find((l) => l.name === here)!.routes;
    assert.deepEqual(forward!.headers, [{ name: 'x-cart-dc', exact: there }]);
    assert.equal(bootstrap.clusters.get(forward!.cluster)!.gateway, there);
    assert.deepEqual([local!.prefix, local!.headers, local!.hashHeader], ['/', [], 'x-cart-id']);
    assert.equal(bootstrap.clusters.get(local!.cluster)!.gateway, null);
  }
});

test('listeners, admin and upstream ports do not collide across the bootstraps', () => {
  const ports = bootstraps.flatMap((file) => {
    const b = readBootstrap(join(CONFIG_DIR, file));
    return [...b.listeners.map((l) => l.port), b.admin!.port];
  });
  assert.equal(new Set(ports).size, ports.length);
});

test('the scenario file covers every bootstrap', () => {
  assert.deepEqual([...new Set(readScenarios().map((s) => s.config))].sort(), bootstraps);
});

test('a route feature the host does not model is refused, not misread', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'route-keys-envoy-')), 'regex.yaml');
  writeFileSync(
    file,
    readFileSync(join(CONFIG_DIR, 'jwt-tenant.yaml'), 'utf8').replace(
      'match: { prefix: / }',
      'match: { safe_regex: { regex: "/.*" } }',
    ),
  );
  assert.throws(() => readBootstrap(file), /match\.safe_regex is not modelled/);
});

test('a balancer feature the host does not model is refused, not misread', () => {
  const dir = mkdtempSync(join(tmpdir(), 'route-keys-envoy-'));
  const original = readFileSync(join(CONFIG_DIR, 'two-dc.yaml'), 'utf8');
  const cases: [string, string, RegExp][] = [
    [
      'lb_policy: MAGLEV',
      'lb_policy: MAGLEV\n    common_lb_config: { locality_weighted_lb_config: {} }',
      /common_lb_config\.locality_weighted_lb_config is not modelled/,
    ],
    ['lb_policy: RING_HASH', 'lb_policy: RING_HASH\n    health_checks: []', /health_checks are not modelled/],
    [
      '      - lb_endpoints:\n        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 18211',
      '      - priority: 1\n        lb_endpoints:\n        - endpoint: { address: { socket_address: { address: 127.0.0.1, port_value: 18211',
      /only priority 0 is modelled/,
    ],
  ];
  for (const [from, to, error] of cases) {
    assert.ok(original.includes(from), from);
    const file = join(dir, 'two-dc.yaml');
    writeFileSync(file, original.replace(from, to));
    assert.throws(() => readBootstrap(file), error);
  }
});

test('every connection manager drops headers with underscores, and the reader carries the action to the host', () => {
  for (const file of bootstraps) {
    for (const listener of readBootstrap(join(CONFIG_DIR, file)).listeners)
      assert.deepEqual(
        listener.connectionManager,
        { headersWithUnderscoresAction: 'DROP_HEADER' },
        `${file} ${listener.name}`,
      );
  }
  const dir = mkdtempSync(join(tmpdir(), 'route-keys-envoy-'));
  const original = readFileSync(join(CONFIG_DIR, 'jwt-tenant.yaml'), 'utf8');
  const from = '{ headers_with_underscores_action: DROP_HEADER }';
  assert.ok(original.includes(from));
  for (const [to, error] of [
    ['{ headers_with_underscores_action: DROP }', /headers_with_underscores_action DROP is not one of/],
    ['{ max_headers_count: 50 }', /common_http_protocol_options\.max_headers_count is not modelled/],
  ] as const) {
    const file = join(dir, 'jwt-tenant.yaml');
    writeFileSync(file, original.replace(from, to));
    assert.throws(() => readBootstrap(file), error);
  }
});
