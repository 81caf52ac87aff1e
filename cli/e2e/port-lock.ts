// The scenarios' upstreams listen on the fixed ports their bootstraps name, so two scenario runs
// on one machine (test files run concurrently, a demo beside a test) take turns: a lock directory
// in the temporary folder, created atomically, holding the owner's pid so a dead owner's lock is
// taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const LOCK = join(tmpdir(), 'route-keys-scenario-ports.lock');
const WAIT_MS = 10 * 60 * 1000;

function ownerAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists under another user; ENOENT: the owner is still writing its pid.
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EPERM' || code === 'ENOENT';
  }
}

// Resolves with the release function once this process holds the ports.
export async function holdScenarioPorts(): Promise<() => void> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(LOCK, { recursive: true, force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (!ownerAlive()) {
      rmSync(LOCK, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`the scenario ports stayed held by another run (${LOCK})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
