// The route-keys command run in this process, as cli/bin.js runs it: main() with the arguments,
// what it writes to stdout and stderr, and the exit status it returns. A new Node process per
// command would pay tsx's and the CLI's start-up each time; tests/cli/not-built.test.ts runs
// bin.js itself.
import { main } from '../../cli/main.ts';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

export async function routeKeys(...args: string[]): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const status = await main(
    args,
    (text) => (stdout += text),
    (text) => (stderr += text),
  );
  return { status, stdout, stderr };
}
