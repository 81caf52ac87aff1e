// Carts across data centres, as envoy-test-configs/two-dc.yaml routes them. Model: one mesh per
// data centre (separate meshes, no shared control plane), each with its own gateway running the
// filters; a peer data centre is reached at its gateway, declared here by a ServiceEntry. Not the
// east-west gateway of a multi-network mesh: it forwards mTLS by SNI without reading headers, and
// this gateway would see the peer's pods only as that gateway's address, so no hash on x-cart-id
// could pick the pod that holds a cart; the peer's own gateway does, with its own DestinationRule.
import { CliError } from '../errors.ts';
import { type DataCentres, DEFAULT_HOST, metadata, type RenderOptions, type Resource } from './options.ts';
import type { HttpRoute } from './routes.ts';

export type { DataCentres, PeerDataCentre } from './options.ts';

export const EXAMPLE_DATA_CENTRES: DataCentres = {
  local: 'ams',
  peers: [{ name: 'fra', host: 'shop-gateway.fra.example.com' }],
};

// body-keys derives the name up to the first "-" of an id its pattern admits: no "-" in a name.
const DC_NAME = /^[A-Za-z0-9._]{1,63}$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$/;

// --dc NAME and --peer-dc NAME=HOST (repeatable; "none" alone: one data centre, nothing forwarded).
export function parseDataCentres(local: string, peers: string[]): DataCentres {
  if (!DC_NAME.test(local))
    throw new CliError(
      `--dc takes the data centre's name as its cart ids begin with it (letters, digits, "." or "_", no "-"), not "${local}"`,
    );
  if (peers.length === 1 && peers[0] === 'none') return { local, peers: [] };
  const parsed = peers.map((text) => {
    const [name, host, ...rest] = text.split('=');
    if (rest.length > 0 || !name || !DC_NAME.test(name) || !host || !DNS_NAME.test(host))
      throw new CliError(
        `--peer-dc takes NAME=HOST (a data centre name without "-", its gateway's DNS name) or none, not "${text}"`,
      );
    return { name, host };
  });
  for (const [i, peer] of parsed.entries()) {
    if (peer.name === local) throw new CliError(`--peer-dc ${peer.name} is this data centre (--dc ${local})`);
    if (parsed.findIndex((p) => p.name === peer.name) !== i)
      throw new CliError(`--peer-dc ${peer.name} is given twice`);
  }
  return { local, peers: parsed };
}

// Before a prefix's local route: a cart of each peer data centre goes to that peer's gateway. The
// local route after them takes this data centre's carts, unknown ones and none (as two-dc.yaml).
export function peerRoutes(
  name: string,
  prefix: string,
  dcHeader: string | undefined,
  options: RenderOptions,
): HttpRoute[] {
  if (dcHeader === undefined) return [];
  return (options.dataCentres?.peers ?? []).map((peer) => ({
    name: `${name}-of-${peer.name}`,
    prefix,
    header: [dcHeader, peer.name],
    host: peer.host,
  }));
}

// The peer's gateway as a service of this mesh; the request keeps its authority, which the peer's
// Gateway serves. Routes reach it on port 80 and leave on 443 with TLS this gateway originates
// (the DestinationRule), named by the shop host as the peer's HTTPS server expects: a cart's
// request carries tokens and cookies, never in clear text between data centres.
export function peerGatewayEntries(options: RenderOptions): Resource[] {
  return (options.dataCentres?.peers ?? []).flatMap((peer) => {
    const name = `gateway-${peer.name.toLowerCase().replace(/[._]/g, '-')}`;
    return [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: metadata(name, options),
        spec: {
          hosts: [peer.host],
          // Only this namespace's gateway forwards to it; other namespaces keep their own egress rules.
          exportTo: ['.'],
          location: 'MESH_EXTERNAL',
          resolution: 'DNS',
          ports: [{ number: 80, name: 'http', protocol: 'HTTP', targetPort: 443 }],
        },
      },
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: metadata(name, options),
        spec: {
          host: peer.host,
          exportTo: ['.'],
          // With sni set Istio adds no SAN check of its own: name the certificate's host, or any
          // publicly trusted certificate would do (cluster_tls.go setAutoSniAndAutoSanValidation).
          trafficPolicy: {
            tls: {
              mode: 'SIMPLE',
              sni: options.host ?? DEFAULT_HOST,
              subjectAltNames: [options.host ?? DEFAULT_HOST],
            },
          },
        },
      },
    ];
  });
}
