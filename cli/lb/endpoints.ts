// Endpoints as the balancers see them, from a command-line list, a file of the same entries
// (text or JSON), or Envoy admin's /clusters?format=json output.
export interface Endpoint {
  // As given: host:port (IPv6 in brackets), the name lb and mint print.
  address: string;
  weight: number;
  hostname: string;
  // The envoy.lb hash_key endpoint metadata; empty when unset.
  hashKey: string;
  healthy: boolean;
}

// One entry: ADDRESS[;weight=N][;hostname=NAME][;hash_key=KEY]
export function parseEndpoint(text: string, where: string): Endpoint {
  const [address = '', ...options] = text.trim().split(';');
  checkAddress(address, where);
  const endpoint: Endpoint = { address, weight: 1, hostname: '', hashKey: '', healthy: true };
  for (const option of options) {
    const [name, ...rest] = option.split('=');
    const value = rest.join('=');
    if (name === 'weight') endpoint.weight = parseWeight(value, where);
    else if (name === 'hostname') endpoint.hostname = value;
    else if (name === 'hash_key') endpoint.hashKey = value;
    else throw new Error(`${where}: unknown endpoint option "${name}" (weight, hostname, hash_key)`);
  }
  return endpoint;
}

export function parseEndpointList(list: string, where = '--endpoints'): Endpoint[] {
  const entries = list.split(',').filter((e) => e.trim() !== '');
  return checkList(
    entries.map((entry, i) => parseEndpoint(entry, `${where} entry ${i + 1}`)),
    where,
  );
}

// The contents of an --endpoints @FILE: admin JSON, a JSON array, or one entry a line.
export function parseEndpointFile(text: string, where: string, cluster?: string): Endpoint[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    let document: unknown;
    try {
      document = JSON.parse(trimmed);
    } catch (error) {
      throw new Error(`${where}: not valid JSON: ${(error as Error).message}`, { cause: error });
    }
    if (Array.isArray(document))
      return checkList(
        document.map((entry, i) => fromJson(entry, `${where}[${i}]`)),
        where,
      );
    return adminEndpoints(document, where, cluster);
  }
  const lines = trimmed.split('\n').map((line) => line.replace(/#.*/, '').trim());
  const endpoints = lines.flatMap((line, i) => (line === '' ? [] : [parseEndpoint(line, `${where}:${i + 1}`)]));
  return checkList(endpoints, where);
}

function fromJson(entry: unknown, where: string): Endpoint {
  if (typeof entry === 'string') return parseEndpoint(entry, where);
  if (!entry || typeof entry !== 'object')
    throw new Error(`${where}: expected a string or { address, weight, hostname, hash_key }`);
  const record = entry as Record<string, unknown>;
  const address = String(record.address ?? '');
  checkAddress(address, where);
  return {
    address,
    weight: record.weight === undefined ? 1 : parseWeight(String(record.weight), `${where}.weight`),
    hostname: typeof record.hostname === 'string' ? record.hostname : '',
    hashKey: typeof record.hash_key === 'string' ? record.hash_key : '',
    healthy: true,
  };
}

type Node = Record<string, any>;

// Envoy admin /clusters?format=json: host_statuses of one cluster (named, or the only one).
export function adminEndpoints(document: unknown, where: string, cluster?: string): Endpoint[] {
  const statuses = (document as Node)?.cluster_statuses;
  if (!Array.isArray(statuses))
    throw new Error(
      `${where}: neither a list of endpoints nor Envoy admin /clusters?format=json output (no cluster_statuses)`,
    );
  const candidates = cluster === undefined ? statuses : statuses.filter((c: Node) => c.name === cluster);
  if (candidates.length !== 1) {
    const names = statuses.map((c: Node) => c.name).join(', ');
    throw new Error(
      cluster === undefined
        ? `${where}: several clusters (${names}): name one with --cluster`
        : `${where}: no cluster "${cluster}" (clusters: ${names})`,
    );
  }
  const hosts = (candidates[0].host_statuses ?? []) as Node[];
  return checkList(
    hosts.map((host, i) => {
      const at = `${where}: ${candidates[0].name} host ${i + 1}`;
      if ((host.priority ?? 0) !== 0) throw new Error(`${at}: priority ${host.priority}: only priority 0 is modelled`);
      const socket = host.address?.socket_address;
      if (!socket || typeof socket.address !== 'string' || !Number.isInteger(socket.port_value))
        throw new Error(`${at}: expected address.socket_address`);
      const address = socket.address.includes(':')
        ? `[${socket.address}]:${socket.port_value}`
        : `${socket.address}:${socket.port_value}`;
      return {
        address,
        weight: host.weight ?? 1,
        hostname: host.hostname ?? '',
        hashKey: '',
        healthy: adminHealthy(host.health_status ?? {}),
      };
    }),
    where,
  );
}

// Healthy as Envoy's host health flags say: no failed check, EDS status HEALTHY or unset.
function adminHealthy(status: Node): boolean {
  const failed = Object.entries(status).some(([name, value]) => name !== 'eds_health_status' && value === true);
  return (
    !failed &&
    (status.eds_health_status === undefined ||
      status.eds_health_status === 'HEALTHY' ||
      status.eds_health_status === 'UNKNOWN')
  );
}

function checkAddress(address: string, where: string) {
  if (!/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):[0-9]{1,5}$/.test(address))
    throw new Error(`${where}: "${address}" is not HOST:PORT`);
}

function parseWeight(value: string, where: string): number {
  // Envoy's load_balancing_weight: 1 to 128.
  if (!/^[0-9]+$/.test(value) || Number(value) < 1 || Number(value) > 128)
    throw new Error(`${where}: weight "${value}" is not a whole number from 1 to 128`);
  return Number(value);
}

function checkList(endpoints: Endpoint[], where: string): Endpoint[] {
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    if (seen.has(endpoint.address)) throw new Error(`${where}: ${endpoint.address} is listed twice`);
    seen.add(endpoint.address);
  }
  return endpoints;
}
