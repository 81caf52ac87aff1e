import {
  ConfigurationRejectedError,
  FilterChain,
  fixedClock,
  formatLogRecord,
  ModuleLoadError,
  Plugin,
  type Clock,
  type Outcome,
} from '../host/index.ts';
import type { LogLevelName } from '../host/abi.ts';
import { assertBuilt } from './build.ts';
import { CliError } from './errors.ts';
import { readBytes, readRequestFile, readText } from './request-file.ts';

export interface RunOptions {
  wasm: string[];
  rootId: string[];
  config: string[];
  allowStopIteration: boolean;
  failOpen: boolean;
  request: string;
  logLevel: LogLevelName;
  bufferLimit?: number;
}

// One JSON object per run: what the route table and upstream would see.
export interface RunReport {
  decision: Outcome['decision'];
  status: number | null;
  upstream: { headers: [string, string][]; body: string; trailers: [string, string][] | null } | null;
  response: { status: number; headers: [string, string][]; body: string; details: string } | null;
  stall: Outcome['stall'];
  route_cache_clears: Record<string, number>;
  host_calls: Outcome['hostCalls'];
  errors: string[];
  codec_counters: Record<string, number>;
  logs: { plugin: string; level: string; message: string }[];
  metrics: Outcome['metrics'];
  unsupported: string[];
}

export function runCommand(options: RunOptions, warn: (line: string) => void = () => {}): RunReport {
  const groups = pluginGroups(options);
  const request = readRequestFile(stripAt(options.request));
  // A clock the request file can move (advance_ms) starts at the machine's time.
  const clock = request.advanceMilliseconds === undefined ? undefined : fixedClock(Date.now() / 1000);
  const plugins = groups.map((group) => loadPlugin(group, options, clock));
  const outcome = new FilterChain(plugins, { bufferLimitBytes: options.bufferLimit }).send(request);
  if (outcome.unsupported.length > 0) {
    warn(`warning: the host does not model ${outcome.unsupported.join(', ')}: Envoy would behave differently`);
  }
  return toReport(outcome);
}

interface PluginGroup {
  wasm: string;
  rootId: string;
  configuration: string;
}

// --wasm, --root-id and --config pair up by position; root id and config may be left out entirely.
function pluginGroups(options: RunOptions): PluginGroup[] {
  const count = options.wasm.length;
  if (count === 0) throw new CliError('run needs at least one --wasm FILE');
  for (const [flag, values] of [
    ['--root-id', options.rootId],
    ['--config', options.config],
  ] as const) {
    if (values.length !== 0 && values.length !== count) {
      throw new CliError(
        `${flag} was given ${values.length} time(s) for ${count} --wasm module(s): give it once per --wasm, in the same order, or not at all`,
      );
    }
  }
  return options.wasm.map((wasm, i) => ({
    wasm,
    rootId: options.rootId[i] ?? '',
    configuration: configurationText(options.config[i] ?? ''),
  }));
}

// --config takes the JSON itself, or @FILE.
function configurationText(value: string): string {
  if (!value.startsWith('@')) return value;
  return readText(value.slice(1));
}

function stripAt(path: string): string {
  return path.startsWith('@') ? path.slice(1) : path;
}

function loadPlugin(group: PluginGroup, options: RunOptions, clock: Clock | undefined): Plugin {
  assertBuilt(group.wasm);
  const bytes = readBytes(group.wasm);
  try {
    return Plugin.load({
      wasm: bytes,
      name: group.rootId || baseName(group.wasm),
      rootId: group.rootId,
      vmId: 'route-keys',
      configuration: group.configuration,
      failurePolicy: options.failOpen ? 'FAIL_OPEN' : 'FAIL_CLOSED',
      allowOnHeadersStopIteration: options.allowStopIteration,
      logLevel: options.logLevel,
      clock,
    });
  } catch (error) {
    if (error instanceof ModuleLoadError) throw new CliError(`${group.wasm}: ${error.message}`);
    if (error instanceof ConfigurationRejectedError) {
      throw new CliError(`${group.wasm}: configuration rejected: ${error.message}`, 2, error.logs.map(formatLogRecord));
    }
    throw error;
  }
}

function baseName(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.wasm$/, '');
}

const decoder = new TextDecoder('utf-8', { fatal: false });

export function toReport(outcome: Outcome): RunReport {
  return {
    decision: outcome.decision,
    status: outcome.decision === 'local_reply' ? outcome.response!.status : null,
    upstream: outcome.upstream && {
      headers: outcome.upstream.headers,
      body: decoder.decode(outcome.upstream.body),
      trailers: outcome.upstream.trailers,
    },
    response: outcome.response && {
      status: outcome.response.status,
      headers: outcome.response.headers,
      body: decoder.decode(outcome.response.body),
      details: outcome.response.details,
    },
    stall: outcome.stall,
    route_cache_clears: outcome.routeCacheClears,
    host_calls: outcome.hostCalls,
    errors: outcome.errors,
    codec_counters: outcome.codecCounters,
    logs: outcome.logs.map(({ plugin, level, message }) => ({ plugin, level, message })),
    metrics: outcome.metrics,
    unsupported: outcome.unsupported,
  };
}
