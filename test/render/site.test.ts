/**
 * The fixture bundle built end to end by renderSite (a real `astro build` in a
 * child process, then Pagefind), with assertions on the files it writes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { renderSite, type RenderSiteResult } from '../../pipeline/render/index.ts';
import { htmlPages, listLinks, meta, read } from './html.ts';
import { makeStage, REPO_ROOT } from './stage.ts';

const EXTRA_NEWS = 25;
const scratch = mkdtempSync(join(tmpdir(), 'sealpress-render-site-'));
const outDir = join(scratch, 'out');
let result: RenderSiteResult;
let entries: ReturnType<typeof makeStage>['entries'];

beforeAll(async () => {
  const stageDir = join(scratch, 'stage');
  entries = makeStage(stageDir, { extraNews: EXTRA_NEWS }).entries;
  result = await renderSite({ root: REPO_ROOT, stageDir, outDir, cacheDir: join(scratch, 'cache') });
}, 180_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ARTICLE = '/tzgg/2025-iit-annual-settlement/';
const MDX = '/bszn/e-invoice-guide/';
const QA = '/nszx/invoice-reissue-question/';
const IMAGES = '/zcjd/small-low-profit-relief/';
const ADOPTED = '/gzdt/19901000000-tax-service-day/';
const REPRINT = '/ssxc/tax-month-reprint/';

describe('pages', () => {
  test('reports what it built', () => {
    expect(result.pages).toBe(htmlPages(outDir).length);
    expect(result.durationMs).toBeGreaterThan(0);
    // Pagefind ran and was timed on its own (the bench reports it): reading and indexing the pages takes time.
    expect(result.indexMs).toBeGreaterThan(0);
  });

  test.for([
    '/', '/404.html', '/search/', '/xxgk/', '/bsfw/', '/gzcy/', '/category/ssxc/',
    '/tzgg/', '/gzdt/', '/gzdt/2/', '/ssxc/', '/jcdt/', ARTICLE, MDX, QA, IMAGES, ADOPTED, REPRINT,
    '/sitemap.xml', '/robots.txt', '/tzgg/rss.xml', '/search.js', '/search-query.js',
  ])('%s exists', (path) => {
    const file = join(outDir, ...path.split('/').filter(Boolean), path.endsWith('/') ? 'index.html' : '');
    expect(existsSync(file)).toBe(true);
  });

  test('every entry has its page; a column the site has not enabled has none', () => {
    for (const e of entries) expect(existsSync(join(outDir, ...e.id.split('/'), 'index.html')), e.id).toBe(true);
    expect(existsSync(join(outDir, 'bsdt'))).toBe(false);
    expect(existsSync(join(outDir, 'gzdt', '3'))).toBe(false);
  });

  test('nothing of Astro’s own state lands in the output', () => {
    for (const junk of ['content-modules.mjs', 'content-assets.mjs', 'collections', '_astro', 'chunks', 'pages', 'renderers.mjs']) {
      expect(existsSync(join(outDir, junk)), junk).toBe(false);
    }
  });

  test('every page is lang="zh-CN" with the site metadata', () => {
    for (const { path, file } of htmlPages(outDir)) {
      const html = readFileSync(file, 'utf8');
      expect(html, path).toMatch(/^<!DOCTYPE html><html lang="zh-CN">/);
      expect(meta(html, 'SiteName'), path).toBe('国家税务总局示例省税务局');
      expect(meta(html, 'SiteDomain'), path).toBe('tax.example.gov.cn');
      expect(meta(html, 'SiteIDCode'), path).toBe('9900000001');
      expect(meta(html, 'robots'), path).toBe(path === '/search/' || path === '/404.html' ? 'noindex' : undefined);
    }
  });

  test('only /search/ has a script, and it is the search script', () => {
    for (const { path, file } of htmlPages(outDir)) {
      const scripts = readFileSync(file, 'utf8').match(/<script\b[^>]*>/g) ?? [];
      expect(scripts, path).toEqual(path === '/search/' ? ['<script type="module" src="/search.js">'] : []);
    }
    expect(readFileSync(join(outDir, 'search.js'), 'utf8')).toContain("'/pagefind/pagefind.js'");
  });

  test('no page loads anything but itself: CSS inline, no web fonts, no external stylesheet', () => {
    for (const { path, file } of htmlPages(outDir)) {
      const html = readFileSync(file, 'utf8');
      expect(html, path).not.toMatch(/<link rel="stylesheet"|@font-face|fonts\.googleapis/);
      expect(html, path).toContain('<style>');
    }
  });
});

describe('header, navigation and footer', () => {
  test('group navigation lists every site, the current one marked', () => {
    const html = read(outDir, '/');
    expect(html).toContain('<a href="https://tax.example.gov.cn/" aria-current="page">国家税务总局示例省税务局</a>');
    expect(html).toContain('<a href="https://19901000000.tax.example.gov.cn/">国家税务总局示例市税务局</a>');
    expect(html).toContain('<a href="https://19901020000.tax.example.gov.cn/">国家税务总局示例市示例县税务局</a>');
  });

  test('category navigation marks the current section', () => {
    const html = read(outDir, ARTICLE);
    expect(html).toContain('<a href="/xxgk/" aria-current="true">信息公开</a>');
    expect(read(outDir, '/xxgk/')).toContain('<a href="/xxgk/" aria-current="page">信息公开</a>');
  });

  test('a search box on every page submits GET to /search/', () => {
    for (const { path, file } of htmlPages(outDir)) {
      expect(readFileSync(file, 'utf8'), path).toContain('<form class="sf" role="search" action="/search/" method="get">');
    }
  });

  test('footer: site id code, ICP and public-security filings, address, phone, error report', () => {
    const html = read(outDir, ARTICLE);
    expect(html).toContain('网站标识码：9900000001');
    expect(html).toContain('<a href="https://beian.miit.gov.cn/" rel="noopener">京ICP备12345678号</a>');
    expect(html).toContain('京公网安备 11010202000001号');
    expect(html).toContain('地址：示例省示例市人民路100号');
    expect(html).toContain('电话：12366');
    expect(html).toContain('href="https://zfwzzc.www.gov.cn/check_web/errorInfo_querySiteInfo.action?sitecode=9900000001"');
  });

  test('skip link and landmarks', () => {
    const html = read(outDir, ARTICLE);
    expect(html).toContain('<a class="skip" href="#main">');
    expect(html).toContain('<main id="main"');
    expect(html).toMatch(/<header class="mast">[\s\S]*<nav class="nav" aria-label="主导航">[\s\S]*<footer class="foot">/);
  });
});

describe('home, categories and lists', () => {
  test('home: the latest six of each column, 基层采用 with the origin site', () => {
    const html = read(outDir, '/');
    const gzdt = html.slice(html.indexOf('id="col-gzdt"'), html.indexOf('id="col-ssxc"'));
    expect(listLinks(gzdt)).toHaveLength(6);
    expect(listLinks(gzdt)[0]).toBe(ADOPTED);
    const adopted = html.slice(html.indexOf('id="adopted-h"'), html.indexOf('id="cat-xxgk"'));
    expect(adopted).toContain(ADOPTED);
    expect(adopted).toContain('国家税务总局示例市税务局');
  });

  test('category page lists its enabled columns', () => {
    const html = read(outDir, '/category/ssxc/');
    for (const id of ['gzdt', 'ssxc', 'jcdt']) expect(html).toContain(`id="col-${id}"`);
    expect(meta(html, 'ColumnName')).toBe('税收宣传');
  });

  test('column list: column metadata with the Chinese type name', () => {
    const html = read(outDir, '/tzgg/');
    expect(meta(html, 'ColumnName')).toBe('通知公告');
    expect(meta(html, 'ColumnType')).toBe('通知公告');
    expect(meta(read(outDir, '/gzdt/'), 'ColumnType')).toBe('新闻');
    expect(meta(read(outDir, '/nszx/'), 'ColumnType')).toBe('互动问答');
    expect(html).toContain('<link rel="alternate" type="application/rss+xml" href="/tzgg/rss.xml">');
  });

  test('pagination: 20 a page, newest first, page navigation', () => {
    const gzdt = entries.filter((e) => e.column === 'gzdt').sort((a, b) => Date.parse(b.date) - Date.parse(a.date));
    const page1 = listLinks(read(outDir, '/gzdt/'));
    const page2 = listLinks(read(outDir, '/gzdt/2/'));
    expect(page1).toHaveLength(20);
    expect(page2).toHaveLength(gzdt.length - 20);
    expect([...page1, ...page2]).toEqual(gzdt.map((e) => `/${e.id}/`));
    const nav1 = read(outDir, '/gzdt/');
    expect(nav1).toContain('<nav class="pages" aria-label="分页">');
    expect(nav1).toContain('<a href="/gzdt/" aria-current="page" aria-label="第1页">1</a>');
    expect(nav1).toContain('<a href="/gzdt/2/" rel="next">下一页</a>');
    expect(read(outDir, '/gzdt/2/')).toContain('<a href="/gzdt/" rel="prev">上一页</a>');
    expect(read(outDir, '/tzgg/')).not.toContain('class="pages"');
  });
});

describe('articles', () => {
  test('breadcrumbs, title, date, source, document number, author', () => {
    const html = read(outDir, ARTICLE);
    expect(html).toMatch(/<nav class="crumbs" aria-label="当前位置"><ol>\s*<li><a href="\/">首页<\/a><\/li>\s*<li><a href="\/xxgk\/">信息公开<\/a><\/li>\s*<li><a href="\/tzgg\/">通知公告<\/a><\/li>/);
    expect(html).toContain('<h1>关于办理2024年度个人所得税综合所得汇算清缴事项的公告</h1>');
    expect(html).toContain('<time datetime="2025-02-28T09:30:00+08:00">2025年02月28日</time>');
    expect(html).toContain('<dd>个人所得税处</dd>');
    expect(html).toContain('<dd>示税公告〔2025〕3号</dd>');
    expect(html).toContain('<dd>王晓明</dd>');
  });

  test('article metadata', () => {
    const html = read(outDir, ARTICLE);
    expect(meta(html, 'ArticleTitle')).toBe('关于办理2024年度个人所得税综合所得汇算清缴事项的公告');
    expect(meta(html, 'PubDate')).toBe('2025-02-28 09:30');
    expect(meta(html, 'ContentSource')).toBe('个人所得税处');
    expect(meta(html, 'ColumnName')).toBe('通知公告');
    expect(meta(html, 'description')).toBe('2024年度个人所得税综合所得汇算清缴办理时间为2025年3月1日至6月30日。');
    expect(html).toContain('<link rel="canonical" href="https://tax.example.gov.cn/tzgg/2025-iit-annual-settlement/">');
    expect(meta(read(outDir, MDX), 'description')).toMatch(/^全面数字化的电子发票/);
  });

  test('Markdown: CJK emphasis, tables, external links', () => {
    const html = read(outDir, ARTICLE);
    expect(html).toContain('<strong>“增值税”</strong>减免');
    expect(html).toContain('<table>');
    expect(html).toContain('<a href="https://etax.chinatax.gov.cn/" rel="noopener">');
  });

  test('attachments: title, type and size', () => {
    const html = read(outDir, ARTICLE);
    expect(html).toContain('<a href="/assets/a1b2c3d4e5f6/iit-form-a.pdf" download>个人所得税年度自行纳税申报表（A表）</a>（PDF，47.1 KB）');
    expect(existsSync(join(outDir, 'assets', 'a1b2c3d4e5f6', 'iit-form-a.pdf'))).toBe(true);
  });

  test('images: a figure with credit, and every img sized, lazy and async', () => {
    const html = read(outDir, IMAGES);
    expect(html).toMatch(/<figure>\s*<img src="\/assets\/3f9a0c1d2e4b\/relief-chart.png" alt="小型微利企业优惠政策示意图" width="640" height="360" loading="lazy" decoding="async">/);
    expect(html).toContain('（图片来源：示例省税务局企业所得税处）');
    const imgs = html.match(/<img\b[^>]*>/g) ?? [];
    expect(imgs).toHaveLength(2);
    for (const img of imgs) {
      expect(img).toMatch(/ width="\d+"/);
      expect(img).toMatch(/ height="\d+"/);
      expect(img).toContain('loading="lazy"');
      expect(img).toContain('decoding="async"');
    }
    expect(html).toContain('width="800" height="450"');
  });

  test('MDX: Callout and Steps rendered by the theme components', () => {
    const html = read(outDir, MDX);
    expect(html).toContain('<aside class="callout info" aria-label="适用范围"><p>适用范围</p>');
    expect(html).toContain('<strong>增值税纳税人</strong>');
    expect(html).toContain('<aside class="callout warning" aria-label="注意">');
    expect(html).toMatch(/<ol class="steps">[\s\S]*<strong>登录电子税务局<\/strong>[\s\S]*<strong>进入开票业务<\/strong>[\s\S]*<strong>填写并开具<\/strong>[\s\S]*<\/ol>/);
    expect(html).not.toMatch(/<Callout|<Steps|<Step\b|本页内容由纳税服务科维护/);
  });

  test('Q&A: question (问, asker, asked), then answer (答, answered), then the body', () => {
    const html = read(outDir, QA);
    const q = html.indexOf('<section class="qa q" aria-label="问">');
    const a = html.indexOf('<section class="qa a" aria-label="答">');
    const body = html.indexOf('您好！纳税人丢失已开具的增值税专用发票');
    expect(q).toBeGreaterThan(0);
    expect(a).toBeGreaterThan(q);
    expect(body).toBeGreaterThan(a);
    expect(html).toContain('提问人：某商贸公司财务人员');
    expect(html).toContain('<time datetime="2025-03-10T08:45:00+08:00">2025年03月10日</time>');
    expect(html).toContain('<time datetime="2025-03-12T16:20:00+08:00">2025年03月12日</time>');
    expect(html).toContain('我公司取得的一张增值税专用发票丢失');
  });

  test('reprint: source, original author, title, link, permission and the disclaimer', () => {
    const html = read(outDir, REPRINT);
    expect(meta(html, 'ContentSource')).toBe('中国税务报');
    expect(html).toContain('<dd>中国税务报</dd>');
    expect(html).toContain('<dd>张华</dd>');
    expect(html).toContain('<dd>第34个全国税收宣传月正式启动</dd>');
    expect(html).toContain('<a href="https://www.ctaxnews.com.cn/example" rel="noopener">');
    expect(html).toContain('<dd>经中国税务报社书面授权转载</dd>');
    expect(html).toContain('本文为转载，仅供参考，版权归原作者所有');
  });

  test('adopted entry: a note linking the original', () => {
    const html = read(outDir, ADOPTED);
    expect(html).toContain('本文采用自<a href="https://19901000000.tax.example.gov.cn/">国家税务总局示例市税务局</a>');
    expect(html).toContain('<a href="https://19901000000.tax.example.gov.cn/gzdt/tax-service-day/">查看原文</a>');
  });

  test('an article page, HTML with its CSS, stays under 30 KB', () => {
    for (const path of [ARTICLE, MDX, QA, IMAGES, ADOPTED, REPRINT]) {
      const bytes = statSync(join(outDir, ...path.split('/').filter(Boolean), 'index.html')).size;
      expect(bytes, path).toBeLessThan(30 * 1024);
    }
  });
});

describe('feeds, sitemap and search index', () => {
  test('sitemap lists every page with absolute URLs', () => {
    const xml = readFileSync(join(outDir, 'sitemap.xml'), 'utf8');
    const locs = [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]);
    for (const e of entries) expect(locs).toContain(`https://tax.example.gov.cn/${e.id}/`);
    for (const path of ['/', '/xxgk/', '/category/ssxc/', '/gzdt/2/']) expect(locs).toContain(`https://tax.example.gov.cn${path}`);
    expect(xml).toContain('<lastmod>2025-02-28T09:30:00+08:00</lastmod>');
  });

  test('RSS of a column lists its entries with absolute links', () => {
    const xml = readFileSync(join(outDir, 'tzgg', 'rss.xml'), 'utf8');
    expect(xml).toContain('<link>https://tax.example.gov.cn/tzgg/2025-iit-annual-settlement/</link>');
    expect(xml).toContain('<title>关于办理2024年度个人所得税综合所得汇算清缴事项的公告</title>');
    const gzdt = readFileSync(join(outDir, 'gzdt', 'rss.xml'), 'utf8');
    expect(gzdt.match(/<item>/g)).toHaveLength(entries.filter((e) => e.column === 'gzdt').length);
  });

  test('robots.txt points to the sitemap', () => {
    expect(readFileSync(join(outDir, 'robots.txt'), 'utf8')).toContain('Sitemap: https://tax.example.gov.cn/sitemap.xml');
  });

  test('only article bodies are marked for the index', () => {
    for (const { path, file } of htmlPages(outDir)) {
      const marked = readFileSync(file, 'utf8').includes('data-pagefind-body');
      expect(marked, path).toBe(entries.some((e) => path === `/${e.id}/`));
    }
  });

  test('Pagefind wrote a Chinese index of every article, without its stock UI', () => {
    const dir = join(outDir, 'pagefind');
    expect(existsSync(join(dir, 'pagefind.js'))).toBe(true);
    const entry = JSON.parse(readFileSync(join(dir, 'pagefind-entry.json'), 'utf8')) as { languages: Record<string, { page_count: number }> };
    expect(Object.keys(entry.languages)).toEqual(['zh-cn']);
    expect(entry.languages['zh-cn']?.page_count).toBe(entries.length);
    for (const ui of ['pagefind-ui.js', 'pagefind-ui.css', 'pagefind-modular-ui.js', 'pagefind-component-ui.js', 'pagefind-highlight.js']) {
      expect(existsSync(join(dir, ui)), ui).toBe(false);
    }
  });
});
