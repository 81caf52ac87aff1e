// The `route-keys render istio` command: prints the resources, or writes one file per plugin.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, pluginNames } from '../build.ts';
import { CliError } from '../errors.ts';
import { renderYaml } from './render.ts';

export interface RenderCommandOptions {
  registry: string;
  repositoryNamespace: string;
  namespace: string;
  selector: string;
  issuer: string;
  jwksUri: string;
  out?: string;
  intoPlugins: boolean;
}

export function renderIstioCommand(target: string, options: RenderCommandOptions, out: (text: string) => void): void {
  if (target !== 'istio') throw new CliError(`render knows "istio", not "${target}"`);
  if (!/^[^=\s]+=[^=\s]*$/.test(options.selector)) throw new CliError(`--selector takes KEY=VALUE, not "${options.selector}"`);
  const renderOptions = { registry: options.registry, repositoryNamespace: options.repositoryNamespace, namespace: options.namespace, selector: options.selector, issuer: options.issuer, jwksUri: options.jwksUri };
  for (const plugin of pluginNames()) {
    const yaml = renderYaml(plugin, renderOptions);
    if (options.intoPlugins) writeFileSync(join(ROOT, 'plugins', plugin, 'istio.yaml'), yaml);
    else if (options.out) {
      mkdirSync(options.out, { recursive: true });
      writeFileSync(join(options.out, `${plugin}.yaml`), yaml);
    } else out(`${yaml}---\n`);
  }
}
