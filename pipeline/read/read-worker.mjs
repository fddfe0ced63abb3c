// A reading worker: reads one file at a time with the format readers
// (readers.ts) and posts back what they found, or why the file cannot be read.
// The pool stops a worker that takes too long (pool.ts).
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
// tsx turns source maps on; with them on, Node parses the maps of every module
// it loads, and pdfjs's run to 7 MB: 150 MB of heap kept per worker, and
// seconds per worker start. A reader's messages name the file, not a line of
// pdfjs, so the worker goes without.
process.setSourceMapsEnabled(false);
const { readOutcome } = await import('./readers.ts');

parentPort.on('message', async ({ id, name, bytes, limits }) => {
  // Copied back, not transferred: small Buffers share one pooled ArrayBuffer.
  parentPort.postMessage({ id, ...(await readOutcome(name, bytes, limits)) });
});
