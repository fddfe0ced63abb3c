// @ts-check
/**
 * One Astro build per site. pipeline/render runs `astro build` (or `astro dev` for a
 * preview) in a child process with:
 *
 *   SEALPRESS_STAGE  absolute stage dir: bundle.json, public/, entries/ (required)
 *   SEALPRESS_OUT    absolute output dir (builds)
 *   SEALPRESS_CACHE  absolute cache dir of THIS site's build; concurrent builds must
 *                    not share one (Astro wipes its cache between differing configs)
 *
 * and `--root <cache>/root`, a per-build root, so the `.astro/` dir Astro writes
 * (content module map, data store in dev) is per build too; the source stays here.
 */
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mdx from '@astrojs/mdx';
import { defineConfig, passthroughImageService } from 'astro/config';
import rehypeRaw from 'rehype-raw';
import remarkCjkFriendly from 'remark-cjk-friendly';
import { readBundle, stageDirFromEnv } from './src/loader/read-bundle.ts';
import rehypeSealpress from './src/markdown/rehype-sealpress.ts';
import remarkMdxGuard from './src/markdown/remark-mdx-guard.ts';

const repoRoot = fileURLToPath(new URL('./', import.meta.url));

/** @param {string} name */
function absoluteEnv(name) {
  const value = process.env[name];
  if (!value || !isAbsolute(value)) {
    throw new Error(`${name} must be set to an absolute path (it is ${value ? `"${value}"` : 'unset'}); build through pipeline/render, which sets it.`);
  }
  return value;
}

const stageDir = stageDirFromEnv();
const cacheDir = absoluteEnv('SEALPRESS_CACHE');
// `astro dev` (preview) never writes outDir; a build always gets SEALPRESS_OUT.
const outDir = process.env.SEALPRESS_OUT ? absoluteEnv('SEALPRESS_OUT') : join(cacheDir, 'unused-out');
// Validates the whole bundle now, so a bad bundle fails before Astro starts.
const bundle = readBundle(stageDir);
const publicDir = join(stageDir, 'public');

/** @type {import('./src/markdown/rehype-sealpress.ts').RehypeSealpressOptions} */
const sealpressOptions = { publicDir, siteUrl: bundle.site.url };

export default defineConfig({
  site: bundle.site.url,
  srcDir: join(repoRoot, 'src'),
  publicDir,
  outDir,
  cacheDir: join(cacheDir, 'astro'),
  output: 'static',
  build: { format: 'directory', inlineStylesheets: 'always' },
  compressHTML: true,
  prefetch: false,
  devToolbar: { enabled: false },
  // No image transforms: sharp is not installed, and entry images are published as approved.
  image: { service: passthroughImageService() },
  markdown: {
    gfm: true,
    // Keep the approved text as written (no curly-quote or dash rewriting).
    smartypants: false,
    syntaxHighlight: false,
    remarkPlugins: [remarkCjkFriendly],
    // rehype-raw first, so our checks see raw HTML as elements.
    rehypePlugins: [rehypeRaw, [rehypeSealpress, sealpressOptions]],
  },
  integrations: [
    mdx({
      extendMarkdownConfig: false,
      gfm: true,
      smartypants: false,
      syntaxHighlight: false,
      remarkPlugins: [remarkCjkFriendly, remarkMdxGuard],
      rehypePlugins: [[rehypeSealpress, sealpressOptions]],
    }),
  ],
  vite: {
    cacheDir: join(cacheDir, 'vite'),
    // The root is a per-build dir; the dev server must still serve src/ and the stage.
    server: { fs: { allow: [repoRoot, stageDir] } },
  },
});
