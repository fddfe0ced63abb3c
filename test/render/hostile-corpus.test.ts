/**
 * Gate and renderer agree: every entry of a hostile corpus (the attack drills'
 * findings and their variants) is either refused by the gate, at a position and
 * under the rule named here, or published. Then every entry the gate passed is
 * rendered in one Astro build of the gate's own stage: the build succeeds (an
 * approved entry never fails the whole site), and no page carries an event
 * handler or a URL whose browser-parsed scheme is not allowed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromHtml } from 'hast-util-from-html';
import { afterAll, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import type { MarkupNode } from '../../pipeline/markup/active.ts';
import { renderSite } from '../../pipeline/render/index.ts';
import { bundleSite, writeStage } from '../../pipeline/stage/index.ts';
import { approveAll, entry, MAIN, makeRepo, NOW } from '../helpers/repo.ts';
import { REPO_ROOT } from './stage.ts';

type Case = { slug: string; format?: 'md' | 'mdx'; body: string; rule?: string };

/** `rule`: the gate refuses the entry with (at least) this finding; none: it is published. */
const CORPUS: Case[] = [
  // Schemes a browser normalises.
  { slug: 'entity-scheme', body: '<a href="&#106;avascript:alert(1)">点此</a>', rule: 'url-scheme' },
  { slug: 'entity-colon', body: '<a href="javascript&colon;alert(1)">点此</a>', rule: 'url-scheme' },
  { slug: 'leading-c0', body: '<a href="&#1;javascript:alert(1)">点此</a>', rule: 'url-scheme' },
  { slug: 'hex-tab', body: '<a href="java&#x09;script:alert(1)">点此</a>', rule: 'url-scheme' },
  { slug: 'named-tab', body: '<a href="java&Tab;script:alert(1)">点此</a>', rule: 'url-scheme' },
  { slug: 'named-newline-upper', body: '<a href="JAVA&NewLine;SCRIPT:alert(1)">点此</a>', rule: 'url-scheme' },
  { slug: 'form-feed-after-space', body: '<a href=" &#x0C;javascript:alert(1)">点此</a>', rule: 'url-scheme' },
  { slug: 'raw-tab', body: '<a href="java\tscript:alert(1)">点此</a>', rule: 'url-scheme' },
  { slug: 'area', body: '<map name="m"><area shape="rect" coords="0,0,9,9" href="javascript:alert(1)" alt="区"></map>', rule: 'url-scheme' },
  { slug: 'srcset', body: '<img srcset="javascript:alert(1) 2x" alt="图">', rule: 'url-scheme' },
  { slug: 'poster', body: '<video poster="jav&#x61;script:alert(1)"></video>', rule: 'url-scheme' },
  { slug: 'md-link-c0', body: '[点此](<&#1;javascript:alert(1)>)', rule: 'url-scheme' },
  { slug: 'md-link-tab', body: '[点此](<java\tscript:alert(1)>)', rule: 'url-scheme' },
  { slug: 'md-autolink', body: '<JavaScript:alert(1)>', rule: 'url-scheme' },
  { slug: 'md-definition', body: '[点此][r]\n\n[r]: vbscript:msgbox(1)', rule: 'url-scheme' },
  { slug: 'md-file', body: '[点此](file:///etc/passwd)', rule: 'url-scheme' },
  { slug: 'md-data-image', body: '![图](data:image/svg+xml;base64,PHN2Zz4=)', rule: 'url-scheme' },
  { slug: 'mdx-link-in-callout', format: 'mdx', body: '<Callout type="info" title="提示">\n\n[点此](&#x6A;avascript:alert(1))\n\n</Callout>', rule: 'url-scheme' },
  { slug: 'mdx-element', format: 'mdx', body: '<a href="javascript:alert(1)">点此</a>', rule: 'mdx-component-unknown' },
  // What the renderer refuses, the gate refuses first.
  { slug: 'details-ontoggle', body: '<details ontoggle="alert(1)" open>内容</details>', rule: 'html-active' },
  { slug: 'handler-odd-case', body: '<DETAILS open\tOnToggle=alert(1)>内容</DETAILS>', rule: 'html-active' },
  { slug: 'handler-newline', body: '<p>说明 <span\nONMOUSEOVER = "alert(1)">悬停</span></p>', rule: 'html-active' },
  { slug: 'img-onerror', body: '<img src="x" onerror="alert(1)">', rule: 'html-active' },
  { slug: 'iframe-srcdoc', body: '<iframe srcdoc="<script>alert(1)</script>"></iframe>', rule: 'html-active' },
  { slug: 'object', body: '<object data="movie.swf"></object>', rule: 'html-active' },
  { slug: 'embed', body: '<embed src="movie.swf">', rule: 'html-active' },
  { slug: 'base', body: '<base href="https://evil.example/">', rule: 'html-active' },
  { slug: 'meta-refresh', body: '<meta http-equiv="refresh" content="0;url=https://evil.example/">', rule: 'html-active' },
  { slug: 'style-url', body: '<p style="background:url(https://evil.example/x.png)">内容</p>', rule: 'html-active' },
  { slug: 'style-expression', body: '<p style="width:expression(alert(1))">内容</p>', rule: 'html-active' },
  { slug: 'style-escaped', body: '<p style="background:u\\72 l(javascript:alert(1))">内容</p>', rule: 'html-active' },
  { slug: 'svg-xlink', body: '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', rule: 'html-active' },
  { slug: 'template', body: '<template><img src="x" onerror="alert(1)"></template>', rule: 'html-active' },
  { slug: 'math-mxss', body: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>', rule: 'html-active' },
  { slug: 'script', body: '<script>alert(1)</script>', rule: 'html-active' },
  { slug: 'mdx-handler', format: 'mdx', body: '<Callout onClick="alert(1)">内容</Callout>', rule: 'mdx-component-unknown' },
  // The renderer reads a site-absolute image from the published files: none is the entry's.
  { slug: 'absolute-image', body: '![图](/favicon-none.png)', rule: 'asset-hostile' },
  { slug: 'absolute-raw-image', body: '<img src="/nothing.png" alt="图">', rule: 'asset-hostile' },
  // Layout and links a portal needs: published, and rendered.
  { slug: 'ok-details', body: '<details open><summary>更多</summary>\n\n内容\n\n</details>' },
  { slug: 'ok-links', body: '[政府网](https://www.gov.cn/) [热线](tel:12366) [栏目](/tzgg/) [第二条](#第二条) [下页](?page=2)' },
  { slug: 'ok-title-mentions-javascript', body: '<a href="https://www.chinatax.gov.cn/" title="javascript: 不是链接">国家税务总局</a>' },
  { slug: 'ok-upper-https', body: '<a href="HTTPS://www.gov.cn/">政府网</a> <a href="&#104;ttps://www.gov.cn/">政府网</a> <a href=" https://www.gov.cn/ ">政府网</a>' },
  { slug: 'ok-style', body: '<p style="color:#0b4a8f;text-align:center">居中</p>' },
  { slug: 'ok-area', body: '<map name="m"><area shape="rect" coords="0,0,9,9" href="https://www.gov.cn/" alt="政府网"></map>' },
  { slug: 'ok-table', body: '<table><tr><th>税目</th><td>税率</td></tr></table>' },
  { slug: 'ok-code', body: '示例：`javascript:alert(1)` 不是链接。' },
  // Not HTML to CommonMark (a `/` after the tag name): it stays text, and the page shows it as text.
  { slug: 'ok-slash-is-text', body: '<DETAILS/OnToggle=alert(1) open>内容</DETAILS>' },
  { slug: 'ok-mdx', format: 'mdx', body: '<Callout type="tip" title="提示">\n\n[政府网](https://www.gov.cn/)\n\n</Callout>' },
];

const work = mkdtempSync(join(tmpdir(), 'sealpress-hostile-corpus-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ALLOWED = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const URL_PROPS = new Set(['href', 'src', 'action', 'formAction', 'poster', 'data', 'xLinkHref', 'cite', 'srcSet', 'background']);

/** What a browser would find on the page that runs script or leaves by a refused scheme. */
function activeOnPage(html: string): string[] {
  const out: string[] = [];
  const visit = (node: MarkupNode) => {
    for (const [name, value] of Object.entries(node.properties ?? {})) {
      if (/^on/i.test(name)) out.push(`${node.tagName} ${name}`);
      if (!URL_PROPS.has(name)) continue;
      for (const v of Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []) {
        let protocol: string | undefined;
        try {
          protocol = new URL(v, 'https://www.tax.example.gov.cn/tzgg/x/').protocol;
        } catch {
          continue; // a browser cannot follow it
        }
        if (!ALLOWED.has(protocol)) out.push(`${node.tagName} ${name}=${v}`);
      }
    }
    if (node.type === 'element' && node.tagName === 'script' && !node.properties?.type?.toString().includes('json')) {
      const src = node.properties?.src;
      if (typeof src !== 'string' || !src.startsWith('/')) out.push('inline script');
    }
    for (const c of node.children ?? []) visit(c);
  };
  // The page's own chrome (a data: favicon in <head>) is the theme's; the entry is rendered inside <main>.
  const main = (function find(node: MarkupNode): MarkupNode | undefined {
    if (node.type === 'element' && node.tagName === 'main') return node;
    for (const c of node.children ?? []) {
      const m = find(c);
      if (m) return m;
    }
    return undefined;
  })(fromHtml(html) as unknown as MarkupNode);
  if (!main) return ['no <main>'];
  visit(main);
  return out;
}

describe('a hostile corpus: the gate refuses at a position what the renderer would refuse; what it passes renders', () => {
  test('one gate run, one Astro build of its stage', { timeout: 600_000 }, async () => {
    const files = Object.fromEntries(CORPUS.map((c) => [`content/${MAIN}/tzgg/${c.slug}.${c.format ?? 'md'}`, entry({}, `${c.body}\n`)]));
    const repo = makeRepo(files);
    try {
      await approveAll(repo);
      const gate = await runGate({ root: repo.root, now: NOW, cache: false });
      if (!gate.ok) throw new Error(JSON.stringify(gate.configDiagnostics));
      const bySlug = new Map(gate.plan.entries.map((e) => [e.path.split('/').pop()!.replace(/\.mdx?$/, ''), e]));

      for (const c of CORPUS) {
        const e = bySlug.get(c.slug)!;
        if (c.rule) {
          expect(e.status, `${c.slug}: ${JSON.stringify(e.findings)}`).toBe('refused');
          const f = e.findings.find((x) => x.rule === c.rule);
          expect(f, `${c.slug} should be refused as ${c.rule}: ${JSON.stringify(e.findings)}`).toBeDefined();
          expect(f!.line, c.slug).toBeGreaterThanOrEqual(8); // in the body, below the front matter
          expect(f!.fix, c.slug).toBeTruthy();
        } else {
          expect(e.findings, c.slug).toEqual([]);
          expect(e.status, c.slug).toBe('publishable');
        }
      }

      const stageDir = join(work, 'stage');
      const outDir = join(work, 'out');
      writeStage(repo.root, stageDir, bundleSite(gate.group, gate.plan, MAIN, 'publish'));
      await renderSite({ root: REPO_ROOT, stageDir, outDir, cacheDir: join(work, 'cache') });

      for (const c of CORPUS.filter((x) => !x.rule)) {
        const page = join(outDir, 'tzgg', c.slug, 'index.html');
        expect(existsSync(page), `${c.slug} has a page`).toBe(true);
        expect(activeOnPage(readFileSync(page, 'utf8')), c.slug).toEqual([]);
      }
      for (const c of CORPUS.filter((x) => x.rule)) expect(existsSync(join(outDir, 'tzgg', c.slug)), `${c.slug} is not published`).toBe(false);
    } finally {
      repo.cleanup();
    }
  });
});
