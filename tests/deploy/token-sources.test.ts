// A filter that reads a token where the verifier beside it does not look reads a token nobody
// verified: a forged one (alg none) in a cookie next to a valid one in the header. For every
// jwt-tenant and feature-alias in the Envoy configurations and in the Istio resources, each token
// source must be covered by the verifier configured with it: jwt_authn before it in the same
// filter chain, or a RequestAuthentication on the same workloads, with the token forwarded.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ROOT, pluginNames } from '../../cli/build.ts';
import { manifestOf, pluginFile } from '../../cli/plugins.ts';
import { WASM_FILTER_TYPE } from '../../cli/e2e/envoy-config.ts';
import { renderPlugin, tokenSourcesOf } from '../../cli/istio/render.ts';

const JWT_AUTHN_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.jwt_authn.v3.JwtAuthentication';
// The plugins whose configuration has token sources (by their schema), by root id.
const TOKEN_READERS = new Set(
  pluginNames()
    .filter(
      (p) =>
        JSON.parse(readFileSync(pluginFile(p, 'config.schema.json'), 'utf8')).properties?.token_sources !== undefined,
    )
    .map((p) => manifestOf(p).root_id),
);

type Node = Record<string, any>;
interface Source {
  header?: string;
  prefix?: string;
  cookie?: string;
  query?: string;
}

const describe = (s: Source) =>
  s.header ? `header ${s.header} (prefix "${s.prefix ?? ''}")` : s.cookie ? `cookie ${s.cookie}` : `query ${s.query}`;

// Where a verifier looks: headers with their prefix, parameters, cookies; both jwt_authn and Istio
// look at Authorization: Bearer and the access_token parameter when no location is configured.
interface Locations {
  headers: { name: string; prefix: string }[];
  params: string[];
  cookies: string[];
}

function withDefaults(locations: Locations): Locations {
  if (locations.headers.length + locations.params.length + locations.cookies.length > 0) return locations;
  return { headers: [{ name: 'authorization', prefix: 'Bearer ' }], params: ['access_token'], cookies: [] };
}

function covers(locations: Locations, source: Source): boolean {
  if (source.header !== undefined) {
    // Both find the prefix case-sensitively (jwt_authn extractor.cc): only the same prefix reads the same token.
    return locations.headers.some((h) => h.name.toLowerCase() === source.header && h.prefix === (source.prefix ?? ''));
  }
  if (source.cookie !== undefined) return locations.cookies.includes(source.cookie);
  return locations.params.includes(source.query!);
}

// The token sources of a Wasm filter that no forwarding provider of the jwt_authn filters before it
// covers (with a rule on every path that asks for that provider).
export function uncoveredInChain(chain: Node[], index: number): string[] {
  const config = chain[index]!.typed_config.config;
  const sources: Source[] = tokenSourcesOf(JSON.parse(config.configuration.value));
  const verifiers = chain
    .slice(0, index)
    .filter((f) => f.typed_config?.['@type'] === JWT_AUTHN_TYPE)
    .map((f) => f.typed_config as Node);
  const required = (requirement: Node | undefined): string[] =>
    requirement === undefined
      ? []
      : [
          requirement.provider_name,
          ...[
            ...(requirement.requires_any?.requirements ?? []),
            ...(requirement.requires_all?.requirements ?? []),
          ].flatMap(required),
        ].filter(Boolean);
  const locations: Locations[] = verifiers.flatMap((v) => {
    const onEveryPath = new Set(
      (v.rules ?? []).filter((r: Node) => r.match?.prefix === '/').flatMap((r: Node) => required(r.requires)),
    );
    return Object.entries((v.providers ?? {}) as Record<string, Node>)
      .filter(([name, p]) => onEveryPath.has(name) && p.forward === true)
      .map(([, p]) =>
        withDefaults({
          headers: (p.from_headers ?? []).map((h: Node) => ({ name: h.name, prefix: h.value_prefix ?? '' })),
          params: p.from_params ?? [],
          cookies: p.from_cookies ?? [],
        }),
      );
  });
  return sources.filter((s) => !locations.some((l) => covers(l, s))).map(describe);
}

// The token sources of each WasmPlugin that no RequestAuthentication on the same workloads covers
// with forwardOriginalToken.
export function uncoveredInIstio(resources: Node[]): string[] {
  const sameWorkloads = (a: Node, b: Node) =>
    JSON.stringify(a.spec.selector ?? null) === JSON.stringify(b.spec.selector ?? null);
  return resources
    .filter((r) => r.kind === 'WasmPlugin' && TOKEN_READERS.has(r.spec.pluginName))
    .flatMap((plugin) => {
      const rules = resources
        .filter((r) => r.kind === 'RequestAuthentication' && sameWorkloads(r, plugin))
        .flatMap((r) => r.spec.jwtRules ?? []);
      const locations = rules
        .filter((rule: Node) => rule.forwardOriginalToken === true)
        .map((rule: Node) =>
          withDefaults({
            headers: (rule.fromHeaders ?? []).map((h: Node) => ({ name: h.name, prefix: h.prefix ?? '' })),
            params: rule.fromParams ?? [],
            cookies: rule.fromCookies ?? [],
          }),
        );
      return tokenSourcesOf(plugin.spec.pluginConfig)
        .filter((s: Source) => !locations.some((l) => covers(l, s)))
        .map((s: Source) => `${plugin.spec.pluginName}: ${describe(s)}`);
    });
}

// jwt_authn with allow_missing (what Istio generates) goes on past a failed token and lets the
// first token it extracted decide (headers, then query parameters, then cookies). The plugins read
// their sources in that order whatever the listed one; the repository's configurations also list
// them so, with one header source at most, so that they read as they behave.
export function outOfVerifierOrder(sources: Source[]): string[] {
  const rank = (s: Source) => (s.header !== undefined ? 0 : s.query !== undefined ? 1 : 2);
  const problems: string[] = [];
  if (sources.filter((s) => s.header !== undefined).length > 1) problems.push('more than one header source');
  for (let i = 1; i < sources.length; i++)
    if (rank(sources[i]!) < rank(sources[i - 1]!))
      problems.push(`${describe(sources[i]!)} after ${describe(sources[i - 1]!)}`);
  return problems;
}

// Every http_filters list in a YAML file, with the token-reading Wasm filters in it.
function filterChains(file: string): Node[][] {
  const chains: Node[][] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Node)) {
        if (key === 'http_filters' && Array.isArray(value)) chains.push(value);
        walk(value);
      }
    }
  };
  for (const document of parseAllDocuments(readFileSync(join(ROOT, file), 'utf8'))) walk(document.toJS());
  return chains;
}

const envoyFiles = [
  ...readdirSync(join(ROOT, 'envoy-test-configs'))
    .filter((f) => f.endsWith('.yaml') && f !== 'scenarios.yaml')
    .map((f) => join('envoy-test-configs', f)),
  ...pluginNames().flatMap((p) =>
    readdirSync(join(ROOT, 'plugins', p))
      .filter((f) => f === 'envoy.yaml')
      .map((f) => join('plugins', p, f)),
  ),
];

for (const file of envoyFiles) {
  test(`${file}: jwt_authn before each token-reading filter verifies every place it reads a token`, () => {
    for (const chain of filterChains(file)) {
      chain.forEach((filter, index) => {
        const config = filter.typed_config?.['@type'] === WASM_FILTER_TYPE ? filter.typed_config.config : null;
        if (config === null || !TOKEN_READERS.has(config.root_id)) return;
        assert.deepEqual(
          uncoveredInChain(chain, index),
          [],
          `${config.root_id} reads tokens no jwt_authn before it verifies`,
        );
        assert.deepEqual(
          outOfVerifierOrder(tokenSourcesOf(JSON.parse(config.configuration.value))),
          [],
          `${config.root_id} reads tokens in another order than jwt_authn`,
        );
      });
    }
  });
}

for (const plugin of TOKEN_READERS) {
  test(`plugins/${plugin}/istio.yaml and render istio: a RequestAuthentication on the same workloads verifies every token source`, () => {
    const committed = parseAllDocuments(readFileSync(join(ROOT, 'plugins', plugin, 'istio.yaml'), 'utf8')).map((d) =>
      d.toJS(),
    );
    assert.deepEqual(uncoveredInIstio(committed), []);
    const rendered = renderPlugin(plugin, { registry: 'r', selector: 'istio=ingressgateway' }) as Node[];
    assert.deepEqual(uncoveredInIstio(rendered), []);
    for (const resource of rendered.filter((r) => r.kind === 'WasmPlugin'))
      assert.deepEqual(outOfVerifierOrder(tokenSourcesOf(resource.spec.pluginConfig)), []);
    assert.ok(
      rendered.some(
        (r) => r.kind === 'RequestAuthentication' && r.spec.selector.matchLabels.istio === 'ingressgateway',
      ),
      'pinned to the same workloads',
    );
  });
}

// The checks themselves: each gap they must find, found.
test('the order check finds a cookie read before the header, and two header sources', () => {
  assert.deepEqual(outOfVerifierOrder([{ cookie: 'access_token' }, { header: 'authorization', prefix: 'Bearer ' }]), [
    'header authorization (prefix "Bearer ") after cookie access_token',
  ]);
  assert.deepEqual(outOfVerifierOrder([{ header: 'authorization', prefix: 'Bearer ' }, { header: 'x-token' }]), [
    'more than one header source',
  ]);
  assert.deepEqual(
    outOfVerifierOrder([
      { header: 'authorization', prefix: 'Bearer ' },
      { query: 'access_token' },
      { cookie: 'access_token' },
    ]),
    [],
  );
});

const cookieAndHeader = { token_sources: [{ header: 'authorization', prefix: 'Bearer ' }, { cookie: 'access_token' }] };
const wasm = (config: object) => ({
  name: 'jwt-tenant',
  typed_config: {
    '@type': WASM_FILTER_TYPE,
    config: { root_id: 'jwt-tenant', configuration: { value: JSON.stringify(config) } },
  },
});
const jwtAuthn = (provider: Node, requires: Node = { provider_name: 'p' }) => ({
  name: 'envoy.filters.http.jwt_authn',
  typed_config: { '@type': JWT_AUTHN_TYPE, providers: { p: provider }, rules: [{ match: { prefix: '/' }, requires }] },
});

test('the Envoy check finds a cookie jwt_authn does not read, a missing forward, a provider no rule asks for, no verifier', () => {
  assert.deepEqual(
    uncoveredInChain([jwtAuthn({ forward: true }), wasm(cookieAndHeader)], 1),
    ['cookie access_token'],
    "jwt_authn's default locations",
  );
  assert.deepEqual(
    uncoveredInChain([jwtAuthn({ forward: true, from_cookies: ['access_token'] }), wasm(cookieAndHeader)], 1),
    ['header authorization (prefix "Bearer ")'],
  );
  assert.deepEqual(
    uncoveredInChain(
      [
        jwtAuthn({
          from_headers: [{ name: 'authorization', value_prefix: 'Bearer ' }],
          from_cookies: ['access_token'],
        }),
        wasm(cookieAndHeader),
      ],
      1,
    ).length,
    2,
    'forward off',
  );
  assert.deepEqual(uncoveredInChain([jwtAuthn({ forward: true }, { provider_name: 'other' }), wasm({})], 1), [
    'header authorization (prefix "Bearer ")',
  ]);
  assert.deepEqual(
    uncoveredInChain([wasm({}), jwtAuthn({ forward: true })], 0),
    ['header authorization (prefix "Bearer ")'],
    'jwt_authn after the filter',
  );
  assert.deepEqual(
    uncoveredInChain(
      [jwtAuthn({ forward: true, from_headers: [{ name: 'x-token' }] }), wasm({ token_sources: [{ query: 't' }] })],
      1,
    ),
    ['query t'],
  );
  assert.deepEqual(
    uncoveredInChain(
      [jwtAuthn({ forward: true, from_headers: [{ name: 'authorization', value_prefix: 'bearer ' }] }), wasm({})],
      1,
    ),
    ['header authorization (prefix "Bearer ")'],
    'a prefix in another case: jwt_authn finds it case-sensitively, so it reads other tokens',
  );
  assert.deepEqual(
    uncoveredInChain([wasm({ payload_in_metadata: { key: 'k' } })], 0),
    [],
    'no token read with payload_in_metadata',
  );
});

test("the Istio check finds a cookie Istio's default locations miss, a missing forwardOriginalToken, another workload", () => {
  const plugin = {
    kind: 'WasmPlugin',
    spec: { pluginName: 'jwt-tenant', selector: { matchLabels: { app: 'gw' } }, pluginConfig: cookieAndHeader },
  };
  const authn = (rule: Node, selector: Node = { matchLabels: { app: 'gw' } }) => ({
    kind: 'RequestAuthentication',
    spec: { selector, jwtRules: [{ issuer: 'i', ...rule }] },
  });
  assert.deepEqual(uncoveredInIstio([plugin, authn({ forwardOriginalToken: true })]), [
    'jwt-tenant: cookie access_token',
  ]);
  assert.deepEqual(
    uncoveredInIstio([
      plugin,
      authn({ fromHeaders: [{ name: 'authorization', prefix: 'Bearer ' }], fromCookies: ['access_token'] }),
    ]).length,
    2,
  );
  assert.deepEqual(
    uncoveredInIstio([
      plugin,
      authn(
        {
          forwardOriginalToken: true,
          fromHeaders: [{ name: 'authorization', prefix: 'Bearer ' }],
          fromCookies: ['access_token'],
        },
        { matchLabels: { app: 'other' } },
      ),
    ]).length,
    2,
  );
  assert.deepEqual(
    uncoveredInIstio([
      plugin,
      authn({
        forwardOriginalToken: true,
        fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
        fromCookies: ['access_token'],
      }),
    ]),
    [],
  );
});
