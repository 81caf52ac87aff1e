// Every option of every command says in its --help what happens when it is left out: a default,
// "(required)", or it is a flag (off unless given).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { main } from '../../cli/main.ts';

async function helpOf(...args: string[]): Promise<string> {
  let text = '';
  const status = await main([...args, '--help'], (chunk) => (text += chunk));
  assert.equal(status, 0, `${args.join(' ')} --help`);
  return text;
}

// The entries of a help section: a line indented by two spaces, with its wrapped continuation lines.
function entries(help: string, section: string): string[] {
  const lines = help.split('\n');
  const start = lines.indexOf(`${section}:`);
  if (start < 0) return [];
  const found: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    if (/^ {2}\S/.test(line)) found.push(line.trim());
    else found[found.length - 1] += ` ${line.trim()}`;
  }
  return found;
}

test('every option of every command shows its default, or is required, or is a flag', async () => {
  const commands = entries(await helpOf(), 'Commands')
    .map((entry) => entry.split(' ')[0]!)
    .filter((name) => name !== 'help');
  assert.ok(commands.length >= 8, `commands: ${commands.join(', ')}`);
  const undocumented: string[] = [];
  for (const command of commands) {
    const options = entries(await helpOf(command), 'Options');
    assert.ok(options.length > 0, `${command} lists its options`);
    for (const option of options) {
      const [flags] = option.split(/ {2,}/);
      const takesValue = /[<[]/.test(flags!);
      if (takesValue && !/\((?:[^()]*, )?default: [^)]+\)|\(required\)/.test(option))
        undocumented.push(`${command} ${option}`);
    }
  }
  assert.deepEqual(undocumented, []);
});

test('run --help gives the buffer limit default of 1 MiB and marks --request and --wasm required', async () => {
  const options = entries(await helpOf('run'), 'Options');
  const line = (flag: string) => options.find((entry) => entry.startsWith(flag)) ?? '';
  assert.match(line('--buffer-limit'), /\(default: 1048576, 1 MiB/);
  assert.match(line('--request'), /\(required\)$/);
  assert.match(line('--wasm'), /\(required\)$/);
});
