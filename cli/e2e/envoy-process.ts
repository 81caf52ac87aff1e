// Runs real Envoy on a bootstrap when one can run here: an `envoy` on PATH, or func-e (which
// downloads Envoy on first use). Otherwise says why, so the caller can fall back to the host.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { EnvoyBootstrap } from './envoy-config.ts';

export interface EnvoyCommand {
  command: string;
  args: string[];
}

export function findEnvoy(): EnvoyCommand | { unavailable: string } {
  const works = (command: string, args: string[]) =>
    spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (works('envoy', ['--version'])) return { command: 'envoy', args: [] };
  if (works('func-e', ['--version'])) return { command: 'func-e', args: ['run'] };
  return { unavailable: 'no envoy on PATH and no func-e' };
}

export interface RunningEnvoy {
  stop(): Promise<void>;
}

export async function startEnvoy(
  envoy: EnvoyCommand,
  bootstrap: EnvoyBootstrap,
  cwd: string,
  readyTimeoutMs = 120_000,
): Promise<RunningEnvoy> {
  if (!bootstrap.admin) throw new Error(`${bootstrap.file}: an admin address is needed to know when Envoy is ready`);
  const child: ChildProcess = spawn(
    envoy.command,
    [...envoy.args, '-c', bootstrap.file, '--base-id', String(process.pid % 60000), '--log-level', 'warn'],
    {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  const ready = `http://${bootstrap.admin.host}:${bootstrap.admin.port}/ready`;
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(ready)).status === 200) return { stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  const last = stderr.trim().split('\n').at(-1) ?? '';
  throw new Error(`${envoy.command} did not become ready on ${bootstrap.file}${last ? `: ${last}` : ''}`);
}
