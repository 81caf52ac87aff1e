// route-keys id-service on 127.0.0.1: ids that route to the target, read from a file or from a
// fake Envoy admin started here, and a changed endpoint list picked up by the next poll.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildBalancer } from '../../cli/lb/balancer.ts';
import { parseEndpointList } from '../../cli/lb/endpoints.ts';
import { headerHash } from '../../cli/lb/header-hash.ts';
import { startIdService } from '../../cli/lb/id-service.ts';
import { ROOT } from '../support/modules.ts';

const dir = mkdtempSync(join(tmpdir(), 'route-keys-ids-'));

function routesTo(endpoints: string[], policy: 'ring_hash' | 'maglev', id: string): string {
  return buildBalancer(parseEndpointList(endpoints.join(',')), { policy }).choose(headerHash([id])!)!.address;
}

async function getIds(url: string, query: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/ids?${query}`);
  return { status: response.status, body: await response.json() };
}

function adminJson(endpoints: string[]) {
  return {
    cluster_statuses: [
      {
        name: 'carts',
        host_statuses: endpoints.map((e) => ({
          address: { socket_address: { address: e.split(':')[0], port_value: Number(e.split(':')[1]) } },
          weight: 1,
          health_status: { eds_health_status: 'HEALTHY' },
          priority: 0,
        })),
      },
    ],
  };
}

async function fakeAdmin(
  initial: string[],
): Promise<{ url: string; set(endpoints: string[]): void; close(): Promise<void> }> {
  let current = initial;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/clusters?format=json') return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(adminJson(current)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    set: (endpoints) => (current = endpoints),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const PODS = ['127.0.0.1:18211', '127.0.0.1:18212', '127.0.0.1:18213', '127.0.0.1:18214'];

test('id-service --envoy-admin: ids for the target and data centre; a pod that leaves Envoy is refused after the next poll', async () => {
  const admin = await fakeAdmin(PODS);
  const service = await startIdService({
    host: '127.0.0.1',
    port: 0,
    source: { adminUrl: admin.url, cluster: 'carts' },
    balancer: { policy: 'ring_hash' },
    pollMs: 100,
    log: () => {},
  });
  try {
    const { status, body } = await getIds(service.url, 'target=127.0.0.1:18213&dc=ams&count=25');
    assert.equal(status, 200);
    assert.equal(body.ids.length, 25);
    assert.equal(body.endpoints, 4);
    for (const id of body.ids) {
      assert.match(id, /^ams-[0-9a-z]{20}$/);
      assert.equal(routesTo(PODS, 'ring_hash', id), '127.0.0.1:18213');
    }
    const fewer = PODS.filter((p) => p !== '127.0.0.1:18213').concat('127.0.0.1:18215');
    admin.set(fewer);
    await service.nextPoll();
    await service.nextPoll();
    const gone = await getIds(service.url, 'target=127.0.0.1:18213&dc=ams');
    assert.equal(gone.status, 400);
    assert.match(gone.body.error, /127\.0\.0\.1:18213 is not one of the endpoints/);
    const added = await getIds(service.url, 'target=127.0.0.1:18215&dc=fra&count=5');
    assert.equal(added.status, 200);
    for (const id of added.body.ids) assert.equal(routesTo(fewer, 'ring_hash', id), '127.0.0.1:18215');
    // Admin unreachable: the last good list keeps serving.
    await admin.close();
    await service.nextPoll();
    assert.equal((await getIds(service.url, 'target=127.0.0.1:18215&dc=fra')).status, 200);
  } finally {
    await service.close();
    await admin.close().catch(() => {});
  }
});

test('id-service --endpoints @FILE: maglev ids; the file rewritten is reloaded; bad requests are 400 with a reason', async () => {
  const file = join(dir, 'pods.txt');
  writeFileSync(file, PODS.join('\n'));
  const service = await startIdService({
    host: '127.0.0.1',
    port: 0,
    source: { file },
    balancer: { policy: 'maglev' },
    pollMs: 100,
    log: () => {},
  });
  try {
    const { body } = await getIds(service.url, 'target=127.0.0.1:18211&dc=fra&count=10');
    for (const id of body.ids) assert.equal(routesTo(PODS, 'maglev', id), '127.0.0.1:18211');
    const more = [...PODS, '127.0.0.1:18215', '127.0.0.1:18216'];
    writeFileSync(file, more.join('\n'));
    await service.nextPoll();
    await service.nextPoll();
    const after = await getIds(service.url, 'target=127.0.0.1:18211&dc=fra&count=10');
    assert.equal(after.body.endpoints, 6);
    for (const id of after.body.ids) assert.equal(routesTo(more, 'maglev', id), '127.0.0.1:18211');
    const bad: [string, number, RegExp][] = [
      ['dc=fra', 400, /target and dc are required/],
      ['target=127.0.0.1:18211&dc=f-r-a', 400, /data centre "f-r-a" must be/],
      ['target=127.0.0.1:18211&dc=fra&count=1001', 400, /count must be 1 to 1000/],
      ['target=127.0.0.1:18211&dc=fra&count=x', 400, /count must be/],
    ];
    for (const [query, status, error] of bad) {
      const answer = await getIds(service.url, query);
      assert.equal(answer.status, status, query);
      assert.match(answer.body.error, error);
    }
    assert.equal((await fetch(`${service.url}/other`)).status, 404);
  } finally {
    await service.close();
  }
});

test('route-keys id-service: listens, answers, stops on SIGTERM; refuses a poll interval out of bounds', async () => {
  const file = join(dir, 'cli-pods.txt');
  writeFileSync(file, PODS.join('\n'));
  const child = spawn(
    process.execPath,
    [join(ROOT, 'cli', 'bin.js'), 'id-service', '--port', '0', '--policy', 'ring_hash', '--endpoints', `@${file}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    const { status, body } = await getIds(url, 'target=127.0.0.1:18212&dc=ams&count=3');
    assert.equal(status, 200);
    for (const id of body.ids) assert.equal(routesTo(PODS, 'ring_hash', id), '127.0.0.1:18212');
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  }
  const refused = spawn(
    process.execPath,
    [
      join(ROOT, 'cli', 'bin.js'),
      'id-service',
      '--port',
      '0',
      '--policy',
      'ring_hash',
      '--endpoints',
      `@${file}`,
      '--poll-ms',
      '10',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  refused.stderr!.on('data', (chunk) => (stderr += chunk));
  assert.equal(await new Promise((resolve) => refused.once('exit', resolve)), 1);
  assert.match(stderr, /the poll interval must be 100 to 60000 ms/);
});
