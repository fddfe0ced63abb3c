// @ts-check
/**
 * The theme, for one site or for several at once. pipeline/render runs `astro build`
 * (or `astro dev` for a preview) in a child process with:
 *
 *   SEALPRESS_STAGES absolute stage dirs, a JSON array (builds): every site in one
 *                    build, each under /<site code>/ of the output, which
 *                    pipeline/render splits into one tree per site; the theme is
 *                    compiled once for all of them
 *   SEALPRESS_STAGE  absolute stage dir of the one site (previews): bundle.json,
 *                    public/, entries/; its pages at the root
 *   SEALPRESS_OUT    absolute output dir (builds)
 *   SEALPRESS_CACHE  absolute cache dir of THIS build; concurrent builds must not
 *                    share one
 *
 * and `--root <cache>/root`, a per-build root, so the `.astro/` dir Astro writes
 * (content module map, data store in dev) is per build too; the source stays here.
 * The pages are src/routes/, injected below with the `[site]` segment when the
 * build renders several sites.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, passthroughImageService } from 'astro/config';
import { readBundle, rendersSeveralSites, stageDirsFromEnv } from './src/loader/read-bundle.ts';

const repoRoot = fileURLToPath(new URL('./', import.meta.url));
/** Astro's module of the content store (astro/dist/content/consts.js, RESOLVED_DATA_STORE_VIRTUAL_ID). */
const DATA_STORE_MODULE = '\0astro:data-layer-content';

/** @param {string} name */
function absoluteEnv(name) {
  const value = process.env[name];
  if (!value || !isAbsolute(value)) {
    throw new Error(`${name} must be set to an absolute path (it is ${value ? `"${value}"` : 'unset'}); build through pipeline/render, which sets it.`);
  }
  return value;
}

const stageDirs = stageDirsFromEnv();
const several = rendersSeveralSites();
const cacheDir = absoluteEnv('SEALPRESS_CACHE');
// `astro dev` (preview) never writes outDir; a build always gets SEALPRESS_OUT.
const outDir = process.env.SEALPRESS_OUT ? absoluteEnv('SEALPRESS_OUT') : join(cacheDir, 'unused-out');
// Validates every bundle now, so a bad bundle fails before Astro starts.
const sites = stageDirs.map((stageDir) => ({ publicDir: join(stageDir, 'public'), siteUrl: readBundle(stageDir).site.url }));
// Several sites have several public dirs: pipeline/render copies each into its site's tree; Astro's is empty.
const publicDir = several ? join(cacheDir, 'no-public') : /** @type {typeof sites[0]} */ (sites[0]).publicDir;
if (several) mkdirSync(publicDir, { recursive: true });
/** The content store Astro writes for a build, and the built pages read (storeReadAtRuntime). */
const storeFile = join(cacheDir, 'astro', 'data-store.json');
// A build starts from an empty store: Astro would otherwise load the last build's (a large file, parsed
// for nothing: the loaders replace every record, and keep renderings themselves), and a save of that old
// store still in progress when the new one is saved could be the file the pages read
// (src/loader/store-ledger.ts). Previews keep theirs under the root's .astro/.
if (process.env.SEALPRESS_OUT) rmSync(storeFile, { force: true });

/** Every page of src/routes/ by its pattern, under `/[site]` when the build renders several sites. */
const ROUTES = { '/': 'index.astro', '/[...path]': '[...path].astro', '/search': 'search.astro', '/404': '404.astro', '/robots.txt': 'robots.txt.ts', '/sitemap.xml': 'sitemap.xml.ts', '/search.js': 'search.js.ts', '/search-query.js': 'search-query.js.ts', '/[column]/rss.xml': '[column]/rss.xml.ts' };

/** @type {import('astro').AstroIntegration} */
const routes = {
  name: 'sealpress-routes',
  hooks: {
    'astro:config:setup': ({ injectRoute }) => {
      for (const [pattern, file] of Object.entries(ROUTES)) {
        injectRoute({ pattern: several ? `/[site]${pattern === '/' ? '' : pattern}` : pattern, entrypoint: join(repoRoot, 'src', 'routes', file) });
      }
    },
  },
};

/**
 * The content store (every entry with its rendered body: 49 MB of JSON for a site
 * of 18,000 entries) is read by the built pages when they load, instead of being
 * compiled into them. Astro makes the store a JavaScript module that Rollup parses
 * whole: at 18,000 entries that held 1.3 GB of syntax tree for the ten seconds of
 * the bundling, the build's peak memory. The pages get the same value either way:
 * Astro's module is the file's JSON as a literal, this one parses the file, which
 * the content sync has written before the bundling starts; the pages check what
 * they read against the loaders' ledger (src/loader/store-ledger.ts). Previews
 * (`astro dev`) keep Astro's own module.
 * @type {import('vite').Plugin}
 */
const storeReadAtRuntime = {
  name: 'sealpress-store-read-at-runtime',
  enforce: 'pre',
  apply: 'build',
  // Astro's own plugin loads the module (it comes first); this replaces its code before Rollup parses it.
  transform(_code, id) {
    if (id !== DATA_STORE_MODULE) return null;
    return { code: `import { readFileSync } from 'node:fs';\nexport default JSON.parse(readFileSync(${JSON.stringify(storeFile)}, 'utf8'));\n`, map: null };
  },
};

export default defineConfig({
  ...(several ? {} : { site: /** @type {typeof sites[0]} */ (sites[0]).siteUrl }),
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
  // Entry bodies, Markdown and MDX, are rendered by the bundle loader (src/markdown/render-entry.ts), not by Astro's pipelines.
  integrations: [routes],
  vite: {
    cacheDir: join(cacheDir, 'vite'),
    plugins: [storeReadAtRuntime],
    // The root is a per-build dir; the dev server must still serve src/ and the stage.
    server: { fs: { allow: [repoRoot, ...stageDirs] } },
  },
});
