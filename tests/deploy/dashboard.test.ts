// The Grafana dashboard (deploy/dashboards/route-keys.json) and the README's Prometheus queries:
// a well-formed dashboard, and every query names a metric the filters define. The metric names
// come from the filters themselves: each built plugin runs a request in the host with its example
// configuration, and the outcome's metrics are every counter it defined.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ROOT, pluginNames } from '../../cli/build.ts';
import { manifestOf } from '../../cli/plugins.ts';
import { FilterChain, Plugin } from '../../host/index.ts';
import { pluginModule } from '../support/modules.ts';

const dashboard = JSON.parse(readFileSync(join(ROOT, 'deploy', 'dashboards', 'route-keys.json'), 'utf8'));

// Envoy's Prometheus output: "envoy_" and the stat name with every other character than
// letters, digits and "_" turned into "_".
const prometheusName = (stat: string) => `envoy_${stat.replace(/[^A-Za-z0-9_]/g, '_')}`;

function definedMetrics(): Set<string> {
  const plugins = pluginNames().map((plugin) =>
    Plugin.load({
      wasm: pluginModule(plugin),
      name: plugin,
      rootId: manifestOf(plugin).root_id,
      vmId: plugin,
      configuration: readFileSync(join(ROOT, 'plugins', plugin, 'example.config.json'), 'utf8'),
      failurePolicy: 'FAIL_CLOSED',
      allowOnHeadersStopIteration: true,
    }),
  );
  const outcome = new FilterChain(plugins).send({
    method: 'GET',
    path: '/cart',
    authority: 'shop.example.com',
    headers: [],
  });
  return new Set(Object.values(outcome.metrics).flatMap((metrics) => Object.keys(metrics).map(prometheusName)));
}

// The metric names a PromQL expression selects: literal names, and __name__=~ regular
// expressions (anchored, as Prometheus anchors them).
function selectors(expr: string): { names: string[]; patterns: RegExp[] } {
  const patterns = [...expr.matchAll(/__name__=~"([^"]+)"/g)].map((m) => new RegExp(`^(?:${m[1]})$`));
  const names = [...expr.replace(/"[^"]*"/g, '""').matchAll(/\b(envoy_[A-Za-z0-9_]+)\b/g)].map((m) => m[1]!);
  return { names, patterns };
}

function queries(): string[] {
  const panelQueries = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) => p.targets.map((t) => t.expr));
  const variableQueries = dashboard.templating.list
    .filter((v: { type: string }) => v.type === 'query')
    .map((v: { query: string }) => v.query);
  return [...panelQueries, ...variableQueries];
}

test('the dashboard is well formed: unique ids and refIds, panels on the 24-column grid, every variable defined', () => {
  assert.equal(typeof dashboard.title, 'string');
  assert.match(dashboard.uid, /^[A-Za-z0-9_-]{1,40}$/);
  assert.ok(Number.isInteger(dashboard.schemaVersion));
  assert.ok(dashboard.panels.length > 0);
  const ids = dashboard.panels.map((p: { id: number }) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
  const variables = new Set(dashboard.templating.list.map((v: { name: string }) => v.name));
  for (const panel of dashboard.panels) {
    assert.ok(['timeseries', 'stat', 'table'].includes(panel.type), `${panel.title}: panel type`);
    assert.ok(panel.title && panel.targets.length > 0, `${panel.title}: a title and queries`);
    const { x, y, w, h } = panel.gridPos;
    assert.ok(
      [x, y, w, h].every(Number.isInteger) && x >= 0 && w > 0 && h > 0 && x + w <= 24,
      `${panel.title}: gridPos`,
    );
    const refIds = panel.targets.map((t: { refId: string }) => t.refId);
    assert.equal(new Set(refIds).size, refIds.length, `${panel.title}: refIds are unique`);
  }
  const text = JSON.stringify(dashboard);
  for (const [, name] of text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g))
    if (!name!.startsWith('__')) assert.ok(variables.has(name), `$${name} is a dashboard variable`);
});

test('every dashboard query names metrics the filters define, and every counter they define is on the dashboard', () => {
  const defined = definedMetrics();
  assert.ok(defined.has('envoy_wasmcustom_jwt_tenant_requests'), "the host reports the filters' metrics");
  const covered = new Set<string>();
  for (const expr of queries()) {
    const { names, patterns } = selectors(expr);
    assert.ok(names.length + patterns.length > 0, `${expr} selects a metric`);
    for (const name of names) {
      assert.ok(defined.has(name), `${expr}: ${name} is not a metric the filters define`);
      covered.add(name);
    }
    for (const pattern of patterns) {
      const matched = [...defined].filter((name) => pattern.test(name));
      assert.ok(matched.length > 0, `${expr}: ${pattern} matches no metric the filters define`);
      matched.forEach((name) => covered.add(name));
    }
  }
  assert.deepEqual(
    [...defined].filter((name) => !covered.has(name)),
    [],
    'counters missing from the dashboard',
  );
});

test("the README's Prometheus queries name metrics the filters define", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]!);
  assert.ok(blocks.length > 0, 'the README has Prometheus queries');
  const defined = definedMetrics();
  for (const line of blocks.flatMap((b) => b.split('\n')).filter((l) => l.trim() && !l.startsWith('#'))) {
    const { names, patterns } = selectors(line);
    assert.ok(names.length + patterns.length > 0, `${line} selects a metric`);
    for (const name of names) assert.ok(defined.has(name), `${line}: ${name} is not a metric the filters define`);
    for (const pattern of patterns)
      assert.ok(
        [...defined].some((name) => pattern.test(name)),
        `${line}: ${pattern} matches nothing`,
      );
  }
});
