// A reading worker: reads one file at a time with the format readers
// (readers.ts) and posts back what they found, or why the file cannot be read;
// asked to check the file too (a `request`), it scans what it read here and
// posts back only the findings and the files embedded in it (pool.ts).
// The pool stops a worker that takes too long.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// pdfjs is loaded before tsx is registered: through tsx's loader its two
// modules (9 MB of JavaScript) cost a worker 250 MB of memory, loaded plainly
// 40 MB (issue 12's bound: two workers and the gate under 1 GB). The fake
// worker pdfjs runs in this thread takes its handler from `pdfjsWorker`
// instead of importing it later. The legacy build's polyfills of push and
// JSON.parse are undone, as pdf.ts does when it loads pdfjs itself.
const { push } = Array.prototype;
const { parse } = JSON;
// A worker inherits its parent's --import flags: started under `node --import
// tsx` (the benchmarks, the tests), tsx has turned source maps on before this
// module runs, and pdfjs's maps would be parsed as it loads (see below).
process.setSourceMapsEnabled(false);
await import('pdfjs-dist/legacy/build/pdf.mjs');
globalThis.pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
Array.prototype.push = push;
JSON.parse = parse;
register();
// tsx turns source maps on; with them on, Node parses the maps of every module
// it loads, and pdfjs's run to 7 MB: 150 MB of heap kept per worker, and
// seconds per worker start. A reader's messages name the file, not a line of
// pdfjs, so the worker goes without.
process.setSourceMapsEnabled(false);
const { readOutcome } = await import('./readers.ts');
const { checkReading } = await import('../check/attachment.ts');
const { compileChecks } = await import('../check/compile.ts');

/** Configurations compiled here, by the SHA-256 the gate names them with: compiled once per worker. */
const compiled = new Map();

parentPort.on('message', async ({ id, name, bytes, limits, request }) => {
  const reading = await readOutcome(name, bytes, limits);
  // Copied back, not transferred: small Buffers share one pooled ArrayBuffer.
  if (!request) return parentPort.postMessage({ id, ...reading });
  let options = compiled.get(request.configKey);
  if (!options) compiled.set(request.configKey, (options = compileChecks(request.config)));
  parentPort.postMessage({ id, scanning: true });
  const context = { digest: request.digest, ...(request.column !== undefined ? { column: request.column } : {}) };
  parentPort.postMessage({ id, ...checkReading(name, reading, options, context) });
});
