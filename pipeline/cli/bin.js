#!/usr/bin/env node
// The `sealpress` command. The library is TypeScript; tsx loads it without a
// build step, so the CLI always runs the code that is checked in.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
