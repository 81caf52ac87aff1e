// route-keys id-service: GET /ids?target=ENDPOINT&dc=DC[&count=N] answers ids that route to the
// target. The endpoint list comes from a file or Envoy admin and is polled; a changed list
// rebuilds the balancer, as Envoy rebuilds its ring.
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Balancer, type BalancerOptions, buildBalancer } from './balancer.ts';
import { type Endpoint, adminEndpoints, parseEndpointFile } from './endpoints.ts';
import { type Minter, dcPrefix, minter } from './mint.ts';

export const MAX_IDS_PER_REQUEST = 1000;
export const MIN_POLL_MS = 100;
export const MAX_POLL_MS = 60_000;

export type EndpointSource = { file: string } | { adminUrl: string; cluster: string };

export interface IdServiceOptions {
  host: string;
  port: number;
  source: EndpointSource;
  balancer: BalancerOptions;
  pollMs: number;
  log?: (line: string) => void;
}

export interface IdService {
  url: string;
  // Resolves after the next poll has finished (the list reloaded if it changed).
  nextPoll(): Promise<void>;
  close(): Promise<void>;
}

async function loadEndpoints(source: EndpointSource): Promise<Endpoint[]> {
  if ('file' in source) return parseEndpointFile(await readFile(source.file, 'utf8'), source.file);
  const url = new URL('/clusters?format=json', source.adminUrl);
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (response.status !== 200) throw new Error(`${url}: status ${response.status}`);
  return adminEndpoints(await response.json(), url.toString(), source.cluster);
}

const signature = (endpoints: Endpoint[]) =>
  JSON.stringify(endpoints.map((e) => [e.address, e.weight, e.hostname, e.hashKey, e.healthy]));

export async function startIdService(options: IdServiceOptions): Promise<IdService> {
  if (!(options.pollMs >= MIN_POLL_MS && options.pollMs <= MAX_POLL_MS))
    throw new Error(`the poll interval must be ${MIN_POLL_MS} to ${MAX_POLL_MS} ms`);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let balancer: Balancer | null = null;
  let loadedSignature = '';
  let lastError: string | null = null;
  // Minters per target and prefix, for the current balancer only.
  let minters = new Map<string, Minter>();

  const reload = async () => {
    try {
      const endpoints = await loadEndpoints(options.source);
      const current = signature(endpoints);
      if (current !== loadedSignature) {
        balancer = endpoints.length === 0 ? null : buildBalancer(endpoints, options.balancer);
        loadedSignature = current;
        minters = new Map();
        log(`id-service: ${endpoints.length} endpoints loaded`);
      }
      lastError = null;
    } catch (error) {
      // Keep serving from the last good list; say so once per distinct error.
      const message = (error as Error).message;
      if (message !== lastError) log(`id-service: endpoint list not reloaded: ${message}`);
      lastError = message;
    }
  };
  await reload();

  let waiters: (() => void)[] = [];
  let stopped = false;
  let timer: NodeJS.Timeout;
  const schedule = () => {
    timer = setTimeout(async () => {
      await reload();
      const done = waiters;
      waiters = [];
      done.forEach((w) => w());
      if (!stopped) schedule();
    }, options.pollMs);
  };
  schedule();

  const server: Server = createServer((request, response) => answer(request, response));
  const answer = (request: IncomingMessage, response: ServerResponse) => {
    const reply = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(`${JSON.stringify(body)}\n`);
    const url = new URL(request.url ?? '/', 'http://id-service');
    if (url.pathname !== '/ids') return reply(404, { error: 'GET /ids?target=ENDPOINT&dc=DC[&count=N]' });
    if (request.method !== 'GET') return reply(405, { error: 'only GET' });
    const target = url.searchParams.get('target');
    const dc = url.searchParams.get('dc');
    const countText = url.searchParams.get('count') ?? '1';
    if (!target || !dc) return reply(400, { error: 'target and dc are required' });
    if (!/^[1-9][0-9]{0,3}$/.test(countText) || Number(countText) > MAX_IDS_PER_REQUEST)
      return reply(400, { error: `count must be 1 to ${MAX_IDS_PER_REQUEST}` });
    if (balancer === null) return reply(503, { error: `no endpoint list loaded${lastError ? `: ${lastError}` : ''}` });
    try {
      const prefix = dcPrefix(dc);
      const key = `${target}\n${prefix}`;
      let m = minters.get(key);
      if (!m) minters.set(key, (m = minter(balancer, target, prefix)));
      const ids = Array.from({ length: Number(countText) }, () => m!.mint());
      return reply(200, { ids, target, dc, share: m.share, endpoints: balancer.endpoints.length });
    } catch (error) {
      return reply(400, { error: (error as Error).message });
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`,
    nextPoll: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: async () => {
      stopped = true;
      clearTimeout(timer);
      waiters.forEach((w) => w());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
