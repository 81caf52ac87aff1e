import { Command, CommanderError, Option } from 'commander';
import { buildPlugins, buildTestModules } from './build.ts';
import { CliError } from './errors.ts';
import { ENVOY_UNAVAILABLE_STATUS, demoLines, e2eLines, engineLine } from './e2e/report.ts';
import { runScenarios } from './e2e/scenarios.ts';
import { renderIstioCommand } from './istio/command.ts';
import { packagePlugins } from './package.ts';
import { type PushTool, pushImages } from './push.ts';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';

const collect = (value: string, previous: string[]) => [...previous, value];

function program(out: (text: string) => void): Command {
  const cli = new Command('route-keys')
    .description('Build, run and check the route-keys Proxy-Wasm filters without Envoy')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: (text) => process.stderr.write(text) });

  cli
    .command('run')
    .description('Run one request through one module, or a chain of modules, in the Envoy-faithful host and print the outcome as JSON')
    .requiredOption('--request <@FILE>', 'the request file (JSON or YAML): method, path, authority, headers, body')
    .option('--wasm <FILE>', 'a Proxy-Wasm module; repeat for a filter chain, in order', collect, [])
    .option('--root-id <ID>', 'the root_id for the --wasm at the same position', collect, [])
    .option('--config <JSON|@FILE>', 'the plugin configuration for the --wasm at the same position', collect, [])
    .option('--allow-stop-iteration', "set PluginConfig allow_on_headers_stop_iteration (Envoy ≥ 1.35); off is Envoy's default", false)
    .option('--fail-open', 'failure_policy FAIL_OPEN instead of FAIL_CLOSED', false)
    .addOption(new Option('--log-level <LEVEL>', "the level of Envoy's wasm logger").choices(['trace', 'debug', 'info', 'warn', 'error', 'critical', 'off']).default('info'))
    .option('--buffer-limit <BYTES>', 'the stream buffer limit (per_connection_buffer_limit_bytes)', (v) => parseCount(v, '--buffer-limit'))
    .action((options) => {
      out(`${formatJson(runCommand(options))}\n`);
    });

  cli
    .command('validate')
    .description("Check a plugin configuration file (JSON or YAML) against the plugin's JSON Schema")
    .argument('<plugin>', 'the plugin, for example jwt-tenant')
    .argument('<file>', 'the configuration file')
    .action((plugin: string, file: string) => validateCommand(plugin, file, out));

  cli
    .command('build')
    .description('Compile every plugin under plugins/ (release and debug) into dist/')
    .option('--test-modules', 'also build the test modules under tests/modules into dist/test/', false)
    .action(async (options: { testModules: boolean }) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      await buildPlugins(log);
      if (options.testModules) await buildTestModules(log);
    });

  cli
    .command('package')
    .description('Write the OCI images of every built plugin (compat and Wasm variants) as OCI image layouts under dist/oci/<plugin>/')
    .action(() => {
      for (const image of packagePlugins(() => {})) out(`dist/oci/${image.plugin}:${image.variant} ${image.manifest.descriptor.digest}\n`);
    });

  cli
    .command('push')
    .description('Push the packaged images to a registry and print the digests to pin')
    .requiredOption('--registry <HOST[:PORT]>', 'the registry, for example 127.0.0.1:5000')
    .option('--tag <TAG>', "the tag of the compat image (the Wasm variant gets TAG-wasm); default: the project's version")
    .option('--namespace <PATH>', 'the repository path before the plugin name', 'route-keys')
    .option('--plain-http', 'talk HTTP instead of HTTPS (a local registry)', false)
    .addOption(new Option('--with <TOOL>', 'skopeo, the distribution API, or skopeo when it is on PATH').choices(['auto', 'skopeo', 'api']).default('auto'))
    .action(async (options: { registry: string; tag?: string; namespace: string; plainHttp: boolean; with: PushTool }) => {
      const pushed = await pushImages({ registry: options.registry, tag: options.tag, namespace: options.namespace, plainHttp: options.plainHttp, tool: options.with });
      for (const image of pushed) out(`${image.reference} ${image.digest}\n  pin: ${image.pin}\n`);
    });

  cli
    .command('render')
    .description('Generate deployment resources from the example configurations; "istio": WasmPlugin / EnvoyFilter, the RequestAuthentication that verifies every token the filters read, VirtualService and DestinationRule per plugin')
    .argument('<target>', 'istio')
    .requiredOption('--registry <HOST[:PORT]>', 'the registry the images were pushed to')
    .option('--repository-namespace <PATH>', 'the repository path before the plugin name, as for push', 'route-keys')
    .option('--namespace <NS>', 'the Kubernetes namespace of the resources', 'shop')
    .option('--selector <KEY=VALUE>', 'the workload label the filters attach to', 'app=shop-gateway')
    .option('--issuer <ISS>', "the token issuer the RequestAuthentication verifies (the iss claim)", 'https://idp.example.com')
    .option('--jwks-uri <URL>', "the issuer's JWKS", 'https://idp.example.com/.well-known/jwks.json')
    .option('--out <DIR>', 'write <DIR>/<plugin>.yaml instead of printing')
    .option('--into-plugins', 'write plugins/<plugin>/istio.yaml (the committed examples)', false)
    .action((target: string, options) => renderIstioCommand(target, options, out));

  cli
    .command('e2e')
    .description(`Send envoy-test-configs/scenarios.yaml through real Envoy (envoy on PATH, or func-e) and check where each request lands; without Envoy, say so, run them in the host, and exit ${ENVOY_UNAVAILABLE_STATUS}`)
    .option('--host', 'use the host even when Envoy can run', false)
    .action(async (options: { host: boolean }) => {
      const run = await runScenarios({ hostOnly: options.host });
      out(`${engineLine(run)}\n${e2eLines(run).join('\n')}\n`);
      if (run.results.some((r) => r.problems.length)) throw new CliError('some scenarios failed');
      if (run.engine === 'host' && !options.host) throw new CliError('', ENVOY_UNAVAILABLE_STATUS); // the first line said why
    });

  cli
    .command('demo')
    .description('Replay the scenarios through the filter chain (Envoy when it runs here, else the host) and print, per request, the headers the route table sees and where it went')
    .action(async () => {
      const run = await runScenarios();
      out(`${engineLine(run)}\n\n${demoLines(run).join('\n')}\n`);
      if (run.results.some((r) => r.problems.length)) throw new CliError('some scenarios did not land where expected');
    });

  return cli;
}

// Indented JSON with each [name, value] header pair kept on one line.
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\n\s+("(?:[^"\\]|\\.)*"),\n\s+("(?:[^"\\]|\\.)*")\n\s+\]/g, '[$1, $2]');
}

function parseCount(value: string, flag: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new CliError(`${flag} takes a positive whole number of bytes, not "${value}"`);
  return Number(value);
}

// Returns the exit status. Expected failures are one line on stderr, never a stack trace.
export async function main(argv: string[], out: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  try {
    await program(out).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      if (error.message) process.stderr.write(`route-keys: ${error.message}\n`);
      for (const line of error.details) process.stderr.write(`  ${line}\n`);
      return error.exitCode;
    }
    process.stderr.write(`route-keys: internal error: ${(error as Error).message}\n`);
    return 70;
  }
}
