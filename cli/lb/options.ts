// The balancer options lb, mint and id-service share, as commander options and as read back.
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { CliError } from '../errors.ts';
import type { BalancerOptions, Policy } from './balancer.ts';
import { type Endpoint, parseEndpointFile, parseEndpointList } from './endpoints.ts';
import type { RingHashFunction } from './ring-hash.ts';

export function addBalancerOptions(command: Command, endpointsRequired = true): Command {
  const endpoints = new Option(
    '--endpoints <A,B,…|@FILE>',
    'endpoints HOST:PORT[;weight=N][;hostname=NAME][;hash_key=KEY], comma-separated, or @FILE: one a line, a JSON list, or Envoy admin /clusters?format=json output',
  );
  if (endpointsRequired) endpoints.makeOptionMandatory();
  else endpoints.description += ' (default: none, --envoy-admin is used)';
  return command
    .addOption(
      new Option('--policy <POLICY>', 'the cluster lb_policy').choices(['ring_hash', 'maglev']).makeOptionMandatory(),
    )
    .addOption(endpoints)
    .option(
      '--cluster <NAME>',
      'the cluster to read from Envoy admin output with several clusters (default: the only cluster)',
    )
    .option('--min-ring-size <N>', 'ring_hash minimum_ring_size (default: 1024)', (v) => positive(v, '--min-ring-size'))
    .option('--max-ring-size <N>', 'ring_hash maximum_ring_size (default: 8388608)', (v) =>
      positive(v, '--max-ring-size'),
    )
    .option('--table-size <N>', 'maglev table_size, a prime (default: 65537)', (v) => positive(v, '--table-size'))
    .option('--hostnames', 'use_hostname_for_hashing', false)
    .addOption(
      new Option('--hash-function <NAME>', 'ring_hash hash_function')
        .choices(['xx_hash', 'murmur_hash_2'])
        .default('xx_hash'),
    );
}

export interface BalancerFlags {
  policy: Policy;
  endpoints?: string;
  cluster?: string;
  minRingSize?: number;
  maxRingSize?: number;
  tableSize?: number;
  hostnames: boolean;
  hashFunction: RingHashFunction;
}

export function balancerOptions(flags: BalancerFlags): BalancerOptions {
  return {
    policy: flags.policy,
    minRingSize: flags.minRingSize,
    maxRingSize: flags.maxRingSize,
    tableSize: flags.tableSize,
    useHostname: flags.hostnames,
    hashFunction: flags.hashFunction,
  };
}

export function readEndpoints(spec: string, cluster?: string): Endpoint[] {
  try {
    if (!spec.startsWith('@')) return parseEndpointList(spec);
    const file = spec.slice(1);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        cause: error,
      });
    }
    return parseEndpointFile(text, file, cluster);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

function positive(value: string, flag: string): number {
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new CliError(`${flag} takes a positive whole number, not "${value}"`);
  return Number(value);
}
