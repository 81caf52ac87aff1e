// Where a request lands behind the rendered gateway routes: the version header the filter writes,
// then Istio's first matching route (exact, or RE2 regex over the whole value). With mode all the
// header lists every matching feature's version ("2,3"); an exact route for each version would
// match none and send the request to the baseline, so the routes match the list's first version.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterChain } from '../../../host/index.ts';
import { header, load, pluginModule } from '../../../tests/support/modules.ts';
import { EXAMPLE_OPTIONS } from '../../../cli/istio/examples.ts';
import { renderGateway } from '../../../cli/istio/render.ts';

type Resource = Record<string, any>;

const config = (mode: 'first' | 'all') => ({
  features: { baseline: { version: '1' }, a: { version: '2' }, b: { version: '3.1' } },
  rules: [
    { name: 'ra', feature: 'a', when: { header: 'x-a', equals: 'yes' } },
    { name: 'rb', feature: 'b', when: { header: 'x-b', equals: 'yes' } },
  ],
  default_feature: 'baseline',
  mode,
});

function subsetFor(mode: 'first' | 'all', headers: [string, string][]): string {
  const plugin = load(pluginModule('feature-alias'), {
    rootId: 'feature-alias',
    name: 'feature-alias',
    configuration: JSON.stringify(config(mode)),
  });
  const upstream = new FilterChain([plugin]).send({ path: '/pricing', headers }).upstream!;
  const gateway = renderGateway(EXAMPLE_OPTIONS, { 'feature-alias': config(mode) });
  return landing(
    gateway.find((r) => r.kind === 'VirtualService')!,
    '/pricing',
    upstream.headers,
  );
}

// Istio's first matching route of a VirtualService: uri prefix, headers exact or regex (RE2, whole value).
function landing(vs: Resource, path: string, headers: [string, string][]): string {
  const matches = (m: Resource) =>
    path.startsWith(m.uri?.prefix ?? '') &&
    Object.entries((m.headers ?? {}) as Record<string, Resource>).every(([name, how]) => {
      const value = header(headers, name);
      if (value === undefined) return false;
      if (how.exact !== undefined) return value === how.exact;
      return new RegExp(`^(?:${how.regex})$`).test(value);
    });
  return vs.spec.http.find((r: Resource) => (r.match ?? [{}]).some(matches)).route[0].destination.subset;
}

const cases: [string, [string, string][], string][] = [
  ['no focus group', [], 'v1'],
  ['group a', [['x-a', 'yes']], 'v2'],
  ['group b', [['x-b', 'yes']], 'v3.1'],
  [
    'both groups: the first rule decides',
    [
      ['x-b', 'yes'],
      ['x-a', 'yes'],
    ],
    'v2',
  ],
];
for (const mode of ['first', 'all'] as const)
  for (const [name, headers, subset] of cases)
    test(`mode ${mode}, ${name}: lands on ${subset}`, () => assert.equal(subsetFor(mode, headers), subset));
