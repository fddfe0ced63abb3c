/**
 * Content Layer loaders over the site bundle: the renderer's only way to content.
 * Nothing under content/ is read, so an entry the gate did not plan cannot reach a
 * page (DESIGN: "render ... reads the plan, never content/ directly").
 *
 * - `entries`: one store entry per bundle entry, its id `<site code>/<entry id>`.
 *   Markdown and MDX bodies are rendered here (src/markdown/render-entry.ts)
 *   with the site's public dir and host, and kept by digest: an unchanged body
 *   is not rendered again, and the build compiles no entry.
 * - `site`: one store entry per site, its id the site code, with the site, group
 *   and site list.
 *
 * A build renders one stage (SEALPRESS_STAGE) or several (SEALPRESS_STAGES), one
 * site each: the entries of all of them are in one store, told apart by the code.
 *
 * The store is cleared on every load: a cached data store must not keep an entry
 * the current bundle no longer carries (an unpublished or refused entry).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Loader, LoaderContext } from 'astro/loaders';
import { SealpressError } from '../../pipeline/errors/index.ts';
import { excerpt, markdownText } from '../lib/format.ts';
import { RENDERER_REVISION } from '../markdown/rehype-sealpress.ts';
import { entryRenderer } from '../markdown/render-entry.ts';
import { entryDataSchema, siteDataSchema, type Bundle, type BundleEntryData, type EntryData } from './bundle-schema.ts';
import { BUNDLE_FILE, entryPath, mdxModulePath, readBundle, stageDirsFromEnv } from './read-bundle.ts';

/** The store id of an entry of a site. */
export function storeId(code: string, id: string): string {
  return `${code}/${id}`;
}

/**
 * In `astro dev` (the preview), load again whenever the stage's bundle.json is
 * replaced (pipeline/build/live-preview.ts refreshes it after each saved change);
 * Astro then reloads the open pages. Registered once per loader.
 */
function reloadOnChange(ctx: LoaderContext, watching: { on: boolean }, load: (ctx: LoaderContext) => Promise<void>): void {
  if (!ctx.watcher || watching.on) return;
  watching.on = true;
  const files = stageDirsFromEnv().map((dir) => join(dir, BUNDLE_FILE));
  for (const file of files) ctx.watcher.add(file);
  const changed = (path: string): void => {
    if (!files.includes(resolve(path))) return;
    load(ctx).catch((error: unknown) => ctx.logger.error(`Reloading ${path} failed: ${(error as Error).message}`));
  };
  ctx.watcher.on('change', changed);
  ctx.watcher.on('add', changed);
}

function loadBundles(): { bundle: Bundle; stageDir: string }[] {
  return stageDirsFromEnv().map((stageDir) => ({ bundle: readBundle(stageDir), stageDir }));
}

function entryData(entry: BundleEntryData, bodyText: string): EntryData {
  const { body: _body, mdxFile: _mdxFile, ...meta } = entry;
  return {
    ...meta,
    path: entryPath(entry),
    // An image the body already shows is not repeated as a figure.
    figures: entry.images.filter((img) => !bodyText.includes(img.url)),
    description: entry.summary ?? excerpt(entry.qa?.question ?? markdownText(bodyText)),
  };
}

export function bundleEntriesLoader(): Loader {
  const watching = { on: false };
  const load = async (ctx: LoaderContext): Promise<void> => {
    reloadOnChange(ctx, watching, load);
    const bundles = loadBundles();

    // Keep what a cached store rendered, keyed by digest, then start from empty.
    const cached = new Map<string, NonNullable<ReturnType<typeof ctx.store.get>>>();
    for (const [id, old] of ctx.store.entries()) cached.set(id, old);
    ctx.store.clear();

    for (const { bundle, stageDir } of bundles) {
      // Each site renders with its own public dir (image sizes) and host (internal links).
      const renderer = await entryRenderer({ publicDir: join(stageDir, 'public'), siteUrl: bundle.site.url });
      let reused = 0;
      for (const entry of bundle.entries) {
        const id = storeId(bundle.site.code, entry.id);
        // readBundle has checked that an MDX entry's mdxFile is a .mdx file inside the stage.
        const body = entry.format === 'md' ? (entry.body ?? '') : readFileSync(mdxModulePath(stageDir, entry.mdxFile ?? '') as string, 'utf8');
        const digest = ctx.generateDigest({ revision: RENDERER_REVISION, format: entry.format, source: entry.digest, body, site: bundle.site.url });
        const data = await ctx.parseData({ id, data: entryData(entry, body) });
        const old = cached.get(id);
        let rendered = old?.digest === digest ? old.rendered : undefined;
        if (rendered) {
          reused++;
        } else {
          try {
            rendered = await renderer.render(body, entry.format, entry.source);
          } catch (cause) {
            throw new SealpressError('BUILD_FAILED', `Cannot render ${entry.source} (entry ${entry.id}): ${(cause as Error).message}`, { cause, file: entry.source });
          }
        }
        ctx.store.set({ id, data, digest, rendered });
      }
      ctx.logger.info(`${bundle.entries.length} entries from ${bundle.site.name} (${bundle.mode})${reused ? `, ${reused} reused from cache` : ''}`);
    }
  };
  return { name: 'sealpress-bundle-entries', schema: entryDataSchema, load };
}

export function bundleSiteLoader(): Loader {
  const watching = { on: false };
  const load = async (ctx: LoaderContext): Promise<void> => {
    reloadOnChange(ctx, watching, load);
    ctx.store.clear();
    for (const { bundle } of loadBundles()) {
      const { entries: _entries, ...site } = bundle;
      ctx.store.set({ id: site.site.code, data: await ctx.parseData({ id: site.site.code, data: site }) });
    }
  };
  return { name: 'sealpress-bundle-site', schema: siteDataSchema, load };
}
