#!/usr/bin/env node
// The route-keys command. The tooling is TypeScript; tsx loads it without a separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
