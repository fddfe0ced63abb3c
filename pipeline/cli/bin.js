#!/usr/bin/env node
// The `sealpress` command. The library is TypeScript; tsx loads it without a
// build step, so the CLI always runs the code that is checked in.
import { register } from 'tsx/esm/api';

register();
// A closed pipe (`sealpress check | head`) ends the command quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
