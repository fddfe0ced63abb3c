/**
 * The site's URL plan, computed once from the bundle: every page the build writes,
 * so the pages, the sitemap and the tests agree, and two things never claim the same
 * URL. Pure: no Astro, no I/O.
 */
import type { ColumnType } from '../../pipeline/model/site-group.ts';
import { SealpressError } from '../../pipeline/errors/index.ts';
import type { SiteData } from '../loader/bundle-schema.ts';

/** Column lists show 20 entries a page. */
export const PAGE_SIZE = 20;

/** First path segments that belong to the site itself, never to a column or category. */
export const RESERVED_SEGMENTS = new Set([
  'search', 'pagefind', 'assets', '_astro', '404', '404.html', 'sitemap.xml', 'rss.xml', 'robots.txt',
  'favicon.svg', 'favicon.ico', 'search.js', 'category', 'entries',
]);

export interface NavColumn {
  id: string;
  name: string;
  type: ColumnType;
  categoryId: string;
  path: string;
}

export interface NavCategory {
  id: string;
  name: string;
  path: string;
  /** The columns of this category the site has enabled, in tree order. */
  columns: NavColumn[];
}

/** What the planner needs of an entry. */
export interface RoutableEntry {
  id: string;
  column: string;
  path: string;
}

export type Route =
  | { kind: 'category'; path: string; categoryId: string }
  | { kind: 'list'; path: string; columnId: string; page: number; pageCount: number }
  | { kind: 'article'; path: string; entryId: string };

export class RoutePlanError extends SealpressError<'ROUTE_COLLISION'> {
  constructor(message: string) {
    super('ROUTE_COLLISION', message, { fix: 'rename the slug or column so that every page has its own URL' });
    this.name = 'RoutePlanError';
  }
}

/**
 * Categories with at least one enabled column, each with its enabled columns.
 * A category page lives at `/<category>/`, unless a column of the tree has the same
 * id (the group's 税收宣传 category holds a 税收宣传 column): then the column keeps
 * `/<id>/` and the category page moves to `/category/<id>/`.
 */
export function siteNav(site: Pick<SiteData, 'group' | 'site'>): NavCategory[] {
  const enabled = new Set(site.site.columns);
  const columnIds = new Set(site.group.categories.flatMap((c) => c.columns.map((col) => col.id)));
  const nav: NavCategory[] = [];
  for (const category of site.group.categories) {
    const columns = category.columns
      .filter((col) => enabled.has(col.id))
      .map((col) => ({ id: col.id, name: col.name, type: col.type, categoryId: category.id, path: columnPath(col.id) }));
    if (columns.length === 0) continue;
    const path = columnIds.has(category.id) ? `/category/${category.id}/` : `/${category.id}/`;
    nav.push({ id: category.id, name: category.name, path, columns });
  }
  return nav;
}

export function columnPath(columnId: string, page = 1): string {
  return page <= 1 ? `/${columnId}/` : `/${columnId}/${page}/`;
}

export function pageCount(entries: number): number {
  return Math.max(1, Math.ceil(entries / PAGE_SIZE));
}

/** Every category, list and article page; throws when two would share a URL. */
export function planRoutes(nav: NavCategory[], entries: readonly RoutableEntry[]): Route[] {
  const routes: Route[] = [];
  const perColumn = new Map<string, number>();
  for (const e of entries) perColumn.set(e.column, (perColumn.get(e.column) ?? 0) + 1);

  for (const category of nav) {
    routes.push({ kind: 'category', path: category.path, categoryId: category.id });
    for (const column of category.columns) {
      const pages = pageCount(perColumn.get(column.id) ?? 0);
      for (let page = 1; page <= pages; page++) {
        routes.push({ kind: 'list', path: columnPath(column.id, page), columnId: column.id, page, pageCount: pages });
      }
    }
  }
  for (const e of entries) routes.push({ kind: 'article', path: e.path, entryId: e.id });

  const problems: string[] = [];
  const owner = new Map<string, Route>();
  for (const route of routes) {
    const first = route.path.split('/')[1] ?? '';
    if (RESERVED_SEGMENTS.has(first) && !(route.kind === 'category' && route.path.startsWith('/category/'))) {
      problems.push(`${describe(route)} uses the reserved path segment "/${first}/"`);
    }
    const other = owner.get(route.path);
    if (other) problems.push(`${describe(route)} and ${describe(other)} both want ${route.path}`);
    else owner.set(route.path, route);
  }
  if (problems.length > 0) {
    throw new RoutePlanError(`The site's URLs collide:\n${problems.map((p) => `  - ${p}`).join('\n')}\nRename the slug or column (an all-digit slug collides with a list page number).`);
  }
  return routes;
}

function describe(route: Route): string {
  switch (route.kind) {
    case 'category':
      return `category ${route.categoryId}`;
    case 'list':
      return `column ${route.columnId} page ${route.page}`;
    case 'article':
      return `entry ${route.entryId}`;
  }
}

/** The path without its leading and trailing slash, as Astro's `[...path]` param wants it. */
export function restParam(path: string): string {
  return path.replace(/^\/|\/$/g, '');
}
