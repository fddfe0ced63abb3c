/**
 * 统一搜索: the main site's search page searches every site of the group. Each
 * sub-site keeps its own Pagefind index; a copy of each is placed in the main
 * site's tree under `/pagefind/sites/<code>/`, with `/pagefind/sites.json` naming
 * them, and the main site's search script merges them into its own index
 * (Pagefind's `mergeIndex`, results prefixed with each site's address).
 *
 * The copies are served by the main site itself, so the search needs no
 * cross-origin request, no CORS header and no change to the pages' policy, and
 * works from any static mirror. They are taken from the sub-sites' finished
 * trees (`dist/<code>/pagefind/`), the same bytes the sub-sites publish, as
 * hard links (a copy across file systems): a sub-site changed rewrites its
 * own files only, and the main site's tree is taken again in links.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SiteGroup } from '../model/index.ts';
import { siteUrl } from '../stage/bundle-site.ts';
import { linkOrCopy, readIndexParts } from './search-index.ts';

/** Under the main site's `pagefind/` (so mirrors serve it with Pagefind's types). */
export const GROUP_INDEX_DIR = 'pagefind/sites';
export const GROUP_INDEX_LIST = 'pagefind/sites.json';

/** One line of `/pagefind/sites.json`, read by src/scripts/search.js. */
export interface GroupIndexSite {
  code: string;
  name: string;
  /** Where the site's pages are: result URLs are prefixed with it. */
  url: string;
  /** Site-absolute path of the copied index on the main site. */
  index: string;
  /** Site-absolute paths of the copied index's other parts (a site of many pages, search-index.ts), merged with it. */
  parts: string[];
}

/**
 * Copy every sub-site's index that exists under `distDir` into the main site's
 * unfinished tree `mainOut`, and list them. A sub-site without an index (never
 * built) is left out of the list, so the page searches what exists.
 */
export function addGroupIndexes(group: SiteGroup, distDir: string, mainOut: string): GroupIndexSite[] {
  const listed: GroupIndexSite[] = [];
  for (const site of group.sites.values()) {
    if (site.kind === 'main') continue;
    const from = join(distDir, site.code, 'pagefind');
    if (!existsSync(join(from, 'pagefind-entry.json'))) continue;
    // The index's data only: the main site's own pagefind.js (and its worker) reads it.
    linkFiles(from, join(mainOut, GROUP_INDEX_DIR, site.code), (name) => !name.endsWith('.js'));
    const index = `/${GROUP_INDEX_DIR}/${site.code}/`;
    const parts = readIndexParts(from).map((part) => `${index}${part}`);
    listed.push({ code: site.code, name: site.name, url: siteUrl(site), index, parts });
  }
  writeFileSync(join(mainOut, GROUP_INDEX_LIST), `${JSON.stringify(listed, null, 1)}\n`);
  return listed;
}

/**
 * Every regular file under `from` whose name passes `keep`, at the same path
 * under `to` (created), as a hard link, or a copy where links cannot be made.
 * Links are never followed; anything else is left out.
 */
function linkFiles(from: string, to: string, keep: (name: string) => boolean, put = linkOrCopy()): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkFiles(source, target, keep, put);
    else if (entry.isFile() && keep(entry.name)) put(source, target);
  }
}
