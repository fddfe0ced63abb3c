/**
 * indexSite hands Pagefind the pages of a part by a glob naming each one. A
 * page whose path a glob would misread (braces, brackets, commas, stars, CJK)
 * is handed over as text instead: every page is indexed, at its own URL, and no
 * page outside the part is.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, test } from 'vitest';
import { indexSite } from '../../pipeline/render/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealpress-index-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const page = (title: string, body: string) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body><nav>导航</nav><article data-pagefind-body><h1>${title}</h1><p>${body}</p></article></body></html>`;

/** The URLs of the pages an index holds, read from its fragments. */
function indexedUrls(site: string): string[] {
  const urls: string[] = [];
  const fragments = join(site, 'pagefind', 'fragment');
  for (const name of readdirSync(fragments)) {
    const bytes = gunzipSync(readFileSync(join(fragments, name))).toString('utf8');
    const json = bytes.slice(bytes.indexOf('{'));
    urls.push((JSON.parse(json) as { url: string }).url);
  }
  return urls.sort();
}

describe('indexSite: every page of a part, whatever its path', () => {
  test.each([
    ['plain paths (a glob)', ['tzgg/notice-1/index.html', 'tzgg/notice-2/index.html', 'zcwj/2/index.html']],
    ['paths a glob would misread (each page as text)', ['tzgg/notice-1/index.html', '通知{一,二}/index.html', 'a[1]/index.html', 'star*/index.html']],
  ])('%s', async (_name, paths) => {
    const site = join(scratch, String(Math.random()).slice(2));
    for (const [i, path] of paths.entries()) {
      mkdirSync(dirname(join(site, path)), { recursive: true });
      writeFileSync(join(site, path), page(`通知第${i + 1}号`, `关于办理纳税申报的第${i + 1}项说明。`));
    }
    // A list page, not marked for the index: never indexed.
    writeFileSync(join(site, 'index.html'), '<!doctype html><html lang="zh-CN"><body><ul><li>列表</li></ul></body></html>');
    const indexed = await indexSite(site);
    expect(indexed).toEqual({ pages: paths.length, parts: 1, reused: 0 });
    const urls = paths.map((p) => `/${p.replace(/index\.html$/, '')}`);
    expect(indexedUrls(site).map((u) => decodeURI(u)).sort()).toEqual(urls.sort());
  });
});
