// The route-keys command run in this process, as cli/bin.js runs it: main() with the arguments,
// what it writes to stdout and stderr, and the exit status it returns. A new Node process per
// command would pay tsx's and the CLI's start-up each time; tests/cli/not-built.test.ts runs
// bin.js itself.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './modules.ts';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

type Main = (argv: string[], out: (text: string) => void, err: (text: string) => void) => Promise<number>;

// The command of the repository at `root` (a fresh copy has its own cli/, plugins/ and dist/).
export function commandOf(root: string): (...args: string[]) => Promise<Ran> {
  let main: Promise<Main> | undefined;
  return async (...args) => {
    main ??= import(pathToFileURL(join(root, 'cli', 'main.ts')).href).then((m) => m.main as Main);
    let stdout = '';
    let stderr = '';
    const status = await (
      await main
    )(
      args,
      (text) => (stdout += text),
      (text) => (stderr += text),
    );
    return { status, stdout, stderr };
  };
}

export const routeKeys = commandOf(ROOT);
