/**
 * `build`: gate the content, stage each site's bundle, render it with Astro and
 * index it with Pagefind, then swap the finished site into dist/<code> in one
 * rename. A site whose build fails keeps its previous dist/<code> untouched; a
 * reader of dist/ never sees a half-written site.
 *
 * Only the sites whose render inputs changed are rendered again (incremental.ts):
 * a site's stage is written and compared with the record of its last build, and
 * an unchanged site keeps its dist/<code>. `full` (or `cache: false`) renders
 * every site.
 */
import type { Lang } from '../messages/text.ts';
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SealpressError } from '../errors/index.ts';
import { builtFileDigests, sha256Hex } from '../fs/index.ts';
import { runGate, type GateInputs, type GateResult } from '../gate/index.ts';
import type { SiteGroup } from '../model/index.ts';
import type { Plan } from '../plan/index.ts';
import type { ReleaseLedger, ReleaseMemory } from '../release/index.ts';
import type { ManifestFile } from '../release/manifest.ts';
import { addGroupIndexes, completeSite, mergeShard, renderSites } from '../render/index.ts';
import { bundleSite, writeStage } from '../stage/index.ts';
import {
  dropBuiltRecord,
  groupSearchDigest,
  judgeSite,
  plannedStageDigests,
  readBuiltRecord,
  refreshGroupIndexes,
  stageDigests,
  syncTree,
  treeListing,
  type TreeListing,
  themeDigests,
  writeBuiltRecord,
  BUILT_RECORD_VERSION,
  type BuildReason,
  type BuiltRecord,
  type SiteBuildAction,
} from './incremental.ts';

export interface BuildOptions {
  root: string;
  now: Date;
  /** Build only these sites (all when absent). */
  sites?: readonly string[];
  /** Sites built at once; defaults to the number of cores. */
  concurrency?: number;
  /** Reuse cached entry facts and the sites already built (default true); false implies `full`. */
  cache?: boolean;
  /** Render every site again, even those whose inputs did not change. */
  full?: boolean;
  /** The theme (src/, astro.config.mjs, public/) to render with; default PACKAGE_ROOT. */
  themeRoot?: string;
  /** SHA-256 fingerprint of the group CA, pinned from outside the repository. */
  trustAnchor?: string;
  /** What the latest signed release remembers (runGate's `memory`). */
  memory?: ReleaseMemory;
  /** The site group and trust material already read (runGate's `inputs`). */
  inputs?: GateInputs;
  /** Where finished sites go; default `<root>/dist`. */
  distDir?: string;
  /** Sites of at least this many entries may be split between builds (renderChunks); default SHARD_MIN_ENTRIES. */
  shardMinEntries?: number;
  onProgress?: (event: BuildEvent) => void;
}

export type BuildEvent =
  | { type: 'gate'; durationMs: number; plan: Plan }
  | { type: 'site-start'; code: string; entries: number }
  | { type: 'site-done'; code: string; pages: number; durationMs: number; action: SiteBuildAction; reason: BuildReason; builds?: number };

export interface SiteBuildReport {
  code: string;
  entries: number;
  pages: number;
  outDir: string;
  durationMs: number;
  indexMs: number;
  /** Of durationMs, flushing the new tree to disk before it was swapped in (syncTree). */
  syncMs: number;
  /** Astro builds that rendered the site's pages: 1, or (a large site rendered again beside few others) its shares, one a build; 0 when not rendered. */
  builds: number;
  /** Rendered and indexed again, reused as it was, or (the main site) its copy of the sub-sites' search replaced. */
  action: SiteBuildAction;
  reason: BuildReason;
  /** The files of dist/<code> as a release lists them (paths from `<code>/`, sorted), taken when the build finished with the site. */
  files: ManifestFile[];
}

export type BuildResult =
  | { ok: true; group: SiteGroup; plan: Plan; gateMs: number; sites: SiteBuildReport[]; ledger: ReleaseLedger | undefined }
  | { ok: false; gate: Extract<GateResult, { ok: false }> };

/** What a command prints when a site is done: rendered again (and why), or reused. */
export function siteDoneLine(event: Extract<BuildEvent, { type: 'site-done' }>, lang: Lang = 'en'): string {
  if (lang === 'zh') {
    const s = (event.durationMs / 1000).toFixed(1);
    if (event.action === 'reused') return `构建 ${event.code}：沿用，${event.pages} 个页面（${reasonZh(event.reason)}）`;
    if (event.action === 'search-refreshed') return `构建 ${event.code}：页面沿用，站群搜索已更新（${reasonZh(event.reason)}），用时 ${s} 秒`;
    return `构建 ${event.code}：已重新构建（${reasonZh(event.reason)}），${event.pages} 个页面${(event.builds ?? 1) > 1 ? `（分 ${event.builds} 个构建同时渲染）` : ''}，用时 ${s} 秒`;
  }
  if (event.action === 'reused') return `build ${event.code}: reused, ${event.pages} pages (${event.reason})`;
  if (event.action === 'search-refreshed') return `build ${event.code}: pages reused, group search refreshed (${event.reason}) in ${(event.durationMs / 1000).toFixed(1)} s`;
  return `build ${event.code}: rebuilt (${event.reason}), ${event.pages} pages${(event.builds ?? 1) > 1 ? ` (shared between ${event.builds} builds)` : ''} in ${(event.durationMs / 1000).toFixed(1)} s`;
}

/** One line naming the sites rendered again, e.g. `rebuilt 1 of 3 sites: 19901000000 (content changed)`. */
export function rebuiltLine(sites: readonly Pick<SiteBuildReport, 'code' | 'action' | 'reason'>[], lang: Lang = 'en'): string {
  const rebuilt = sites.filter((s) => s.action === 'rebuilt');
  const refreshed = sites.filter((s) => s.action === 'search-refreshed');
  if (lang === 'zh') {
    const named = rebuilt.map((s) => `${s.code}（${reasonZh(s.reason)}）`).join('、');
    return `${sites.length} 个站点中重新构建 ${rebuilt.length} 个${named ? `：${named}` : ''}${refreshed.length ? `；已更新站群搜索：${refreshed.map((s) => s.code).join('、')}` : ''}`;
  }
  const named = rebuilt.map((s) => `${s.code} (${s.reason})`).join(', ');
  return `rebuilt ${rebuilt.length} of ${sites.length} sites${named ? `: ${named}` : ''}${refreshed.length ? `; group search refreshed on ${refreshed.map((s) => s.code).join(', ')}` : ''}`;
}

/** Why a site was rendered again or reused, in Chinese (the reasons are a fixed set; JSON keeps the English). */
const REASONS_ZH: Record<string, string> = {
  'full build': '全量构建',
  'not built before': '此前未构建',
  'output missing': '输出缺失',
  'toolchain changed': '工具链有变化',
  'theme changed': '主题有变化',
  'configuration changed': '配置有变化',
  'content changed': '内容有变化',
  'output changed': '输出被改动',
  unchanged: '无变化',
  'sub-site search changed': '子站搜索有变化',
};

export function reasonZh(reason: string): string {
  return REASONS_ZH[reason] ?? reason;
}

export const WORK_DIR = '.sealpress';
/**
 * The Astro project (src/, astro.config.mjs) is sealpress's own theme, one for
 * every site (the rules require a unified interface); the repository being
 * built only supplies content, config and public files, through the stage.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export async function buildSites(options: BuildOptions): Promise<BuildResult> {
  const { root, now } = options;
  const started = performance.now();
  // The main site adopts sub-site entries, so the gate always judges the whole group.
  const gate = await runGate({ root, now, ...(options.cache === false ? { cache: false } : {}), ...(options.trustAnchor ? { trustAnchor: options.trustAnchor } : {}), ...(options.memory ? { memory: options.memory } : {}), ...(options.inputs ? { inputs: options.inputs } : {}) });
  if (!gate.ok) return { ok: false, gate };
  const gateMs = performance.now() - started;
  options.onProgress?.({ type: 'gate', durationMs: gateMs, plan: gate.plan });

  const codes = options.sites ?? [...gate.group.sites.keys()];
  for (const code of codes) {
    if (!gate.group.sites.has(code)) throw new SealpressError('USAGE', { zh: `--site ${code} 不是本站群的站点（${[...gate.group.sites.keys()].join(', ')}）`, en: `--site ${code} is not a site of the group (${[...gate.group.sites.keys()].join(', ')})` });
  }
  const distDir = options.distDir ?? join(root, 'dist');
  const work = join(root, WORK_DIR);
  const reports: SiteBuildReport[] = [];
  // The main site goes last: its search page carries a copy of every sub-site's
  // index (统一搜索, render/group-search.ts), taken once the sub-sites are done.
  const mainCode = gate.group.main;
  const queue = [...codes.filter((c) => c !== mainCode), ...codes.filter((c) => c === mainCode)];
  let subSitesLeft = queue.filter((c) => c !== mainCode).length;
  let subSitesDone: () => void = () => {};
  const subSitesFinished = new Promise<void>((resolve) => {
    subSitesDone = resolve;
    if (subSitesLeft === 0) resolve();
  });
  /** A site is finished, built or failed: the main site waits for the last sub-site. */
  const settled = (code: string): void => {
    if (code !== mainCode && --subSitesLeft === 0) subSitesDone();
  };
  // renderChunks makes no more builds than there are sites, or shares of a large one.
  const concurrency = Math.max(1, options.concurrency ?? availableParallelism());

  const themeRoot = options.themeRoot ?? PACKAGE_ROOT;
  const digests = themeDigests(themeRoot);
  const full = options.full === true || options.cache === false;

  // The digests of the files built before (fs/digests.ts): a file that did not change is not read again (`--no-cache`: all are).
  const digestsFile = join(work, 'cache', 'digests.json');
  if (options.cache !== false) builtFileDigests.load(digestsFile);

  // Every site is staged and judged first: what to render is then known, and rendered in as few Astro builds as the cores allow.
  interface SitePlan {
    code: string;
    stageDir: string;
    target: string;
    entries: number;
    previous: BuiltRecord | undefined;
    verdict: { rebuild: boolean; reason: BuildReason };
    record: BuiltRecord;
    /** dist/<code> as listed last (judged, or after its swap). */
    listing?: TreeListing;
  }
  const plans: SitePlan[] = queue.map((code) => {
    const stage = bundleSite(gate.group, gate.plan, code, 'publish', { reprintDisclaimer: gate.checks.reprintDisclaimer });
    const stageDir = join(work, 'stage', code);
    const target = join(distDir, code);
    const wanted = { ...digests, ...plannedStageDigests(root, stage) };
    const previous = readBuiltRecord(work, code);
    let listing: TreeListing | undefined;
    const verdict = judgeSite(previous, wanted, target, full, () => (listing = treeListing(target, code)).digest);
    // Only a site rendered again reads its stage: it is written afresh, and must read back as it was judged.
    if (verdict.rebuild) {
      writeStage(root, stageDir, stage);
      const written = stageDigests(stageDir);
      if (written.config !== wanted.config || written.content !== wanted.content) {
        throw new SealpressError('STAGE_TAMPERED', { zh: `站点 ${code} 的暂存目录 ${stageDir} 写入后读回的内容与预期不符（可能在写入时被改动）；请重新运行构建`, en: `The stage of site ${code} (${stageDir}) read back differently from what was written (changed while it was written?); run the build again` }, { file: stageDir });
      }
    }
    const record: BuiltRecord = { version: BUILT_RECORD_VERSION, code, dist: target, ...wanted, pages: previous?.pages ?? 0, ...(previous?.output ? { output: previous.output } : {}) };
    return { code, stageDir, target, entries: stage.bundle.entries.length, previous, verdict, record, ...(verdict.rebuild || !listing ? {} : { listing }) };
  });

  const flushed = async (dir: string): Promise<number> => {
    const t = performance.now();
    await syncTree(dir);
    return performance.now() - t;
  };
  const done = (plan: SitePlan, started: number, action: SiteBuildAction, reason: BuildReason, times: { indexMs: number; syncMs: number; builds?: number }): void => {
    if (action !== 'reused') writeBuiltRecord(work, plan.record);
    // A reused site was listed by its judge; a site the build wrote was listed once its tree was complete.
    const files = (plan.listing ?? treeListing(plan.target, plan.code)).files;
    const report: SiteBuildReport = { code: plan.code, entries: plan.entries, pages: plan.record.pages, outDir: plan.target, durationMs: performance.now() - started, indexMs: times.indexMs, syncMs: Math.round(times.syncMs), builds: times.builds ?? 0, action, reason, files };
    reports.push(report);
    options.onProgress?.({ type: 'site-done', code: plan.code, pages: report.pages, durationMs: report.durationMs, action, reason, ...(report.builds > 1 ? { builds: report.builds } : {}) });
    settled(plan.code);
  };

  /** A rendered and indexed site: the main site takes the sub-sites' indexes, then the tree is flushed and swapped in. */
  const finishRendered = async (plan: SitePlan, started: number, outDir: string, rendered: { pages: number; indexMs: number; builds?: number }): Promise<void> => {
    if (plan.code === mainCode) {
      await subSitesFinished;
      plan.record.groupSearch = groupSearchDigest(gate.group, distDir);
      addGroupIndexes(gate.group, distDir, outDir);
    }
    // The record goes first and comes back last: it never describes a tree dist/ does not hold.
    const syncMs = await flushed(outDir);
    // Listed before the swap: the paths in it are the site's, the same once the tree is dist/<code>.
    plan.listing = treeListing(outDir, plan.code);
    plan.record.output = plan.listing.digest;
    dropBuiltRecord(work, plan.code);
    swapInto(outDir, plan.target);
    plan.record.pages = rendered.pages;
    done(plan, started, 'rebuilt', plan.verdict.reason, { indexMs: rendered.indexMs, syncMs, builds: rendered.builds ?? 1 });
  };

  /** A site not rendered: kept as it is, or (the main site) its copy of the sub-sites' indexes follows them. */
  const finishKept = async (plan: SitePlan): Promise<void> => {
    const started = performance.now();
    if (plan.code !== mainCode) return done(plan, started, 'reused', plan.verdict.reason, { indexMs: 0, syncMs: 0 });
    await subSitesFinished;
    plan.record.groupSearch = groupSearchDigest(gate.group, distDir);
    if (plan.record.groupSearch === plan.previous?.groupSearch) return done(plan, started, 'reused', plan.verdict.reason, { indexMs: 0, syncMs: 0 });
    // The record goes first and comes back last, as for a rebuilt site: it never describes a tree half-refreshed.
    dropBuiltRecord(work, plan.code);
    refreshGroupIndexes(gate.group, distDir, plan.target, join(work, 'out', `${plan.code}-search`));
    const syncMs = await flushed(plan.target);
    plan.listing = treeListing(plan.target, plan.code);
    plan.record.output = plan.listing.digest;
    done(plan, started, 'search-refreshed', 'sub-site search changed', { indexMs: 0, syncMs });
  };

  // Each site's rendered entry bodies are kept by site, whichever build renders it next, and only for this theme and toolchain.
  const renderedRoot = join(work, 'cache', 'rendered');
  const renderedDir = join(renderedRoot, sha256Hex(`${digests.theme}\n${digests.toolchain}`).slice(0, 32));
  // What each site's search index parts were made of (render/search-index.ts), to take an unchanged part from dist/.
  const indexParts = join(work, 'cache', 'index-parts');
  if (full) {
    // Rendered again from nothing: no kept renderings, no index parts, and no Astro data store of an earlier build either.
    rmSync(renderedRoot, { recursive: true, force: true });
    rmSync(indexParts, { recursive: true, force: true });
    const caches = join(work, 'cache');
    if (existsSync(caches)) for (const name of readdirSync(caches)) if (name.startsWith('build-')) rmSync(join(caches, name, 'astro'), { recursive: true, force: true });
  } else if (existsSync(renderedRoot)) for (const name of readdirSync(renderedRoot)) if (join(renderedRoot, name) !== renderedDir) rmSync(join(renderedRoot, name), { recursive: true, force: true });

  const failures: { code: string; error: unknown }[] = [];
  const chunks = renderChunks(plans.filter((p) => p.verdict.rebuild), concurrency, mainCode, options.shardMinEntries);
  /** Where a build writes a site, or share `index` of a split site's pages. */
  const outDirOf = (code: string, share?: number): string => join(work, 'out', share === undefined ? code : `${code}-shard-${share}`);
  /** The site's previous tree and its remembered index parts: unchanged parts are taken from it (not in a full build: their record is gone). */
  const reuseOf = (plan: SitePlan) => ({ tree: plan.target, remembered: join(indexParts, `${plan.code}.json`) });
  /** A site split between builds: how many of its shares are still rendering, and whether one failed. */
  const shares = new Map<string, { left: number; failed: boolean }>();
  for (const unit of chunks.flat()) if (unit.shard) shares.set(unit.code, { left: unit.shard[1], failed: false });
  /** A share of a split site is rendered: once the last is, the shares are merged into one tree, completed and indexed. */
  const finishShare = async (unit: RenderUnit<SitePlan> & { shard: readonly [number, number] }, started: number): Promise<void> => {
    const state = shares.get(unit.code) as { left: number; failed: boolean };
    // Another share failed: the site keeps its previous dist/<code>, and this share's pages go.
    if (state.failed) return rmSync(outDirOf(unit.code, unit.shard[0]), { recursive: true, force: true });
    if (--state.left > 0) return;
    const merged = outDirOf(unit.code);
    rmSync(merged, { recursive: true, force: true });
    renameSync(outDirOf(unit.code, 0), merged);
    for (let i = 1; i < unit.shard[1]; i++) mergeShard(outDirOf(unit.code, i), merged);
    const site = await completeSite(merged, { stageDir: unit.stageDir, reuseIndex: reuseOf(unit) });
    await finishRendered(unit, started, merged, { ...site, builds: unit.shard[1] });
  };
  /** A site failed to render: reported once, its shares' trees removed. */
  const failed = (unit: RenderUnit<SitePlan>, error: unknown): void => {
    const state = shares.get(unit.code);
    if (state) {
      if (state.failed) return;
      state.failed = true;
      for (let i = 0; i < unit.shard![1]; i++) rmSync(outDirOf(unit.code, i), { recursive: true, force: true });
    }
    failures.push({ code: unit.code, error });
    settled(unit.code);
  };
  const renderChunk = async (chunk: RenderUnit<SitePlan>[], slot: number): Promise<void> => {
    const started = performance.now();
    for (const unit of chunk) if (!unit.shard || unit.shard[0] === 0) options.onProgress?.({ type: 'site-start', code: unit.code, entries: unit.entries });
    const finished = new Set<string>();
    try {
      await renderSites({
        root: themeRoot,
        cacheDir: join(work, 'cache', `build-${slot}`),
        renderedDir,
        sites: chunk.map((u) => ({ code: u.code, stageDir: u.stageDir, outDir: outDirOf(u.code, u.shard?.[0]), reuseIndex: reuseOf(u), ...(u.shard ? { shard: u.shard } : {}) })),
        onSite: async (code, rendered) => {
          const unit = chunk.find((u) => u.code === code) as RenderUnit<SitePlan>;
          try {
            if (unit.shard) await finishShare(unit as RenderUnit<SitePlan> & { shard: readonly [number, number] }, started);
            else await finishRendered(unit, started, outDirOf(unit.code), rendered);
          } catch (error) {
            failed(unit, error);
          }
          finished.add(code);
        },
      });
    } catch (error) {
      // The build failed: none of its sites not yet finished is written, each keeps its previous dist/<code>.
      for (const unit of chunk) if (!finished.has(unit.code)) failed(unit, error);
    }
  };
  await Promise.all([
    ...chunks.map((chunk, slot) => renderChunk(chunk, slot)),
    ...plans.filter((p) => !p.verdict.rebuild).map((p) =>
      finishKept(p).catch((error: unknown) => {
        failures.push({ code: p.code, error });
      }),
    ),
  ]);
  builtFileDigests.save(digestsFile);
  if (failures.length > 0) {
    const first = failures[0]!;
    throw new SealpressError('BUILD_FAILED', { zh: `${failures.map((f) => f.code).join(', ')} 构建失败：${(first.error as Error).message}`, en: `${failures.map((f) => f.code).join(', ')} failed to build: ${(first.error as Error).message}` }, { cause: first.error });
  }
  reports.sort((a, b) => codes.indexOf(a.code) - codes.indexOf(b.code));
  return { ok: true, group: gate.group, plan: gate.plan, gateMs, sites: reports, ledger: gate.ledger };
}

/** What a site weighs in a build: its entries, and the theme's fixed cost, about that of 300 entries. */
const SITE_WEIGHT = 300;
/** A site is split between builds only from this many entries: below, the fixed cost of each share outweighs the gain. */
export const SHARD_MIN_ENTRIES = 1000;

/** A site in a build: the whole site, or (`shard`) its share `[index, count]` of the pages. */
export type RenderUnit<T> = T & { shard?: readonly [index: number, count: number] };

/**
 * The sites to render, in at most `slots` groups of about equal weight, one
 * Astro build each, so the builds keep the cores busy. A site heavier than a
 * build's fair share (and of at least `minShardEntries` entries) is split into
 * shares of its pages, each in another build: a large site rendered again
 * alone, or beside a small one, then uses every core. The heaviest go first,
 * each into the lightest group; the main site goes first, so it is in the first
 * build, and last in each of its groups (it waits for every sub-site's index).
 */
export function renderChunks<T extends { code: string; entries: number }>(sites: readonly T[], slots: number, mainCode: string, minShardEntries = SHARD_MIN_ENTRIES): RenderUnit<T>[][] {
  const slotCount = Math.max(1, slots);
  const fair = sites.reduce((sum, s) => sum + s.entries + SITE_WEIGHT, 0) / slotCount;
  const units: { unit: RenderUnit<T>; weight: number }[] = [];
  for (const site of sites) {
    const count = site.entries >= minShardEntries ? Math.min(slotCount, Math.ceil((site.entries + SITE_WEIGHT) / fair)) : 1;
    if (count < 2) units.push({ unit: site, weight: site.entries + SITE_WEIGHT });
    else for (let i = 0; i < count; i++) units.push({ unit: { ...site, shard: [i, count] as const }, weight: site.entries / count + SITE_WEIGHT });
  }
  const n = Math.max(1, Math.min(slotCount, units.length));
  const chunks: { units: RenderUnit<T>[]; weight: number }[] = Array.from({ length: n }, () => ({ units: [], weight: 0 }));
  // The main site first, so it is in the first build, whatever it weighs; then the heaviest.
  const order = units.sort((a, b) => Number(b.unit.code === mainCode) - Number(a.unit.code === mainCode) || b.weight - a.weight || (a.unit.code < b.unit.code ? -1 : a.unit.code > b.unit.code ? 1 : (a.unit.shard?.[0] ?? 0) - (b.unit.shard?.[0] ?? 0)));
  for (const { unit, weight } of order) {
    // Two shares of one site never share a build.
    const open = chunks.filter((c) => !c.units.some((u) => u.code === unit.code));
    const lightest = open.reduce((min, c) => (c.weight < min.weight ? c : min));
    lightest.units.push(unit);
    lightest.weight += weight;
  }
  return chunks
    .filter((c) => c.units.length > 0)
    .map((c) => c.units.sort((a, b) => Number(a.code === mainCode) - Number(b.code === mainCode) || (a.code < b.code ? -1 : 1)));
}

/** Replace `target` with `fresh` by renames, so the target is always a whole site. */
export function swapInto(fresh: string, target: string): void {
  mkdirSync(join(target, '..'), { recursive: true });
  const old = `${target}.old-${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(target)) renameSync(target, old);
  renameSync(fresh, target);
  rmSync(old, { recursive: true, force: true });
}
