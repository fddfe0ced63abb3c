/**
 * The review desk in real Chromium, used by keyboard as an approver would:
 * open the printed URL, find the demo's entry changed after approval in
 * 待我审核, read what changed, open the page as it will be published (the
 * live preview of its site, started by the desk), reject it with a reason
 * (the writer sees it in `check` and in the preview's 未发布 banner), then
 * approve it (the writer's `check` shows it publishable). axe-core finds no
 * WCAG 2.1 A/AA violation on either page, and nothing scrolls sideways at
 * 320 px. Throwaway 2048-bit keys; the demo's clock, moving on in real time.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { signerCertificate } from '../../pipeline/pki/signers.ts';
import { livePreviews, startDesk, type Desk } from '../../pipeline/review/index.ts';
import { axeViolations, CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, DESKTOP, NARROW, overflowAt } from '../helpers/browser.ts';
import { runCli } from '../helpers/cli.ts';
import { DEMO_NOW } from '../helpers/demo.ts';
import { deskDemo, PASSPHRASE, STALE, type DeskDemo } from '../helpers/desk.ts';

const CAN_RUN = chromiumAvailable();
let demo: DeskDemo;
let desk: Desk;
let browser: Browser;
let page: Page;

async function entryStatus(): Promise<{ status: string; findings: { rule: string; message: string }[] }> {
  const r = await runCli(['check', '--format', 'json', '--root', demo.root, '--now', new Date(DEMO_NOW.getTime() + 3_600_000).toISOString()]);
  return (JSON.parse(r.out) as { entries: { path: string; status: string; findings: { rule: string; message: string }[] }[] }).entries.find((e) => e.path === STALE)!;
}

/** Tab to the element (by its accessible name) and press Enter or type: the desk must work without a mouse. */
async function tabTo(name: RegExp, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      // A control's accessible name: its label's text, else its own text.
      const label = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
      return (label ?? el.textContent ?? '').trim();
    });
    if (name.test(label)) return;
  }
  throw new Error(`Tab never reached ${name}`);
}

beforeAll(async () => {
  if (!CAN_RUN) return;
  demo = await deskDemo();
  const key = { key: demo.approver.key, cert: demo.approver.cert, option: '--key', passphraseOption: '--passphrase-file' };
  const started = Date.now();
  const clock = () => new Date(DEMO_NOW.getTime() + (Date.now() - started));
  desk = await startDesk({ root: demo.root, clock, key, cert: signerCertificate(key).cert, record: async (_event, code) => code, startPreview: livePreviews({ root: demo.root, clock }) });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' })).newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await desk?.stop();
  demo?.cleanup();
});

describe.skipIf(!CAN_RUN)('the review desk in Chromium', () => {

  test('the queue: the changed entry waits for its approver; no axe violation; fits 320 px', async () => {
    await page.goto(desk.url);
    expect(new URL(page.url()).search).toBe(''); // the token is traded for the cookie and leaves the address bar
    expect(await page.locator('h1').textContent()).toBe('待我审核（1）');
    expect(await page.locator('.queue a').textContent()).toBe('车辆购置税申报缴纳办理指南');
    expect(await axeViolations(page)).toEqual([]);
    expect(await overflowAt(page, NARROW)).toBeNull();
  }, 60_000);

  test('a browser without the token is refused; a page of another origin cannot post to the desk, although the browser sends the cookie', async () => {
    // Another browser profile, which never opened the printed URL.
    const stranger = await browser.newContext();
    const refused = await (await stranger.newPage()).goto(new URL(`/entry?path=${encodeURIComponent(STALE)}`, desk.origin).href);
    expect(refused?.status()).toBe(403);
    await stranger.close();
    // A page on another loopback port (same site, so SameSite=Strict still sends the cookie) that posts a signing form to the desk.
    const attacker = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><form method="post" action="${desk.origin}/sign"><input name="decision" value="approve"><input name="path" value="${STALE}"><input name="passphrase" value="${PASSPHRASE}"></form><script>document.forms[0].submit()</script>`);
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', () => r()));
    try {
      const tab = await page.context().newPage(); // the approver's browser, holding the desk's cookie
      const posted = tab.waitForResponse((r) => r.url() === `${desk.origin}/sign`);
      await tab.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      const response = await posted;
      const sent = await response.request().allHeaders();
      expect(sent['cookie']).toMatch(/sealpress_desk_\d+=/); // the browser did send the desk's cookie: the origin check alone refuses it
      expect(sent['origin']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(sent['origin']).not.toBe(desk.origin);
      expect(response.status()).toBe(403);
      await tab.close();
    } finally {
      attacker.close();
    }
    expect((await entryStatus()).status).toBe('refused');
  }, 60_000);

  test('the entry: what changed since the approved draft, by keyboard; no axe violation; fits 320 px', async () => {
    await tabTo(/^车辆购置税申报缴纳办理指南$/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/entry\?path=/);
    const diff = page.locator('ol.diff');
    expect(await diff.locator('li.ins ins').first().textContent()).toBe('6');
    expect(await diff.locator('li.del del').first().textContent()).toBe('3');
    expect(await diff.textContent()).toContain('“一站式”办理');
    expect(await axeViolations(page)).toEqual([]);
    expect(await overflowAt(page, NARROW)).toBeNull();
  }, 60_000);

  test('the page as it will be published, in the live preview of its site', async () => {
    await tabTo(/^生成页面预览$/);
    await page.keyboard.press('Enter');
    await page.waitForSelector('iframe.preview', { timeout: 120_000 });
    const frame = page.frameLocator('iframe.preview');
    await frame.locator('h1', { hasText: '车辆购置税申报缴纳办理指南' }).waitFor({ timeout: 60_000 });
    expect(await frame.locator('.draft').textContent()).toContain('未发布');
    expect(await axeViolations(page)).toEqual([]);
  }, 240_000);

  test('a rejection with a reason: check tells the writer who, when and why, and so does the preview banner', async () => {
    await tabTo(/^驳回理由/);
    await page.keyboard.type('请核对申报期限：60日的依据是什么？');
    await tabTo(/私钥口令/);
    await page.keyboard.type(PASSPHRASE);
    await tabTo(/^驳回这个版本$/);
    await page.keyboard.press('Enter');
    await page.locator('.flash', { hasText: '已签署驳回' }).waitFor({ timeout: 60_000 });
    const s = await entryStatus();
    expect(s.status).toBe('pending');
    const rejected = s.findings.find((f) => f.rule === 'approval-rejected')!;
    expect(rejected.message).toContain(demo.approver.name);
    expect(rejected.message).toContain('请核对申报期限：60日的依据是什么？');
    // The preview re-gates on the new record and shows the reason in its banner.
    const frame = page.frameLocator('iframe.preview');
    await vi.waitFor(
      async () => {
        await page.reload();
        expect(await frame.locator('.draft').textContent({ timeout: 10_000 })).toContain('请核对申报期限');
      },
      { timeout: 90_000, interval: 2_000 },
    );
  }, 180_000);

  test('approving by keyboard makes it publishable in the writer\'s check; the passphrase is nowhere in the page', async () => {
    await page.locator('#pass-approve').focus();
    await page.keyboard.type(PASSPHRASE);
    await page.keyboard.press('Enter');
    await page.locator('.flash', { hasText: '已签署批准' }).waitFor({ timeout: 60_000 });
    expect(await page.locator('h1').textContent()).toBe('待我审核');
    expect((await entryStatus()).status).toBe('publishable');
    expect(await page.content()).not.toContain(PASSPHRASE);
    expect(readFileSync(demo.approver.key, 'utf8')).not.toContain(PASSPHRASE);
  }, 120_000);
});
