/**
 * renderSite: one site's bundle to static pages plus its search index.
 *
 * `astro build` runs in a child process, so two sites can be built at once without
 * sharing Astro's module state, and a crash in one build is that build's error.
 * Everything a build writes is under its own cacheDir (per-build root, .astro/,
 * Astro and Vite caches, HOME, TMPDIR) or its outDir.
 */
import { existsSync, readdirSync, renameSync, rmSync, cpSync, mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SealpressError } from '../errors/index.ts';
import { astroEnv, finished, spawnAstro } from './astro-process.ts';
import { prepareBuildRoot } from './build-root.ts';
import { indexSite } from './search-index.ts';

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

export interface RenderSiteResult {
  /** HTML pages written. */
  pages: number;
  /** Time of the Astro build, in ms. */
  durationMs: number;
  /** Time of the Pagefind index, in ms. */
  indexMs: number;
}

function requireAbsolute(name: string, value: string): void {
  if (!isAbsolute(value)) throw new SealpressError('USAGE', `renderSite: ${name} must be an absolute path, got "${value}".`);
}

export async function renderSite(opts: RenderSiteOptions): Promise<RenderSiteResult> {
  for (const [name, value] of Object.entries(opts)) requireAbsolute(name, value);
  if (!existsSync(join(opts.stageDir, 'bundle.json'))) {
    throw new SealpressError('PLAN_MISSING', { zh: `暂存目录 ${opts.stageDir} 中没有 bundle.json：请先暂存站点再渲染。`, en: `No bundle.json in the stage dir ${opts.stageDir}: stage the site before rendering it.` }, { file: join(opts.stageDir, 'bundle.json') });
  }

  const build = prepareBuildRoot(opts.root, opts.cacheDir);
  const env = astroEnv({ stageDir: opts.stageDir, cacheDir: opts.cacheDir, outDir: build.dist, homeDir: build.home, tmpDir: build.tmp, mode: 'production' });

  const started = performance.now();
  const child = spawnAstro(opts.root, ['build', '--root', build.root, '--config', build.configArg], build.root, env);
  let result;
  try {
    result = await finished(child);
  } catch (cause) {
    throw new SealpressError('BUILD_FAILED', { zh: `无法为 ${opts.stageDir} 启动 astro build：${(cause as Error).message}`, en: `Could not start astro build for ${opts.stageDir}: ${(cause as Error).message}` }, { cause });
  }
  if (result.code !== 0) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-40).join('\n');
    throw new SealpressError(
      'BUILD_FAILED',
      `astro build failed for the stage ${opts.stageDir} (${result.signal ? `signal ${result.signal}` : `exit code ${String(result.code)}`}):\n${tail}`,
      { file: join(opts.stageDir, 'bundle.json') },
    );
  }
  moveDir(build.dist, opts.outDir);
  const durationMs = Math.round(performance.now() - started);

  const indexStarted = performance.now();
  await indexSite(opts.outDir);
  const indexMs = Math.round(performance.now() - indexStarted);

  return { pages: countHtml(opts.outDir), durationMs, indexMs };
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
