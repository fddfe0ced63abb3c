/**
 * What the browser tests share: Debian's Chromium (never downloaded), axe-core's
 * WCAG 2.1 A and AA rules run on a page, and the 320 px reflow check.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const AXE_SOURCE = readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');
export const WCAG21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const DESKTOP = { width: 1280, height: 800 };
/** WCAG 1.4.10: content reflows at 320 CSS px without scrolling in two directions. */
export const NARROW = { width: 320, height: 640 };

/** Chromium must be here to run; in CI .ci/run installs it, so a missing one fails instead of skipping. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env['CI']) throw new Error(`${CHROMIUM} is missing in CI: .ci/run must apt-get install chromium`);
  return false;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated over the DevTools protocol: the pages' CSP refuses an injected <script> tag, as it should.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: Document, o: unknown): Promise<AxeResult> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, WCAG21_AA);
}

/** `null` when nothing scrolls sideways at `width`, else what sticks out (the viewport is put back). */
export async function overflowAt(page: Page, width: { width: number; height: number }): Promise<string | null> {
  const before = page.viewportSize();
  await page.setViewportSize(width);
  try {
    return await page.evaluate((w) => {
      const scroll = document.documentElement.scrollWidth;
      if (scroll <= w) return null;
      const out = [...document.body.querySelectorAll('*')]
        .filter((e) => e.getBoundingClientRect().right > w + 1)
        .slice(0, 3)
        .map((e) => `${e.tagName.toLowerCase()}${e.className ? `.${String(e.className).replace(/ /g, '.')}` : ''}`);
      return `scrolls to ${scroll} px at ${w} px: ${out.join(', ')}`;
    }, width.width);
  } finally {
    if (before) await page.setViewportSize(before);
  }
}
