// npm run bench, the balancers (cli/lb): ring and table build time, lookups per second (a raw
// hash, and a header value hashed as the route does), and ids minted per second, for 4, 64 and
// 1,024 endpoints at Envoy's default sizes (ring 1024..8M entries, Maglev table 65537).
import { randomBytes } from 'node:crypto';
import { type Balancer, type Policy, buildBalancer } from '../cli/lb/balancer.ts';
import type { Endpoint } from '../cli/lb/endpoints.ts';
import { headerHash } from '../cli/lb/header-hash.ts';
import { minter } from '../cli/lb/mint.ts';

export interface LbBenchResult {
  name: string;
  endpoints: number;
  size: number;
  buildMillis: number;
  lookupsPerSecond: number;
  keyLookupsPerSecond: number;
  mintedPerSecond: number;
  // The minting target's share of the hash space: each id costs about 1/share candidates.
  targetShare: number;
}

export const LB_SIZES = [4, 64, 1024];

function endpoints(count: number): Endpoint[] {
  return Array.from({ length: count }, (_, i) => ({
    address: `10.${(i >> 8) & 255}.${i & 255}.1:8080`,
    weight: 1,
    hostname: '',
    hashKey: '',
    healthy: true,
  }));
}

// Median of timed runs of fn, in milliseconds.
function medianMillis(runs: number, fn: () => void): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

// Operations per second over at least minMillis of repeated batches.
function perSecond(minMillis: number, batch: number, fn: (i: number) => void): number {
  let done = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minMillis) {
    for (let i = 0; i < batch; i++) fn(done + i);
    done += batch;
    elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  }
  return Math.round((done * 1000) / elapsed);
}

export function runLbBenchmarks(millis: number, only?: string): LbBenchResult[] {
  const results: LbBenchResult[] = [];
  for (const policy of ['ring_hash', 'maglev'] as Policy[]) {
    for (const count of LB_SIZES) {
      const name = `lb ${policy} ${count} endpoints`;
      if (only !== undefined && !name.includes(only)) continue;
      const hosts = endpoints(count);
      let balancer: Balancer = buildBalancer(hosts, { policy });
      // Warm-up, so the first size does not pay for compilation.
      for (let i = 0; i < 3; i++) buildBalancer(hosts, { policy });
      const buildMillis = medianMillis(
        policy === 'maglev' && count === 1024 ? 5 : 9,
        () => (balancer = buildBalancer(hosts, { policy })),
      );
      const hashes = new BigUint64Array(randomBytes(8 * 4096).buffer);
      const keys = Array.from({ length: 4096 }, (_, i) => `ams-${i.toString(36)}x${hashes[i]!.toString(36)}`);
      const lookupsPerSecond = perSecond(millis, 4096, (i) => balancer.choose(hashes[i & 4095]!));
      const keyLookupsPerSecond = perSecond(millis, 1024, (i) => balancer.choose(headerHash([keys[i & 4095]!])!));
      const m = minter(balancer, hosts[count >> 1]!.address, 'ams-');
      const mintedPerSecond = perSecond(millis, 1, () => m.mint());
      results.push({
        name,
        endpoints: count,
        size: balancer.size,
        buildMillis: Math.round(buildMillis * 1000) / 1000,
        lookupsPerSecond,
        keyLookupsPerSecond,
        mintedPerSecond,
        targetShare: Math.round(m.share * 1e6) / 1e6,
      });
    }
  }
  return results;
}

export function lbLine(r: LbBenchResult): string {
  return `${r.name.padEnd(32)} ${r.size.toString().padStart(6)} entries  build ${r.buildMillis.toFixed(2).padStart(8)} ms  lookups ${r.lookupsPerSecond.toLocaleString('en').padStart(11)}/s  by header value ${r.keyLookupsPerSecond.toLocaleString('en').padStart(9)}/s  mint ${r.mintedPerSecond.toLocaleString('en').padStart(7)} ids/s (target share ${(r.targetShare * 100).toFixed(3)}%)\n`;
}
