/**
 * A copy of the package's theme that builds on its own: what themeDigest reads
 * (src/, astro.config.mjs, public/, the pipeline/ files they import, the
 * package and TypeScript configuration), with node_modules linked. Tests change
 * a copy (a page that throws, a content config that wraps the loaders) and
 * build with it as the theme root, never touching the package.
 */
import { cpSync, existsSync, realpathSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../pipeline/build/index.ts';

const THEME_PATHS = ['src', 'astro.config.mjs', 'public', 'pipeline', 'package.json', 'tsconfig.json'];

/** Copies the theme into `dir` (created if missing) and returns it. */
export function copyThemeInto(dir: string): string {
  for (const p of THEME_PATHS) {
    if (existsSync(join(PACKAGE_ROOT, p))) cpSync(join(PACKAGE_ROOT, p), join(dir, p), { recursive: true });
  }
  symlinkSync(realpathSync(join(PACKAGE_ROOT, 'node_modules')), join(dir, 'node_modules'), 'dir');
  return dir;
}
