import { Command, CommanderError, Help, Option } from 'commander';
import { buildPlugins } from './build.ts';
import { CliError } from './errors.ts';
import { findEnvoy } from './e2e/envoy-process.ts';
import { ENVOY_UNAVAILABLE_STATUS, demoLines, e2eLines, fallbackLine, modeLine } from './e2e/report.ts';
import { assertModulesBuilt, runScenarios } from './e2e/scenarios.ts';
import { renderIstioCommand } from './istio/command.ts';
import { lbCommand, mintCommand } from './lb/command.ts';
import { MAX_POLL_MS, MIN_POLL_MS, startIdService } from './lb/id-service.ts';
import { type BalancerFlags, addBalancerOptions, balancerOptions } from './lb/options.ts';
import { packagePlugins, projectPackage } from './package.ts';
import { type PushTool, pushImages } from './push.ts';
import { runCommand } from './run.ts';
import { validateCommand } from './validate.ts';

const collect = (value: string, previous: string[] = []) => [...previous, value];

// Commander shows defaults but not which options are required.
const help = new Help();
const optionDescription = (option: Option) =>
  option.mandatory ? `${option.description} (required)` : help.optionDescription(option);

function program(out: (text: string) => void, err: (text: string) => void): Command {
  const cli = new Command('route-keys')
    .description('Build, run and check the route-keys Proxy-Wasm filters without Envoy')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .configureHelp({ optionDescription });
  const version = projectPackage().version;

  cli
    .command('run')
    .description(
      'Run one request through one module, or a chain of modules, in the Envoy-faithful host and print the outcome as JSON',
    )
    .requiredOption('--request <@FILE>', 'the request file (JSON or YAML): method, path, authority, headers, body')
    .requiredOption('--wasm <FILE>', 'a Proxy-Wasm module; repeat for a filter chain, in order', collect)
    .addOption(
      new Option('--root-id <ID>', 'the root_id for the --wasm at the same position')
        .argParser(collect)
        .default([], 'empty, as in Envoy'),
    )
    .addOption(
      new Option('--config <JSON|@FILE>', 'the plugin configuration for the --wasm at the same position')
        .argParser(collect)
        .default([], 'empty'),
    )
    .option('--allow-stop-iteration', 'set PluginConfig allow_on_headers_stop_iteration (Envoy ≥ 1.35)', false)
    .option('--fail-open', 'failure_policy FAIL_OPEN instead of FAIL_CLOSED', false)
    .addOption(
      new Option('--log-level <LEVEL>', "the level of Envoy's wasm logger")
        .choices(['trace', 'debug', 'info', 'warn', 'error', 'critical', 'off'])
        .default('info'),
    )
    .addOption(
      new Option('--buffer-limit <BYTES>', 'the stream buffer limit (per_connection_buffer_limit_bytes)')
        .argParser((v) => parseCount(v, '--buffer-limit'))
        .default(1024 * 1024, "1048576, 1 MiB, Envoy's default"),
    )
    .action((options) => {
      out(`${formatJson(runCommand(options, (line) => err(`route-keys: ${line}\n`)))}\n`);
    });

  cli
    .command('validate')
    .description("Check a plugin configuration file (JSON or YAML) against the plugin's JSON Schema")
    .argument('<plugin>', 'the plugin, for example jwt-tenant')
    .argument('<file>', 'the configuration file')
    .action((plugin: string, file: string) => validateCommand(plugin, file, out));

  cli
    .command('build')
    .description(
      'Compile the named plugins, or every plugin under plugins/ when none is named (release and debug), into dist/; a module whose sources and options are unchanged since it was built is kept',
    )
    .argument('[plugin...]', 'plugins to build, for example jwt-tenant (default: all)')
    .option('--test-modules', 'also build the test modules under tests/modules into dist/test/', false)
    .option('--release', 'the release builds only (what the tests, the images and the demo load)', false)
    .action(async (names: string[], options: { testModules: boolean; release: boolean }) => {
      const log = (line: string) => err(`${line}\n`);
      await buildPlugins(log, options.release ? ['release'] : ['release', 'debug'], names, options.testModules);
    });

  cli
    .command('package')
    .description(
      'Write the OCI images of every built plugin (compat and Wasm variants) as OCI image layouts under dist/oci/<plugin>/',
    )
    .action(() => out(packageLines()));

  cli
    .command('push')
    .description('Push the packaged images to a registry and print the digests to pin')
    .requiredOption('--registry <HOST[:PORT]>', 'the registry, for example 127.0.0.1:5000')
    .addOption(
      new Option('--tag <TAG>', 'the tag of the compat image (the Wasm variant gets TAG-wasm)').default(
        version,
        `${version}, the project's version`,
      ),
    )
    .option('--namespace <PATH>', 'the repository path before the plugin name', 'route-keys')
    .option('--plain-http', 'talk HTTP instead of HTTPS (a local registry)', false)
    .addOption(
      new Option('--with <TOOL>', 'skopeo, the distribution API, or skopeo when it is on PATH')
        .choices(['auto', 'skopeo', 'api'])
        .default('auto'),
    )
    .action(
      async (options: { registry: string; tag?: string; namespace: string; plainHttp: boolean; with: PushTool }) => {
        const pushed = await pushImages({
          registry: options.registry,
          tag: options.tag,
          namespace: options.namespace,
          plainHttp: options.plainHttp,
          tool: options.with,
        });
        for (const image of pushed) out(`${image.reference} ${image.digest}\n  pin: ${image.pin}\n`);
      },
    );

  cli
    .command('render')
    .description(
      'Generate the Istio deployment from the example configurations: the gateway and its routes, WasmPlugin / EnvoyFilter, the RequestAuthentications that verify every token the filters read, DestinationRules, and a kustomization.yaml',
    )
    .argument('<target>', 'istio')
    .option(
      '--registry <HOST[:PORT]>',
      'the registry the images were pushed to (default: registry.example.com with --examples or --check, else required)',
    )
    .option('--repository-namespace <PATH>', 'the repository path before the plugin name, as for push', 'route-keys')
    .option('--namespace <NS>', 'the Kubernetes namespace of the resources', 'shop')
    .option('--selector <KEY=VALUE>', 'the label of the gateway workload the filters attach to', 'app=shop-gateway')
    .option('--host <HOST>', 'the host clients send to the gateway', 'shop.example.com')
    .option(
      '--issuer <ISS>',
      'the token issuer the RequestAuthentications verify (the iss claim)',
      'https://idp.example.com',
    )
    .option('--jwks-uri <URL>', "the issuer's JWKS", 'https://idp.example.com/.well-known/jwks.json')
    .option(
      '--dc <NAME>',
      "this data centre: the prefix of its carts' ids, which body-keys derives into x-cart-dc",
      'ams',
    )
    .option(
      '--peer-dc <NAME=HOST>',
      "a peer data centre and its gateway's DNS name: its carts go there (a ServiceEntry); repeat for several, none for one data centre (default: fra=shop-gateway.fra.example.com)",
      collect,
      [],
    )
    .option(
      '--istio-version <X.Y[.Z]>',
      'refuse, with the reason, an Istio release the resources cannot work on (default: no version check)',
    )
    .option(
      '--out <DIR>',
      'write a Kustomize base into DIR (one file per part, and kustomization.yaml) (default: print to stdout)',
    )
    .option('--examples', 'write the committed examples (plugins/<name>/istio.yaml, deploy/kustomize/base/)', false)
    .option('--check', 'fail unless the committed examples equal a fresh render, digests included', false)
    .action((target: string, options) => renderIstioCommand(target, options, out));

  addBalancerOptions(
    cli
      .command('lb')
      .description(
        "Which endpoint Envoy's ring_hash or maglev balancer picks for a header value or a hash; prints one JSON object",
      ),
  )
    .option(
      '--key <VALUE>',
      "a value of the hashed header, hashed as the route's hash_policy does; repeat for several values",
      collect,
      [],
    )
    .option('--hash <U64>', 'a raw 64-bit hash, decimal (default: the hash of --key)')
    .action((options: BalancerFlags & { key: string[]; hash?: string }) => {
      out(`${JSON.stringify(lbCommand(options))}\n`);
    });

  addBalancerOptions(
    cli
      .command('mint')
      .description(
        'Print cart ids that route to one endpoint (crypto random, with the data-centre prefix body-keys derives), one a line',
      ),
  )
    .requiredOption('--target <ENDPOINT>', 'the endpoint the ids must reach, as listed in --endpoints')
    .requiredOption('--prefix <DC->', 'the data-centre prefix, for example ams-')
    .option('--count <N>', 'how many ids', (v) => parsePositive(v, '--count'), 1)
    .action((options: BalancerFlags & { target: string; prefix: string; count: number }) => {
      out(
        mintCommand(options)
          .map((id) => `${id}\n`)
          .join(''),
      );
    });

  addBalancerOptions(
    cli
      .command('id-service')
      .description(
        'Serve GET /ids?target=ENDPOINT&dc=DC[&count=N]: ids that route to the target, from an endpoint list it polls',
      ),
    false,
  )
    .requiredOption('--port <P>', 'the port to listen on (0: any free one)', (v) => parsePort(v))
    .option('--host <ADDRESS>', 'the address to listen on', '127.0.0.1')
    .option(
      '--envoy-admin <URL>',
      "Envoy's admin address: the endpoints of --cluster are read from /clusters?format=json (default: none, --endpoints is used)",
    )
    .option(
      '--poll-ms <MS>',
      `how often the endpoint list is read again (${MIN_POLL_MS} to ${MAX_POLL_MS})`,
      (v) => parsePositive(v, '--poll-ms'),
      2000,
    )
    .action(async (options: BalancerFlags & { port: number; host: string; envoyAdmin?: string; pollMs: number }) => {
      if ((options.endpoints === undefined) === (options.envoyAdmin === undefined))
        throw new CliError('give either --endpoints @FILE or --envoy-admin URL --cluster NAME');
      if (options.endpoints !== undefined && !options.endpoints.startsWith('@'))
        throw new CliError('id-service reads --endpoints from a file it can poll: --endpoints @FILE');
      if (options.envoyAdmin !== undefined && options.cluster === undefined)
        throw new CliError('--envoy-admin needs --cluster NAME');
      const source =
        options.envoyAdmin !== undefined
          ? { adminUrl: options.envoyAdmin, cluster: options.cluster! }
          : { file: options.endpoints!.slice(1) };
      let service;
      try {
        service = await startIdService({
          host: options.host,
          port: options.port,
          source,
          balancer: balancerOptions(options),
          pollMs: options.pollMs,
          log: (line) => err(`${line}\n`),
        });
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      out(`id-service: listening on ${service.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await service.close();
    });

  cli
    .command('e2e')
    .description(
      `Send envoy-test-configs/scenarios.yaml through real Envoy (envoy on PATH, or func-e) and check where each request lands; without Envoy, say so, run them in the host, and exit ${ENVOY_UNAVAILABLE_STATUS}`,
    )
    .option('--host', 'use the host even when Envoy can run', false)
    .option(
      '--host-ok',
      `without Envoy, exit 0 when the scenarios pass in the host instead of ${ENVOY_UNAVAILABLE_STATUS}`,
      false,
    )
    .action(async (options: { host: boolean; hostOk: boolean }) => {
      assertModulesBuilt();
      const envoy = options.host ? { unavailable: 'the host was asked for' } : findEnvoy();
      out(`${modeLine('e2e', options.host ? 'host asked' : envoy, options.hostOk)}\n`);
      const run = await runScenarios({ envoy });
      const fallback = fallbackLine(envoy, run);
      out(`${fallback ? `${fallback}\n` : ''}${e2eLines(run).join('\n')}\n`);
      if (run.results.some((r) => r.problems.length)) throw new CliError('some scenarios failed');
      if (run.engine === 'host' && !options.host && !options.hostOk) {
        throw new CliError(
          `exit status ${ENVOY_UNAVAILABLE_STATUS}: the scenarios passed in the host, not in Envoy (--host-ok exits 0)`,
          ENVOY_UNAVAILABLE_STATUS,
        );
      }
    });

  cli
    .command('demo')
    .description(
      'Replay the scenarios through the filter chain (Envoy when it runs here, else the host) and print, per request, the headers the route table sees and where it went',
    )
    .option('--build', 'build the filters (release) and package them first, as npm start does', false)
    .action(async (options: { build: boolean }) => {
      if (!options.build) assertModulesBuilt();
      const envoy = findEnvoy();
      out(`${modeLine('demo', envoy)}\n`);
      if (options.build) {
        // The demo and the images use the release builds only.
        await buildPlugins((line) => err(`${line}\n`), ['release']);
        out(packageLines());
      }
      const run = await runScenarios({ envoy });
      const fallback = fallbackLine(envoy, run);
      out(`${fallback ? `${fallback}\n` : ''}\n${demoLines(run).join('\n')}\n`);
      if (run.results.some((r) => r.problems.length)) throw new CliError('some scenarios did not land where expected');
    });

  return cli;
}

function packageLines(): string {
  return packagePlugins(() => {})
    .map((image) => `dist/oci/${image.plugin}:${image.variant} ${image.manifest.descriptor.digest}\n`)
    .join('');
}

// Indented JSON with each [name, value] header pair kept on one line.
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /\[\n\s+("(?:[^"\\]|\\.)*"),\n\s+("(?:[^"\\]|\\.)*")\n\s+\]/g,
    '[$1, $2]',
  );
}

function parseCount(value: string, flag: string): number {
  if (!/^[1-9][0-9]*$/.test(value))
    throw new CliError(`${flag} takes a positive whole number of bytes, not "${value}"`);
  return Number(value);
}

function parsePositive(value: string, flag: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value)) throw new CliError(`${flag} takes a positive whole number, not "${value}"`);
  return Number(value);
}

function parsePort(value: string): number {
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535)
    throw new CliError(`--port takes 0 to 65535, not "${value}"`);
  return Number(value);
}

// Returns the exit status. Expected failures are one line on stderr, never a stack trace.
export async function main(
  argv: string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): Promise<number> {
  try {
    await program(out, err).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliError) {
      if (error.message) err(`route-keys: ${error.message}\n`);
      for (const line of error.details) err(`  ${line}\n`);
      return error.exitCode;
    }
    err(`route-keys: internal error: ${(error as Error).message}\n`);
    return 70;
  }
}
