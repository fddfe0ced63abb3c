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
 * the current bundle no longer carries (an unpublished or refused entry). In a
 * build it changes once, when both collections are prepared, and the pages
 * check what they read against the ledger of that change (store-ledger.ts).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { Loader, LoaderContext } from 'astro/loaders';
import { SealpressError } from '../../pipeline/errors/index.ts';
import { excerpt, markdownText } from '../lib/format.ts';
import { RENDERER_REVISION } from '../markdown/rehype-sealpress.ts';
import { entryRenderer } from '../markdown/render-entry.ts';
import { entryDataSchema, siteDataSchema, type Bundle, type BundleEntryData, type EntryData } from './bundle-schema.ts';
import { BUNDLE_FILE, entryPath, mdxModulePath, readBundle, stageDirsFromEnv } from './read-bundle.ts';
import { writeLedger, type LedgerCollection } from './store-ledger.ts';

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

/** An entry body as rendered, and the digest of what it was rendered from. */
interface Rendering {
  digest: string;
  rendered: { html: string; metadata?: Record<string, unknown> };
}

/**
 * Environment variable naming the folder where each site's renderings are
 * kept between builds (`<code>.json`), set by pipeline/render for a build.
 * Astro's own data store is per build and holds only the sites that build
 * rendered last, so a site built in another group would render every entry
 * again.
 */
export const RENDERED_ENV = 'SEALPRESS_RENDERED';
const RENDERED_VERSION = 1;

function renderedCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env[RENDERED_ENV];
  return dir && isAbsolute(dir) ? dir : undefined;
}

/** A site's kept renderings; none when the file is missing or not ours (a cache: anything doubtful renders again). */
function readRendered(dir: string, code: string): Map<string, Rendering> {
  try {
    const parsed = JSON.parse(readFileSync(join(dir, `${code}.json`), 'utf8')) as { version?: unknown; entries?: Record<string, Rendering> };
    if (parsed.version !== RENDERED_VERSION || typeof parsed.entries !== 'object' || parsed.entries === null) return new Map();
    return new Map(Object.entries(parsed.entries).filter(([, r]) => typeof r?.digest === 'string' && typeof r.rendered?.html === 'string'));
  } catch {
    return new Map();
  }
}

/** Replaces a site's kept renderings with this build's, by a rename (a reader sees the old file or the new one). */
function writeRendered(dir: string, code: string, entries: Map<string, Rendering>): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${code}.json`);
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify({ version: RENDERED_VERSION, entries: Object.fromEntries(entries) }));
  renameSync(partial, file);
}

/**
 * One load of the stages in a build, shared by the two loaders: the bundles are
 * read once, and neither loader changes the store before both have prepared
 * everything they store (store-ledger.ts says why). `stored` resolves when the
 * second arrives; each then clears and fills its collection without an await,
 * so both collections change in the same turn of the event loop, and no save
 * Astro begins can hold one without the other or a part of either.
 *
 * A preview (`astro dev`, a watcher) loads each collection on its own (startLoad):
 * a change to a bundle reloads them separately, and a preview publishes nothing.
 */
interface SharedLoad {
  bundles: { bundle: Bundle; stageDir: string }[];
  arrived: number;
  stored: Promise<void>;
  release: () => void;
}

/** The loaders that share a load: both collections of src/content.config.ts. */
const SHARING_LOADERS = 2;
let sharedLoad: SharedLoad | undefined;

function joinSharedLoad(): SharedLoad {
  if (!sharedLoad) {
    let release!: () => void;
    const stored = new Promise<void>((resolve) => (release = resolve));
    sharedLoad = { bundles: loadBundles(), arrived: 0, stored, release };
  }
  return sharedLoad;
}

/** Resolves once every loader of the load is ready to store. */
function readyToStore(load: SharedLoad): Promise<void> {
  load.arrived++;
  if (load.arrived === SHARING_LOADERS) {
    sharedLoad = undefined;
    load.release();
  }
  return load.stored;
}

/** A record as a loader stores it. */
interface Prepared {
  id: string;
  data: Record<string, unknown>;
  digest: string;
  rendered?: Rendering['rendered'];
}

/**
 * How a loader stores its records. In a build, all of them at once, when both
 * loaders of the shared load are ready: the collection is cleared and filled
 * without an await (no save of the store can begin in the middle), after the
 * ledger of them is written. In a preview, each as it is ready: the collection
 * is cleared in the turn the change is seen, and the store is saved once no
 * record came for 500 ms.
 */
function startLoad(ctx: LoaderContext, collection: LedgerCollection): { bundles: SharedLoad['bundles']; add: (record: Prepared) => void; done: () => Promise<void> } {
  const shared = ctx.watcher ? undefined : joinSharedLoad();
  if (!shared) {
    ctx.store.clear();
    return { bundles: loadBundles(), add: (record) => void ctx.store.set(record), done: async () => undefined };
  }
  const records: Prepared[] = [];
  return {
    bundles: shared.bundles,
    add: (record) => void records.push(record),
    done: async () => {
      writeLedger(collection, records);
      await readyToStore(shared);
      ctx.store.clear();
      for (const record of records) ctx.store.set(record);
    },
  };
}

export function bundleEntriesLoader(): Loader {
  const watching = { on: false };
  const load = async (ctx: LoaderContext): Promise<void> => {
    reloadOnChange(ctx, watching, load);
    // What a cached store rendered (a preview's previous load), keyed by digest.
    const stored = new Map<string, Rendering>();
    for (const [id, old] of ctx.store.entries()) if (old.digest !== undefined && old.rendered) stored.set(id, { digest: String(old.digest), rendered: old.rendered });
    const { bundles, add, done } = startLoad(ctx, 'entries');
    const cacheDir = renderedCacheDir();

    for (const { bundle, stageDir } of bundles) {
      // Each site renders with its own public dir (image sizes) and host (internal links).
      const renderer = await entryRenderer({ publicDir: join(stageDir, 'public'), siteUrl: bundle.site.url });
      // What the site's last build rendered, whichever build that was.
      const kept = cacheDir ? readRendered(cacheDir, bundle.site.code) : new Map<string, Rendering>();
      const now = new Map<string, Rendering>();
      let reused = 0;
      for (const entry of bundle.entries) {
        const id = storeId(bundle.site.code, entry.id);
        // readBundle has checked that an MDX entry's mdxFile is a .mdx file inside the stage.
        const body = entry.format === 'md' ? (entry.body ?? '') : readFileSync(mdxModulePath(stageDir, entry.mdxFile ?? '') as string, 'utf8');
        const digest = ctx.generateDigest({ revision: RENDERER_REVISION, format: entry.format, source: entry.digest, body, site: bundle.site.url });
        const data = await ctx.parseData({ id, data: entryData(entry, body) });
        const old = [stored.get(id), kept.get(entry.id)].find((r) => r?.digest === digest);
        let rendered = old?.rendered;
        if (rendered) {
          reused++;
        } else {
          try {
            rendered = await renderer.render(body, entry.format, entry.source);
          } catch (cause) {
            throw new SealpressError('BUILD_FAILED', `Cannot render ${entry.source} (entry ${entry.id}): ${(cause as Error).message}`, { cause, file: entry.source });
          }
        }
        add({ id, data, digest, rendered });
        now.set(entry.id, { digest, rendered });
      }
      if (cacheDir) writeRendered(cacheDir, bundle.site.code, now);
      ctx.logger.info(`${bundle.entries.length} entries from ${bundle.site.name} (${bundle.mode})${reused ? `, ${reused} reused from cache` : ''}`);
    }
    await done();
  };
  return { name: 'sealpress-bundle-entries', schema: entryDataSchema, load };
}

export function bundleSiteLoader(): Loader {
  const watching = { on: false };
  const load = async (ctx: LoaderContext): Promise<void> => {
    reloadOnChange(ctx, watching, load);
    const { bundles, add, done } = startLoad(ctx, 'site');
    for (const { bundle } of bundles) {
      const { entries: _entries, ...site } = bundle;
      const data = await ctx.parseData({ id: site.site.code, data: site });
      add({ id: site.site.code, data, digest: ctx.generateDigest(data) });
    }
    await done();
  };
  return { name: 'sealpress-bundle-site', schema: siteDataSchema, load };
}
