// How Istio applies route-keys' resources, as far as routing on the filters' headers depends on
// it: which proxies a VirtualService reaches (its `gateways`: none means "mesh", the sidecars;
// a named Gateway means the workloads its selector picks; exportTo limits the namespaces), which
// proxies a WasmPlugin or EnvoyFilter runs on (selector / workloadSelector / targetRefs, the
// namespace or the root namespace, an EnvoyFilter patch's context and proxyVersion), and so which
// headers exist where a route matches or a DestinationRule hashes; that each subset a route
// sends to is defined, each host outside the cluster is declared by a ServiceEntry, and no route
// is hidden behind an earlier one of its VirtualService.
import { outputHeaders } from '../../cli/output-headers.ts';
import { pluginOfRootId } from '../../cli/plugins.ts';
import { FORWARDED_HEADERS_ANNOTATION } from '../../cli/istio/routes.ts';
import { WASM_TYPE } from '../../cli/istio/options.ts';

type Resource = Record<string, any>;

export interface Proxy {
  name: string;
  kind: 'gateway' | 'sidecar';
  namespace: string;
  labels: Record<string, string>;
}

export interface ModelOptions {
  // Gateway workloads installed outside these resources (for example by Istio's gateway chart).
  workloads?: Proxy[];
  // The proxies' Istio version, for EnvoyFilter match.proxy.proxyVersion.
  istioVersion?: string;
  rootNamespace?: string;
}

export interface Model {
  proxies: Proxy[];
  // Per proxy name: the headers the filters on it write.
  written: Map<string, Set<string>>;
  problems: string[];
}

const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const nameOf = (r: Resource) => `${r.kind} ${r.metadata.namespace ?? 'default'}/${r.metadata.name}`;
const namespaceOf = (r: Resource) => (r.metadata.namespace ?? 'default') as string;
const fqdn = (host: string, namespace: string) =>
  host.includes('.') ? host : `${host}.${namespace}.svc.cluster.local`;
const labelsMatch = (want: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(want ?? {}).every(([k, v]) => labels[k] === v);

function proxiesOf(resources: Resource[], options: ModelOptions): Proxy[] {
  const gateways: Proxy[] = resources
    .filter(
      (r) =>
        r.kind === 'Deployment' &&
        /(^|,)gateway(,|$)/.test(r.spec.template.metadata.annotations?.['inject.istio.io/templates'] ?? ''),
    )
    .map((r) => ({
      name: nameOf(r),
      kind: 'gateway',
      namespace: namespaceOf(r),
      labels: r.spec.template.metadata.labels ?? {},
    }));
  const all = [...gateways, ...(options.workloads ?? [])];
  // The applications' sidecars: one per namespace, carrying none of the gateway's labels.
  const namespaces = new Set([...resources.map(namespaceOf), ...all.map((p) => p.namespace)]);
  for (const namespace of namespaces)
    all.push({ name: `sidecars in ${namespace}`, kind: 'sidecar', namespace, labels: {} });
  return all;
}

// A WasmPlugin or EnvoyFilter reaches workloads of its own namespace, or of all namespaces from
// the root namespace; targetRefs (a Gateway API gateway) replace the label selector.
function selects(
  resource: Resource,
  proxy: Proxy,
  selector: Record<string, string> | undefined,
  root: string,
): boolean {
  const namespace = namespaceOf(resource);
  if (namespace !== root && namespace !== proxy.namespace) return false;
  const targetRefs: Resource[] | undefined =
    resource.spec.targetRefs ?? (resource.spec.targetRef ? [resource.spec.targetRef] : undefined);
  if (targetRefs?.length)
    return targetRefs.some((t) => t.kind === 'Gateway' && proxy.labels[GATEWAY_NAME_LABEL] === t.name);
  return labelsMatch(selector, proxy.labels);
}

function contextReaches(context: string | undefined, proxy: Proxy): boolean {
  if (context === undefined || context === 'ANY') return true;
  return context === 'GATEWAY' ? proxy.kind === 'gateway' : proxy.kind === 'sidecar';
}

function proxyVersionMatches(match: Resource | undefined, version: string): boolean {
  const wanted = match?.proxy?.proxyVersion;
  return wanted === undefined || new RegExp(wanted).test(version);
}

// The Wasm configuration inside a filter value: inline, through a TypedStruct, or (ECDS) by name.
function wasmConfig(typed: Resource | undefined): { rootId: string; configuration: Record<string, any> } | null {
  if (!typed) return null;
  const wasm =
    typed['@type'] === WASM_TYPE ? typed.config : typed.type_url === WASM_TYPE ? typed.value?.config : undefined;
  if (!wasm) return null;
  return { rootId: wasm.root_id, configuration: JSON.parse(wasm.configuration?.value ?? '{}') };
}

function writtenHeaders(resources: Resource[], proxy: Proxy, options: ModelOptions, problems: string[]): Set<string> {
  const root = options.rootNamespace ?? 'istio-system';
  const version = options.istioVersion ?? '1.28.0';
  const writers = new Map<string, string>();
  // A root id no plugin registers is an error (an unknown plugin), not a filter that writes nothing.
  // Two filters writing one header on a proxy: each strips the other's value as a client copy, and
  // what reaches the route is whatever the later one took from the request (a body, a cookie).
  const add = (rootId: string, config: Record<string, any>) => {
    for (const header of new Set(outputHeaders(pluginOfRootId(rootId) ?? rootId, config))) {
      const earlier = writers.get(header);
      if (earlier !== undefined)
        problems.push(
          `${header} is written by both ${[earlier, rootId].sort().join(' and ')} on ${proxy.name}: one filter owns a header`,
        );
      else writers.set(header, rootId);
    }
  };
  for (const r of resources) {
    if (
      r.kind === 'WasmPlugin' &&
      (r.spec.type ?? 'HTTP') === 'HTTP' &&
      selects(r, proxy, r.spec.selector?.matchLabels, root)
    )
      add(r.spec.pluginName, r.spec.pluginConfig ?? {});
    if (r.kind !== 'EnvoyFilter' || !selects(r, proxy, r.spec.workloadSelector?.labels, root)) continue;
    const patches: Resource[] = (r.spec.configPatches ?? []).filter(
      (p: Resource) => contextReaches(p.match?.context, proxy) && proxyVersionMatches(p.match, version),
    );
    const extensions = new Map<string, Resource>();
    for (const p of patches)
      if (p.applyTo === 'EXTENSION_CONFIG') extensions.set(p.patch.value.name, p.patch.value.typed_config);
    for (const p of patches) {
      if (p.applyTo !== 'HTTP_FILTER') continue;
      const value = p.patch.value;
      const wasm = wasmConfig(value.config_discovery ? extensions.get(value.name) : value.typed_config);
      if (wasm) add(wasm.rootId, wasm.configuration);
    }
  }
  return new Set(writers.keys());
}

function exportedTo(resource: Resource, namespace: string): boolean {
  const exportTo: string[] = resource.spec.exportTo ?? ['*'];
  return (
    exportTo.includes('*') ||
    exportTo.includes(namespace) ||
    (exportTo.includes('.') && namespace === namespaceOf(resource))
  );
}

function hostServed(vsHosts: string[], gateway: Resource): boolean {
  const served: string[] = gateway.spec.servers.flatMap((s: Resource) =>
    s.hosts.map((h: string) => h.replace(/^[^/]*\//, '')),
  );
  return vsHosts.some((h) =>
    served.some((s) => s === '*' || s === h || (s.startsWith('*.') && h.endsWith(s.slice(1)))),
  );
}

// Whether a request `later` matches always matches `earlier` too, for the match fields the model knows (uri prefix or exact, exact headers); any other field is taken as narrowing.
function takesAll(earlier: Resource, later: Resource): boolean {
  const known = new Set(['name', 'uri', 'headers', 'gateways']);
  if (Object.keys(earlier).some((k) => !known.has(k))) return false;
  if (JSON.stringify(earlier.gateways ?? null) !== JSON.stringify(later.gateways ?? null)) return false;
  const paths = (m: Resource) => m.uri?.prefix ?? m.uri?.exact;
  if (earlier.uri !== undefined) {
    if (earlier.uri.prefix === undefined && earlier.uri.exact === undefined) return false;
    const path = paths(later);
    if (path === undefined || (later.uri.prefix === undefined && later.uri.exact === undefined)) return false;
    if (earlier.uri.exact !== undefined ? later.uri.exact !== earlier.uri.exact : !path.startsWith(earlier.uri.prefix))
      return false;
  }
  return Object.entries(earlier.headers ?? {}).every(
    ([name, value]) =>
      JSON.stringify(later.headers?.[name]) === JSON.stringify(value) && Object.keys(value as Resource)[0] === 'exact',
  );
}

export function applyIstio(resources: Resource[], options: ModelOptions = {}): Model {
  const proxies = proxiesOf(resources, options);
  const problems: string[] = [];
  const written = new Map(proxies.map((p) => [p.name, writtenHeaders(resources, p, options, problems)]));
  const gatewayWrites = (header: string) =>
    proxies.some((p) => p.kind === 'gateway' && written.get(p.name)!.has(header));
  // Host (FQDN) → the proxies that route to it: every sidecar by default, gateways only by a bound route.
  const routedFrom = new Map<string, Set<Proxy>>();
  const routesTo = (host: string, proxy: Proxy) => routedFrom.set(host, (routedFrom.get(host) ?? new Set()).add(proxy));

  const reachedBy = (vs: Resource, ref: string): Proxy[] => {
    if (ref === 'mesh') return proxies.filter((p) => p.kind === 'sidecar' && exportedTo(vs, p.namespace));
    const [namespace, name] = ref.includes('/') ? ref.split('/') : [namespaceOf(vs), ref];
    const gateway = resources.find(
      (r) => r.kind === 'Gateway' && r.metadata.name === name && namespaceOf(r) === namespace,
    );
    if (!gateway) {
      problems.push(`${nameOf(vs)} is bound to gateway ${namespace}/${name}, which is not defined`);
      return [];
    }
    if (!hostServed(vs.spec.hosts ?? [], gateway))
      problems.push(`${nameOf(vs)}: none of its hosts is served by ${nameOf(gateway)}`);
    return proxies.filter((p) => p.kind === 'gateway' && labelsMatch(gateway.spec.selector, p.labels));
  };

  for (const vs of resources.filter((r) => r.kind === 'VirtualService')) {
    const forwarded = new Set<string>(
      (vs.metadata.annotations?.[FORWARDED_HEADERS_ANNOTATION] ?? '').split(',').filter(Boolean),
    );
    const bound: string[] = vs.spec.gateways?.length ? vs.spec.gateways : ['mesh'];
    for (const route of vs.spec.http ?? []) {
      const matches: Resource[] = route.match?.length ? route.match : [{}];
      for (const match of matches) {
        const refs: string[] = match.gateways?.length ? match.gateways : bound;
        for (const proxy of refs.flatMap((ref) => reachedBy(vs, ref))) {
          for (const header of [...Object.keys(match.headers ?? {}), ...Object.keys(match.withoutHeaders ?? {})]) {
            const present =
              written.get(proxy.name)!.has(header) ||
              (proxy.kind === 'sidecar' && forwarded.has(header) && gatewayWrites(header));
            if (!present)
              problems.push(
                `${nameOf(vs)} route ${route.name ?? '(unnamed)'} matches ${header} on ${proxy.name}, where no filter writes it`,
              );
          }
          for (const destination of route.route ?? [])
            routesTo(fqdn(destination.destination.host, namespaceOf(vs)), proxy);
        }
      }
    }
  }

  // A route to a subset no DestinationRule of its host defines gets no endpoints (Envoy answers 503).
  for (const vs of resources.filter((r) => r.kind === 'VirtualService')) {
    for (const route of vs.spec.http ?? []) {
      for (const { destination } of route.route ?? []) {
        if (destination.subset === undefined) continue;
        const host = fqdn(destination.host, namespaceOf(vs));
        const defined = resources.some(
          (r) =>
            r.kind === 'DestinationRule' &&
            fqdn(r.spec.host, namespaceOf(r)) === host &&
            (r.spec.subsets ?? []).some((s: Resource) => s.name === destination.subset),
        );
        if (!defined)
          problems.push(
            `${nameOf(vs)} route ${route.name ?? '(unnamed)'} sends to subset ${destination.subset} of ${host}, which no DestinationRule defines`,
          );
      }
    }
  }

  // A host outside the cluster's domain is known to the mesh only through a ServiceEntry visible here; otherwise Istio has no cluster for it (503).
  for (const vs of resources.filter((r) => r.kind === 'VirtualService')) {
    for (const route of vs.spec.http ?? []) {
      for (const { destination } of route.route ?? []) {
        const host = fqdn(destination.host, namespaceOf(vs));
        if (host.endsWith('.svc.cluster.local')) continue;
        const declared = resources.some(
          (r) => r.kind === 'ServiceEntry' && (r.spec.hosts ?? []).includes(host) && exportedTo(r, namespaceOf(vs)),
        );
        if (!declared)
          problems.push(
            `${nameOf(vs)} route ${route.name ?? '(unnamed)'} sends to ${host}, which no ServiceEntry visible in ${namespaceOf(vs)} declares`,
          );
      }
    }
  }

  // A request a gateway forwards outside the mesh carries tokens and cookies: it leaves over TLS the
  // proxy originates (a DestinationRule's tls), named (sni) as a Gateway of these resources serves
  // it over HTTPS, since each data centre renders the same Gateway its peers forward to.
  const servedOverTls = (sni: string) =>
    resources.some(
      (r) =>
        r.kind === 'Gateway' &&
        (r.spec.servers ?? []).some(
          (s: Resource) => s.port?.protocol === 'HTTPS' && s.tls?.mode === 'SIMPLE' && (s.hosts ?? []).includes(sni),
        ),
    );
  for (const vs of resources.filter((r) => r.kind === 'VirtualService')) {
    for (const route of vs.spec.http ?? []) {
      for (const { destination } of route.route ?? []) {
        const host = fqdn(destination.host, namespaceOf(vs));
        const external = resources.some(
          (r) =>
            r.kind === 'ServiceEntry' && r.spec.location === 'MESH_EXTERNAL' && (r.spec.hosts ?? []).includes(host),
        );
        if (!external) continue;
        const tls = resources.find((r) => r.kind === 'DestinationRule' && r.spec.host === host)?.spec.trafficPolicy
          ?.tls;
        if (tls?.mode !== 'SIMPLE' && tls?.mode !== 'MUTUAL')
          problems.push(`${nameOf(vs)} route ${route.name ?? '(unnamed)'} sends to ${host} in clear text`);
        else if (!(tls.subjectAltNames ?? []).includes(tls.sni ?? host))
          // An explicit sni turns off Istio's own SAN check: without subjectAltNames any trusted certificate passes.
          problems.push(
            `${nameOf(vs)} route ${route.name ?? '(unnamed)'} sends to ${host} over TLS that checks no certificate name`,
          );
        else if (!servedOverTls(tls.sni ?? host) || !(vs.spec.hosts ?? []).includes(tls.sni ?? host))
          // The request keeps its authority (a host of this VirtualService): the peer's HTTPS server must serve both.
          problems.push(
            `${nameOf(vs)} route ${route.name ?? '(unnamed)'} sends to ${host} as ${tls.sni ?? host}, which is not its host served by an HTTPS server of the Gateway`,
          );
      }
    }
  }

  // Istio keeps a VirtualService's routes in order and the first that matches wins: a route every request of which an earlier one takes is never used.
  for (const vs of resources.filter((r) => r.kind === 'VirtualService')) {
    const routes: Resource[] = vs.spec.http ?? [];
    for (const [i, route] of routes.entries()) {
      const hiding = routes
        .slice(0, i)
        .find((earlier) =>
          (route.match?.length ? route.match : [{}]).every((m: Resource) =>
            (earlier.match?.length ? earlier.match : [{}]).some((e: Resource) => takesAll(e, m)),
          ),
        );
      if (hiding)
        problems.push(
          `${nameOf(vs)} route ${route.name ?? '(unnamed)'} is never used: route ${hiding.name ?? '(unnamed)'} before it takes every request it matches`,
        );
    }
  }

  for (const dr of resources.filter((r) => r.kind === 'DestinationRule')) {
    const header = dr.spec.trafficPolicy?.loadBalancer?.consistentHash?.httpHeaderName;
    if (header === undefined) continue;
    const host = fqdn(dr.spec.host, namespaceOf(dr));
    const from = [
      ...proxies.filter((p) => p.kind === 'sidecar' && exportedTo(dr, p.namespace)),
      ...(routedFrom.get(host) ?? []),
    ];
    if (!from.some((p) => written.get(p.name)!.has(header)))
      problems.push(`${nameOf(dr)} hashes on ${header}, which no filter writes on the proxies that route to ${host}`);
  }
  return { proxies, written, problems: [...new Set(problems)] };
}
