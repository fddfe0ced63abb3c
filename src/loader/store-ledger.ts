/**
 * The store ledger: what the loaders of a build put in Astro's content store,
 * so that the pages can check that the store they read is that one.
 *
 * Why it is needed: Astro (5.18, `content/mutable-data-store.js`) saves its
 * store to `data-store.json` 500 ms after the last change, and the pages read
 * that file. A save asked for while another is being written is only marked
 * pending, and the pending save then writes the data of the save in progress,
 * not the store as it is by then. So a save begun while the loaders were half
 * done can be the file the pages read: a site without some of its articles,
 * or without its records, built without an error. The loaders avoid it (the
 * store changes once, when everything is prepared: bundle-loader.ts), and a
 * build starts from no store file (astro.config.mjs); the ledger is what
 * makes a store that is not this build's whole load fail the build instead of
 * publishing it.
 *
 * For each collection, a file `<SEALPRESS_CACHE>/store-ledger/<collection>.json`:
 * per site code, the number of records and a SHA-256 over their ids and
 * digests (a record's digest covers what it was made from: bundle-loader.ts).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomicSync } from '../../pipeline/fs/durable.ts';

/** The collections the loaders fill (src/content.config.ts). */
export type LedgerCollection = 'entries' | 'site';

/** One record as the store holds it: its id (`<site code>` or `<site code>/<entry id>`) and digest. */
export interface LedgerRecord {
  id: string;
  digest?: string | undefined;
}

/** Per site code: how many records, and the digest of their ids and digests. */
export type Ledger = Record<string, { count: number; digest: string }>;

const LEDGER_VERSION = 1;

/** The ledger's folder: under this build's cache dir (SEALPRESS_CACHE), which no other build shares. */
export function ledgerDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.SEALPRESS_CACHE;
  if (!cache || !isAbsolute(cache)) throw new Error(`SEALPRESS_CACHE must be an absolute path (it is ${cache ? `"${cache}"` : 'unset'}); build through pipeline/render, which sets it.`);
  return join(cache, 'store-ledger');
}

/** The site a record belongs to: the part of its id before the first `/`. */
function siteOf(id: string): string {
  const slash = id.indexOf('/');
  return slash === -1 ? id : id.slice(0, slash);
}

/** The ledger of some records, whatever their order. */
export function ledgerOf(records: Iterable<LedgerRecord>): Ledger {
  const bySite = new Map<string, string[]>();
  for (const r of records) {
    const code = siteOf(r.id);
    const lines = bySite.get(code) ?? [];
    // Neither an id nor a digest holds a NUL, so the lines cannot run into each other.
    lines.push(`${r.id}\0${r.digest ?? ''}`);
    bySite.set(code, lines);
  }
  const ledger: Ledger = {};
  for (const code of [...bySite.keys()].sort()) {
    const lines = (bySite.get(code) as string[]).sort();
    ledger[code] = { count: lines.length, digest: createHash('sha256').update(lines.join('\n')).digest('hex') };
  }
  return ledger;
}

/** Records what a loader is about to store (written by a rename: a reader sees a whole ledger). */
export function writeLedger(collection: LedgerCollection, records: Iterable<LedgerRecord>, env: NodeJS.ProcessEnv = process.env): void {
  const dir = ledgerDir(env);
  mkdirSync(dir, { recursive: true });
  writeFileAtomicSync(join(dir, `${collection}.json`), Buffer.from(JSON.stringify({ version: LEDGER_VERSION, sites: ledgerOf(records) })));
}

/** What the loaders stored in this build, per collection; an unreadable ledger is an error (nothing to check against). */
export function readLedger(collection: LedgerCollection, env: NodeJS.ProcessEnv = process.env): Ledger {
  const file = join(ledgerDir(env), `${collection}.json`);
  let parsed: { version?: unknown; sites?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as typeof parsed;
  } catch (cause) {
    throw new Error(`内容存储的清单 ${file} 无法读取：请重新运行构建。 / Cannot read the content store's ledger ${file}: ${(cause as Error).message}. Run the build again.`, { cause });
  }
  if (parsed.version !== LEDGER_VERSION || typeof parsed.sites !== 'object' || parsed.sites === null) {
    throw new Error(`内容存储的清单 ${file} 不是本版本写的：请重新运行构建。 / The content store's ledger ${file} is not of this version: run the build again.`);
  }
  return parsed.sites as Ledger;
}

/**
 * Whether the records a page read for one site (or, with `code` undefined, for
 * every site) are those the ledger holds; a message naming the difference when
 * they are not, undefined when they are.
 */
export function ledgerDifference(collection: LedgerCollection, ledger: Ledger, records: Iterable<LedgerRecord>, code?: string): string | undefined {
  const read = ledgerOf(records);
  const codes = code === undefined ? [...new Set([...Object.keys(ledger), ...Object.keys(read)])].sort() : [code];
  for (const c of codes) {
    const want = ledger[c];
    const got = read[c];
    if (want?.digest === got?.digest && want?.count === got?.count) continue;
    const what = collection === 'site' ? 'site record' : 'entries';
    return (
      `站点 ${c} 的${collection === 'site' ? '站点记录' : '条目'}与本次加载的不一致（加载 ${want?.count ?? 0} 条，读到 ${got?.count ?? 0} 条）：Astro 写出的内容存储不完整或已过时，本次构建不发布。请重新运行构建。 / ` +
      `The ${what} of site ${c} read from Astro's content store differ from what this build loaded (${want?.count ?? 0} loaded, ${got?.count ?? 0} read): the store Astro wrote is incomplete or stale, and nothing of this build is published. Run the build again.`
    );
  }
  return undefined;
}
