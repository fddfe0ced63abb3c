// A reading worker: reads one file at a time with the format readers
// (readers.ts) and posts back what they found, or why the file cannot be read.
// The pool stops a worker that takes too long (pool.ts).
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { readOutcome } = await import('./readers.ts');

parentPort.on('message', async ({ id, name, bytes, limits }) => {
  // Copied back, not transferred: small Buffers share one pooled ArrayBuffer.
  parentPort.postMessage({ id, ...(await readOutcome(name, bytes, limits)) });
});
