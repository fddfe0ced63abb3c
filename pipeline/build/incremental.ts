/**
 * Incremental builds: a site is rendered and indexed again only when what it is
 * rendered from changed. A site's render inputs are exactly
 *
 *  - its stage (what stage/write.ts writes: bundle.json, the MDX modules, public/
 *    with the shared public files and the entry assets), digested from memory
 *    (plannedStageDigests); only a site rendered again has its stage written,
 *    and it must read back from disk with the same digests;
 *  - the theme: the package's src/, astro.config.mjs, public/, every file of
 *    the package those import (pipeline/markup, pipeline/model…), and
 *    pipeline/render (how Astro and Pagefind are run), with its location;
 *  - the toolchain: Node's version, sealpress's, and the installed version of
 *    every runtime dependency (astro, @astrojs/markdown-remark, pagefind, the Markdown
 *    plugins…).
 *
 * Their SHA-256 digests are recorded per site in `.sealpress/built/<code>.json`
 * once the site's new tree is in dist/ (the tree is flushed to disk, the record
 * removed before the swap and written durably after it, so a record never
 * describes a tree that is not there). A site whose record matches and whose dist/<code> is present is
 * reused; any doubt (no record, an unreadable one, another dist folder, another
 * version of anything) rebuilds it.
 *
 * One field of the stage is left out: a publish bundle's `generatedAt` (the
 * gate's clock). The theme shows it on preview pages only, so a publish page
 * does not depend on it (test/build/incremental.test.ts checks that clean builds
 * at two clocks are byte-identical); counting it would rebuild every site on
 * every run.
 *
 * The main site's copy of the sub-sites' search indexes (render/group-search.ts)
 * depends on the sub-sites' finished trees, not on its stage: its digest is
 * recorded too, and when it differs the copy is replaced in place (see
 * refreshGroupIndexes).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { builtFileDigests, flushTree, sha256Hex, hashFileSync, syncDirSync, writeFileAtomicSync } from '../fs/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { addGroupIndexes, GROUP_INDEX_DIR, GROUP_INDEX_LIST } from '../render/index.ts';
import { siteUrl, type SiteStage } from '../stage/bundle-site.ts';
import { stagedFiles } from '../stage/write.ts';
import { siteFiles } from '../release/collect.ts';
import type { ManifestFile } from '../release/manifest.ts';

/** Bumped when the record's meaning changes: an older record then rebuilds the site. */
export const BUILT_RECORD_VERSION = 1;

/** Why a site was rendered again, or why not. */
export type BuildReason =
  | 'full build'
  | 'not built before'
  | 'output missing'
  | 'toolchain changed'
  | 'theme changed'
  | 'configuration changed'
  | 'content changed'
  | 'output changed'
  | 'unchanged'
  | 'sub-site search changed';

/**
 * What a site's dist tree was made from. `reused` sites were not rendered;
 * `search-refreshed` is the main site not rendered again, with its copy of the
 * sub-sites' search indexes replaced.
 */
export type SiteBuildAction = 'rebuilt' | 'reused' | 'search-refreshed';

/** The digests a site's render depends on. */
export interface RenderInputs {
  toolchain: string;
  theme: string;
  /** bundle.json without its entries (and without a publish bundle's clock). */
  config: string;
  /** The entries of bundle.json and every other file of the stage. */
  content: string;
}

export interface BuiltRecord extends RenderInputs {
  version: typeof BUILT_RECORD_VERSION;
  code: string;
  /** The absolute dist/<code> this record describes. */
  dist: string;
  pages: number;
  /** The main site only: the digest of the sub-sites' indexes it carries a copy of. */
  groupSearch?: string;
  /** treeListing's digest of dist/<code> as it was swapped in: a file changed there since is noticed, not published. */
  output?: string;
}

/** The toolchain and theme digests, computed once per build. */
export interface ThemeDigests {
  toolchain: string;
  theme: string;
}

/** The theme's own folders and files (relative to the theme root); the render code is added below. */
const THEME_PATHS = ['src', 'astro.config.mjs', 'public', join('pipeline', 'render'), 'package.json'];
const SOURCE_FILE = /\.(ts|mts|mjs|js|astro|json)$/;
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function filesIn(path: string): string[] {
  if (!existsSync(path)) return [];
  const entries = readdirSync(path, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

function isFileOrDir(path: string): 'file' | 'dir' | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat?.isFile() ? 'file' : stat?.isDirectory() ? 'dir' : undefined;
}

/**
 * SHA-256 over the theme at `themeRoot`: the location, then every file of
 * THEME_PATHS and every file of the package they import (relative imports,
 * followed transitively), by sorted relative path and bytes.
 */
export function themeDigest(themeRoot: string): string {
  const root = resolve(themeRoot);
  const files = new Set<string>();
  const queue: string[] = [];
  const add = (file: string): void => {
    if (files.has(file) || !(file === root || file.startsWith(root + sep))) return;
    files.add(file);
    if (SOURCE_FILE.test(file)) queue.push(file);
  };
  for (const p of THEME_PATHS) {
    const abs = join(root, p);
    const kind = isFileOrDir(abs);
    if (kind === 'dir') for (const f of filesIn(abs)) add(f);
    else if (kind === 'file') add(abs);
  }
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(RELATIVE_IMPORT)) {
      const target = resolve(dirname(file), m[1]!);
      if (isFileOrDir(target) === 'file') add(target);
    }
  }
  const hash = [`theme at ${root}`];
  for (const file of [...files].sort()) hash.push(`${relative(root, file).split(sep).join('/')}\0${hashFileSync(file).sha256}`);
  return sha256Hex(hash.join('\n'));
}

/** The installed version of a package, as the theme resolves it (node_modules here or above). */
function installedVersion(themeRoot: string, name: string): string {
  for (let dir = resolve(themeRoot); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest)) return String((JSON.parse(readFileSync(manifest, 'utf8')) as { version?: unknown }).version);
    if (dirname(dir) === dir) return 'missing';
  }
}

/** Node's version, sealpress's, and every runtime dependency's installed version. */
export function toolchainDigest(themeRoot: string): string {
  const manifest = JSON.parse(readFileSync(join(themeRoot, 'package.json'), 'utf8')) as { version?: string; dependencies?: Record<string, string> };
  const versions = [`node ${process.version}`, `sealpress ${manifest.version ?? 'unknown'}`];
  for (const name of Object.keys(manifest.dependencies ?? {}).sort()) versions.push(`${name} ${installedVersion(themeRoot, name)}`);
  return sha256Hex(versions.join('\n'));
}

export function themeDigests(themeRoot: string): ThemeDigests {
  return { toolchain: toolchainDigest(themeRoot), theme: themeDigest(themeRoot) };
}

/** The config and content digests of a written stage (stage/write.ts), read back from disk. */
export function stageDigests(stageDir: string): StageDigests {
  const bundle = JSON.parse(readFileSync(join(stageDir, 'bundle.json'), 'utf8')) as Record<string, unknown>;
  const files = filesIn(stageDir)
    .map((f) => relative(stageDir, f).split(sep).join('/'))
    .filter((f) => f !== 'bundle.json');
  return digestsOf(bundle, files.map((f) => [f, builtFileDigests.hash(join(stageDir, f)).sha256]));
}

/**
 * The digests stageDigests gives once writeStage has written `stage`, from the
 * stage in memory: what it lists (stagedFiles) and the bundle as JSON writes
 * it. A site that is not rendered again has its stage judged without writing it.
 */
export function plannedStageDigests(root: string, stage: SiteStage): StageDigests {
  const files: [string, string][] = [];
  for (const [path, source] of stagedFiles(root, stage)) {
    files.push([path, source.kind === 'public' ? builtFileDigests.hash(source.path).sha256 : source.kind === 'asset' ? source.asset.digest : sha256Hex(source.text)]);
  }
  return digestsOf(stage.bundle as unknown as Record<string, unknown>, files);
}

export interface StageDigests {
  config: string;
  content: string;
}

function digestsOf(bundle: Record<string, unknown>, files: [path: string, sha256: string][]): StageDigests {
  const { entries, generatedAt, ...config } = bundle;
  // A publish page never shows the clock (see above); a preview page does.
  if (bundle.mode !== 'publish') config.generatedAt = generatedAt;
  const content = [`entries\0${sha256Hex(JSON.stringify(entries))}`];
  for (const [path, sha256] of files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) content.push(`${path}\0${sha256}`);
  return { config: sha256Hex(JSON.stringify(config)), content: sha256Hex(content.join('\n')) };
}

function recordFile(workDir: string, code: string): string {
  return join(workDir, 'built', `${code}.json`);
}

/** The site's record, or undefined when there is none or it cannot be trusted. */
export function readBuiltRecord(workDir: string, code: string): BuiltRecord | undefined {
  try {
    const r = JSON.parse(readFileSync(recordFile(workDir, code), 'utf8')) as Partial<BuiltRecord>;
    const strings = ['code', 'dist', 'toolchain', 'theme', 'config', 'content'] as const;
    if (r.version !== BUILT_RECORD_VERSION || r.code !== code || strings.some((k) => typeof r[k] !== 'string') || typeof r.pages !== 'number') return undefined;
    if ((r.groupSearch !== undefined && typeof r.groupSearch !== 'string') || (r.output !== undefined && typeof r.output !== 'string')) return undefined;
    return r as BuiltRecord;
  } catch {
    return undefined;
  }
}

/** Remove the record durably: called before dist/<code> is replaced. */
export function dropBuiltRecord(workDir: string, code: string): void {
  const file = recordFile(workDir, code);
  if (!existsSync(file)) return;
  rmSync(file, { force: true });
  syncDirSync(dirname(file));
}

/**
 * Flush every file and folder of a finished tree to disk, before it is swapped
 * in: a record written after the swap must not outlive the tree's bytes in a
 * power cut (Astro and Pagefind write without fsync). One flush of the file
 * system (flushTree), not an fsync per file: at 10,000 entries a full build
 * writes some 29,000 files.
 */
export async function syncTree(dir: string): Promise<void> {
  await flushTree(dir);
}

/** Write the record durably: called once dist/<code> holds the tree it describes (its folder synced). */
export function writeBuiltRecord(workDir: string, record: BuiltRecord): void {
  const file = recordFile(workDir, record.code);
  mkdirSync(dirname(file), { recursive: true });
  syncDirSync(dirname(record.dist));
  writeFileAtomicSync(file, Buffer.from(`${JSON.stringify(record, null, 1)}\n`));
}

/**
 * A built site's files as a release lists them (`siteFiles`: sorted, every
 * file hashed, a link, special file or unsafe name refused), and their digest:
 * SHA-256 over every file by path in the site and content digest, what a
 * reused dist/<code> must still hash to. The build keeps the listing for the
 * release, so a publish does not list and hash the trees again.
 */
export interface TreeListing {
  digest: string;
  files: ManifestFile[];
}

export function treeListing(dir: string, code: string): TreeListing {
  const files = siteFiles(dir, code);
  const lines = files.map((f) => `${f.path.slice(code.length + 1)}\0${f.sha256}\n`);
  return { digest: sha256Hex(lines.join('')), files };
}

/**
 * Whether the site must be rendered again, and why. `output`, when given,
 * digests the site's dist tree now (treeListing): a tree that no longer hashes
 * as it was built (a file edited or added by hand) is rendered again rather
 * than carried into a release.
 */
export function judgeSite(record: BuiltRecord | undefined, wanted: RenderInputs, target: string, full: boolean, output?: () => string): { rebuild: boolean; reason: BuildReason } {
  if (full) return { rebuild: true, reason: 'full build' };
  if (!record) return { rebuild: true, reason: 'not built before' };
  if (record.dist !== target || !existsSync(join(target, 'index.html'))) return { rebuild: true, reason: 'output missing' };
  if (record.toolchain !== wanted.toolchain) return { rebuild: true, reason: 'toolchain changed' };
  if (record.theme !== wanted.theme) return { rebuild: true, reason: 'theme changed' };
  if (record.config !== wanted.config) return { rebuild: true, reason: 'configuration changed' };
  if (record.content !== wanted.content) return { rebuild: true, reason: 'content changed' };
  if (output) {
    // A tree that cannot be listed as a release lists it (a link or special file planted, a name unsafe on a mirror) is rendered again.
    let now: string | undefined;
    try {
      now = output();
    } catch {
      now = undefined;
    }
    if (now === undefined || record.output !== now) return { rebuild: true, reason: 'output changed' };
  }
  return { rebuild: false, reason: 'unchanged' };
}

/**
 * SHA-256 of what addGroupIndexes would put in the main site now: each sub-site
 * with an index under `distDir`, its listing, and its index files by path and digest.
 */
export function groupSearchDigest(group: SiteGroup, distDir: string): string {
  const lines: string[] = [];
  for (const site of group.sites.values()) {
    if (site.kind === 'main') continue;
    const from = join(distDir, site.code, 'pagefind');
    if (!existsSync(join(from, 'pagefind-entry.json'))) continue;
    lines.push(`site ${site.code}\0${site.name}\0${siteUrl(site)}`);
    const files = filesIn(from)
      .map((f) => relative(from, f).split(sep).join('/'))
      .filter((f) => !f.endsWith('.js'))
      .sort();
    for (const f of files) lines.push(`${f}\0${builtFileDigests.hash(join(from, f)).sha256}`);
  }
  return sha256Hex(lines.join('\n'));
}

/**
 * The main site's copy of the sub-sites' indexes taken again, in place: the
 * copy is written whole beside the tree (`scratch`), then its folder and list
 * replace the old ones by renames. The caller has dropped the site's record
 * first, so a run stopped half-way leaves a main site without a record, which
 * the next build renders again; the rest of the tree is not touched (at
 * 10,000 entries a tree taken again in links was 14,700 links and their
 * folders for some 700 changed files).
 */
export function refreshGroupIndexes(group: SiteGroup, distDir: string, target: string, scratch: string): void {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  addGroupIndexes(group, distDir, scratch);
  const dir = join(target, GROUP_INDEX_DIR);
  const old = join(scratch, 'old');
  if (existsSync(dir)) renameSync(dir, old);
  mkdirSync(dirname(dir), { recursive: true });
  renameSync(join(scratch, GROUP_INDEX_DIR), dir);
  renameSync(join(scratch, GROUP_INDEX_LIST), join(target, GROUP_INDEX_LIST));
  rmSync(scratch, { recursive: true, force: true });
}
