/**
 * Scripts planted in a built page past the gate (an attacker with write access to a
 * mirror, or a bug in the renderer), for the Content-Security-Policy tests: each
 * would set `window.__planted` if it ran.
 */
import type { Page } from 'playwright-core';

/** Where a planted script tries to run, as it records itself in `window.__planted`. */
export const PLANTED = ['inline-body', 'onerror', 'javascript-url'] as const;

/**
 * `html` with an inline `<script>`, an `onerror=` handler and a `javascript:` link
 * planted at the start of `<main>`; with `head: true` another inline script goes
 * before everything in `<head>`, ahead of the page's own `<meta>` policy, where only
 * a CSP header can stop it.
 */
export function plantScripts(html: string, options: { head?: boolean } = {}): string {
  const body =
    `<script>(window.__planted ??= []).push('inline-body')</script>` +
    `<img id="planted-img" src="/no-such-image.png" alt="" onerror="(window.__planted ??= []).push('onerror')">` +
    `<a id="planted-link" href="javascript:(window.__planted ??= []).push('javascript-url')">planted</a>`;
  if (!/<main\b[^>]*>/.test(html)) throw new Error('no <main> to plant scripts in');
  let out = html.replace(/<main\b[^>]*>/, (m) => `${m}${body}`);
  if (options.head) out = out.replace('<head>', `<head><script>(window.__planted ??= []).push('inline-head')</script>`);
  return out;
}

export interface Violation {
  directive: string;
  blockedURI: string;
  disposition: string;
}

/** Record every CSP violation the page reports (an init script runs outside the page's policy). */
export async function recordViolations(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: unknown[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push({ directive: e.effectiveDirective, blockedURI: e.blockedURI, disposition: e.disposition }));
  });
}

/** What the planted scripts did (nothing, if the policy holds) and the violations reported so far, after trying the planted link. */
export async function plantedOutcome(page: Page): Promise<{ ran: string[]; violations: Violation[] }> {
  await page.waitForFunction(() => (document.getElementById('planted-img') as HTMLImageElement | null)?.complete === true);
  await page.locator('#planted-link').click();
  // Violation events are queued tasks: give them a turn to arrive.
  await page.waitForTimeout(300);
  return page.evaluate(() => {
    const w = window as unknown as { __planted?: string[]; __violations: Violation[] };
    return { ran: w.__planted ?? [], violations: w.__violations };
  });
}
