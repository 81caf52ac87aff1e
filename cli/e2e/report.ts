// How scenario runs are printed: one line per scenario for `e2e`, and for `demo` (npm start) the
// headers the route table sees and where each request went.
import type { EnvoyCommand } from './envoy-process.ts';
import { type ScenarioRun, wireRequest } from './scenarios.ts';

// Exit status of `route-keys e2e` when Envoy could not run and the host ran the scenarios.
export const ENVOY_UNAVAILABLE_STATUS = 77;

export type EnvoyChoice = EnvoyCommand | { unavailable: string };

const HOST = "route-keys' host (host/, which behaves as Envoy does, and a model of the route table)";

// The first line of `demo` and `e2e`, before anything runs: where the requests go, and why.
export function modeLine(command: 'demo' | 'e2e', envoy: EnvoyChoice | 'host asked', hostOk = false): string {
  const inHost =
    command === 'demo'
      ? `the demo runs the filters in ${HOST}`
      : `e2e sends the scenarios through the filters in ${HOST}`;
  if (envoy === 'host asked') return `As --host asks, ${inHost}.`;
  if ('unavailable' in envoy) {
    const exit =
      command === 'demo'
        ? ''
        : hostOk
          ? '; --host-ok: exit status 0 when they pass'
          : `; exit status ${ENVOY_UNAVAILABLE_STATUS} (--host-ok for 0)`;
    return `Envoy is not installed here (${envoy.unavailable}), so ${inHost}${exit}.`;
  }
  const through =
    command === 'demo'
      ? 'the demo sends its requests through real Envoy'
      : 'e2e sends the scenarios through real Envoy';
  return envoy.command === 'func-e'
    ? `func-e is installed here, so ${through} (func-e downloads it on first use).`
    : `Envoy is installed here (envoy on PATH), so ${through}.`;
}

// Said only when Envoy was found but did not start: the rest ran in the host.
export function fallbackLine(envoy: EnvoyChoice, run: ScenarioRun): string | null {
  if ('unavailable' in envoy || run.engine !== 'host') return null;
  return `Envoy did not start (${run.envoyUnavailable}), so the scenarios ran in the host instead.`;
}

export function e2eLines(run: ScenarioRun): string[] {
  const lines = run.results.map(
    (r) =>
      `${r.problems.length ? 'FAIL' : 'ok  '} ${r.suite}: ${r.name}${r.problems.length ? `\n       ${r.problems.join('\n       ')}` : ''}`,
  );
  const failed = run.results.filter((r) => r.problems.length).length;
  lines.push(`${run.results.length - failed} of ${run.results.length} scenarios passed (${run.engine})`);
  return lines;
}

const NOT_ROUTING = /^x-(forwarded-|request-id|envoy-)/;

export function demoLines(run: ScenarioRun): string[] {
  const lines: string[] = [];
  for (const result of run.results) {
    const request = result.request;
    const wire = wireRequest(request);
    const sent = [`${request.listener ? `via ${request.listener}  ` : ''}${wire.method} ${request.path}`];
    if (request.token) sent.push(`token ${JSON.stringify(request.token)}`);
    if (request.json !== undefined) sent.push(`json ${JSON.stringify(request.json)}`);
    if (request.form !== undefined) sent.push(`form ${new URLSearchParams(request.form)}`);
    for (const [name, value] of Object.entries(request.headers ?? {})) sent.push(`${name}: ${value}`);
    lines.push(`${result.problems.length ? 'FAIL' : 'ok'}  ${result.suite} · ${result.name}`);
    lines.push(`    sent         ${sent.join('  ')}`);
    if (result.landing) {
      const seen = result.landing.headers
        .filter(([n]) => n.startsWith('x-') && !NOT_ROUTING.test(n))
        .map(([n, v]) => `${n}: ${v}`);
      lines.push(`    route sees   ${seen.join('  ') || '(no x- headers)'}`);
      lines.push(
        `    went to      ${result.route ? `route ${result.route} → ` : ''}cluster ${result.landing.cluster}, endpoint ${result.landing.endpoint}`,
      );
    } else {
      lines.push(`    answered     ${result.status} by the filters (no upstream)`);
    }
    for (const problem of result.problems) lines.push(`    problem      ${problem}`);
  }
  return lines;
}
