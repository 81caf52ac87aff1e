// One asc compiler in a worker thread: compiles the jobs the build sends it, one at a time, and
// answers with the errors and every file asc looked for (its content hash, or null when absent),
// which is what decides later whether the output is still current.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parentPort } from 'node:worker_threads';

const { default: asc } = await import('assemblyscript/asc');

const sha256 = (text) => createHash('sha256').update(text).digest('hex');

parentPort.on('message', async ({ id, args }) => {
  let errors = '';
  const inputs = {};
  try {
    const { error } = await asc.main(args, {
      readFile: async (name, baseDir) => {
        const path = resolve(baseDir, name);
        let text = null;
        try {
          text = await readFile(path, 'utf8');
        } catch {
          // asc probes several candidate paths per import; a missing one is remembered as absent.
        }
        inputs[path] = text === null ? null : sha256(text);
        return text;
      },
      stdout: { write: () => true },
      stderr: {
        write: (text) => {
          errors += typeof text === 'string' ? text : new TextDecoder().decode(text);
          return true;
        },
      },
    });
    parentPort.postMessage({ id, error: error ? error.message : null, errors, inputs });
  } catch (thrown) {
    parentPort.postMessage({ id, error: String(thrown?.stack ?? thrown), errors, inputs });
  }
});
