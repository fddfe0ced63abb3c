/**
 * The live preview (`sealpress preview`, `npm run dev`): `astro dev` over a
 * preview stage of one site, kept up to date while it runs. A saved change under
 * content/ or sites/ runs the gate again (its facts cache makes that the cost of
 * the changed files), stages the site again in place (stage/write.ts
 * refreshStage), and the renderer's loaders reload the stage, after which Astro
 * reloads the open pages. Pending entries are shown marked 未发布（草稿）; refused
 * entries never appear. A change that breaks the group's configuration keeps the
 * last good preview and says why.
 */
import { say, type Lang } from '../messages/text.ts';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../diagnostics/index.ts';
import type { Plan } from '../plan/index.ts';
import { SealpressError } from '../errors/index.ts';
import { runGate, type GateResult } from '../gate/index.ts';
import { previewSite } from '../render/index.ts';
import { bundleSite, refreshStage, writeStage } from '../stage/index.ts';
import { PACKAGE_ROOT, WORK_DIR } from './build.ts';

export interface LivePreviewOptions {
  root: string;
  /** The site to preview; default the main site. */
  site?: string;
  port?: number;
  host?: string;
  /** A fixed clock for every run of the gate; default: the time of each run. */
  now?: Date;
  trustAnchor?: string;
  /** Quiet time after a change before the gate runs again (a save often writes several times). */
  debounceMs?: number;
  /** How the plan is shown (the review desk shows entries held back only by approvals of an earlier version as drafts). */
  adjustPlan?: (plan: Plan) => Plan;
  onEvent?: (event: LivePreviewEvent) => void;
  /** The language of the drafts' banners (why each is not published); default Chinese. */
  lang?: Lang;
}

export type LivePreviewEvent =
  | { type: 'refreshed'; entries: number; drafts: number; durationMs: number }
  | { type: 'refresh-failed'; message: string; diagnostics: Diagnostic[] };

export type LivePreviewStart =
  | { ok: true; preview: LivePreview }
  | { ok: false; configDiagnostics: Diagnostic[] };

export interface LivePreview {
  url: string;
  site: string;
  entries: number;
  drafts: number;
  /** Resolves when the dev server has exited. */
  done: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Stage one site for preview under .sealpress/preview/<code>: the gate's plan in
 * preview mode (pending entries included, marked as drafts; refused ones never).
 * `inPlace` updates a stage a running preview reads (stage/write.ts refreshStage).
 */
export function stagePreview(root: string, gate: Extract<GateResult, { ok: true }>, code: string, options: { inPlace?: boolean; lang?: Lang; adjustPlan?: ((plan: Plan) => Plan) | undefined } = {}): { stageDir: string; entries: number; drafts: number } {
  const plan = options.adjustPlan ? options.adjustPlan(gate.plan) : gate.plan;
  const stage = bundleSite(gate.group, plan, code, 'preview', { reprintDisclaimer: gate.checks.reprintDisclaimer, ...(options.lang ? { lang: options.lang } : {}) });
  const stageDir = join(root, WORK_DIR, 'preview', code);
  (options.inPlace ? refreshStage : writeStage)(root, stageDir, stage);
  return { stageDir, entries: stage.bundle.entries.length, drafts: stage.bundle.entries.filter((e) => e.draft).length };
}

/** What the preview watches: where writers and administrators save. */
const WATCHED = ['content', 'sites'];

export async function startLivePreview(options: LivePreviewOptions): Promise<LivePreviewStart> {
  const { root } = options;
  const lang = options.lang ?? 'zh';
  const gateNow = () => options.now ?? new Date();
  const gateOptions = () => ({ root, now: gateNow(), ...(options.trustAnchor ? { trustAnchor: options.trustAnchor } : {}) });
  const first = await runGate(gateOptions());
  if (!first.ok) return { ok: false, configDiagnostics: first.configDiagnostics };
  const code = options.site ?? first.group.main;
  if (!first.group.sites.has(code)) throw new SealpressError('USAGE', `--site ${code} is not a site of the group (${[...first.group.sites.keys()].join(', ')})`);
  const staged = stagePreview(root, first, code, { adjustPlan: options.adjustPlan, ...(options.lang ? { lang: options.lang } : {}) });
  const stageDir = staged.stageDir;

  const server = await previewSite({
    root: PACKAGE_ROOT,
    stageDir,
    cacheDir: join(root, WORK_DIR, 'preview-cache', code),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  });

  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  const refresh = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        const started = performance.now();
        const gate = await runGate(gateOptions());
        if (!gate.ok) {
          options.onEvent?.({ type: 'refresh-failed', message: say({ zh: '站群配置有误：预览保留上一个正确的版本', en: 'the site group configuration is invalid: the preview keeps the last good version' }, lang), diagnostics: gate.configDiagnostics });
          continue;
        }
        if (!gate.group.sites.has(code)) {
          options.onEvent?.({ type: 'refresh-failed', message: say({ zh: `${code} 已不是本站群的站点：预览保留上一个正确的版本`, en: `${code} is no longer a site of the group: the preview keeps the last good version` }, lang), diagnostics: [] });
          continue;
        }
        const restaged = stagePreview(root, gate, code, { inPlace: true, adjustPlan: options.adjustPlan, ...(options.lang ? { lang: options.lang } : {}) });
        options.onEvent?.({ type: 'refreshed', entries: restaged.entries, drafts: restaged.drafts, durationMs: performance.now() - started });
      } while (again);
    } catch (error) {
      options.onEvent?.({ type: 'refresh-failed', message: (error as Error).message, diagnostics: [] });
    } finally {
      running = false;
    }
  };
  const changed = (): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), options.debounceMs ?? 100);
  };
  // A group without a content/ folder yet is still previewed; that folder is watched from the next start.
  const watchers: FSWatcher[] = WATCHED.filter((dir) => existsSync(join(root, dir))).map((dir) => watch(join(root, dir), { recursive: true }, changed));
  for (const w of watchers) w.on('error', (error) => options.onEvent?.({ type: 'refresh-failed', message: say({ zh: `监视 ${root} 失败：${error.message}`, en: `watching ${root} failed: ${error.message}` }, lang), diagnostics: [] }));

  const stopWatching = (): void => {
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
  };
  void server.done.then(stopWatching);
  return {
    ok: true,
    preview: {
      url: server.url,
      site: code,
      entries: staged.entries,
      drafts: staged.drafts,
      done: server.done,
      stop: async () => {
        stopWatching();
        await server.stop();
      },
    },
  };
}
