// The shared scenarios (envoy-test-configs/scenarios.yaml) through the host: every request lands
// where the file says; wrong expectations are caught; `route-keys e2e` and `demo` say first where
// the requests go and why; e2e exits with its own status in the host unless --host-ok.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENVOY_UNAVAILABLE_STATUS } from '../../cli/e2e/report.ts';
import { type Suite, readScenarios, runScenarios } from '../../cli/e2e/scenarios.ts';
import { findEnvoy } from '../../cli/e2e/envoy-process.ts';
import { main } from '../../cli/main.ts';

test('every scenario lands where scenarios.yaml says, through the host', async () => {
  const run = await runScenarios({ hostOnly: true });
  assert.equal(run.engine, 'host');
  // Every scenario of the file ran, once, in its order: none skipped or lost.
  const listed = readScenarios().flatMap((suite) =>
    suite.scenarios.map((scenario) => `${suite.config} · ${scenario.name}`),
  );
  assert.ok(listed.length >= 20, 'the scenario file was read');
  assert.deepEqual(
    run.results.map((r) => `${r.suite} · ${r.name}`),
    listed,
  );
  // Each says where it expects to land or what it expects to see, so a result is checked, not only counted.
  for (const suite of readScenarios())
    for (const scenario of suite.scenarios)
      assert.ok(Object.keys(scenario.expect).length > 0, `${suite.config} · ${scenario.name} expects something`);
  assert.deepEqual(
    run.results.filter((r) => r.problems.length).map((r) => `${r.name}: ${r.problems.join('; ')}`),
    [],
  );
  // Sticky: every cart request of the chain landed on one endpoint per cart.
  const carts = run.results.filter((r) => r.suite === 'chain.yaml' && r.landing?.cluster === 'carts-ring-hash');
  assert.ok(carts.length >= 4);
  assert.equal(new Set(carts.map((r) => r.landing!.endpoint)).size, 1);
  // Two data centres: a cart entering the other one's gateway was forwarded, once.
  const forwarded = run.results.filter((r) => r.suite === 'two-dc.yaml' && r.route?.includes(' → '));
  assert.deepEqual(
    forwarded.map((r) => r.route),
    ['fra/carts-of-ams → ams/carts-ams', 'ams/carts-of-fra → fra/carts-fra'],
  );
});

test('a wrong expectation is reported with what happened instead', async () => {
  const [chain] = readScenarios();
  const suite: Suite = {
    config: chain!.config,
    scenarios: [
      {
        name: 'cart a',
        request: { path: '/cart', headers: { cookie: 'cart=ams-1' } },
        expect: { cluster: 'carts-ring-hash' },
      },
      // Envoy's ring puts these two carts on 127.0.0.1:18132 and 127.0.0.1:18134.
      {
        name: 'cart b',
        request: { path: '/cart', headers: { cookie: 'cart=zzz-999' } },
        expect: { same_endpoint_as: 'cart a' },
      },
      {
        name: 'cart a, wrong pod',
        request: { path: '/cart', headers: { cookie: 'cart=ams-1' } },
        expect: { endpoint: '127.0.0.1:18133' },
      },
      {
        name: 'wrong cluster',
        request: { path: '/account', token: { tenant: 'globex' } },
        expect: { cluster: 'tenant-shared', headers: { 'x-tenant-id': 'acme' } },
      },
    ],
  };
  const run = await runScenarios({ hostOnly: true, suites: [suite] });
  assert.deepEqual(run.results[0]!.problems, []);
  assert.match(run.results[1]!.problems.join(), /not on the endpoint of "cart a"/);
  assert.deepEqual(run.results[2]!.problems, ['landed on endpoint 127.0.0.1:18132, expected 127.0.0.1:18133']);
  assert.deepEqual(run.results[3]!.problems, [
    'landed on cluster tenant-globex, expected tenant-shared',
    'upstream header x-tenant-id: globex, expected acme',
  ]);
});

const noEnvoy = { skip: !('unavailable' in findEnvoy()) && 'Envoy is available here' };

test(
  'route-keys e2e without Envoy: the first line says so and why, the host runs the scenarios, distinct exit status',
  noEnvoy,
  async () => {
    let out = '';
    const status = await main(['e2e'], (text) => (out += text));
    assert.equal(status, ENVOY_UNAVAILABLE_STATUS);
    const lines = out.trim().split('\n');
    assert.equal(
      lines[0],
      "Envoy is not installed here (no envoy on PATH and no func-e), so e2e sends the scenarios through the filters in route-keys' host (host/, which behaves as Envoy does, and a model of the route table); exit status 77 (--host-ok for 0).",
    );
    assert.equal(lines.filter((l) => /Envoy/.test(l)).length, 1);
    assert.match(lines.at(-1)!, /^(\d+) of \1 scenarios passed \(host\)$/);
  },
);

test('route-keys e2e --host-ok without Envoy: exit 0 when the scenarios pass in the host', noEnvoy, async () => {
  let out = '';
  assert.equal(await main(['e2e', '--host-ok'], (text) => (out += text)), 0);
  assert.match(out, /^Envoy is not installed here .*--host-ok: exit status 0 when they pass\.\n/);
  assert.match(out.trim().split('\n').at(-1)!, /^(\d+) of \1 scenarios passed \(host\)$/);
});

test('route-keys demo begins with the mode it runs in and why, then the requests', noEnvoy, async () => {
  let out = '';
  assert.equal(await main(['demo'], (text) => (out += text)), 0);
  const lines = out.split('\n');
  assert.equal(
    lines[0],
    "Envoy is not installed here (no envoy on PATH and no func-e), so the demo runs the filters in route-keys' host (host/, which behaves as Envoy does, and a model of the route table).",
  );
  assert.equal(lines[1], '');
  assert.match(lines[2]!, /^ok {2}chain\.yaml · /);
  assert.equal(lines.filter((l) => /Envoy/.test(l)).length, 1, 'no other line about Envoy');
});
