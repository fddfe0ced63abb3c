/**
 * The Pagefind index of one built site, written to `<outDir>/pagefind/`.
 * Only article bodies are indexed (the pages mark them `data-pagefind-body`), so
 * navigation, lists and footers neither match nor appear in excerpts.
 *
 * A site of more pages than INDEX_PART_PAGES is indexed in parts, one after the
 * other: Pagefind holds a whole index in memory while it writes it, about
 * 210 KB a page (4.1 GB for the 19,261 pages of the main site at 50,000
 * entries, 0.98 GB for parts of 3,853). The first part is `pagefind/`, with
 * Pagefind's scripts; the others are data only, under `pagefind/parts/<n>/`,
 * and `pagefind/parts.json` names them (an empty list for a site of one part).
 * The search page merges them into the first (`mergeIndex`), as it merges the
 * sub-sites' indexes on the main site (group-search.ts).
 */
import { copyFileSync, constants, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import * as pagefind from 'pagefind';
import { SealpressError } from '../errors/index.ts';

/**
 * Pagefind's ready-made UIs (and its result highlighter). The site uses its own
 * small search script, so these ~430 KB would only be published, mirrored and
 * signed for nothing.
 */
const UNUSED_FILES = /^pagefind-(ui|modular-ui|component-ui)\.(js|css)$|^pagefind-highlight\.js$/;

/** The most pages one Pagefind index holds; a larger site is indexed in parts of about equal size. */
export const INDEX_PART_PAGES = 4000;
/** Under a site's `pagefind/`: the list of the index's other parts, as paths relative to `pagefind/`. */
export const INDEX_PARTS_FILE = 'parts.json';
/** A line of INDEX_PARTS_FILE. */
export const INDEX_PART_PATH = /^parts\/[1-9][0-9]{0,5}\/$/;

export interface IndexResult {
  pages: number;
  /** Pagefind indexes written: 1, or the number of parts. */
  parts: number;
}

export interface IndexOptions {
  /** The most pages of one part (INDEX_PART_PAGES). */
  partPages?: number;
}

export async function indexSite(outDir: string, options: IndexOptions = {}): Promise<IndexResult> {
  const partPages = Math.max(1, options.partPages ?? INDEX_PART_PAGES);
  const dir = join(outDir, 'pagefind');
  const pages = htmlPages(outDir);
  const count = Math.max(1, Math.ceil(pages.length / partPages));
  let indexed = 0;
  if (count === 1) {
    indexed = await writeIndex(outDir, dir);
  } else {
    const size = Math.ceil(pages.length / count);
    // Each part's pages, linked at their own paths into a folder beside the site: Pagefind gives a page the URL of its path there.
    const scratch = `${outDir}.index-part`;
    try {
      for (let n = 0; n < count; n++) {
        rmSync(scratch, { recursive: true, force: true });
        linkPages(outDir, scratch, pages.slice(n * size, (n + 1) * size));
        indexed += await writeIndex(scratch, n === 0 ? dir : join(dir, 'parts', String(n)));
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    // The other parts are data: the first part's scripts read them.
    for (let n = 1; n < count; n++) {
      const part = join(dir, 'parts', String(n));
      for (const name of readdirSync(part)) if (/\.(js|css)$/.test(name)) rmSync(join(part, name));
    }
  }
  for (const name of readdirSync(dir)) if (UNUSED_FILES.test(name)) rmSync(join(dir, name));
  const parts = Array.from({ length: count - 1 }, (_, i) => `parts/${i + 1}/`);
  writeFileSync(join(dir, INDEX_PARTS_FILE), `${JSON.stringify(parts)}\n`);
  return { pages: indexed, parts: count };
}

/** One Pagefind index of every page under `from`, written to `to`; returns the pages Pagefind read. */
async function writeIndex(from: string, to: string): Promise<number> {
  // Every page is lang="zh-CN"; forcing the language keeps one index with Chinese
  // segmentation even if a page ever carries a different lang attribute.
  const created = await pagefind.createIndex({ forceLanguage: 'zh-cn' });
  const index = created.index;
  if (!index || created.errors.length > 0) {
    throw new SealpressError('INDEX_FAILED', { zh: `Pagefind 无法创建索引：${created.errors.join('; ') || '未返回索引'}`, en: `Pagefind could not create an index: ${created.errors.join('; ') || 'no index returned'}` });
  }
  try {
    const added = await index.addDirectory({ path: from });
    if (added.errors.length > 0) {
      throw new SealpressError('INDEX_FAILED', { zh: `Pagefind 无法为 ${from} 建立索引：${added.errors.join('; ')}`, en: `Pagefind could not index ${from}: ${added.errors.join('; ')}` });
    }
    const written = await index.writeFiles({ outputPath: to });
    if (written.errors.length > 0) {
      throw new SealpressError('INDEX_FAILED', { zh: `Pagefind 无法将索引写入 ${to}：${written.errors.join('; ')}`, en: `Pagefind could not write the index to ${to}: ${written.errors.join('; ')}` });
    }
    return added.page_count;
  } finally {
    // Not pagefind.close(): the service is shared with any concurrent renderSite. The index's memory is freed here.
    await index.deleteIndex();
  }
}

/** The HTML pages of a built site, as paths relative to it, sorted (Pagefind's own folder has none). */
function htmlPages(outDir: string): string[] {
  return readdirSync(outDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => relative(outDir, join(e.parentPath, e.name)))
    .sort();
}

/** `pages` of `from` at the same paths under `to`, as hard links (copies where a link cannot be made). */
function linkPages(from: string, to: string, pages: readonly string[]): void {
  const linker = linkOrCopy();
  for (const page of pages) {
    const target = join(to, page);
    mkdirSync(dirname(target), { recursive: true });
    linker(join(from, page), target);
  }
}

/**
 * A function that puts a file at a new path as a hard link to it, or, from the
 * first time a link cannot be made there (another file system, no links
 * allowed, too many links), as a copy. Never replaces an existing file.
 */
export function linkOrCopy(): (source: string, target: string) => void {
  let link = true;
  return (source, target) => {
    if (link) {
      try {
        linkSync(source, target);
        return;
      } catch (error) {
        if (!['EXDEV', 'EPERM', 'EMLINK'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
        link = false;
      }
    }
    copyFileSync(source, target, constants.COPYFILE_EXCL);
  };
}

/**
 * The paths of a site's index parts past the first, relative to its `pagefind/`
 * folder, from its INDEX_PARTS_FILE. None when there is no such file (an index
 * written before parts were). A file that is not such a list is refused: the
 * index is not what this module wrote.
 */
export function readIndexParts(pagefindDir: string): string[] {
  const file = join(pagefindDir, INDEX_PARTS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string' && INDEX_PART_PATH.test(p))) return parsed as string[];
  throw new SealpressError('INDEX_FAILED', { zh: `${file} 不是搜索索引分卷列表：请重新构建该站点（sealpress build --no-cache）。`, en: `${file} is not a list of search index parts: build the site again (sealpress build --no-cache).` }, { file });
}
