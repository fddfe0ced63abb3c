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
import { createHash } from 'node:crypto';
import { copyFileSync, constants, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import * as pagefind from 'pagefind';
import { SealpressError } from '../errors/index.ts';
import { builtFileDigests, sha256Hex } from '../fs/index.ts';

/**
 * Pagefind's ready-made UIs (and its result highlighter). The site uses its own
 * small search script, so these ~430 KB would only be published, mirrored and
 * signed for nothing.
 */
const UNUSED_FILES = /^pagefind-(ui|modular-ui|component-ui)\.(js|css)$|^pagefind-highlight\.js$/;

/** About the most pages one Pagefind index holds; a larger site is indexed in parts of about this size. */
export const INDEX_PART_PAGES = 2000;
/** Under a site's `pagefind/`: the list of the index's other parts, as paths relative to `pagefind/`. */
export const INDEX_PARTS_FILE = 'parts.json';
/** A line of INDEX_PARTS_FILE. */
export const INDEX_PART_PATH = /^parts\/[1-9][0-9]{0,5}\/$/;
/** What Pagefind indexes of a page: a page without it (a list, the home page) is left out whenever any page has it. */
const BODY_MARK = Buffer.from('data-pagefind-body');
/** The version of the Pagefind package this module imports (its package.json is not among its exports). */
function pagefindVersion(): string {
  for (const dir of createRequire(import.meta.url).resolve.paths('pagefind') ?? []) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'pagefind', 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // not in this node_modules
    }
  }
  throw new SealpressError('INDEX_FAILED', { zh: '找不到 pagefind 软件包：请运行 npm ci。', en: 'the pagefind package is not installed: run npm ci.' });
}
const PAGEFIND_VERSION = pagefindVersion();
/** Changes whenever what a part's files depend on besides its pages changes (this module's way of indexing). */
const PART_FORMAT = `sealpress-index-part 2, pagefind ${PAGEFIND_VERSION}, zh-cn`;

export interface IndexResult {
  pages: number;
  /** Pagefind indexes written: 1, or the number of parts. */
  parts: number;
  /** Of `parts`, those taken from the site's previous tree, their pages unchanged. */
  reused: number;
}

export interface IndexOptions {
  /** About the most pages of one part (INDEX_PART_PAGES). */
  partPages?: number;
  /**
   * The site's previous tree and where its parts are remembered: a part whose
   * pages are the same bytes at the same paths as a part of that tree is taken
   * from it (its files checked against their remembered digests) instead of
   * being indexed again. The file is rewritten for this index.
   */
  reuse?: { tree: string; remembered: string };
}

/** A part of a site's index: its pages, where it goes, and the digest of both. */
interface Part {
  bucket: number;
  root: boolean;
  pages: string[];
  digest: string;
}

/** What is remembered of a part: its digest (which covers its place), and every file of it with its digest. */
interface RememberedPart {
  digest: string;
  files: { path: string; sha256: string }[];
}

export async function indexSite(outDir: string, options: IndexOptions = {}): Promise<IndexResult> {
  const partPages = Math.max(1, options.partPages ?? INDEX_PART_PAGES);
  const dir = join(outDir, 'pagefind');
  const parts = planParts(outDir, partPages);
  const previous = options.reuse ? readRemembered(options.reuse.remembered) : [];
  const partDir = (part: Part, tree: string) => (part.root ? join(tree, 'pagefind') : join(tree, 'pagefind', 'parts', String(part.bucket)));
  let indexed = 0;
  let reused = 0;
  for (const part of parts) {
    const before = previous.find((p) => p.digest === part.digest);
    if (before && options.reuse && takePart(partDir(part, options.reuse.tree), partDir(part, outDir), before)) {
      indexed += part.pages.length;
      reused++;
      continue;
    }
    const to = partDir(part, outDir);
    indexed += await writeIndex(outDir, part.pages, to);
    // The first part keeps the scripts the search page loads; the other parts are data they read.
    const unused = part.root ? UNUSED_FILES : /\.(js|css)$/;
    for (const name of readdirSync(to)) if (unused.test(name)) rmSync(join(to, name));
  }
  const others = parts.filter((p) => !p.root).map((p) => `parts/${p.bucket}/`);
  writeFileSync(join(dir, INDEX_PARTS_FILE), `${JSON.stringify(others)}\n`);
  if (options.reuse) {
    const remembered: RememberedPart[] = parts.map((part) => {
      const from = partDir(part, outDir);
      const files = filesUnder(from, part.root ? (rel) => !rel.startsWith('parts/') && rel !== INDEX_PARTS_FILE : () => true).map((path) => ({ path, sha256: builtFileDigests.hash(join(from, path)).sha256 }));
      return { digest: part.digest, files };
    });
    mkdirSync(dirname(options.reuse.remembered), { recursive: true });
    writeFileSync(options.reuse.remembered, `${JSON.stringify({ format: PART_FORMAT, parts: remembered })}\n`);
  }
  return { pages: indexed, parts: parts.length, reused };
}

/**
 * The site's pages in parts. Only the pages Pagefind indexes (marked
 * BODY_MARK) are given to it; a site without any is indexed whole, as
 * Pagefind would. A page's part is a hash of its path, so adding or changing
 * a page changes its own part only, and an unchanged part can be taken from
 * the previous tree; the first part that has pages is `pagefind/` itself.
 */
function planParts(outDir: string, partPages: number): Part[] {
  const pages = htmlPages(outDir).map((path) => {
    const bytes = readFileSync(join(outDir, path));
    return { path, body: bytes.includes(BODY_MARK), sha256: sha256Hex(bytes) };
  });
  const indexed = pages.some((p) => p.body) ? pages.filter((p) => p.body) : pages;
  const count = Math.max(1, Math.ceil(indexed.length / partPages));
  const buckets = Array.from({ length: count }, () => [] as typeof indexed);
  for (const page of indexed) buckets[count === 1 ? 0 : createHash('sha256').update(page.path).digest().readUInt32BE(0) % count]!.push(page);
  const parts: Part[] = [];
  for (const [bucket, list] of buckets.entries()) {
    // An empty part is left out, unless no part has pages (an empty site still gets its index).
    if (list.length === 0 && !(bucket === count - 1 && parts.length === 0)) continue;
    const root = parts.length === 0;
    const digest = sha256Hex(`${PART_FORMAT}\n${count} ${bucket} ${root}\n${list.map((p) => `${p.path}\0${p.sha256}\n`).join('')}`);
    parts.push({ bucket, root, pages: list.map((p) => p.path), digest });
  }
  return parts;
}

/** The parts remembered for a site; none when the file is missing, damaged or of another format (a cache: anything doubtful is indexed again). */
function readRemembered(file: string): RememberedPart[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown; parts?: unknown };
    if (parsed.format !== PART_FORMAT || !Array.isArray(parsed.parts)) return [];
    return (parsed.parts as RememberedPart[]).filter(
      (p) =>
        typeof p?.digest === 'string' &&
        Array.isArray(p.files) &&
        p.files.every((f) => typeof f?.path === 'string' && typeof f.sha256 === 'string' && !f.path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')),
    );
  } catch {
    return [];
  }
}

/**
 * A part's files taken from the previous tree `from` into `to` (links, or
 * copies), each checked against its remembered digest first. False, and
 * nothing taken, when any is missing, different, or not a plain file.
 */
function takePart(from: string, to: string, part: RememberedPart): boolean {
  try {
    for (const file of part.files) {
      if (!lstatSync(join(from, file.path)).isFile() || builtFileDigests.hash(join(from, file.path)).sha256 !== file.sha256) return false;
    }
  } catch {
    return false;
  }
  const put = linkOrCopy();
  for (const file of part.files) {
    mkdirSync(dirname(join(to, file.path)), { recursive: true });
    put(join(from, file.path), join(to, file.path));
  }
  return true;
}

/** Paths under `dir`, relative to it with `/`, of its regular files that pass `keep`, sorted. */
function filesUnder(dir: string, keep: (rel: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter(keep)
    .sort();
}

/** One Pagefind index of every page under `from`, written to `to`; returns the pages Pagefind read. */
/** A page path Pagefind's glob takes as it is: what the site's routes make (column ids, slugs, page numbers). */
const GLOB_PLAIN = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/**
 * Index these pages of the site at `outDir` (paths relative to it: Pagefind
 * gives each the URL of its path) into `to`. Pagefind reads them itself, by a
 * glob naming each one; a path a glob could misread is handed over as text.
 */
async function writeIndex(outDir: string, pages: readonly string[], to: string): Promise<number> {
  // Every page is lang="zh-CN"; forcing the language keeps one index with Chinese
  // segmentation even if a page ever carries a different lang attribute.
  const created = await pagefind.createIndex({ forceLanguage: 'zh-cn' });
  const index = created.index;
  if (!index || created.errors.length > 0) {
    throw new SealpressError('INDEX_FAILED', { zh: `Pagefind 无法创建索引：${created.errors.join('; ') || '未返回索引'}`, en: `Pagefind could not create an index: ${created.errors.join('; ') || 'no index returned'}` });
  }
  try {
    const glob = pages.every((p) => GLOB_PLAIN.test(p));
    const plain = pages.map((p) => p.split(sep).join('/'));
    const added = glob
      ? await index.addDirectory({ path: outDir, glob: plain.length === 1 ? (plain[0] as string) : `{${plain.join(',')}}` })
      : await addEach(index, outDir, plain);
    const errors = added.errors.length > 0 ? added.errors : added.page_count !== pages.length ? [`${added.page_count} of ${pages.length} pages indexed`] : [];
    if (errors.length > 0) {
      throw new SealpressError('INDEX_FAILED', { zh: `Pagefind 无法为 ${outDir} 建立索引：${errors.join('; ')}`, en: `Pagefind could not index ${outDir}: ${errors.join('; ')}` });
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

/** The pages handed to Pagefind as text, each at its path. */
async function addEach(index: pagefind.PagefindIndex, outDir: string, pages: readonly string[]): Promise<{ errors: string[]; page_count: number }> {
  const errors: string[] = [];
  let count = 0;
  for (const page of pages) {
    const added = await index.addHTMLFile({ sourcePath: page, content: readFileSync(join(outDir, page), 'utf8') });
    if (added.errors.length > 0) errors.push(...added.errors);
    else count++;
  }
  return { errors, page_count: count };
}

/** The HTML pages of a built site, as paths relative to it, sorted (Pagefind's own folder has none). */
function htmlPages(outDir: string): string[] {
  return readdirSync(outDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => relative(outDir, join(e.parentPath, e.name)))
    .sort();
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
