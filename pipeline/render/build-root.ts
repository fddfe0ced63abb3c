/**
 * A per-build Astro root inside the site's cache dir.
 *
 * Why not the repo root: Astro writes per-build state to `<root>/.astro/` (the map of
 * MDX modules to render, the dev data store, generated types), and a static build
 * whose outDir is outside the working directory uses `<cwd>/.astro/` as scratch
 * space and deletes it afterwards. Two sites built at once from the repo root would
 * overwrite each other's MDX map and delete each other's scratch output. So each
 * build gets `<cache>/root/` (its own `.astro/`, its own `dist/`) with a link to the
 * repo's node_modules, so the prerender chunks in `dist/` still resolve packages;
 * the sources (src/, astro.config.mjs) stay in the repo.
 */
import { mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { astroPackageDir } from './astro-process.ts';

export interface BuildRoot {
  /** The Astro root and the child's working directory. */
  root: string;
  /** Astro's outDir, inside the root; moved to the caller's outDir afterwards. */
  dist: string;
  home: string;
  tmp: string;
  /** `--config` value: Astro joins it to the root. */
  configArg: string;
}

export function prepareBuildRoot(repoRoot: string, cacheDir: string): BuildRoot {
  const root = join(cacheDir, 'root');
  const home = join(cacheDir, 'home');
  const tmp = join(cacheDir, 'tmp');
  for (const dir of [root, home, tmp]) mkdirSync(dir, { recursive: true });
  // Scratch and output of a previous build of this site must not leak into this one.
  rmSync(join(root, '.astro'), { recursive: true, force: true });
  rmSync(join(root, 'dist'), { recursive: true, force: true });

  const link = join(root, 'node_modules');
  // The node_modules that holds astro (the repo's own, or a hoisted one above it).
  const target = dirname(astroPackageDir(repoRoot));
  let current: string | undefined;
  try {
    current = readlinkSync(link);
  } catch {
    current = undefined;
  }
  if (current !== target) {
    rmSync(link, { recursive: true, force: true });
    symlinkSync(target, link, 'dir');
  }
  return { root, dist: join(root, 'dist'), home, tmp, configArg: relative(root, join(repoRoot, 'astro.config.mjs')) };
}
