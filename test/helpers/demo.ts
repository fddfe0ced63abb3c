/**
 * The demo as the tests judge it. The committed demo's approvals were signed
 * 2026-11-20 and the tests run the gate at DEMO_NOW, a week later: a stated
 * clock, never today's. Once its certificates lapse, `npm start` renews the
 * demo in the working tree (signed at that day), and a fixed clock before it
 * would see trust documents "from the future". So tests never read the demo's
 * dates off the working tree: when its material is not valid at DEMO_NOW,
 * they get a copy whose material is made anew at the committed demo's times
 * (throwaway keys, as `sealpress demo --new-ca` makes them).
 */
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_MARKER, DEMO_MARKER_TEXT, readDemoMaterial, regenerateDemoTrust } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { TRUST_DIR } from '../../pipeline/load/index.ts';

/** The checkout: code, node_modules, and the demo site group as the working tree has it. */
export const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
/** The tests' clock for the demo: 2026-11-27 12:00 China time. */
export const DEMO_NOW = new Date('2026-11-27T12:00:00+08:00');
/** When the committed demo's certificates were issued and its records signed (`sealpress demo --help`). */
export const DEMO_ISSUED = new Date('2026-11-01T09:00:00+08:00');
export const DEMO_SIGNED = new Date('2026-11-20T10:00:00+08:00');
/** What a copy of the demo site group needs to be gated, built and published. */
export const DEMO_DIRS = ['sites', 'content', 'public', 'demo'] as const;

/** Copy the demo site group (DEMO_DIRS of `from`) into `to`. */
export function copyDemo(from: string, to: string): void {
  for (const dir of DEMO_DIRS) if (existsSync(join(from, dir))) cpSync(join(from, dir), join(to, dir), { recursive: true });
}

let root: Promise<string> | undefined;

/** The root of a demo whose material is valid at DEMO_NOW: the checkout itself (a clean clone), else a copy made valid (once per test file). */
export function demoRoot(): Promise<string> {
  root ??= (async () => {
    const m = readDemoMaterial(CHECKOUT);
    if (m && m.release.notBefore <= DEMO_NOW.getTime() && DEMO_NOW.getTime() < m.release.notAfter) return CHECKOUT;
    const dir = mkdtempSync(join(tmpdir(), 'sealpress-demo-'));
    copyDemo(CHECKOUT, dir);
    // The history too: reports read commit times from git.
    if (existsSync(join(CHECKOUT, '.git'))) cpSync(join(CHECKOUT, '.git'), join(dir, '.git'), { recursive: true });
    const gate = await runGate({ root: dir, now: DEMO_SIGNED, cache: false });
    if (!gate.ok) throw new Error('the demo site group configuration is invalid: run sealpress check');
    await regenerateDemoTrust({ root: dir, group: gate.group, plan: gate.plan, issuedAt: DEMO_ISSUED, signedAt: DEMO_SIGNED, bits: 2048 });
    writeFileSync(join(dir, TRUST_DIR, DEMO_MARKER), DEMO_MARKER_TEXT);
    return dir;
  })();
  return root;
}
