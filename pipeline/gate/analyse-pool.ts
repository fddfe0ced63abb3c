/**
 * Compute entry facts for many entries: from the cache when an entry's bytes
 * are unchanged, otherwise here, on this thread.
 *
 * Worker threads were tried and measured on the 2-core target with the
 * 10,000-entry benchmark: all entries over two workers took 3.0–3.3 s, only
 * the parser-bound ones (1,400) over two workers beside this thread 2.7–2.9 s,
 * against 1.7–2.0 s inline. Loading the parser in each worker (0.45 s), its
 * cold JIT (1.4 ms an entry against 0.7 ms warm) and a third thread on two
 * cores cost more than they save, so the gate stays on one thread and relies
 * on skipping the parser where no rule needs it, and on this cache.
 */
import type { ScanOptions } from '../check/index.ts';
import type { LoadedEntry } from '../load/index.ts';
import { analyseEntry, type EntryFacts } from '../validate/index.ts';
import type { FactsCache } from './facts-cache.ts';

export interface AnalyseOptions {
  cache?: FactsCache;
  /** The compiled confidentiality and copyright checks. */
  checks?: ScanOptions;
}

export function analyseAll(entries: readonly LoadedEntry[], options: AnalyseOptions = {}): (EntryFacts | undefined)[] {
  return entries.map((e) => {
    const cached = options.cache?.get(e);
    if (cached) return cached;
    const facts = analyseEntry(e, options.checks ? { checks: options.checks } : {});
    options.cache?.set(e, facts);
    return facts;
  });
}
