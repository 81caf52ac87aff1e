// How scenario runs are printed: one line per scenario for `e2e`, and for `demo` (npm start) the
// headers the route table sees and where each request went.
import { type ScenarioRun, wireRequest } from './scenarios.ts';

// Exit status of `route-keys e2e` when Envoy could not run and the host ran the scenarios.
export const ENVOY_UNAVAILABLE_STATUS = 77;

export function engineLine(run: ScenarioRun): string {
  return run.engine === 'envoy'
    ? 'e2e: the scenarios ran in real Envoy'
    : `e2e: Envoy did not run here (${run.envoyUnavailable}); the scenarios ran through the same filters in the host instead`;
}

export function e2eLines(run: ScenarioRun): string[] {
  const lines = run.results.map((r) => `${r.problems.length ? 'FAIL' : 'ok  '} ${r.suite}: ${r.name}${r.problems.length ? `\n       ${r.problems.join('\n       ')}` : ''}`);
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
      const seen = result.landing.headers.filter(([n]) => n.startsWith('x-') && !NOT_ROUTING.test(n)).map(([n, v]) => `${n}: ${v}`);
      lines.push(`    route sees   ${seen.join('  ') || '(no x- headers)'}`);
      lines.push(`    went to      ${result.route ? `route ${result.route} → ` : ''}cluster ${result.landing.cluster}, endpoint ${result.landing.endpoint}`);
    } else {
      lines.push(`    answered     ${result.status} by the filters (no upstream)`);
    }
    for (const problem of result.problems) lines.push(`    problem      ${problem}`);
  }
  return lines;
}
