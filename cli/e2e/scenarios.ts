// The scenario file (envoy-test-configs/scenarios.yaml) and its runner: each request goes through
// a bootstrap's listener, in real Envoy when one runs here, otherwise through the same filters in
// the host and the host's model of the route table, and lands on a local upstream that says where
// it landed. The same file drives `npm run e2e` and `npm start`.
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { FilterChain, Plugin } from '../../host/index.ts';
import { ROOT, assertBuilt } from '../build.ts';
import { type EnvoyBootstrap, readBootstrap } from './envoy-config.ts';
import { type EnvoyCommand, findEnvoy, startEnvoy } from './envoy-process.ts';
import { clusterOf, matchRoute, pickEndpoint } from './route-model.ts';
import { scenarioToken } from './tokens.ts';
import { type Landing, startUpstreams } from './upstreams.ts';

export const SCENARIO_FILE = join(ROOT, 'envoy-test-configs', 'scenarios.yaml');

export interface ScenarioRequest {
  // The listener the request enters by (a data centre's gateway); the bootstrap's first by default.
  listener?: string;
  method?: string;
  path: string;
  authority?: string;
  headers?: Record<string, string | string[]>;
  token?: Record<string, unknown>;
  json?: unknown;
  form?: Record<string, string>;
}

export interface Scenario {
  name: string;
  request: ScenarioRequest;
  expect: {
    status?: number;
    cluster?: string;
    // The exact endpoint (HOST:PORT) Envoy's balancer picks.
    endpoint?: string;
    headers?: Record<string, string | null>;
    same_endpoint_as?: string;
  };
}

export interface Suite {
  config: string;
  scenarios: Scenario[];
}

export interface ScenarioResult {
  suite: string;
  name: string;
  request: ScenarioRequest;
  status: number;
  landing: Landing | null;
  // The route the host's model chose (null in Envoy, which does not report it).
  route: string | null;
  problems: string[];
}

export interface ScenarioRun {
  engine: 'envoy' | 'host';
  // Why Envoy did not run, when the engine is the host.
  envoyUnavailable: string | null;
  results: ScenarioResult[];
}

// Compiled on first use, not when the route-keys command loads.
let validateScenarios: ValidateFunction | undefined;

export function readScenarios(file = SCENARIO_FILE): Suite[] {
  const document = parse(readFileSync(file, 'utf8')) as { suites: Suite[] };
  validateScenarios ??= new Ajv2020.default({ allErrors: true }).compile(
    JSON.parse(readFileSync(join(ROOT, 'envoy-test-configs', 'scenarios.schema.json'), 'utf8')),
  );
  if (!validateScenarios(document)) {
    const lines = (validateScenarios.errors ?? []).map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? `: "${(e.params as { additionalProperty: string }).additionalProperty}"` : ''}`,
    );
    throw new Error(`${file} is not a valid scenario file:\n  ${lines.join('\n  ')}`);
  }
  for (const suite of document.suites) {
    const names = new Set<string>();
    const listeners = bootstrapOf(suite).listeners.map((l) => l.name);
    for (const scenario of suite.scenarios) {
      const listener = scenario.request.listener;
      if (listener !== undefined && !listeners.includes(listener))
        throw new Error(
          `${file}: "${scenario.name}" enters by listener ${listener}, which ${suite.config} does not have (${listeners.join(', ')})`,
        );
      const earlier = scenario.expect.same_endpoint_as;
      if (earlier !== undefined && !names.has(earlier))
        throw new Error(
          `${file}: "${scenario.name}" refers to "${earlier}", which is not an earlier scenario of ${suite.config}`,
        );
      names.add(scenario.name);
    }
  }
  return document.suites;
}

export function bootstrapOf(suite: Suite): EnvoyBootstrap {
  return readBootstrap(join(ROOT, 'envoy-test-configs', suite.config));
}

// What is sent: method, path, authority, header pairs and body, the same for both engines.
export function wireRequest(request: ScenarioRequest): {
  method: string;
  path: string;
  authority: string;
  headers: [string, string][];
  body: string;
} {
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) headers.push([name.toLowerCase(), v]);
  }
  if (request.token) headers.push(['authorization', `Bearer ${scenarioToken(request.token)}`]);
  let body = '';
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    headers.push(['content-type', 'application/json']);
  } else if (request.form !== undefined) {
    body = new URLSearchParams(request.form).toString();
    headers.push(['content-type', 'application/x-www-form-urlencoded']);
  }
  return {
    method: request.method ?? (body ? 'POST' : 'GET'),
    path: request.path,
    authority: request.authority ?? 'shop.example.com',
    headers,
    body,
  };
}

interface Sent {
  status: number;
  landing: Landing | null;
  route: string | null;
}

function send(host: string, port: number, wire: ReturnType<typeof wireRequest>): Promise<Sent> {
  return new Promise((resolvePromise, reject) => {
    const headers: [string, string][] = [['host', wire.authority], ...wire.headers];
    if (wire.body) headers.push(['content-length', String(Buffer.byteLength(wire.body))]);
    // No keep-alive: each suite closes its upstreams, and a pooled socket to a closed one hangs up.
    const outgoing = httpRequest(
      { host, port, method: wire.method, path: wire.path, headers: headers.flat(), agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let landing: Landing | null = null;
          if (response.statusCode === 200 && response.headers['content-type']?.startsWith('application/json')) {
            const parsed = JSON.parse(text) as Partial<Landing>;
            if (typeof parsed.cluster === 'string') landing = parsed as Landing;
          }
          resolvePromise({ status: response.statusCode ?? 0, landing, route: null });
        });
      },
    );
    outgoing.on('error', reject);
    outgoing.end(wire.body);
  });
}

function hostChains(bootstrap: EnvoyBootstrap): Map<string, FilterChain> {
  const chains = new Map<string, FilterChain>();
  for (const listener of bootstrap.listeners) {
    chains.set(
      listener.name,
      new FilterChain(
        listener.wasmFilters.map((filter) =>
          Plugin.load({
            wasm: readFileSync(resolve(ROOT, filter.filename)),
            name: filter.name,
            rootId: filter.rootId,
            vmId: filter.vmId,
            configuration: filter.configuration,
            failurePolicy: filter.failurePolicy,
            allowOnHeadersStopIteration: filter.allowOnHeadersStopIteration,
          }),
        ),
      ),
    );
  }
  return chains;
}

// A request forwarded from gateway to gateway more often than this is a routing loop.
const MAX_GATEWAY_HOPS = 4;

// The host in Envoy's place: the listener's filters run in the host, the route model picks the
// route and endpoint, and the request goes to that endpoint's upstream; a cluster whose endpoint
// is another listener (a data centre's gateway) sends it through that listener the same way.
async function sendThroughHost(
  chains: Map<string, FilterChain>,
  bootstrap: EnvoyBootstrap,
  listenerName: string,
  wire: ReturnType<typeof wireRequest>,
  index: number,
): Promise<Sent> {
  const hops: string[] = [];
  let current = wire;
  let listener = bootstrap.listeners.find((l) => l.name === listenerName)!;
  for (;;) {
    const outcome = chains.get(listener.name)!.send({
      method: current.method,
      path: current.path,
      authority: current.authority,
      headers: current.headers,
      body: current.body || undefined,
      connectionManager: listener.connectionManager,
    });
    if (outcome.decision === 'local_reply')
      return { status: outcome.response!.status, landing: null, route: hops.join(' → ') || null };
    if (outcome.decision === 'stalled') return { status: 408, landing: null, route: null };
    const headers = outcome.upstream!.headers.filter(([name]) => !name.startsWith(':'));
    const route = matchRoute(listener.routes, current.path, headers);
    if (route === null) return { status: 404, landing: null, route: hops.join(' → ') || null };
    hops.push(bootstrap.listeners.length > 1 ? `${listener.name}/${route.name}` : route.name);
    const cluster = clusterOf(bootstrap, route);
    const body = Buffer.from(outcome.upstream!.body).toString('utf8');
    current = { ...current, headers: headers.filter(([n]) => n !== 'host' && n !== 'content-length'), body };
    if (cluster.gateway !== null) {
      if (hops.length > MAX_GATEWAY_HOPS) throw new Error(`forwarded through ${hops.join(' → ')}: a routing loop`);
      listener = bootstrap.listeners.find((l) => l.name === cluster.gateway)!;
      continue;
    }
    const { host, port } = pickEndpoint(cluster, route, headers, index);
    const sent = await send(host, port, current);
    return { ...sent, route: hops.join(' → ') };
  }
}

function check(scenario: Scenario, sent: Sent, earlier: Map<string, Sent>): string[] {
  const problems: string[] = [];
  const expect = scenario.expect;
  const status = expect.status ?? 200;
  if (sent.status !== status) problems.push(`status ${sent.status}, expected ${status}`);
  if (expect.cluster !== undefined && sent.landing?.cluster !== expect.cluster)
    problems.push(`landed on cluster ${sent.landing?.cluster ?? 'none'}, expected ${expect.cluster}`);
  if (expect.endpoint !== undefined && sent.landing?.endpoint !== expect.endpoint)
    problems.push(`landed on endpoint ${sent.landing?.endpoint ?? 'none'}, expected ${expect.endpoint}`);
  for (const [name, want] of Object.entries(expect.headers ?? {})) {
    const got = sent.landing?.headers.filter(([n]) => n === name).map(([, v]) => v) ?? [];
    if (want === null ? got.length !== 0 : got.length !== 1 || got[0] !== want) {
      problems.push(`upstream header ${name}: ${got.length ? got.join(', ') : 'absent'}, expected ${want ?? 'absent'}`);
    }
  }
  if (expect.same_endpoint_as !== undefined) {
    const before = earlier.get(expect.same_endpoint_as)?.landing;
    if (
      !before ||
      !sent.landing ||
      before.endpoint !== sent.landing.endpoint ||
      before.cluster !== sent.landing.cluster
    ) {
      problems.push(
        `landed on ${sent.landing?.endpoint ?? 'none'}, not on the endpoint of "${expect.same_endpoint_as}" (${before?.endpoint ?? 'none'})`,
      );
    }
  }
  return problems;
}

// Every module the bootstraps load is in dist/, or one line says which build to run.
export function assertModulesBuilt(suites: Suite[] = readScenarios()): void {
  for (const suite of suites)
    for (const filter of bootstrapOf(suite).wasmFilters) assertBuilt(resolve(ROOT, filter.filename));
}

export interface RunOptions {
  // Use the host even when Envoy can run.
  hostOnly?: boolean;
  // The Envoy found by the caller (which has already told the user the mode); found here otherwise.
  envoy?: EnvoyCommand | { unavailable: string };
  suites?: Suite[];
}

export async function runScenarios(options: RunOptions = {}): Promise<ScenarioRun> {
  const suites = options.suites ?? readScenarios();
  assertModulesBuilt(suites);
  const found: EnvoyCommand | { unavailable: string } = options.hostOnly
    ? { unavailable: 'the host was asked for' }
    : (options.envoy ?? findEnvoy());
  let envoyUnavailable = 'unavailable' in found ? found.unavailable : null;
  const results: ScenarioResult[] = [];
  for (const suite of suites) {
    const bootstrap = bootstrapOf(suite);
    const stopUpstreams = await startUpstreams(bootstrap);
    try {
      let sendOne: (listener: string, wire: ReturnType<typeof wireRequest>, index: number) => Promise<Sent>;
      let stopEnvoy = async () => {};
      if (envoyUnavailable === null && !('unavailable' in found)) {
        try {
          stopEnvoy = (await startEnvoy(found, bootstrap, ROOT)).stop;
        } catch (error) {
          envoyUnavailable = (error as Error).message;
        }
      }
      if (envoyUnavailable === null) {
        sendOne = (listener, wire) => {
          const { host, port } = bootstrap.listeners.find((l) => l.name === listener)!;
          return send(host, port, wire);
        };
      } else {
        const chains = hostChains(bootstrap);
        sendOne = (listener, wire, index) => sendThroughHost(chains, bootstrap, listener, wire, index);
      }
      try {
        const earlier = new Map<string, Sent>();
        for (const [index, scenario] of suite.scenarios.entries()) {
          let sent: Sent;
          try {
            sent = await sendOne(
              scenario.request.listener ?? bootstrap.listeners[0]!.name,
              wireRequest(scenario.request),
              index,
            );
          } catch (error) {
            results.push({
              suite: suite.config,
              name: scenario.name,
              request: scenario.request,
              status: 0,
              landing: null,
              route: null,
              problems: [`the request failed: ${(error as Error).message}`],
            });
            continue;
          }
          results.push({
            suite: suite.config,
            name: scenario.name,
            request: scenario.request,
            status: sent.status,
            landing: sent.landing,
            route: sent.route,
            problems: check(scenario, sent, earlier),
          });
          earlier.set(scenario.name, sent);
        }
      } finally {
        await stopEnvoy();
      }
    } finally {
      await stopUpstreams();
    }
  }
  return { engine: envoyUnavailable === null ? 'envoy' : 'host', envoyUnavailable, results };
}
