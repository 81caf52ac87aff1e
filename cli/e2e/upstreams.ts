// Local upstream servers, one per cluster endpoint of a bootstrap (not the gateway clusters, whose
// endpoint is a listener): each answers every request with where it landed (cluster and address)
// and the headers it received.
import { type Server, createServer } from 'node:http';
import type { EnvoyBootstrap } from './envoy-config.ts';
import { holdScenarioPorts } from './port-lock.ts';

export interface Landing {
  cluster: string;
  endpoint: string;
  headers: [string, string][];
}

export async function startUpstreams(bootstrap: EnvoyBootstrap): Promise<() => Promise<void>> {
  const release = await holdScenarioPorts();
  const servers: Server[] = [];
  const close = () =>
    Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())))).then(() => release());
  try {
    for (const cluster of bootstrap.clusters.values()) {
      // A gateway's endpoint is a listener: Envoy's own, or the host's route model re-entering it.
      if (cluster.gateway !== null) continue;
      for (const { host, port } of cluster.endpoints) {
        const endpoint = `${host}:${port}`;
        const server = createServer((request, response) => {
          request.resume();
          request.on('end', () => {
            const headers: [string, string][] = [];
            for (let i = 0; i < request.rawHeaders.length; i += 2)
              headers.push([request.rawHeaders[i]!.toLowerCase(), request.rawHeaders[i + 1]!]);
            const landing: Landing = { cluster: cluster.name, endpoint, headers };
            response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(landing));
          });
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', (error) =>
            reject(new Error(`upstream ${cluster.name} could not listen on ${endpoint}: ${error.message}`)),
          );
          server.listen(port, host, resolve);
        });
        servers.push(server);
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return close;
}
