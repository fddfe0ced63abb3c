/**
 * `build`: gate the content, stage each site's bundle, render it with Astro and
 * index it with Pagefind, then swap the finished site into dist/<code> in one
 * rename. A site whose build fails keeps its previous dist/<code> untouched; a
 * reader of dist/ never sees a half-written site.
 */
import { availableParallelism } from 'node:os';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SealpressError } from '../errors/index.ts';
import { runGate, type GateInputs, type GateResult } from '../gate/index.ts';
import type { SiteGroup } from '../model/index.ts';
import type { Plan } from '../plan/index.ts';
import type { ReleaseLedger, ReleaseMemory } from '../release/index.ts';
import { addGroupIndexes, renderSite } from '../render/index.ts';
import { bundleSite, writeStage } from '../stage/index.ts';

export interface BuildOptions {
  root: string;
  now: Date;
  /** Build only these sites (all when absent). */
  sites?: readonly string[];
  /** Sites built at once; defaults to the number of cores. */
  concurrency?: number;
  /** Reuse cached entry facts (default true). */
  cache?: boolean;
  /** SHA-256 fingerprint of the group CA, pinned from outside the repository. */
  trustAnchor?: string;
  /** What the latest signed release remembers (runGate's `memory`). */
  memory?: ReleaseMemory;
  /** The site group and trust material already read (runGate's `inputs`). */
  inputs?: GateInputs;
  /** Where finished sites go; default `<root>/dist`. */
  distDir?: string;
  onProgress?: (event: BuildEvent) => void;
}

export type BuildEvent =
  | { type: 'gate'; durationMs: number; plan: Plan }
  | { type: 'site-start'; code: string; entries: number }
  | { type: 'site-done'; code: string; pages: number; durationMs: number };

export interface SiteBuildReport {
  code: string;
  entries: number;
  pages: number;
  outDir: string;
  durationMs: number;
  indexMs: number;
}

export type BuildResult =
  | { ok: true; group: SiteGroup; plan: Plan; gateMs: number; sites: SiteBuildReport[]; ledger: ReleaseLedger | undefined }
  | { ok: false; gate: Extract<GateResult, { ok: false }> };

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
    if (!gate.group.sites.has(code)) throw new SealpressError('USAGE', `--site ${code} is not a site of the group (${[...gate.group.sites.keys()].join(', ')})`);
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
  const concurrency = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), codes.length));

  const buildOne = async (code: string): Promise<void> => {
    const siteStarted = performance.now();
    const stage = bundleSite(gate.group, gate.plan, code, 'publish', { reprintDisclaimer: gate.checks.reprintDisclaimer });
    options.onProgress?.({ type: 'site-start', code, entries: stage.bundle.entries.length });
    const stageDir = join(work, 'stage', code);
    writeStage(root, stageDir, stage);
    const outDir = join(work, 'out', code);
    rmSync(outDir, { recursive: true, force: true });
    const rendered = await renderSite({ root: PACKAGE_ROOT, stageDir, outDir, cacheDir: join(work, 'cache', code) });
    if (code === mainCode) {
      await subSitesFinished;
      addGroupIndexes(gate.group, distDir, outDir);
    }
    const target = join(distDir, code);
    swapInto(outDir, target);
    const report = { code, entries: stage.bundle.entries.length, pages: rendered.pages, outDir: target, durationMs: performance.now() - siteStarted, indexMs: rendered.indexMs };
    reports.push(report);
    options.onProgress?.({ type: 'site-done', code, pages: rendered.pages, durationMs: report.durationMs });
  };

  const failures: { code: string; error: unknown }[] = [];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let code = queue.shift(); code !== undefined; code = queue.shift()) {
        try {
          await buildOne(code);
        } catch (error) {
          failures.push({ code, error });
        } finally {
          if (code !== mainCode && --subSitesLeft === 0) subSitesDone();
        }
      }
    }),
  );
  if (failures.length > 0) {
    const first = failures[0]!;
    throw new SealpressError('BUILD_FAILED', `${failures.map((f) => f.code).join(', ')} failed to build: ${(first.error as Error).message}`, { cause: first.error });
  }
  reports.sort((a, b) => codes.indexOf(a.code) - codes.indexOf(b.code));
  return { ok: true, group: gate.group, plan: gate.plan, gateMs, sites: reports, ledger: gate.ledger };
}

/** Replace `target` with `fresh` by renames, so the target is always a whole site. */
function swapInto(fresh: string, target: string): void {
  mkdirSync(join(target, '..'), { recursive: true });
  const old = `${target}.old-${process.pid}`;
  rmSync(old, { recursive: true, force: true });
  if (existsSync(target)) renameSync(target, old);
  renameSync(fresh, target);
  rmSync(old, { recursive: true, force: true });
}
