// The `route-keys render istio` command: prints the resources, writes them as a Kustomize base,
// or writes / checks the committed examples.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.ts';
import { EXAMPLE_DATA_CENTRES, parseDataCentres } from './data-centres.ts';
import { EXAMPLE_OPTIONS, staleExamples, writeExamples } from './examples.ts';
import { kustomization, renderFiles, toYaml } from './render.ts';
import { checkIstioVersion } from './versions.ts';

export interface RenderCommandOptions {
  registry?: string;
  repositoryNamespace: string;
  namespace: string;
  selector: string;
  host: string;
  issuer: string;
  jwksUri: string;
  istioVersion?: string;
  dc: string;
  peerDc: string[];
  out?: string;
  examples: boolean;
  check: boolean;
}

export function renderIstioCommand(target: string, options: RenderCommandOptions, out: (text: string) => void): void {
  if (target !== 'istio') throw new CliError(`render knows "istio", not "${target}"`);
  if (options.istioVersion !== undefined) checkIstioVersion(options.istioVersion);
  if (options.check) {
    const stale = staleExamples();
    if (stale.length)
      throw new CliError(
        'the committed Istio examples differ from a fresh render: run npm run render:examples',
        1,
        stale,
      );
    out(`the committed Istio examples match a fresh render (${EXAMPLE_OPTIONS.registry})\n`);
    return;
  }
  if (options.examples) {
    for (const path of writeExamples()) out(`wrote ${path}\n`);
    return;
  }
  if (!options.registry)
    throw new CliError('render istio needs --registry HOST[:PORT] (the registry the images were pushed to)');
  if (!/^[^=\s]+=[^=\s]*$/.test(options.selector))
    throw new CliError(`--selector takes KEY=VALUE, not "${options.selector}"`);
  const peers =
    options.peerDc.length > 0 ? options.peerDc : EXAMPLE_DATA_CENTRES.peers.map((p) => `${p.name}=${p.host}`);
  const dataCentres = parseDataCentres(options.dc, peers);
  const files = renderFiles({
    registry: options.registry,
    repositoryNamespace: options.repositoryNamespace,
    namespace: options.namespace,
    selector: options.selector,
    host: options.host,
    issuer: options.issuer,
    jwksUri: options.jwksUri,
    dataCentres,
  });
  if (options.out) {
    mkdirSync(options.out, { recursive: true });
    for (const file of files) writeFileSync(join(options.out, file.name), toYaml(file));
    writeFileSync(join(options.out, 'kustomization.yaml'), kustomization(files));
  } else for (const file of files) out(`${toYaml(file)}---\n`);
}
