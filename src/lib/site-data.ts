/**
 * What pages read: the `site` record and the entries, newest first, plus the
 * navigation and URL plan derived from them. Computed once per site per build
 * process. A build renders one site, or several each under `/<code>/`
 * (SEALPRESS_STAGES): a page names its site by its `site` param, which only
 * such a build has.
 */
import { getCollection, type CollectionEntry } from 'astro:content';
import type { SiteData } from '../loader/bundle-schema.ts';
import { pageShard, rendersSeveralSites, shardsFromEnv } from '../loader/read-bundle.ts';
import { ledgerDifference, readLedger, type Ledger, type LedgerCollection, type LedgerRecord } from '../loader/store-ledger.ts';
import { planRoutes, siteNav, type NavCategory, type NavColumn, type Route } from './routes.ts';

export type Entry = CollectionEntry<'entries'>;

export interface SiteModel {
  data: SiteData;
  nav: NavCategory[];
  columns: Map<string, NavColumn>;
  /** All entries, newest first (ties by id, so the order is stable). */
  entries: Entry[];
  byId: Map<string, Entry>;
  /** Entries per column, newest first. */
  byColumn: Map<string, Entry[]>;
  routes: Route[];
  preview: boolean;
}

const models = new Map<string, Promise<SiteModel>>();

/**
 * The model of the site a page renders: `site` is the page's `site` param
 * (Astro.params.site), absent when the build renders one site.
 */
export function siteModel(site?: string): Promise<SiteModel> {
  const key = site ?? '';
  let model = models.get(key);
  if (!model) {
    model = build(site);
    models.set(key, model);
  }
  return model;
}

const ledgers = new Map<LedgerCollection, Ledger>();
/** What was checked already (`<collection> <site code or *>`): the store does not change during a build. */
const checked = new Set<string>();

/**
 * Fails the build when what a page read from the content store is not what the
 * loaders stored in this build (src/loader/store-ledger.ts): every site's
 * record, and each site's entries before the site's pages are made. A preview
 * loads its collections one by one and has no ledger.
 */
function checkStoreRead(collection: LedgerCollection, records: readonly LedgerRecord[], code?: string): void {
  const key = `${collection} ${code ?? '*'}`;
  if (import.meta.env.DEV || checked.has(key)) return;
  let ledger = ledgers.get(collection);
  if (!ledger) {
    ledger = readLedger(collection);
    ledgers.set(collection, ledger);
  }
  const difference = ledgerDifference(collection, ledger, records, code);
  if (difference !== undefined) throw new Error(difference);
  checked.add(key);
}

/** The codes of the sites this build renders. */
export async function siteCodes(): Promise<string[]> {
  const records = await getCollection('site');
  checkStoreRead('site', records);
  return records.map((s) => s.id).sort();
}

/**
 * Static paths of a page for every site of the build: `paths(code)` gives the
 * page's own params for one site; the `site` param is added when the build
 * renders several sites (each under `/<code>/`).
 */
export async function forEachSite<P extends Record<string, string | undefined>, Q>(paths: (code: string) => Promise<{ params: P; props?: Q }[]>): Promise<{ params: P & { site?: string }; props?: Q }[]> {
  const several = rendersSeveralSites();
  const shards = shardsFromEnv();
  const out: { params: P & { site?: string }; props?: Q }[] = [];
  for (const code of await siteCodes()) {
    // A site split between builds: this build renders only its share of the pages.
    const shard = shards.get(code);
    for (const path of await paths(code)) {
      if (shard && pageShard(path.params, shard[1]) !== shard[0]) continue;
      out.push(several ? { ...path, params: { ...path.params, site: code } } : path);
    }
  }
  return out;
}

async function build(site: string | undefined): Promise<SiteModel> {
  const records = await getCollection('site');
  if (records.length === 0) throw new Error('The site collection is empty: the bundle loader did not run.');
  checkStoreRead('site', records);
  const record = site === undefined ? (records.length === 1 ? records[0] : undefined) : records.find((r) => r.id === site);
  if (!record) throw new Error(site === undefined ? `This build renders ${records.length} sites: a page must name its site (the site param).` : `No site ${site} in this build.`);
  const data = record.data;
  const code = record.id;
  const nav = siteNav(data);
  const columns = new Map(nav.flatMap((c) => c.columns.map((col) => [col.id, col] as const)));
  const prefix = `${code}/`;
  // Store ids are `<code>/<entry id>`; pages know an entry by its own id.
  const stored = await getCollection('entries', (e) => e.id.startsWith(prefix));
  checkStoreRead('entries', stored, code);
  const entries = stored.map((e) => ({ ...e, id: e.id.slice(prefix.length) })).sort(newestFirst);
  const byColumn = new Map<string, Entry[]>();
  for (const e of entries) {
    const list = byColumn.get(e.data.column) ?? [];
    list.push(e);
    byColumn.set(e.data.column, list);
  }
  const routes = planRoutes(nav, entries.map((e) => ({ id: e.id, column: e.data.column, path: e.data.path })));
  return {
    data,
    nav,
    columns,
    entries,
    byId: new Map(entries.map((e) => [e.id, e])),
    byColumn,
    routes,
    preview: data.mode === 'preview',
  };
}

function newestFirst(a: Entry, b: Entry): number {
  const d = Date.parse(b.data.date) - Date.parse(a.data.date);
  return d !== 0 ? d : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Absolute URL of a site path. */
export function absolute(data: SiteData, path: string): string {
  return new URL(path, data.site.url).href;
}
