/**
 * Compute entry facts for many entries: from the cache when an entry's bytes
 * are unchanged, otherwise in worker threads (parsing Markdown is the gate's
 * main cost: about 1 ms an entry), inline for small runs.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LoadedEntry } from '../load/index.ts';
import { analyseEntry, type EntryFacts } from '../validate/index.ts';
import type { FactsCache } from './facts-cache.ts';

/**
 * Below this many entries that need the Markdown parser, starting workers (about
 * 0.4 s each to load the parser, then JIT warm-up) costs more than it saves.
 */
const PARALLEL_THRESHOLD = 1500;
const BATCH = 250;

export async function analyseAll(entries: readonly LoadedEntry[], options: { cache?: FactsCache; workers?: number } = {}): Promise<(EntryFacts | undefined)[]> {
  const out: (EntryFacts | undefined)[] = new Array(entries.length);
  const todo: number[] = [];
  entries.forEach((e, i) => {
    const cached = options.cache?.get(e);
    if (cached) out[i] = cached;
    else todo.push(i);
  });
  const workers = Math.min(options.workers ?? availableParallelism(), Math.ceil(todo.length / BATCH));
  const heavy = todo.filter((i) => mayNeedParser(entries[i]!)).length;
  if (heavy < PARALLEL_THRESHOLD || workers < 2) {
    for (const i of todo) out[i] = analyseEntry(entries[i]!);
  } else {
    await inWorkers(entries, todo, out, workers);
  }
  for (const i of todo) options.cache?.set(entries[i]!, out[i]);
  return out;
}

async function inWorkers(entries: readonly LoadedEntry[], todo: number[], out: (EntryFacts | undefined)[], count: number): Promise<void> {
  const batches: number[][] = [];
  for (let i = 0; i < todo.length; i += BATCH) batches.push(todo.slice(i, i + BATCH));
  const pool = Array.from({ length: count }, () => new Worker(new URL('./analyse-worker.mjs', import.meta.url)));
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let current: number[] | undefined;
            const next = () => {
              current = batches.shift();
              if (!current) return resolve();
              worker.postMessage({ id: 0, entries: current.map((i) => entries[i]) });
            };
            worker.on('message', (msg: { ready?: true; facts?: (EntryFacts | undefined)[] }) => {
              if (msg.ready) return next();
              msg.facts?.forEach((f, k) => {
                out[current![k]!] = f;
              });
              next();
            });
            worker.on('error', reject);
            worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`gate worker exited with code ${code}`))));
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}

/** A cheap upper bound of needsTree on the raw bytes (front matter included). */
function mayNeedParser(e: LoadedEntry): boolean {
  return e.format === 'mdx' || (e.bytes !== undefined && (e.bytes.includes(0x5b) || e.bytes.includes(0x3c)));
}
