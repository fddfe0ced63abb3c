/**
 * The reader's side of a mirror, with real parts: the demo published for real
 * (`sealpress publish --mirror`) to a folder mirror, served
 * by Debian's nginx on loopback, read in Debian's Chromium (playwright-core):
 * navigation by real clicks, a Chinese search with Pagefind, and axe-core's
 * WCAG 2.1 A/AA rules on every kind of page of the main site and a sub-site.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { runCli } from '../helpers/cli.ts';
import type { SiteGroup } from '../../pipeline/model/index.ts';
import type { Plan, PlanEntry } from '../../pipeline/plan/index.ts';
import { nginxAvailable, NginxError, startNginx, type NginxServer } from '../helpers/nginx.ts';
import { copyDemo, demoRoot } from '../helpers/demo.ts';
import { axeViolations, CHROMIUM, chromiumAvailable, DESKTOP, NARROW, overflowAt, type AxeViolation } from '../helpers/browser.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/lib/csp.ts';
import { plantedOutcome, plantScripts, recordViolations } from '../helpers/planted.ts';

const NOW = new Date('2026-11-27T12:00:00+08:00');
const MAIN = '19900000000';
const SUB = '19901000000';
const CAN_RUN = nginxAvailable() && chromiumAvailable();

interface Mirror {
  /** The mirror's target path: a symlink to the release tree, as the deploy switches it. */
  target: string;
  plan: Plan;
  group: SiteGroup;
  cleanup(): void;
}

/**
 * The demo as a folder mirror: `<target>/<code>/…`, `<target>` a symlink to
 * `releases/1`. Until `sealpress publish` lands this builds with buildSites into
 * a temp copy of the repository's sites/ and content/ (buildSites writes its
 * work dir under the root it builds, and other work goes on in this checkout),
 * then moves the output into place. Replace the body with a publish to a folder
 * mirror; the rest of the file only needs `target` and `plan`.
 */
/**
 * The demo published as CI publishes it: `sealpress publish --mirror` into a
 * folder mirror (a symlink to the release tree, switched atomically), from a
 * copy of the repository so nothing is written into the checkout. The gate's
 * plan is read again for the tests' independent counts.
 */
async function prepareMirror(): Promise<Mirror> {
  const base = mkdtempSync(join(tmpdir(), 'sealpress-mirror-'));
  try {
    const repo = join(base, 'repo');
    copyDemo(await demoRoot(), repo);
    const target = join(base, 'mirror');
    const published = await runCli(['publish', '--root', repo, '--now', NOW.toISOString(), '--archive', join(base, 'archive'), '--mirror', target], { SEALPRESS_RELEASE_KEY: undefined });
    if (published.code !== 0) throw new Error(`sealpress publish failed (${published.code}): ${published.err.slice(-2000)}`);
    const gate = await runGate({ root: repo, now: NOW });
    if (!gate.ok) throw new Error('the demo\'s site group config is invalid');
    return { target, plan: gate.plan, group: gate.group, cleanup: () => rmSync(base, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(base, { recursive: true, force: true });
    throw error;
  }
}


/** Site paths of every HTML page in a built site (`/tzgg/`, `/404.html`, …). */
function sitePages(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.html') && !f.startsWith('pagefind/'))
    .map((f) => (f === 'index.html' ? '/' : f.endsWith('/index.html') ? `/${f.slice(0, -'index.html'.length)}` : `/${f}`))
    .sort();
}

function describeViolations(where: string, vs: readonly AxeViolation[]): string {
  return vs.map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}\n    ${v.targets.join('\n    ')}`).join('\n');
}

/** What a reader of the site sees of an entry: own entries, and on the main site the adopted ones. */
function shownOn(plan: Plan, code: string): PlanEntry[] {
  return plan.entries.filter((e) => e.status === 'publishable' && (e.site === code || (code === MAIN && e.frontMatter?.adopt === true)));
}
function urlPath(e: PlanEntry, code: string): string {
  return e.site === code ? `/${e.column}/${e.slug}/` : `/${e.column}/${e.site}-${e.slug}/`;
}
function newest(entries: readonly PlanEntry[]): PlanEntry {
  const e = [...entries].sort((a, b) => String(b.frontMatter!.date).localeCompare(String(a.frontMatter!.date)))[0];
  if (!e) throw new Error('no publishable entry to open');
  return e;
}

describe.skipIf(!CAN_RUN)('a reader of the nginx-served mirror, in Chromium', () => {
  let mirror: Mirror;
  let nginx: NginxServer;
  let browser: Browser;
  const url: Record<string, string> = {};
  let axePages = 0;
  const started = performance.now();

  beforeAll(async () => {
    mirror = await prepareMirror();
    nginx = await startNginx({ sites: [{ root: join(mirror.target, MAIN) }, { root: join(mirror.target, SUB) }] });
    [url[MAIN], url[SUB]] = nginx.urls as [string, string];
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await nginx?.stop();
    mirror?.cleanup();
    console.log(`mirror-reader: ${axePages} pages checked by axe-core; ${((performance.now() - started) / 1000).toFixed(1)} s from build to the last check`);
  });

  test('nginx serves the mirror through its symlinked target, in UTF-8, with the site\'s 404 page', async () => {
    const home = await fetch(`${url[MAIN]}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await home.text()).toContain('<html lang="zh-CN"');
    const list = await fetch(`${url[SUB]}/tzgg/`);
    expect(list.status).toBe(200);
    const missing = await fetch(`${url[SUB]}/no-such-page/`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('页面不存在');
    expect((await fetch(`${url[MAIN]}/pagefind/pagefind.js`)).headers.get('content-type')).toBe('application/javascript; charset=utf-8');
  });

  test('the shipped nginx configuration (deploy/nginx) sends the page\'s CSP and safe headers on every response, with the right types', async () => {
    const header = `${CONTENT_SECURITY_POLICY}; frame-ancestors 'self'`;
    const site = join(mirror.target, MAIN);
    const file = (ext: string, under: string) => {
      const f = readdirSync(join(site, under), { recursive: true }).map(String).find((x) => x.endsWith(ext));
      if (!f) throw new Error(`no ${ext} file under ${under}`);
      return `/${under}/${f}`;
    };
    for (const [path, status, type] of [
      ['/', 200, 'text/html; charset=utf-8'],
      ['/search/', 200, 'text/html; charset=utf-8'],
      ['/no-such-page/', 404, 'text/html; charset=utf-8'],
      ['/search.js', 200, 'application/javascript; charset=utf-8'],
      ['/pagefind/pagefind.js', 200, 'application/javascript; charset=utf-8'],
      [file('.pf_meta', 'pagefind'), 200, 'application/octet-stream'],
      [file('.pf_fragment', 'pagefind'), 200, 'application/octet-stream'],
      [file('.pagefind', 'pagefind'), 200, 'application/octet-stream'],
      [file('.png', 'assets'), 200, 'image/png'],
      // No directory listing, even of folders without an index.html.
      ['/assets/', 404, 'text/html; charset=utf-8'],
      ['/pagefind/', 404, 'text/html; charset=utf-8'],
    ] as const) {
      const r = await fetch(`${url[MAIN]}${path}`);
      expect(r.status, path).toBe(status);
      expect(r.headers.get('content-type'), path).toBe(type);
      expect(r.headers.get('content-security-policy'), path).toBe(header);
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(r.headers.get('content-disposition'), path).toBeNull();
    }
    // The header block holds the very policy every page carries in its <meta>.
    expect(await (await fetch(`${url[MAIN]}/`)).text()).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    // A text attachment is downloaded, never shown as a page of the site, and keeps the headers.
    const attachment = file('.csv', 'assets');
    const r = await fetch(`${url[MAIN]}${attachment}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toBe('attachment');
    expect(r.headers.get('content-security-policy')).toBe(header);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(readFileSync(join(site, decodeURI(attachment)))).toEqual(Buffer.from(await r.arrayBuffer()));
  });

  test.for([
    { name: 'main site', code: MAIN },
    { name: 'sub-site', code: SUB },
  ])('$name: home → column → article by clicking links', async ({ code }) => {
    const base = url[code]!;
    const target = newest(shownOn(mirror.plan, code).filter((e) => e.site === code && e.column === 'tzgg'));
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/`);
      await page.getByRole('link', { name: '通知公告 更多', exact: true }).click();
      await page.waitForURL(`${base}/tzgg/`);
      expect(await page.locator('h1').innerText()).toBe('通知公告');
      await page.getByRole('link', { name: target.frontMatter!.title, exact: true }).click();
      await page.waitForURL(`${base}${urlPath(target, code)}`);
      expect(await page.locator('h1').innerText()).toBe(target.frontMatter!.title);
      // The breadcrumb leads back to the column.
      await page.getByRole('navigation', { name: '当前位置' }).getByRole('link', { name: '通知公告' }).click();
      await page.waitForURL(`${base}/tzgg/`);
    } finally {
      await page.close();
    }
  });

  test.for([
    { name: 'main site', code: MAIN, query: '增值税' },
    { name: 'sub-site', code: SUB, query: '发票' },
  ])('$name: searching $query from the header box lists exactly the entries that contain it', async ({ code, query }) => {
    const base = url[code]!;
    // Counted independently from the gate's plan: every entry whose title or text has the word, on this
    // site; from the main site (统一搜索) on every site of the group, each at its own site's address.
    const expected = (code === MAIN ? mirror.plan.entries.filter((e) => e.status === 'publishable') : shownOn(mirror.plan, code))
      .filter((e) => `${e.frontMatter!.title}\n${e.body!.replace(/[*_`~]/g, '')}`.includes(query))
      .map((e) => (e.site === code ? urlPath(e, code) : `https://${mirror.group.sites.get(e.site)!.domain}/${e.column}/${e.slug}/`))
      .sort();
    expect(expected.length, query).toBeGreaterThan(0);
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/`);
      await page.getByRole('searchbox', { name: '站内搜索' }).fill(query);
      await page.getByRole('searchbox', { name: '站内搜索' }).press('Enter');
      await page.waitForURL(`${base}/search/?q=${encodeURIComponent(query)}`);
      await page.waitForFunction(() => /找到|未找到/.test(document.getElementById('search-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
      const hrefs = await page.$$eval('#search-results a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      const got = hrefs.map((h) => (h.startsWith(base) ? new URL(h).pathname : h));
      expect(got.length, 'no result is listed twice').toBe(new Set(got).size);
      expect([...got].sort()).toEqual(expected);
      expect(await page.locator('#search-status').innerText()).toContain(`找到 ${expected.length} 条`);
    } finally {
      await page.close();
    }
  });

  /**
   * Every page of the site as built, plus the states a file listing cannot show: the
   * group's site list opened, the search page with results, a missing URL's 404.
   * Each is checked by axe-core at a desktop width, then for reflow (WCAG 1.4.10:
   * nothing scrolls sideways at 320 CSS px, which axe does not test).
   */
  test.for([MAIN, SUB].map((code) => ({ name: code === MAIN ? 'main site' : 'sub-site', code })))('$name: no WCAG 2.1 AA violation on any page', { timeout: 240_000 }, async ({ code }) => {
    const base = url[code]!;
    const shown = shownOn(mirror.plan, code);
    const kinds = {
      article: urlPath(newest(shown.filter((e) => e.site === code && e.column === 'tzgg')), code),
      qa: urlPath(newest(shown.filter((e) => e.site === code && e.column === 'nszx')), code),
    };
    const pages: { name: string; path: string; status?: number; ready?: (p: Page) => Promise<unknown> }[] = [
      // The group's site list is a <details>: open it, as a reader would, so axe sees it.
      { name: 'home, site list open', path: '/', ready: (p) => p.locator('details.sites summary').click() },
      {
        name: 'search with results',
        path: `/search/?q=${encodeURIComponent('纳税')}`,
        ready: (p) => p.waitForFunction(() => (document.getElementById('search-results')?.children.length ?? 0) > 0, undefined, { timeout: 20_000 }),
      },
      { name: '404 of a missing URL', path: '/no-such-page/', status: 404 },
      ...sitePages(join(mirror.target, code)).map((path) => ({ name: 'page', path })),
    ];
    // The kinds of page the issue names must be among those checked.
    for (const path of ['/', '/tzgg/', kinds.article, kinds.qa, '/search/']) expect(pages.map((p) => p.path), path).toContain(path);
    const report: string[] = [];
    const page = await browser.newPage({ viewport: DESKTOP });
    try {
      for (const p of pages) {
        const response = await page.goto(`${base}${p.path}`);
        expect(response?.status(), p.path).toBe(p.status ?? 200);
        await p.ready?.(page);
        const violations = await axeViolations(page);
        axePages++;
        if (violations.length > 0) report.push(describeViolations(`${code} ${p.name} ${p.path}`, violations));
        const wide = await overflowAt(page, NARROW);
        if (wide) report.push(`${code} ${p.name} ${p.path}: reflow (WCAG 1.4.10) ${wide}`);
      }
    } finally {
      await page.close();
    }
    expect(report.join('\n'), 'WCAG 2.1 AA violations').toBe('');
  });

  test('the checks can fail: a page without lang, an unnamed control and a wide block are caught', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    try {
      await page.goto(`${url[SUB]}/tzgg/`);
      await page.evaluate(() => {
        document.documentElement.removeAttribute('lang');
        const box = document.createElement('input');
        box.type = 'checkbox';
        const wide = document.createElement('div');
        wide.style.cssText = 'width:600px;white-space:nowrap';
        wide.textContent = '宽';
        document.querySelector('main')!.append(box, wide);
      });
      expect((await axeViolations(page)).map((v) => v.id)).toEqual(expect.arrayContaining(['html-has-lang', 'label']));
      expect(await overflowAt(page, NARROW)).toMatch(/scrolls to \d+ px/);
    } finally {
      await page.close();
    }
  });

  test('a keyboard reader can skip to the content (WCAG 2.4.1)', async () => {
    const page = await browser.newPage({ viewport: DESKTOP });
    try {
      await page.goto(`${url[MAIN]}/tzgg/`);
      await page.keyboard.press('Tab');
      const skip = page.locator(':focus');
      expect(await skip.innerText()).toBe('跳到主要内容');
      // Shown when focused, not left off-screen.
      expect((await skip.boundingBox())!.y).toBeGreaterThanOrEqual(0);
      await page.keyboard.press('Enter');
      await page.waitForURL(`${url[MAIN]}/tzgg/#main`);
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);
    } finally {
      await page.close();
    }
  });

  /**
   * Last, as it adds a page to the served tree. A script planted ahead of the page's
   * own <meta> policy, where the <meta> cannot reach it, is stopped by the header the
   * shipped nginx configuration sends; search on that page still works.
   */
  test('a script planted before the page\'s <meta> policy is blocked by the nginx header, and search still works', async () => {
    const site = join(mirror.target, MAIN);
    mkdirSync(join(site, 'planted'));
    writeFileSync(join(site, 'planted/index.html'), plantScripts(readFileSync(join(site, 'search/index.html'), 'utf8'), { head: true }));
    const page = await browser.newPage();
    try {
      await recordViolations(page);
      await page.goto(`${url[MAIN]}/planted/?q=${encodeURIComponent('《增值税》，发票')}`);
      await page.waitForFunction(() => /找到|未找到/.test(document.getElementById('search-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
      expect(await page.locator('#search-status').innerText()).toMatch(/^找到 [1-9]\d* 条/);
      const { ran, violations } = await plantedOutcome(page);
      // Not even the head script, which only the header covers, ran.
      expect(ran).toEqual([]);
      // Reported once per policy that refused it: the head script by the header; the body script, the
      // javascript: link (script-src-elem) and the onerror handler (script-src-attr) by the header and the <meta>.
      expect(violations.map((v) => v.directive).sort()).toEqual([...Array(5).fill('script-src-elem'), 'script-src-attr', 'script-src-attr'].sort());
      expect(violations.every((v) => v.blockedURI === 'inline')).toBe(true);
    } finally {
      await page.close();
      rmSync(join(site, 'planted'), { recursive: true, force: true });
    }
  });
});

describe.skipIf(!nginxAvailable())('the nginx test helper', () => {
  test('follows a target symlink switched by rename, and frees its port on stop()', async () => {
    const base = mkdtempSync(join(tmpdir(), 'sealpress-nginx-site-'));
    try {
      for (const r of ['1', '2']) {
        mkdirSync(join(base, 'releases', r), { recursive: true });
        writeFileSync(join(base, 'releases', r, 'index.html'), `<p>release ${r} 发布</p>`);
      }
      symlinkSync(join('releases', '1'), join(base, 'mirror'));
      const server = await startNginx({ sites: [{ root: join(base, 'mirror') }] });
      const port = Number(new URL(server.urls[0]!).port);
      try {
        expect(await (await fetch(`${server.urls[0]}/`)).text()).toContain('release 1 发布');
        // The deploy's atomic switch: a new symlink renamed over the old one.
        symlinkSync(join('releases', '2'), join(base, 'mirror.new'));
        renameSync(join(base, 'mirror.new'), join(base, 'mirror'));
        expect(await (await fetch(`${server.urls[0]}/`)).text()).toContain('release 2 发布');
        // No 404.html in this tree: nginx's own 404, still a 404.
        expect((await fetch(`${server.urls[0]}/missing`)).status).toBe(404);
      } finally {
        await server.stop();
      }
      expect(existsSync(server.dir)).toBe(false);
      const refused = await new Promise<boolean>((resolve) => {
        const s = createConnection({ host: '127.0.0.1', port });
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
      expect(refused, `port ${port} still answers after stop()`).toBe(true);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test.for([
    { name: 'a root that does not exist', root: join(tmpdir(), 'sealpress-no-such-root-0'), code: 'NGINX_BAD_SITE' },
    { name: 'a relative root', root: 'dist/19900000000', code: 'NGINX_BAD_SITE' },
    { name: 'a root that would inject nginx directives', root: '/tmp/x; autoindex on', code: 'NGINX_BAD_SITE' },
  ])('refuses $name', async ({ root, code }) => {
    const error = await startNginx({ sites: [{ root }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NginxError);
    expect((error as NginxError).code).toBe(code);
  });
});
