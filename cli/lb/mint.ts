// The ID generator, routing run backwards: random ids with a data-centre prefix, kept only when
// the route's header hash lands on the target endpoint. Work is bounded by the target's share.
import { randomFillSync } from 'node:crypto';
import type { Balancer } from './balancer.ts';
import { findEndpoint } from './balancer.ts';
import { xxHash64 } from './xxhash64.ts';

// 32 symbols, 5 random bits each; lower-case letters and digits only, so an id matches
// body-keys' default pattern and has no "-" after its prefix (derived stops at the first one).
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
export const RANDOM_CHARACTERS = 20;
// The chance that a target with a share of the ring gets no id within the bound.
const GIVE_UP_PROBABILITY = 1e-12;

// The id prefix for a data centre: its name and the "-" body-keys' derived header stops at.
export function dcPrefix(dc: string): string {
  if (!/^[A-Za-z0-9._]{1,40}$/.test(dc)) throw new Error(`data centre "${dc}" must be 1 to 40 of A-Z a-z 0-9 . _`);
  return `${dc}-`;
}

export function checkPrefix(prefix: string): string {
  if (!/^[A-Za-z0-9._]{1,40}-$/.test(prefix))
    throw new Error(
      `prefix "${prefix}" must be a data centre name (A-Z a-z 0-9 . _, at most 40) followed by "-", for example ams-`,
    );
  return prefix;
}

// Candidates to try before giving up: enough that a target with this share fails once in 10^12.
export function attemptBound(share: number): number {
  if (!(share > 0)) return 0;
  if (share >= 1) return 1;
  return Math.ceil(Math.log(GIVE_UP_PROBABILITY) / Math.log1p(-share));
}

export interface Minter {
  target: string;
  share: number;
  attempts: number;
  mint(): string;
}

export function minter(balancer: Balancer, target: string, prefix: string): Minter {
  checkPrefix(prefix);
  const endpoint = findEndpoint(balancer, target);
  const share = balancer.shares().get(endpoint) ?? 0;
  if (share === 0)
    throw new Error(
      `${target} has no share of the ${balancer.policy === 'ring_hash' ? 'ring' : 'table'} (unhealthy while others are healthy, or squeezed out by the ring size): no id can route to it`,
    );
  const attempts = attemptBound(share);
  const random = new Uint8Array(RANDOM_CHARACTERS * 256);
  let used = random.length;
  // The candidate's bytes: the prefix, then the random characters written in place.
  const prefixBytes = Buffer.from(prefix, 'latin1');
  const bytes = new Uint8Array(prefixBytes.length + RANDOM_CHARACTERS);
  bytes.set(prefixBytes);
  const alphabet = Buffer.from(ALPHABET, 'latin1');
  const candidate = () => {
    if (used === random.length) {
      randomFillSync(random);
      used = 0;
    }
    for (let i = prefixBytes.length; i < bytes.length; i++) bytes[i] = alphabet[random[used++]! & 31]!;
    return bytes;
  };
  return {
    target,
    share,
    attempts,
    mint() {
      for (let i = 0; i < attempts; i++) {
        // One value of the header: the route's hash is the xxHash64 of its bytes.
        const id = candidate();
        if (balancer.choose(xxHash64(id)) === endpoint) return Buffer.from(id).toString('latin1');
      }
      throw new Error(`no id for ${target} within ${attempts} candidates (share ${share})`);
    },
  };
}

export function mintIds(balancer: Balancer, target: string, prefix: string, count: number): string[] {
  const m = minter(balancer, target, prefix);
  return Array.from({ length: count }, () => m.mint());
}
