// Every shell block of the READMEs marked `<!-- runnable -->` runs as printed on a fresh copy of
// the repository, and prints what the README shows after it. Markers (HTML comments, on the line
// before a fence, invisible on GitHub):
//   <!-- runnable -->           the ```sh block below is run with bash -e, from the copy's root;
//                               `npm ci` in it is the node_modules link the copy already has
//   <!-- not run: REASON -->    the ```sh block below is not run here (it needs a registry, Envoy…)
//   <!-- output -->             the ```text block below is the whole stdout of the block before it
//   <!-- output: excerpt -->    … or parts of it: runs of lines separated by "…" lines, each run
//                               found as consecutive lines of the output (indentation ignored)
//   <!-- file: PATH -->         the block below is the content of PATH
// The README's first runnable block (npm ci, npm start) builds and runs first; the others then
// run at the same time. sha256 digests are compared as "sha256:<digest>". The copy starts with
// this checkout's release modules and their build records: npm start's build keeps a module only
// when the copy's sources and options hash as they did for it, and compiles it otherwise.
// own process: it runs the README commands in a fresh copy of the repository, processes of their own
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freshCopy, withReleaseBuilds } from '../support/fresh-copy.ts';
import { ROOT } from '../support/modules.ts';
import { type Finished, runToEnd } from '../support/processes.ts';

interface Block {
  where: string;
  marker: string;
  info: string;
  text: string;
  output?: { text: string; excerpt: boolean };
}

const readmes = [
  'README.md',
  'envoy-test-configs/README.md',
  ...readdirSync(join(ROOT, 'plugins')).map((p) => `plugins/${p}/README.md`),
].filter((f) => existsSync(join(ROOT, f)));

function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    // Fences may be indented (a block inside a list item); the block ends at the same indentation.
    const fence = /^( *)```(\S*)/.exec(lines[i]!);
    if (!fence) continue;
    const indent = fence[1]!;
    const end = lines.indexOf(`${indent}\`\`\``, i + 1);
    assert.ok(end > i, `${file}:${i + 1}: unclosed block`);
    const previous =
      lines
        .slice(0, i)
        .filter((l) => l.trim() !== '')
        .at(-1) ?? '';
    const marker = /^<!-- (.*) -->$/.exec(previous.trim())?.[1] ?? '';
    const text = lines
      .slice(i + 1, end)
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n');
    blocks.push({ where: `${file}:${i + 1}`, marker, info: fence[2]!, text });
    i = end;
  }
  // An output block belongs to the runnable block before it.
  const kept: Block[] = [];
  for (const block of blocks) {
    if (block.marker === 'output' || block.marker === 'output: excerpt') {
      const owner = kept.at(-1);
      assert.ok(owner?.marker === 'runnable', `${block.where}: an output block follows a runnable block`);
      owner.output = { text: block.text, excerpt: block.marker !== 'output' };
    } else kept.push(block);
  }
  return kept;
}

const blocks = readmes.flatMap(blocksOf);
const runnable = blocks.filter((b) => b.marker === 'runnable');

test('every shell block of the READMEs is runnable, or says why it is not run', () => {
  const unmarked = blocks
    .filter((b) => b.info === 'sh' && b.marker !== 'runnable' && !/^not run: \S/.test(b.marker))
    .map((b) => b.where);
  assert.deepEqual(unmarked, []);
  assert.ok(runnable.length >= 4, `runnable blocks: ${runnable.map((b) => b.where).join(', ')}`);
  assert.ok(
    runnable.every((b) => b.info === 'sh'),
    'runnable blocks are sh blocks',
  );
});

test('a block marked as a file shows that file', () => {
  for (const block of blocks.filter((b) => b.marker.startsWith('file: '))) {
    assert.equal(`${block.text}\n`, readFileSync(join(ROOT, block.marker.slice('file: '.length)), 'utf8'), block.where);
  }
});

const normalise = (text: string) => text.replace(/sha256:[0-9a-f]{64}/g, 'sha256:<digest>').replace(/[ \t]+$/gm, '');

// A user's shell: without the node_modules/.bin directories `npm test` puts first (they hold the
// npm 6 that npm-install-peers depends on); and without envoy or func-e, whose absence the
// documented output shows.
const path = (process.env.PATH ?? '')
  .split(delimiter)
  .filter(
    (dir) =>
      !/node_modules[/\\]\.bin$/.test(dir) && !existsSync(join(dir, 'envoy')) && !existsSync(join(dir, 'func-e')),
  )
  .join(delimiter);

type Ran = Finished;

function runBlock(block: Block, cwd: string): Promise<Ran> {
  const script = block.text.replace(/^npm ci\b.*$/gm, 'test -d node_modules');
  return runToEnd('bash', ['-e', '-o', 'pipefail', '-c', script], {
    cwd,
    env: { ...process.env, PATH: path, NO_COLOR: '1' },
  });
}

function checkOutput(block: Block, ran: Ran): void {
  assert.equal(ran.status, 0, `${block.where} exited ${ran.status}:\n${ran.stderr.slice(-2000)}`);
  if (!block.output) return;
  const actual = normalise(ran.stdout);
  const expected = normalise(block.output.text);
  if (!block.output.excerpt) {
    assert.equal(actual.trimEnd(), expected.trimEnd(), `${block.where}: the output differs from the README`);
    return;
  }
  const lines = actual.split('\n').map((l) => l.trim());
  let from = 0;
  for (const run of expected
    .split(/^…$/m)
    .map((part) =>
      part
        .trim()
        .split('\n')
        .map((l) => l.trim()),
    )
    .filter((r) => r.join('') !== '')) {
    let at = -1;
    for (let i = from; i + run.length <= lines.length && at < 0; i++)
      if (run.every((line, k) => lines[i + k] === line)) at = i;
    assert.ok(
      at >= 0,
      `${block.where}: the output does not have, in this order:\n${run.join('\n')}\n--- output:\n${actual}`,
    );
    from = at + run.length;
  }
}

describe('README commands, run as printed on a fresh copy', { concurrency: true }, () => {
  const [first, ...rest] = runnable;
  let copy = '';
  let firstRun: Ran;
  before(async () => {
    copy = freshCopy('route-keys-readme-');
    withReleaseBuilds(copy);
    firstRun = await runBlock(first!, copy);
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  test(`${first!.where}: ${first!.text.split('\n').join(' / ')}`, () => checkOutput(first!, firstRun));
  for (const block of rest) {
    test(`${block.where}: ${block.text.split('\n')[0]}`, async () => checkOutput(block, await runBlock(block, copy)));
  }
});
