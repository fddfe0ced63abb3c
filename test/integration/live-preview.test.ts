/**
 * The live preview in Chromium: with `sealpress preview` running (what
 * `npm run dev` starts), a writer's saved changes show in the open page by
 * themselves: a new entry appears marked 未发布（草稿）, an edit re-renders it, and
 * an edit the gate refuses takes it out of the preview.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLivePreview, type LivePreview, type LivePreviewEvent } from '../../pipeline/build/index.ts';
import { copyDemo, DEMO_NOW, demoRoot } from '../helpers/demo.ts';
import { freePort } from '../../pipeline/util/ports.ts';

const CHROMIUM = '/usr/bin/chromium';
const SITE = '19901000000';
const ENTRY = `content/${SITE}/tzgg/live-preview-check.md`;
const URL_PATH = '/tzgg/live-preview-check/';
/** Valid check digit: the confidentiality checks refuse it in a published entry. */
const ID_NUMBER = '11010519491231002X';

const CAN_RUN = existsSync(CHROMIUM);
if (!CAN_RUN && process.env['CI']) throw new Error(`${CHROMIUM} is missing in CI: .ci/run must install chromium`);

let scratch: string;
let repo: string;
let preview: LivePreview;
let browser: Browser;
const events: LivePreviewEvent[] = [];

function entryText(title: string, body: string): string {
  return `---\ntitle: ${title}\ndate: 2026-11-20\nauthor: 测试撰稿人\ndepartment: bgs\ndisclosure: 主动公开\n---\n${body}\n`;
}

/** Resolves with the next refresh of the stage after `since` events. */
async function nextRefresh(since: number, timeoutMs = 60_000): Promise<LivePreviewEvent> {
  const started = Date.now();
  while (events.length <= since) {
    if (Date.now() - started > timeoutMs) throw new Error(`no preview refresh within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return events[events.length - 1]!;
}

async function h1(page: Page): Promise<string> {
  return (await page.locator('h1').first().textContent()) ?? '';
}

beforeAll(async () => {
  if (!CAN_RUN) return;
  scratch = mkdtempSync(join(tmpdir(), 'sealpress-live-'));
  repo = join(scratch, 'repo');
  copyDemo(await demoRoot(), repo);
  const started = await startLivePreview({ root: repo, site: SITE, port: await freePort(), now: DEMO_NOW, onEvent: (e) => events.push(e) });
  if (!started.ok) throw new Error(`the demo's configuration is invalid: ${JSON.stringify(started.configDiagnostics)}`);
  preview = started.preview;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await preview?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe.runIf(CAN_RUN)('the live preview follows saved changes', () => {
  test('a new entry appears as a draft; an edit shows in the open page by itself; a refused edit takes it out', async () => {
    const page = await browser.newPage();
    const url = `${preview.url.replace(/\/$/, '')}${URL_PATH}`;

    // A new entry, not yet submitted or approved: pending, so shown marked 未发布（草稿）.
    let seen = events.length;
    writeFileSync(join(repo, ENTRY), entryText('实时预览测试通知', '第一版正文。'));
    expect((await nextRefresh(seen)).type).toBe('refreshed');
    await expect.poll(async () => (await page.goto(url))?.status(), { timeout: 30_000 }).toBe(200);
    expect(await h1(page)).toBe('实时预览测试通知');
    expect(await page.locator('.draft').innerText()).toContain('未发布（草稿）');

    // An edit, with the page left open: it reloads by itself with the new title.
    seen = events.length;
    const saved = performance.now();
    writeFileSync(join(repo, ENTRY), entryText('实时预览测试通知（第二版）', '第二版正文。'));
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === '实时预览测试通知（第二版）', undefined, { timeout: 30_000 });
    const shownMs = performance.now() - saved;
    const refreshed = await nextRefresh(seen);
    console.log(`live preview: saved change shown in ${Math.round(shownMs)} ms (gate and stage ${refreshed.type === 'refreshed' ? Math.round(refreshed.durationMs) : '?'} ms)`);
    expect(await page.locator('.draft').innerText()).toContain('未发布（草稿）');
    expect(await page.locator('article').innerText()).toContain('第二版正文');

    // An edit the gate refuses (a citizen's ID number): the entry leaves the preview.
    seen = events.length;
    writeFileSync(join(repo, ENTRY), entryText('实时预览测试通知（第二版）', `联系人身份证号 ${ID_NUMBER}。`));
    expect((await nextRefresh(seen)).type).toBe('refreshed');
    await expect.poll(async () => (await page.goto(url))?.status(), { timeout: 30_000 }).toBe(404);
    await page.close();
  }, 180_000);

  test('a broken group configuration keeps the last good preview and says why', async () => {
    const seen = events.length;
    writeFileSync(join(repo, 'sites/group.yaml'), 'name: [unclosed\n');
    const event = await nextRefresh(seen);
    expect(event.type).toBe('refresh-failed');
    if (event.type === 'refresh-failed') expect(event.diagnostics.some((d) => d.file === 'sites/group.yaml')).toBe(true);
    const page = await browser.newPage();
    expect((await page.goto(preview.url))?.status()).toBe(200);
    await page.close();
  }, 120_000);
});
