/**
 * What pages read: the `site` record and the entries, newest first, plus the
 * navigation and URL plan derived from them. Computed once per build process.
 */
import { getCollection, getEntry, type CollectionEntry } from 'astro:content';
import type { SiteData } from '../loader/bundle-schema.ts';
import { SITE_ENTRY_ID } from '../loader/bundle-loader.ts';
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

let model: Promise<SiteModel> | undefined;

export function siteModel(): Promise<SiteModel> {
  model ??= build();
  return model;
}

async function build(): Promise<SiteModel> {
  const record = await getEntry('site', SITE_ENTRY_ID);
  if (!record) throw new Error('The site collection is empty: the bundle loader did not run.');
  const data = record.data;
  const nav = siteNav(data);
  const columns = new Map(nav.flatMap((c) => c.columns.map((col) => [col.id, col] as const)));
  const entries = (await getCollection('entries')).sort(newestFirst);
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
