// Which Istio releases an EnvoyFilter with allow_on_headers_stop_iteration works on (the plugins
// whose manifest places them so). Istio 1.27's proxy is Envoy 1.35, but its istio-agent converts the TypedStruct with a go-control-plane from June 2025,
// before PluginConfig.allow_on_headers_stop_iteration existed: the conversion fails and the
// filter never loads. Istio 1.28 is the first whose agent knows the field.
import { CliError } from '../errors.ts';
import { manifestOf, pluginNames } from '../plugins.ts';

export const MIN_ISTIO = { major: 1, minor: 28 };
export const MIN_ISTIO_TEXT = `${MIN_ISTIO.major}.${MIN_ISTIO.minor}`;

// Istio matches an EnvoyFilter's proxy.proxyVersion against the proxy's ISTIO_VERSION: older
// proxies skip the patches instead of receiving a filter they cannot load.
export const PROXY_VERSION_REGEX = '^1\\.(2[89]|[3-9][0-9])([.-].*)?$';

export function checkIstioVersion(version: string): void {
  const match = /^v?(\d+)\.(\d+)(\.\d+)?([-+][0-9A-Za-z.-]+)?$/.exec(version);
  if (!match) throw new CliError(`--istio-version takes MAJOR.MINOR[.PATCH] (for example 1.28.1), not "${version}"`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  const needing = pluginNames().filter((plugin) => {
    const { istio } = manifestOf(plugin);
    return istio.kind === 'EnvoyFilter' && istio.allow_on_headers_stop_iteration;
  });
  if (needing.length > 0 && (major < MIN_ISTIO.major || (major === MIN_ISTIO.major && minor < MIN_ISTIO.minor))) {
    throw new CliError(
      `Istio ${version} cannot run ${needing.join(', ')}: its istio-agent's Envoy API predates allow_on_headers_stop_iteration, so the agent rejects the filter's configuration; Istio ${MIN_ISTIO_TEXT} or newer is needed`,
    );
  }
}
