/**
 * renderSites: several sites' bundles to static pages plus a search index each,
 * in one `astro build`. The theme is compiled once for all of them (a build per
 * site compiled it again each time); each site's pages are rendered under
 * `/<code>/` of the build's output, then moved into a tree of their own, with
 * the site's public files, and indexed. renderSite is the same for one site.
 *
 * `astro build` runs in a child process, so two builds can run at once without
 * sharing Astro's module state, and a crash in one build is that build's error.
 * Everything a build writes is under its own cacheDir (per-build root, .astro/,
 * Astro and Vite caches, HOME, TMPDIR) or its sites' outDirs.
 */
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SealpressError } from '../errors/index.ts';
import { astroEnv, finished, spawnAstro } from './astro-process.ts';
import { prepareBuildRoot } from './build-root.ts';
import { indexSite, type IndexOptions } from './search-index.ts';

export interface RenderSiteOptions {
  /** The repo root (where astro.config.mjs, src/ and node_modules/ are). */
  root: string;
  /** The stage dir of this site: bundle.json, public/, entries/. */
  stageDir: string;
  /** Where the site is written. Emptied first. */
  outDir: string;
  /** This build's own cache dir; never shared with a concurrent build. */
  cacheDir: string;
}

export interface RenderedSiteInput {
  /** The site code: the stage's bundle is this site's. */
  code: string;
  /** The stage dir of the site: bundle.json, public/, entries/. */
  stageDir: string;
  /** Where the site is written. Emptied first. */
  outDir: string;
  /** The site's previous tree and its remembered index parts: unchanged parts are taken from it (search-index.ts). */
  reuseIndex?: IndexOptions['reuse'];
  /**
   * This build renders only this share of the site's pages (`[index, count]`):
   * outDir then gets the pages as rendered, neither completed nor indexed; the
   * caller merges the shares (mergeShard) and completes the site (completeSite).
   */
  shard?: readonly [index: number, count: number];
}

export interface RenderSitesOptions {
  root: string;
  sites: readonly RenderedSiteInput[];
  /** This build's own cache dir; never shared with a concurrent build. */
  cacheDir: string;
  /** Where each site's rendered entry bodies are kept between builds, whichever build renders it; default `<cacheDir>/rendered`. */
  renderedDir?: string;
  /** Called when a site's tree is written and indexed, before the next site is indexed. */
  onSite?: (code: string, result: RenderSiteResult) => void | Promise<void>;
}

export interface RenderSiteResult {
  /** HTML pages written. */
  pages: number;
  /** Time of the Astro build, in ms (one build for all the sites rendered with it). */
  durationMs: number;
  /** Time of the Pagefind index, in ms. */
  indexMs: number;
}

function requireAbsolute(name: string, value: string): void {
  if (!isAbsolute(value)) throw new SealpressError('USAGE', `renderSite: ${name} must be an absolute path, got "${value}".`);
}

export async function renderSite(opts: RenderSiteOptions): Promise<RenderSiteResult> {
  const results = await renderSites({ root: opts.root, cacheDir: opts.cacheDir, sites: [{ code: '', stageDir: opts.stageDir, outDir: opts.outDir }] });
  return [...results.values()][0] as RenderSiteResult;
}

/**
 * One `astro build` of every site given. A site's code is read from its
 * bundle when `code` is empty. Any failure fails them all; nothing is written
 * to a site's outDir before the build succeeded.
 */
export async function renderSites(opts: RenderSitesOptions): Promise<Map<string, RenderSiteResult>> {
  requireAbsolute('root', opts.root);
  requireAbsolute('cacheDir', opts.cacheDir);
  if (opts.sites.length === 0) return new Map();
  for (const site of opts.sites) {
    requireAbsolute('stageDir', site.stageDir);
    requireAbsolute('outDir', site.outDir);
    if (!existsSync(join(site.stageDir, 'bundle.json'))) {
      throw new SealpressError('PLAN_MISSING', { zh: `暂存目录 ${site.stageDir} 中没有 bundle.json：请先暂存站点再渲染。`, en: `No bundle.json in the stage dir ${site.stageDir}: stage the site before rendering it.` }, { file: join(site.stageDir, 'bundle.json') });
    }
  }

  const build = prepareBuildRoot(opts.root, opts.cacheDir);
  const stageDirs = opts.sites.map((s) => s.stageDir);
  const shards = Object.fromEntries(opts.sites.flatMap((s) => (s.shard ? [[s.code, s.shard] as const] : [])));
  const env = astroEnv({ stageDir: stageDirs, cacheDir: opts.cacheDir, outDir: build.dist, homeDir: build.home, tmpDir: build.tmp, mode: 'production', renderedDir: opts.renderedDir ?? join(opts.cacheDir, 'rendered'), shards });

  const started = performance.now();
  const child = spawnAstro(opts.root, ['build', '--root', build.root, '--config', build.configArg], build.root, env);
  let result;
  try {
    result = await finished(child);
  } catch (cause) {
    throw new SealpressError('BUILD_FAILED', { zh: `无法为 ${stageDirs.join(', ')} 启动 astro build：${(cause as Error).message}`, en: `Could not start astro build for ${stageDirs.join(', ')}: ${(cause as Error).message}` }, { cause });
  }
  // The last lines Astro printed: the clue to a failure.
  const tail = (text: string) => text.trim().split('\n').slice(-40).join('\n');
  if (result.code !== 0) {
    throw new SealpressError(
      'BUILD_FAILED',
      `astro build failed for the stage${stageDirs.length > 1 ? 's' : ''} ${stageDirs.join(', ')} (${result.signal ? `signal ${result.signal}` : `exit code ${String(result.code)}`}):\n${tail(result.stderr.trim() || result.stdout)}`,
      { file: join(stageDirs[0] as string, 'bundle.json') },
    );
  }
  const durationMs = Math.round(performance.now() - started);

  // The build's output: a folder per site code, and whatever the theme emits for all of them (assets).
  const siteCodes = opts.sites.map((s) => s.code || stagedCode(s.stageDir));
  const codes = readdirSync(build.dist, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  const shared = readdirSync(build.dist).filter((name) => !siteCodes.includes(name));
  const results = new Map<string, RenderSiteResult>();
  for (const [i, site] of opts.sites.entries()) {
    const code = siteCodes[i] as string;
    if (!codes.includes(code)) {
      // Astro said it succeeded: what it printed is the only clue to why a site is missing.
      throw new SealpressError('BUILD_FAILED', `astro build exited 0 but wrote no pages for site ${code} (stage ${site.stageDir}); it printed:\n${tail(`${result.stdout}\n${result.stderr}`)}`, { file: join(site.stageDir, 'bundle.json') });
    }
    const tree = join(build.dist, code);
    for (const name of shared) cpSync(join(build.dist, name), join(tree, name), { recursive: true, errorOnExist: true, force: false });
    moveDir(tree, site.outDir);
    const rendered = site.shard ? { pages: countHtml(site.outDir), durationMs, indexMs: 0 } : { ...(await completeSite(site.outDir, site)), durationMs };
    results.set(code, rendered);
    await opts.onSite?.(code, rendered);
  }
  return results;
}

/**
 * A site's rendered pages made a whole site: the 404 page where servers look for
 * it, the stage's public files, and the search index. Done by renderSites, or by
 * the caller once the shares of a split site are merged.
 */
export async function completeSite(tree: string, site: Pick<RenderedSiteInput, 'stageDir' | 'reuseIndex'>): Promise<{ pages: number; indexMs: number }> {
  placeNotFoundPage(tree);
  const publicDir = join(site.stageDir, 'public');
  if (existsSync(publicDir)) cpSync(publicDir, tree, { recursive: true, errorOnExist: true, force: false });
  const indexStarted = performance.now();
  await indexSite(tree, site.reuseIndex ? { reuse: site.reuseIndex } : {});
  return { pages: countHtml(tree), indexMs: Math.round(performance.now() - indexStarted) };
}

/**
 * Move the pages of one share of a split site into the tree of the others. Each
 * page is rendered by one share only; a file both hold (what every build emits
 * for all its sites) must be the same bytes, else the build fails.
 */
export function mergeShard(from: string, into: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(into, entry.name);
    const there = lstatSync(target, { throwIfNoEntry: false });
    if (entry.isDirectory() && there?.isDirectory()) {
      mergeShard(source, target);
      continue;
    }
    if (there) {
      if (entry.isFile() && there.isFile() && readFileSync(source).equals(readFileSync(target))) continue;
      throw new SealpressError('BUILD_FAILED', { zh: `站点的两部分构建都写出了 ${target}，且内容不同；请重新运行构建`, en: `Two shares of a site's build both wrote ${target}, differently; run the build again` }, { file: target });
    }
    renameSync(source, target);
  }
  rmSync(from, { recursive: true, force: true });
}

/** The code of a staged site (the renderer has read and checked its bundle already). */
function stagedCode(stageDir: string): string {
  return (JSON.parse(readFileSync(join(stageDir, 'bundle.json'), 'utf8')) as { site: { code: string } }).site.code;
}

/** A site's 404 page is rendered as `/<code>/404/` (a page of the `[site]` route); servers look for `/404.html`. */
function placeNotFoundPage(tree: string): void {
  const dir = join(tree, '404');
  const page = join(dir, 'index.html');
  if (!existsSync(page)) return;
  renameSync(page, join(tree, '404.html'));
  rmdirSync(dir);
}

/** Replace `to` with `from`: a rename on one file system, a copy across two. */
function moveDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(dirname(to), { recursive: true });
  try {
    renameSync(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    cpSync(from, to, { recursive: true });
    rmSync(from, { recursive: true, force: true });
  }
}

function countHtml(dir: string): number {
  let n = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.html')) n++;
  }
  return n;
}
