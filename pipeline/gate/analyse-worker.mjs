// Worker thread for the gate: computes entry facts (parse + byte-only checks).
// Plain JavaScript so it starts without a loader; it registers tsx to load the
// TypeScript library.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { analyseEntry } = await import('../validate/analyse.ts');
parentPort.on('message', ({ id, entries }) => {
  parentPort.postMessage({ id, facts: entries.map((e) => analyseEntry(e)) });
});
parentPort.postMessage({ ready: true });
