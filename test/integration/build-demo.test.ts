/**
 * Build the demo site group for real (gate, stage, Astro, Pagefind) and check
 * what is, and is not, in the output.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSites, type BuildResult } from '../../pipeline/build/index.ts';
import { addGroupIndexes, indexSite, INDEX_PARTS_FILE } from '../../pipeline/render/index.ts';
import { serveFolder } from '../helpers/static-server.ts';
import { demoRoot } from '../helpers/demo.ts';
import { PLANTED, plantedOutcome, plantScripts, recordViolations } from '../helpers/planted.ts';
import { CONTENT_SECURITY_POLICY } from '../../src/lib/csp.ts';
import { fileSize } from '../../src/lib/format.ts';
import { DEMO_DOCUMENTS } from '../../pipeline/demo/index.ts';

const CHROMIUM = '/usr/bin/chromium';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = new Date('2026-11-27T12:00:00+08:00');
const SITES = ['19900000000', '19901000000', '19902000000', '19903000000'];
const HELD_BACK = [
  'content/19900000000/tzgg/2026-11-internal-staffing-plan.md',
  'content/19902000000/tzgg/2026-11-holiday-hours-draft.md',
  'content/19903000000/zcwj/2026-11-misplaced-notice.md',
  'content/19901000000/gzdt/2026-11-winter-service-week.md',
  'content/19900000000/tzgg/2025-12-year-end-closing.md',
  // Held back by approvals (see pipeline/demo/regenerate.ts).
  'content/19903000000/bszn/2026-08-vehicle-purchase-tax-guide.md',
  'content/19902000000/nszx/2026-09-export-refund-timing.md',
  'content/19901000000/zcwj/2026-06-urban-land-use-tax-grades.md',
  'content/19900000000/ssxc/2026-04-tax-publicity-month-launch.md',
  // Held back by the confidentiality and copyright checks (test/check/planted/README.md).
  'content/19900000000/tzgg/2026-11-tax-arrears-notice.md',
  'content/19901000000/gzdt/2026-11-hall-volunteers.md',
  'content/19902000000/gzdt/2026-11-port-logistics-reprint.md',
  'content/19903000000/tzgg/2026-11-inspection-arrangements.md',
  'content/19900000000/gzdt/2026-11-volunteer-service-day.md',
];

let dist: string;
let result: Extract<BuildResult, { ok: true }>;

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/** Every text a reader or a crawler can get: pages, feeds, sitemaps, and the search index unpacked. */
function publishedText(dir: string): string {
  return files(dir)
    .map((f) => {
      const bytes = readFileSync(f);
      if (f.includes('/pagefind/') && (f.endsWith('.pf_fragment') || f.endsWith('.pf_index') || f.endsWith('.pf_meta'))) {
        try {
          return gunzipSync(bytes).toString('utf8');
        } catch {
          return bytes.toString('utf8');
        }
      }
      return /\.(html|xml|json|txt|js|css)$/.test(f) ? bytes.toString('utf8') : '';
    })
    .join('\n');
}

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'sealpress-dist-'));
  const r = await buildSites({ root: await demoRoot(), now: NOW, distDir: dist, concurrency: 2 });
  if (!r.ok) throw new Error('demo config invalid');
  result = r;
}, 240_000);

afterAll(() => rmSync(dist, { recursive: true, force: true }));

describe('sealpress build of the demo site group', () => {
  test('every site has a home page, a search page and a Pagefind index', () => {
    expect(result.sites.map((s) => s.code)).toEqual(SITES);
    for (const code of SITES) {
      expect(existsSync(join(dist, code, 'index.html')), code).toBe(true);
      expect(existsSync(join(dist, code, 'search/index.html')), code).toBe(true);
      expect(existsSync(join(dist, code, 'pagefind/pagefind.js')), code).toBe(true);
      expect(readdirSync(join(dist, code, 'pagefind')).some((f) => f.includes('zh-cn')), `${code} indexed as zh-cn`).toBe(true);
      // A site of a few pages is one index: no other parts.
      expect(readFileSync(join(dist, code, 'pagefind', INDEX_PARTS_FILE), 'utf8'), code).toBe('[]\n');
    }
  });

  test('the main site carries a copy of every sub-site\'s index for 统一搜索, byte for byte, without their scripts', () => {
    const listed = JSON.parse(readFileSync(join(dist, SITES[0]!, 'pagefind/sites.json'), 'utf8')) as { code: string; name: string; url: string; index: string; parts: string[] }[];
    expect(listed.map((x) => x.code)).toEqual(SITES.slice(1));
    for (const entry of listed) {
      const site = result.group.sites.get(entry.code)!;
      expect(entry).toEqual({ code: site.code, name: site.name, url: `https://${site.domain}/`, index: `/pagefind/sites/${site.code}/`, parts: [] });
      const own = join(dist, entry.code, 'pagefind');
      const copy = join(dist, SITES[0]!, 'pagefind/sites', entry.code);
      const data = files(own).map((f) => f.slice(own.length)).filter((f) => !f.endsWith('.js')).sort();
      expect(files(copy).map((f) => f.slice(copy.length)).sort()).toEqual(data);
      for (const f of data) expect(readFileSync(join(copy, f)).equals(readFileSync(join(own, f))), f).toBe(true);
    }
    // Sub-sites search themselves only.
    for (const code of SITES.slice(1)) expect(existsSync(join(dist, code, 'pagefind/sites.json')), code).toBe(false);
  });

  test('every publishable entry has its page, on its own site', () => {
    const publishable = result.plan.entries.filter((e) => e.status === 'publishable');
    expect(publishable.length).toBeGreaterThanOrEqual(40);
    for (const e of publishable) {
      const page = join(dist, e.site, e.column, e.slug, 'index.html');
      expect(existsSync(page), page).toBe(true);
      const html = readFileSync(page, 'utf8');
      expect(html).toContain(e.frontMatter!.title.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').slice(0, 10));
    }
  });

  test('no refused, pending or unpublished entry appears anywhere in the output', () => {
    const held = result.plan.entries.filter((e) => e.status !== 'publishable');
    expect(held.map((e) => e.path).sort()).toEqual([...HELD_BACK].sort());
    const text = SITES.map((code) => publishedText(join(dist, code))).join('\n');
    for (const e of held) {
      expect(text, e.path).not.toContain(e.slug);
      expect(text, e.path).not.toContain(e.frontMatter?.title ?? e.slug);
    }
    // The held-back entries' pages do not exist on any site.
    for (const e of held) for (const code of SITES) expect(existsSync(join(dist, code, e.column, e.slug))).toBe(false);
  });

  test('the main site carries the sub-site entries offered with adopt: true, with their origin', () => {
    const adopted = result.plan.entries.filter((e) => e.status === 'publishable' && e.frontMatter?.adopt && e.site !== '19900000000');
    expect(adopted.length).toBeGreaterThanOrEqual(4);
    const home = readFileSync(join(dist, '19900000000', 'index.html'), 'utf8');
    for (const e of adopted) {
      const page = join(dist, '19900000000', e.column, `${e.site}-${e.slug}`, 'index.html');
      expect(existsSync(page), page).toBe(true);
      expect(readFileSync(page, 'utf8')).toContain(`https://${e.site}.tax.example.gov.cn/${e.column}/${e.slug}/`);
    }
    expect(home).toContain(adopted[0]!.frontMatter!.title.slice(0, 8));
  });

  test('pages carry the metadata government sites require', () => {
    const home = readFileSync(join(dist, '19901000000', 'index.html'), 'utf8');
    expect(home).toMatch(/<html[^>]*lang="zh-CN"/);
    expect(home).toMatch(/<meta name="SiteName" content="国家税务总局示例市税务局"/);
    expect(home).toMatch(/<meta name="SiteDomain" content="19901000000\.tax\.example\.gov\.cn"/);
    expect(home).toMatch(/<meta name="SiteIDCode" content="\d{10}"/);
    const list = readFileSync(join(dist, '19901000000', 'tzgg', 'index.html'), 'utf8');
    expect(list).toMatch(/<meta name="ColumnName" content="通知公告"/);
    expect(list).toMatch(/<meta name="ColumnType"/);
    const article = result.plan.entries.find((e) => e.status === 'publishable' && e.site === '19901000000')!;
    const page = readFileSync(join(dist, article.site, article.column, article.slug, 'index.html'), 'utf8');
    expect(page).toMatch(/<meta name="ArticleTitle" content="/);
    expect(page).toMatch(/<meta name="PubDate" content="\d{4}-\d{2}-\d{2} \d{2}:\d{2}"/);
    expect(page).toMatch(/<meta name="ContentSource" content="/);
  });

  test('only the search page loads JavaScript, and articles stay small', () => {
    for (const code of SITES) {
      for (const f of files(join(dist, code)).filter((x) => x.endsWith('.html'))) {
        const html = readFileSync(f, 'utf8');
        const scripts = html.match(/<script\b/g)?.length ?? 0;
        if (f.endsWith('/search/index.html')) continue;
        expect(scripts, f).toBe(0);
      }
    }
    for (const e of result.plan.entries.filter((x) => x.status === 'publishable')) {
      const html = readFileSync(join(dist, e.site, e.column, e.slug, 'index.html'));
      const css = [...html.toString('utf8').matchAll(/<link[^>]+href="([^"]+\.css)"/g)].reduce((n, m) => n + readFileSync(join(dist, e.site, m[1]!)).length, 0);
      expect(html.length + css, e.path).toBeLessThan(30 * 1024);
    }
  });

  test('RSS per column and a sitemap list the published entries', () => {
    const e = result.plan.entries.find((x) => x.status === 'publishable' && x.site === '19902000000')!;
    const rss = readFileSync(join(dist, e.site, e.column, 'rss.xml'), 'utf8');
    expect(rss).toContain(`https://19902000000.tax.example.gov.cn/${e.column}/${e.slug}/`);
    const sitemap = readFileSync(join(dist, e.site, 'sitemap.xml'), 'utf8');
    expect(sitemap).toContain(`https://19902000000.tax.example.gov.cn/${e.column}/${e.slug}/`);
  });

  test('entry images are published at their content-addressed URL with their size', () => {
    const withImage = result.plan.entries.find((e) => e.status === 'publishable' && e.assets.some((a) => a.width));
    expect(withImage).toBeDefined();
    const asset = withImage!.assets.find((a) => a.width)!;
    expect(existsSync(join(dist, withImage!.site, decodeURI(asset.url)))).toBe(true);
    const html = readFileSync(join(dist, withImage!.site, withImage!.column, withImage!.slug, 'index.html'), 'utf8');
    const img = html.match(new RegExp(`<img[^>]*src="${asset.url}"[^>]*>`))?.[0];
    expect(img).toBeDefined();
    expect(img).toContain(`width="${asset.width}"`);
    expect(img).toContain('loading="lazy"');
  });
});

describe('the demo\'s documents in the built site', () => {
  test.for(DEMO_DOCUMENTS.filter((d) => d.expect.length === 0).map((d) => ({ ...d, name: d.path.split('/').pop()! })))('$name downloads byte for byte, listed on its article with name, format and size', (d) => {
    const e = result.plan.entries.find((x) => x.path === d.entry)!;
    expect(e.status).toBe('publishable');
    const asset = e.assets.find((a) => a.path === d.path)!;
    expect(asset).toBeDefined();
    expect(readFileSync(join(dist, e.site, decodeURI(asset.url))).equals(readFileSync(join(ROOT, d.path)))).toBe(true);
    const html = readFileSync(join(dist, e.site, e.column, e.slug, 'index.html'), 'utf8');
    const title = e.frontMatter!.attachments!.find((a) => d.path.endsWith(a.src.replace(/^\.\//, '')))!.title;
    const ext = d.path.split('.').pop()!.toUpperCase();
    expect(html).toContain(`<a href="${asset.url}" download>${title}</a>（${ext}，${fileSize(asset.size)}）`);
  });

  test('no planted trap reaches the output', () => {
    const names = new Set(files(dist).map((f) => f.split('/').pop()));
    for (const d of DEMO_DOCUMENTS.filter((x) => x.expect.length > 0)) expect(names.has(d.path.split('/').pop()), d.path).toBe(false);
  });
});

describe('a reader in Chromium', () => {
  test('统一搜索: the main site searches every site of the group in Chinese, each result labelled with its site; a sub-site searches itself', async () => {
    await searchInChromium(dist);
  }, 180_000);

  test('the same searches find the same pages when every site\'s index is in parts (a site of many pages)', async () => {
    // Every site indexed again in parts of at most 7 pages, and the main site's copy of the sub-sites' indexes taken again.
    const parted = mkdtempSync(join(tmpdir(), 'sealpress-dist-parts-'));
    try {
      cpSync(dist, parted, { recursive: true });
      for (const code of SITES) {
        rmSync(join(parted, code, 'pagefind'), { recursive: true, force: true });
        const indexed = await indexSite(join(parted, code), { partPages: 7 });
        expect(indexed.parts, code).toBeGreaterThan(1);
        expect(existsSync(`${join(parted, code)}.index-part`), code).toBe(false);
        const parts = JSON.parse(readFileSync(join(parted, code, 'pagefind', INDEX_PARTS_FILE), 'utf8')) as string[];
        expect(parts).toEqual(Array.from({ length: indexed.parts - 1 }, (_, i) => `parts/${i + 1}/`));
        // The other parts are data: no script or stylesheet of Pagefind's is published twice.
        for (const part of parts) expect(readdirSync(join(parted, code, 'pagefind', part)).filter((f) => /\.(js|css)$/.test(f)), `${code} ${part}`).toEqual([]);
      }
      const listed = addGroupIndexes(result.group, parted, join(parted, SITES[0]!));
      for (const site of listed) expect(site.parts.length, site.code).toBeGreaterThan(0);
      await searchInChromium(parted);
    } finally {
      rmSync(parted, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('a site index in parts, taken again where its pages did not change', () => {
  /** Every file of a site's index, by path, with its bytes. */
  const indexFiles = (site: string) => new Map(files(join(site, 'pagefind')).map((f) => [f.slice(site.length), readFileSync(f)]));
  const pagesOnly = (from: string, to: string) => {
    cpSync(from, to, { recursive: true });
    rmSync(join(to, 'pagefind'), { recursive: true, force: true });
  };

  test('an unchanged part is taken from the previous tree, a changed page re-indexes its part only, and the index is byte for byte a fresh one', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'sealpress-index-reuse-'));
    try {
      const [a, b, fresh, remembered] = ['a', 'b', 'fresh', 'parts.json'].map((n) => join(scratch, n)) as [string, string, string, string];
      pagesOnly(join(dist, SITES[0]!), a);
      const first = await indexSite(a, { partPages: 7, reuse: { tree: join(scratch, 'none'), remembered } });
      expect(first.parts).toBeGreaterThan(2);
      expect(first.reused).toBe(0);

      // The same pages again: every part is taken.
      pagesOnly(a, b);
      const same = await indexSite(b, { partPages: 7, reuse: { tree: a, remembered } });
      expect(same.reused).toBe(same.parts);
      expect(indexFiles(b)).toEqual(indexFiles(a));

      // One article edited: its part alone is indexed again, and the whole equals a fresh index of the new pages.
      rmSync(b, { recursive: true, force: true });
      pagesOnly(a, b);
      const article = files(b).find((f) => f.endsWith('index.html') && readFileSync(f, 'utf8').includes('data-pagefind-body'))!;
      writeFileSync(article, readFileSync(article, 'utf8').replace('</article>', '<p>补充说明：新增一段正文。</p></article>'));
      const edited = await indexSite(b, { partPages: 7, reuse: { tree: a, remembered } });
      expect(edited.reused).toBe(edited.parts - 1);
      pagesOnly(b, fresh);
      await indexSite(fresh, { partPages: 7 });
      expect(indexFiles(b)).toEqual(indexFiles(fresh));

      // A part file of the previous tree changed since it was remembered: that part is indexed again, never taken.
      const c = join(scratch, 'c');
      pagesOnly(b, c);
      const fragment = files(join(b, 'pagefind')).find((f) => f.includes('/fragment/'))!;
      writeFileSync(fragment, Buffer.concat([readFileSync(fragment), Buffer.from('x')]));
      const tampered = await indexSite(c, { partPages: 7, reuse: { tree: b, remembered } });
      expect(tampered.reused).toBe(tampered.parts - 1);
      expect(indexFiles(c)).toEqual(indexFiles(fresh));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 120_000);
});

/** The group's search in Chromium over a built group in `distDir`: every result expected, labelled with its site; a sub-site's own search. */
async function searchInChromium(distDir: string): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    // CI installs Debian's chromium (.ci/run); a developer machine may not have it.
    if (process.env['CI']) throw new Error(`${CHROMIUM} is missing`);
    return;
  }
  const { chromium } = await import('playwright-core');
  const site = await serveFolder(join(distDir, '19900000000'));
  const sub = await serveFolder(join(distDir, '19902000000'));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const page = await browser.newPage();
    const measured: string[] = [];
    for (const query of ['汇算清缴', '增值税 发票', '办税服务厅', '纳税人']) {
      const terms = query.split(' ');
      const expected = groupSearchExpected(terms, (text) => text);
      await page.goto(`${site.url}/search/?q=${encodeURIComponent(query)}`);
      await page.waitForFunction(() => /找到|未找到/.test(document.getElementById('search-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
      expect(await page.textContent('#search-status'), query).not.toContain('暂不可用');
      const got = await groupResults(page, site.url);
      const urls = new Set(got.map((r) => r.url));
      const hits = [...urls].filter((u) => expected.has(u)).length;
      expect(expected.size, query).toBeGreaterThan(0);
      expect(hits / urls.size, `precision for ${query}: ${[...urls].join(' ')}`).toBe(1);
      expect(hits / expected.size, `recall for ${query}: expected ${[...expected].join(' ')}`).toBeGreaterThanOrEqual(0.9);
      for (const r of got) expect(r.from, r.url).toBe(`来源：${expected.get(r.url)}`);
      measured.push(`${query} → ${urls.size} of ${expected.size} on ${new Set(got.map((r) => r.from)).size} sites`);
    }
    // The test set reaches across the group: some query finds pages on more than one site.
    expect(measured.some((m) => !/on 1 sites$/.test(m)), measured.join('; ')).toBe(true);
    console.log(`group search: ${measured.join('; ')}`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.textContent('h1')).toBe('统一搜索');

    // A sub-site's own search: its own pages only, with no site labels.
    const own = result.plan.entries.filter((e) => e.status === 'publishable' && e.site === '19902000000');
    await page.goto(`${sub.url}/search/?q=${encodeURIComponent('办税')}`);
    await page.waitForFunction(() => /找到|未找到/.test(document.getElementById('search-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
    expect(await page.textContent('#search-status')).not.toContain('暂不可用');
    const subUrls = await page.$$eval('#search-results a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
    const subExpected = own.filter((e) => `${e.frontMatter!.title}\n${e.body!.replace(/[*_`~]/g, '')}`.includes('办税'));
    expect(subUrls.length).toBeGreaterThan(0);
    expect(subUrls.length / subExpected.length, `recall on the sub-site: ${subUrls.join(' ')}`).toBeGreaterThanOrEqual(0.9);
    for (const u of subUrls) {
      expect(u.startsWith(sub.url), u).toBe(true);
      expect(own.some((e) => u.endsWith(`/${e.column}/${e.slug}/`)), u).toBe(true);
    }
    expect(await page.$$('#search-results .from')).toEqual([]);
    expect(await page.textContent('h1')).toBe('站内搜索');
  } finally {
    await browser.close();
    await site.close();
    await sub.close();
  }
}

/**
 * What the main site's 统一搜索 must return for these terms, counted from the plan
 * (not from the index): every publishable page of the group whose title or text
 * has every term, each on its own site (a sub-site entry the main site adopted is
 * listed once, on its own site), mapped to the name of its site. Main-site pages
 * are keyed by path (the test serves them from a local address), the others by
 * their site's address.
 */
function groupSearchExpected(terms: readonly string[], normalise: (text: string) => string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of result.plan.entries) {
    if (e.status !== 'publishable') continue;
    if (!terms.every((t) => normalise(`${e.frontMatter!.title}\n${e.body!.replace(/[*_`~]/g, '')}`).includes(t))) continue;
    const site = result.group.sites.get(e.site)!;
    out.set(site.kind === 'main' ? `/${e.column}/${e.slug}/` : `https://${site.domain}/${e.column}/${e.slug}/`, site.name);
  }
  return out;
}

/** The results on the page, main-site links as paths, with their site labels. */
async function groupResults(page: import('playwright-core').Page, localUrl: string): Promise<{ url: string; from: string }[]> {
  const rows = await page.$$eval('#search-results li', (lis) => lis.map((li) => ({ href: li.querySelector('a')!.href, from: li.querySelector('.from')?.textContent ?? '' })));
  return rows.map((r) => ({ url: r.href.startsWith(localUrl) ? new URL(r.href).pathname : r.href, from: r.from }));
}

describe('Content-Security-Policy in every page, and search in Chinese with punctuation', () => {
  const MAIN = '19900000000';
  const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

  test('every HTML page carries the policy first in its <head>, and no page has an inline script or event handler', () => {
    let pages = 0;
    for (const code of SITES) {
      for (const f of files(join(dist, code)).filter((x) => x.endsWith('.html'))) {
        const html = readFileSync(f, 'utf8');
        expect(html, f).toContain('<html lang="zh-CN">');
        // First in <head> (after the charset): a <meta> policy covers only what follows it.
        expect(html.slice(html.indexOf('<head>')), f).toMatch(new RegExp(`^<head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}">`));
        expect(html.match(/<script\b[^>]*>/g)?.every((t) => / src="\/[^"]+"/.test(t)) ?? true, f).toBe(true);
        expect(html, f).not.toMatch(/\son[a-z]+\s*=/i);
        expect(html, f).not.toMatch(/javascript:/i);
        pages++;
      }
    }
    expect(pages).toBeGreaterThan(100);
    // Scripts from the site itself only, WebAssembly for Pagefind, never inline code.
    expect(CONTENT_SECURITY_POLICY.split('; ').find((d) => d.startsWith('script-src '))).toBe("script-src 'self' 'wasm-unsafe-eval'");
    for (const d of ["object-src 'none'", "base-uri 'none'", "form-action 'self'"]) expect(CONTENT_SECURITY_POLICY).toContain(d);
  });

  /**
   * A plain static server (no headers): the page's own <meta> policy is all there is.
   * Scripts planted in built pages after the build do nothing and are reported; search
   * on the same pages still works, punctuation and all.
   */
  test('a script planted past the gate is blocked by the page\'s own policy, and search still finds exactly the pages with every term', async () => {
    if (!existsSync(CHROMIUM)) {
      if (process.env['CI']) throw new Error(`${CHROMIUM} is missing`);
      return;
    }
    const copy = mkdtempSync(join(tmpdir(), 'sealpress-planted-'));
    const siteDir = join(copy, MAIN);
    cpSync(join(dist, MAIN), siteDir, { recursive: true });
    const article = result.plan.entries.find((e) => e.status === 'publishable' && e.site === MAIN)!;
    for (const f of [join(siteDir, 'search/index.html'), join(siteDir, article.column, article.slug, 'index.html')]) writeFileSync(f, plantScripts(readFileSync(f, 'utf8')));
    const { chromium } = await import('playwright-core');
    const site = await serveFolder(siteDir);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage();
      await recordViolations(page);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      await page.goto(`${site.url}/${article.column}/${article.slug}/`);
      const onArticle = await plantedOutcome(page);
      expect(onArticle.ran).toEqual([]);
      expect(onArticle.violations.map((v) => v.directive).sort()).toEqual(['script-src-attr', 'script-src-elem', 'script-src-elem']);

      // The search page, planted the same way, and queries with Chinese punctuation.
      // What a correct search returns, counted independently from the plan: the group's pages whose title or text has every term.
      const measured: string[] = [];
      for (const [query, terms] of [
        ['发票，退税', ['发票', '退税']],
        ['《个人所得税法》', ['个人所得税法']],
        ['税 票', ['税', '票']],
        ['【增值税】（发票）', ['增值税', '发票']],
        ['２０２６年，汇算', ['2026年', '汇算']],
      ] as const) {
        const expected = [...groupSearchExpected(terms, (text) => text.normalize('NFKC').toLowerCase()).keys()].sort();
        await page.goto(`${site.url}/search/?q=${encodeURIComponent(query)}`);
        await page.waitForFunction(() => /找到|未找到/.test(document.getElementById('search-status')?.textContent ?? ''), undefined, { timeout: 20_000 });
        const got = (await groupResults(page, site.url)).map((r) => r.url);
        expect(got.length, `${query}: no result twice`).toBe(new Set(got).size);
        expect([...got].sort(), query).toEqual(expected);
        expect(got.length, query).toBeGreaterThan(0);
        measured.push(`${query} → ${got.length}`);
        if (query === '税 票') {
          // The page that has 发票 only as a word of its own (登记、发票、申报) is found: Pagefind alone misses it.
          expect(got).toContain('https://19901000000.tax.example.gov.cn/tzgg/2026-10-first-branch-hall-relocation/');
        }
        const planted = await plantedOutcome(page);
        expect(planted.ran, query).toEqual([]);
        expect(planted.violations.map((v) => v.directive), query).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr']));
        // Only the planted scripts were refused: Pagefind's script, WebAssembly and index loaded.
        expect(planted.violations.filter((v) => !['script-src-elem', 'script-src-attr'].includes(v.directive)), query).toEqual([]);
        expect(planted.violations.filter((v) => v.blockedURI !== 'inline'), query).toEqual([]);
      }
      expect(errors).toEqual([]);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      console.log(`csp: planted ${PLANTED.join(', ')} blocked; searches: ${measured.join('; ')}`);
      await page.goto(`${site.url}/search/?q=${encodeURIComponent('发票，退税')}`);
      await page.waitForFunction(() => (document.getElementById('search-results')?.children.length ?? 0) > 0, undefined, { timeout: 20_000 });
      await page.setViewportSize({ width: 1280, height: 900 });
      if (process.env['SEALPRESS_SCREENSHOT']) await page.screenshot({ path: process.env['SEALPRESS_SCREENSHOT'], fullPage: true });
    } finally {
      await browser.close();
      await site.close();
      rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('copyright on the page', () => {
  test('a reprinted article shows its source and the group\'s configured disclaimer', async () => {
    const { default: jsyaml } = await import('js-yaml');
    const config = jsyaml.load(readFileSync(join(ROOT, 'sites/checks.yaml'), 'utf8')) as { reprintDisclaimer: string };
    const reprint = result.plan.entries.find((e) => e.status === 'publishable' && e.frontMatter?.reprint)!;
    expect(reprint).toBeDefined();
    const html = readFileSync(join(dist, reprint.site, reprint.column, reprint.slug, 'index.html'), 'utf8');
    expect(html).toContain(reprint.frontMatter!.reprint!.source);
    expect(html).toContain(config.reprintDisclaimer.trim());
  });
});
