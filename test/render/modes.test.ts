/**
 * Preview bundles (drafts shown as drafts), the live preview server, two
 * sites built at the same time without trampling each other, and several sites
 * in one build exactly as each built alone.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { previewSite, renderSite, renderSites } from '../../pipeline/render/index.ts';
import { meta, read } from './html.ts';
import { makeStage, png, REPO_ROOT } from './stage.ts';
import { freePort } from '../../pipeline/util/ports.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealpress-render-modes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DRAFT = '/tzgg/draft-holiday-notice/';

describe('a preview bundle', () => {
  test('drafts carry the 未发布（草稿） banner and reason, lists tag them, nothing is indexable', async () => {
    const stageDir = join(scratch, 'preview', 'stage');
    const outDir = join(scratch, 'preview', 'out');
    makeStage(stageDir, { mode: 'preview' });
    await renderSite({ root: REPO_ROOT, stageDir, outDir, cacheDir: join(scratch, 'preview', 'cache') });

    const draft = read(outDir, DRAFT);
    expect(draft).toContain('<div class="draft" role="alert"><strong>未发布（草稿）</strong>待审批：本栏目需2名审批人签署，目前已有1名。');
    expect(draft).toContain('content/19900000000/tzgg/draft-holiday-notice.md');
    expect(read(outDir, '/tzgg/')).toMatch(/<a href="\/tzgg\/draft-holiday-notice\/"[^>]*>[^<]*<\/a><span class="tag">草稿<\/span>/);
    expect(read(outDir, '/')).toContain('<span class="tag">草稿</span>');
    for (const path of ['/', '/tzgg/', DRAFT, '/tzgg/2025-iit-annual-settlement/']) {
      expect(meta(read(outDir, path), 'robots'), path).toBe('noindex');
    }
    // A published entry in a preview bundle has no banner.
    expect(read(outDir, '/tzgg/2025-iit-annual-settlement/')).not.toContain('<div class="draft"');
    expect(readFileSync(join(outDir, 'robots.txt'), 'utf8')).toContain('Disallow: /');
  }, 180_000);
});

describe('previewSite', () => {
  test('serves the stage live, drafts marked, and writes no site output', async () => {
    const stageDir = join(scratch, 'live', 'stage');
    const cacheDir = join(scratch, 'live', 'cache');
    makeStage(stageDir, { mode: 'preview' });
    const port = await freePort();
    const server = await previewSite({ root: REPO_ROOT, stageDir, cacheDir, port });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${port}/`);
      const draft = await (await fetch(new URL(DRAFT, server.url))).text();
      expect(draft).toContain('未发布（草稿）');
      expect(draft).toContain('<html lang="zh-CN">');
      const mdx = await (await fetch(new URL('/bszn/e-invoice-guide/', server.url))).text();
      expect(mdx).toContain('<aside class="callout info" aria-label="适用范围">');
    } finally {
      await server.stop();
    }
    await server.done;
    expect(server.child.exitCode !== null || server.child.signalCode !== null).toBe(true);
    expect(existsSync(join(cacheDir, 'root', 'dist'))).toBe(false);
    expect(existsSync(join(cacheDir, 'unused-out'))).toBe(false);
  }, 120_000);
});

describe('concurrent builds', () => {
  test('two sites built at once each get their own MDX, pages and index', async () => {
    const sites = ['a', 'b'] as const;
    for (const site of sites) {
      const stageDir = join(scratch, `concurrent-${site}`, 'stage');
      makeStage(stageDir, {
        extraNews: site === 'a' ? 3 : 0,
        mutate: (bundle) => {
          bundle.site.url = `https://${site}.tax.example.gov.cn/`;
          bundle.site.domain = `${site}.tax.example.gov.cn`;
          bundle.sites[0] = { ...bundle.sites[0]!, url: bundle.site.url };
          if (site === 'b') {
            // Site b's MDX entry is another module, at another URL.
            const mdx = bundle.entries.find((e) => e.format === 'mdx')!;
            Object.assign(mdx, { id: 'bszn/b-only-guide', slug: 'b-only-guide', mdxFile: 'entries/bszn/b-only-guide.mdx', title: '乙站点专用指南' });
          }
        },
      });
      if (site === 'b') writeFileSync(join(stageDir, 'entries', 'bszn', 'b-only-guide.mdx'), '<Callout type="tip" title="乙站点">只在乙站点出现。</Callout>\n');
    }
    const results = await Promise.all(
      sites.map((site) => renderSite({ root: REPO_ROOT, stageDir: join(scratch, `concurrent-${site}`, 'stage'), outDir: join(scratch, `concurrent-${site}`, 'out'), cacheDir: join(scratch, `concurrent-${site}`, 'cache') })),
    );
    const [a, b] = sites.map((site) => join(scratch, `concurrent-${site}`, 'out'));
    expect(results[0]!.pages).toBeGreaterThan(results[1]!.pages);
    expect(read(a!, '/bszn/e-invoice-guide/')).toContain('适用范围');
    expect(existsSync(join(a!, 'bszn', 'b-only-guide'))).toBe(false);
    expect(read(b!, '/bszn/b-only-guide/')).toContain('<aside class="callout tip" aria-label="乙站点"><p>乙站点</p>');
    expect(existsSync(join(b!, 'bszn', 'e-invoice-guide'))).toBe(false);
    expect(read(a!, '/')).toContain('<link rel="canonical" href="https://a.tax.example.gov.cn/">');
    expect(read(b!, '/')).toContain('<link rel="canonical" href="https://b.tax.example.gov.cn/">');
    for (const out of [a!, b!]) expect(existsSync(join(out, 'pagefind', 'pagefind-entry.json'))).toBe(true);
  }, 240_000);
});

/** Every file under `dir`, by path relative to it, with its bytes. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out.set(join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name)));
  }
  return out;
}

describe('several sites in one build', () => {
  test('each site is byte for byte what a build of it alone gives: its own pages, MDX, public files, image sizes, internal host and index', async () => {
    const CHART = '/assets/8b7e6d5c4a31/service-hall.png';
    const sites = [
      { code: '19901000000', host: 'a.tax.example.gov.cn', chart: [100, 50] as const },
      { code: '19902000000', host: 'b.tax.example.gov.cn', chart: [640, 360] as const },
      { code: '19903000000', host: 'c.tax.example.gov.cn', chart: [320, 240] as const },
    ];
    const stageOf = (code: string) => join(scratch, 'several', code, 'stage');
    for (const [i, site] of sites.entries()) {
      const stageDir = stageOf(site.code);
      makeStage(stageDir, {
        extraNews: i,
        mutate: (bundle) => {
          bundle.site.code = site.code;
          bundle.site.url = `https://${site.host}/`;
          bundle.site.domain = site.host;
          bundle.sites[0] = { ...bundle.sites[0]!, code: site.code, url: bundle.site.url };
          // A link to site b: internal on b, another host (rel="noopener") elsewhere.
          const relief = bundle.entries.find((e) => e.id === 'zcjd/small-low-profit-relief')!;
          relief.body = `${relief.body}\n\n[乙站服务指南](https://b.tax.example.gov.cn/bszn/)\n`;
          if (site.code === '19902000000') {
            const mdx = bundle.entries.find((e) => e.format === 'mdx')!;
            Object.assign(mdx, { id: 'bszn/b-only-guide', slug: 'b-only-guide', mdxFile: 'entries/bszn/b-only-guide.mdx', title: '乙站点专用指南' });
          }
        },
      });
      // The same image path, another picture on each site: its size comes from its own site's public dir.
      writeFileSync(join(stageDir, 'public', ...CHART.split('/').filter(Boolean)), png(site.chart[0], site.chart[1]));
      if (site.code === '19902000000') writeFileSync(join(stageDir, 'entries', 'bszn', 'b-only-guide.mdx'), '<Callout type="tip" title="乙站点">只在乙站点出现。</Callout>\n');
    }
    const together = (code: string) => join(scratch, 'several', code, 'together');
    const alone = (code: string) => join(scratch, 'several', code, 'alone');
    const results = await renderSites({ root: REPO_ROOT, cacheDir: join(scratch, 'several', 'cache'), sites: sites.map((s) => ({ code: s.code, stageDir: stageOf(s.code), outDir: together(s.code) })) });
    expect([...results.keys()]).toEqual(sites.map((s) => s.code));
    for (const site of sites) await renderSite({ root: REPO_ROOT, stageDir: stageOf(site.code), outDir: alone(site.code), cacheDir: join(scratch, 'several', site.code, 'cache') });

    for (const site of sites) {
      const [a, b] = [files(together(site.code)), files(alone(site.code))];
      expect([...a.keys()].sort(), site.code).toEqual([...b.keys()].sort());
      for (const [path, bytes] of a) expect(bytes.equals(b.get(path)!), `${site.code} ${path}`).toBe(true);
      expect(results.get(site.code)!.pages).toBe([...a.keys()].filter((p) => p.endsWith('.html')).length);
      expect(existsSync(join(together(site.code), '404.html'))).toBe(true);
      expect(existsSync(join(together(site.code), '404'))).toBe(false);
      const relief = read(together(site.code), '/zcjd/small-low-profit-relief/');
      expect(relief).toContain(`width="${site.chart[0]}" height="${site.chart[1]}"`);
      const link = relief.match(/<a href="https:\/\/b\.tax\.example\.gov\.cn\/bszn\/"[^>]*>/)?.[0];
      expect(link, site.code).toBeDefined();
      expect(link!.includes('noopener'), site.code).toBe(site.code !== '19902000000');
      expect(read(together(site.code), '/')).toContain(`<link rel="canonical" href="https://${site.host}/">`);
    }
    expect(existsSync(join(together('19902000000'), 'bszn', 'b-only-guide', 'index.html'))).toBe(true);
    expect(existsSync(join(together('19901000000'), 'bszn', 'b-only-guide'))).toBe(false);
  }, 300_000);
});

describe('renderings kept between builds', () => {
  test('a site rendered again reuses its kept renderings, renders a changed body anew, and ignores a damaged cache file', async () => {
    const stageDir = join(scratch, 'kept', 'stage');
    const renderedDir = join(scratch, 'kept', 'rendered');
    const page = '/zcjd/small-low-profit-relief/';
    const bundle = makeStage(stageDir);
    const code = bundle.site.code;
    const build = async (name: string) => {
      const outDir = join(scratch, 'kept', name);
      await renderSites({ root: REPO_ROOT, cacheDir: join(scratch, 'kept', `cache-${name}`), renderedDir, sites: [{ code, stageDir, outDir }] });
      return outDir;
    };
    const first = await build('first');
    const file = join(renderedDir, `${code}.json`);
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { entries: Record<string, { digest: string; rendered: { html: string } }> };
    expect(Object.keys(kept.entries).sort()).toEqual(bundle.entries.map((e) => e.id).sort());

    // Another build (its own cache dir, no data store of its own) takes the kept rendering: the marker shows.
    kept.entries['zcjd/small-low-profit-relief']!.rendered.html = '<p>KEPT-RENDERING</p>';
    writeFileSync(file, JSON.stringify(kept));
    expect(read(await build('second'), page)).toContain('<p>KEPT-RENDERING</p>');

    // A changed body is rendered anew, whatever is kept.
    const staged = JSON.parse(readFileSync(join(stageDir, 'bundle.json'), 'utf8')) as typeof bundle;
    const entry = staged.entries.find((e) => e.id === 'zcjd/small-low-profit-relief')!;
    entry.body = `${entry.body}\n本文已更新。\n`;
    writeFileSync(join(stageDir, 'bundle.json'), JSON.stringify(staged));
    const third = read(await build('third'), page);
    expect(third).not.toContain('KEPT-RENDERING');
    expect(third).toContain('<p>本文已更新。</p>');

    // A damaged cache file is not read: every entry renders again, as the first build did but for the change.
    writeFileSync(file, '{"version":1,"entries":');
    expect(read(await build('fourth'), page)).toBe(third);
    expect(read(join(scratch, 'kept', 'fourth'), '/tzgg/2025-iit-annual-settlement/')).toBe(read(first, '/tzgg/2025-iit-annual-settlement/'));
  }, 240_000);
});
