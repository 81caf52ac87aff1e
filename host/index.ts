// The host's public surface: load plugins, chain them, send requests, read the outcome.
export { FilterChain, type ChainOptions } from './filter-chain.ts';
export { Plugin, ConfigurationRejectedError, type PluginOptions, type FailurePolicyName } from './plugin.ts';
export { ModuleLoadError, compileModule, type CompiledModule } from './module.ts';
export type { ConnectionManagerSettings } from './connection-manager.ts';
export type { HttpProtocol, UnderscoresAction } from './downstream-codec.ts';
export { fixedClock, systemClock, type Clock } from './clock.ts';
export type {
  CalloutAnswer,
  DownstreamResponse,
  HeaderList,
  HttpRequest,
  Outcome,
  UpstreamRequest,
} from './request.ts';
export type { LogRecord } from './logs.ts';
export type { MetricSnapshot } from './metrics.ts';
export { formatLogRecord } from './logs.ts';
