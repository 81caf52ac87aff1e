// route-keys lb and route-keys mint.
import { CliError } from '../errors.ts';
import { type Balancer, buildBalancer } from './balancer.ts';
import { headerHash } from './header-hash.ts';
import { mintIds } from './mint.ts';
import { type BalancerFlags, balancerOptions, readEndpoints } from './options.ts';

const MAX_U64 = 0xffffffffffffffffn;

export function balancerFrom(flags: BalancerFlags): Balancer {
  const endpoints = readEndpoints(flags.endpoints!, flags.cluster);
  if (endpoints.length === 0) throw new CliError('--endpoints lists no endpoint');
  try {
    return buildBalancer(endpoints, balancerOptions(flags));
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

export function lbCommand(flags: BalancerFlags & { key: string[]; hash?: string }): Record<string, unknown> {
  if (flags.key.length > 0 === (flags.hash !== undefined))
    throw new CliError('give either --key VALUE (repeat it for several values of the header) or --hash U64');
  let hash: bigint;
  if (flags.hash !== undefined) {
    if (!/^[0-9]{1,20}$/.test(flags.hash) || BigInt(flags.hash) > MAX_U64)
      throw new CliError(`--hash takes a decimal 64-bit unsigned number, not "${flags.hash}"`);
    hash = BigInt(flags.hash);
  } else {
    hash = headerHash(flags.key)!;
  }
  const balancer = balancerFrom(flags);
  const endpoint = balancer.choose(hash);
  const result: Record<string, unknown> = { endpoint: endpoint?.address ?? null, hash: hash.toString() };
  if (balancer.policy === 'ring_hash') result.ring_size = balancer.size;
  else result.table_size = balancer.size;
  return result;
}

export function mintCommand(flags: BalancerFlags & { target: string; prefix: string; count: number }): string[] {
  const balancer = balancerFrom(flags);
  try {
    return mintIds(balancer, flags.target, flags.prefix, flags.count);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}
