/**
 * A live preview of one site: the gate's plan staged in preview mode (pending
 * entries included, marked as drafts; refused ones never) under
 * .sealpress/preview/<code>, then Astro's dev server over it. Nothing lands in
 * dist/.
 */
import { join } from 'node:path';
import type { GateResult } from '../gate/index.ts';
import { previewSite, type PreviewHandle } from '../render/index.ts';
import { bundleSite, writeStage } from '../stage/index.ts';
import { PACKAGE_ROOT, WORK_DIR } from './build.ts';

/** Stage the site for preview; returns where, and how many entries (and drafts) it shows. */
export function stagePreview(root: string, gate: Extract<GateResult, { ok: true }>, code: string): { stageDir: string; entries: number; drafts: number } {
  const stage = bundleSite(gate.group, gate.plan, code, 'preview', { reprintDisclaimer: gate.checks.reprintDisclaimer });
  const stageDir = join(root, WORK_DIR, 'preview', code);
  writeStage(root, stageDir, stage);
  return { stageDir, entries: stage.bundle.entries.length, drafts: stage.bundle.entries.filter((e) => e.draft).length };
}

/** Astro's dev server over a staged preview. */
export function servePreview(root: string, code: string, stageDir: string, listen: { port: number; host: string }): Promise<PreviewHandle> {
  return previewSite({ root: PACKAGE_ROOT, stageDir, cacheDir: join(root, WORK_DIR, 'preview-cache', code), ...listen });
}
