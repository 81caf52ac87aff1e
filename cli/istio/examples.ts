// The committed examples of `render istio`: plugins/<name>/istio.yaml and the Kustomize base
// under deploy/kustomize/base, rendered for registry.example.com. `npm test` and `npm start`
// compare them, digests included, with a fresh render.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from '../build.ts';
import { EXAMPLE_DATA_CENTRES } from './data-centres.ts';
import { kustomization, type RenderOptions, renderFiles, toYaml } from './render.ts';

export const EXAMPLE_OPTIONS: RenderOptions = { registry: 'registry.example.com', dataCentres: EXAMPLE_DATA_CENTRES };
export const EXAMPLE_BASE = join('deploy', 'kustomize', 'base');

// Repository path → the text a fresh render gives it.
export function exampleTexts(): Map<string, string> {
  const files = renderFiles(EXAMPLE_OPTIONS);
  const texts = new Map<string, string>();
  for (const file of files) {
    if (file.name !== 'gateway.yaml')
      texts.set(join('plugins', file.name.replace(/\.yaml$/, ''), 'istio.yaml'), toYaml(file));
    texts.set(join(EXAMPLE_BASE, file.name), toYaml(file));
  }
  texts.set(join(EXAMPLE_BASE, 'kustomization.yaml'), kustomization(files));
  return texts;
}

export function writeExamples(): string[] {
  const written: string[] = [];
  for (const [path, text] of exampleTexts()) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), text);
    written.push(path);
  }
  return written;
}

// The committed examples that differ from a fresh render (or are missing).
export function staleExamples(root = ROOT): string[] {
  return [...exampleTexts()]
    .filter(([path, text]) => !existsSync(join(root, path)) || readFileSync(join(root, path), 'utf8') !== text)
    .map(([path]) => path);
}
