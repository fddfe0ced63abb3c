/**
 * URLs are judged as a browser parses them, by one judge (pipeline/markup/url.ts)
 * that the gate and the renderer share. The oracle here is independent of it:
 * the value a parser leaves (built piece by piece alongside the source text) is
 * handed to Node's WHATWG `URL`, which is what a browser runs.
 */
import fc from 'fast-check';
import { fromHtml } from 'hast-util-from-html';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { sha256Hex as sha256 } from '../../pipeline/fs/index.ts';
import { findActive, type MarkupNode } from '../../pipeline/markup/active.ts';
import { browserScheme, judgeUrl } from '../../pipeline/markup/url.ts';
import { parseEntry } from '../../pipeline/parse/index.ts';
import { checkMarkup } from '../../pipeline/validate/markup.ts';
import { entryRenderer } from '../../src/markdown/render-entry.ts';

const BASE = 'https://www.tax.example.gov.cn/tzgg/page/';
const ALLOWED = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const scratch = mkdtempSync(join(tmpdir(), 'sealpress-urls-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What a browser makes of a decoded attribute value: its scheme, or undefined when it cannot parse it (inert). */
function browserProtocol(decoded: string): string | undefined {
  try {
    return new URL(decoded, BASE).protocol;
  } catch {
    return undefined;
  }
}

/** The gate's markup findings for a body (the rules that judge URLs and markup). */
function gate(body: string, format: 'md' | 'mdx' = 'md') {
  const text = `---\ntitle: 测试\n---\n${body}`;
  const bytes = Buffer.from(text);
  const parsed = parseEntry({ path: `content/19900000000/tzgg/x.${format}`, site: '19900000000', column: 'tzgg', slug: 'x', format, bytes, digest: sha256(bytes), findings: [] }, { alwaysParse: true });
  if (!parsed.ok) return parsed.findings;
  return checkMarkup(parsed.entry);
}
const refuses = (body: string, format: 'md' | 'mdx' = 'md') => gate(body, format).some((f) => f.severity === 'error');

/** The renderer's own pipeline for entry bodies (src/markdown/render-entry.ts), Markdown and MDX. */
const renderer = entryRenderer({ publicDir: join(scratch, 'public'), siteUrl: 'https://www.tax.example.gov.cn/' });
const renderMarkdown = async (md: string) => (await (await renderer).render(md, 'md', 'entry.md')).html;
const renderMdx = async (mdx: string) => (await (await renderer).render(mdx, 'mdx', 'entry.mdx')).html;

/** Every URL-bearing attribute of the rendered HTML, as a browser reads it. */
function renderedSchemes(html: string): string[] {
  const out: string[] = [];
  const visit = (node: MarkupNode) => {
    for (const [name, value] of Object.entries(node.properties ?? {})) {
      if (!['href', 'src', 'action', 'formAction', 'poster', 'data', 'xLinkHref', 'cite'].includes(name) || typeof value !== 'string') continue;
      out.push(browserProtocol(value) ?? 'unparsable');
    }
    for (const c of node.children ?? []) visit(c);
  };
  visit(fromHtml(html, { fragment: true }) as unknown as MarkupNode);
  return out;
}

describe('the scheme a browser parses', () => {
  test.for([
    ['javascript:alert(1)', 'javascript'],
    ['JaVaScRiPt:alert(1)', 'javascript'],
    ['\u0001javascript:alert(1)', 'javascript'],
    [' \u001f javascript:alert(1)', 'javascript'],
    ['java\tscript:alert(1)', 'javascript'],
    ['java\nscr\ript:alert(1)', 'javascript'],
    ['javascript\t:alert(1)', 'javascript'],
    ['\u000cjavascript:alert(1)', 'javascript'],
    ['vbscript:msgbox(1)', 'vbscript'],
    ['data:text/html,<script>alert(1)</script>', 'data'],
    ['file:///etc/passwd', 'file'],
    ['blob:https://x/1', 'blob'],
    ['https://www.chinatax.gov.cn/', 'https'],
    ['HTTP://x/', 'http'],
    ['mailto:12366@tax.gov.cn', 'mailto'],
    ['tel:12366', 'tel'],
    ['/tzgg/', undefined],
    ['./files/a.pdf', undefined],
    ['#top', undefined],
    ['?page=2', undefined],
    ['java\u0001script:alert(1)', undefined],
    ['\u00a0javascript:alert(1)', undefined],
    ['1javascript:alert(1)', undefined],
    ['', undefined],
  ] as const)('%j → %s', ([url, scheme]) => {
    expect(browserScheme(url)).toBe(scheme);
    // The same answer as the URL parser browsers run.
    const protocol = browserProtocol(url);
    if (scheme !== undefined) expect(protocol).toBe(`${scheme}:`);
    else if (protocol !== undefined) expect(protocol).toBe('https:');
    expect(judgeUrl(url).ok).toBe(scheme === undefined || ['http', 'https', 'mailto', 'tel'].includes(scheme));
  });

  test('any string: the judge allows exactly what the URL parser gives an allowed scheme (or cannot parse at all)', { timeout: 120_000 }, () => {
    const chars = fc.constantFrom('j', 'a', 'v', 's', 'c', 'r', 'i', 'p', 't', ':', '/', 'h', 'H', '.', '+', '-', '1', ' ', '\t', '\n', '\r', '\u0001', '\u001f', '\u000c', '\u00a0', '#', '?', '%');
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 14 }).map((a) => a.join('')), fc.constantFrom('javascript:', 'https:', 'tel:', ''), (noise, tail) => {
        const url = noise + tail + 'x';
        const protocol = browserProtocol(url);
        if (protocol === undefined) return; // a browser cannot follow it
        expect(judgeUrl(url).ok).toBe(ALLOWED.has(protocol));
      }),
      { numRuns: 2000 },
    );
  });
});

// --- generated disguises of javascript: ---------------------------------------

interface Piece {
  /** As written in the source. */
  raw: string;
  /** What the parser leaves of it. */
  decoded: string;
}

/** How one letter of the scheme may be written: itself (any case) or a character reference. */
function letter(c: string, references: boolean): fc.Arbitrary<Piece> {
  const code = c.charCodeAt(0);
  const forms: fc.Arbitrary<Piece>[] = [fc.constantFrom({ raw: c.toLowerCase(), decoded: c.toLowerCase() }, { raw: c.toUpperCase(), decoded: c.toUpperCase() })];
  if (references) {
    forms.push(
      fc.constantFrom(
        { raw: `&#${code};`, decoded: c },
        { raw: `&#x${code.toString(16)};`, decoded: c },
        { raw: `&#X${code.toString(16).toUpperCase()};`, decoded: c },
        { raw: `&#000${code};`, decoded: c },
      ),
    );
    if (c === ':') forms.push(fc.constant({ raw: '&colon;', decoded: ':' }));
  }
  return fc.oneof(...forms);
}

/** What a browser removes: tabs and newlines anywhere; C0 controls and spaces only at the ends. */
function noise(kind: 'html' | 'pointy' | 'references', leading: boolean): fc.Arbitrary<Piece> {
  const refs: Piece[] = [
    { raw: '&#x09;', decoded: '\t' },
    { raw: '&#9;', decoded: '\t' },
    { raw: '&Tab;', decoded: '\t' },
    { raw: '&NewLine;', decoded: '\n' },
    { raw: '&#x0A;', decoded: '\n' },
    { raw: '&#13;', decoded: '\r' },
  ];
  if (leading) refs.push({ raw: '&#1;', decoded: '\u0001' }, { raw: '&#x1f;', decoded: '\u001f' }, { raw: '&#32;', decoded: ' ' }, { raw: '&#x0C;', decoded: '\u000c' });
  const raws: Piece[] = [{ raw: '\t', decoded: '\t' }];
  if (kind === 'html') raws.push({ raw: '\n', decoded: '\n' });
  if (leading) raws.push({ raw: '\u0001', decoded: '\u0001' }, { raw: '\u001f', decoded: '\u001f' }, { raw: '\u000c', decoded: '\u000c' }, { raw: ' ', decoded: ' ' });
  return kind === 'references' ? fc.constantFrom(...refs) : fc.constantFrom(...refs, ...raws);
}

/** `javascript:` written with random case, references and removable characters at random places. */
function disguised(kind: 'html' | 'pointy' | 'references'): fc.Arbitrary<Piece> {
  const letters = [...'javascript:'].map((c) => letter(c, true));
  const gaps = [...'javascript:'].map((_, i) => fc.array(noise(kind, i === 0), { maxLength: i === 0 ? 3 : 1 }));
  return fc.tuple(fc.tuple(...letters), fc.tuple(...gaps)).map(([ls, gs]) => {
    const parts = ls.flatMap((l, i) => [...(gs[i] ?? []), l]);
    return { raw: parts.map((p) => p.raw).join('') + 'alert(1)', decoded: parts.map((p) => p.decoded).join('') + 'alert(1)' };
  });
}

const HTML_CONTEXTS = [
  (u: string) => `<a href="${u}">点此</a>`,
  (u: string) => `<p><a href='${u}'>点此</a></p>`,
  (u: string) => `<map name="m"><area shape="rect" coords="0,0,10,10" href="${u}"></map>`,
  (u: string) => `<img src="${u}" alt="图">`,
  (u: string) => `<img srcset="${u} 2x" alt="图">`,
  (u: string) => `<video poster="${u}"></video>`,
  (u: string) => `<blockquote cite="${u}">引文</blockquote>`,
  (u: string) => `<iframe src="${u}"></iframe>`,
  (u: string) => `<form action="${u}"></form>`,
  (u: string) => `<object data="${u}"></object>`,
  (u: string) => `<svg><a xlink:href="${u}"><text>x</text></a></svg>`,
];

describe('every disguise of javascript: a browser would run is refused by the gate', () => {
  test('raw HTML attributes (a, area, img, srcset, poster, cite, iframe, form, object, svg)', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(disguised('html'), fc.nat(HTML_CONTEXTS.length - 1), fc.constantFrom('', '说明：', '正文\n\n'), (url, ctx, before) => {
        fc.pre(!/\n[\s]*\n/.test(url.raw));
        expect(browserProtocol(url.decoded)).toBe('javascript:');
        const body = `${before}${HTML_CONTEXTS[ctx]!(url.raw)}\n`;
        const findings = gate(body);
        expect(findings.map((f) => f.rule), body).toEqual(expect.arrayContaining([expect.stringMatching(/^(url-scheme|html-active)$/)]));
        for (const f of findings) expect(f.line).toBeGreaterThanOrEqual(4); // positioned in the body
      }),
      { numRuns: 400 },
    );
  });

  test('Markdown links, images and definitions (character references, and raw tabs and controls in <…>)', { timeout: 120_000 }, () => {
    const contexts = [
      (u: string) => `[点此](<${u}>)`,
      (u: string) => `见 ![图](<${u}>) 。`,
      (u: string) => `[点此][ref]\n\n[ref]: <${u}>`,
      (u: string) => `- 列表\n  [点此](<${u}> "标题")`,
      (u: string) => `| 表 |\n| --- |\n| [点此](<${u}>) |`,
    ];
    fc.assert(
      fc.property(disguised('pointy'), fc.nat(contexts.length - 1), (url, ctx) => {
        expect(browserProtocol(url.decoded)).toBe('javascript:');
        const body = `${contexts[ctx]!(url.raw)}\n`;
        expect(gate(body).map((f) => f.rule), JSON.stringify(body)).toContain('url-scheme');
      }),
      { numRuns: 300 },
    );
  });

  test('character references in plain Markdown destinations, and autolinks in any case', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(disguised('references'), (url) => {
        expect(gate(`[点此](${url.raw})\n`).map((f) => f.rule)).toContain('url-scheme');
        const cased = url.decoded.replace(/[\t\n\r]/g, '');
        if (/^[a-zA-Z:]+alert\(1\)$/.test(cased)) expect(gate(`<${cased}>\n`).map((f) => f.rule)).toContain('url-scheme');
      }),
      { numRuns: 200 },
    );
  });

  test('MDX: links inside components, and attributes of elements', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(disguised('references'), fc.boolean(), (url, inComponent) => {
        const link = `[点此](${url.raw})`;
        const body = inComponent ? `<Callout type="info" title="提示">\n\n${link}\n\n</Callout>\n` : `${link}\n`;
        expect(gate(body, 'mdx').map((f) => f.rule)).toContain('url-scheme');
        expect(refuses(`<a href="${url.raw}">x</a>\n`, 'mdx')).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('benign URLs pass, whatever their spelling', () => {
  const benign = fc.constantFrom(
    'https://www.chinatax.gov.cn/chinatax/n810341/index.html',
    'http://www.gov.cn/',
    'HTTPS://etax.example.gov.cn/?a=1&amp;b=2',
    '/tzgg/2026-10-notice/',
    '../zcwj/',
    '#第二条',
    '?page=2',
    'mailto:12366@tax.example.gov.cn',
    'tel:12366',
    '  https://www.gov.cn/  ',
    'ht&#x09;tps://www.gov.cn/',
    '&#104;ttps://www.gov.cn/',
  );
  test('in Markdown links, raw HTML links and areas', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(benign, fc.nat(2), (url, ctx) => {
        const body = [`[链接](<${url.trim()}>)`, `<a href="${url}">链接</a>`, `<map name="m"><area href="${url}" alt="区"></map>`][ctx]!;
        expect(gate(`${body}\n`)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('gate and renderer agree on generated bodies', () => {
  /** Bodies mixing disguised and benign URLs in every context: what the gate passes must render, and carry no active URL. */
  const body = fc.oneof(
    fc.tuple(disguised('html'), fc.nat(HTML_CONTEXTS.length - 1)).map(([u, c]) => HTML_CONTEXTS[c]!(u.raw)),
    disguised('pointy').map((u) => `[x](<${u.raw}>)`),
    fc.constantFrom('[x](https://www.gov.cn/)', '<a href="/tzgg/">x</a>', '<img src="https://www.gov.cn/a.png" alt="a">', '<details ontoggle="alert(1)" open>x</details>', '<details open>x</details>', '<p style="color:red">x</p>', '<p style="background:u\\72l(javascript:alert(1))">x</p>', '<a href="&#x6A;avascript&colon;alert(1)">x</a>', '<a href="java&#x0C;script:alert(1)">x</a>', '<a href="&#1;&#2;javascript:alert(1)">x</a>', '<a href=" &#12;javascript:alert(1)">x</a>'),
  );
  test('gate passes ⇒ the renderer renders it, and no rendered URL has a refused scheme', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        fc.pre(!/\n[\s]*\n/.test(b));
        const md = `${b}\n`;
        if (refuses(md)) return;
        const html = await renderMarkdown(md);
        for (const scheme of renderedSchemes(html)) expect(scheme === 'unparsable' || ALLOWED.has(scheme), `${md} → ${html}`).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('renderer refuses ⇒ the gate refused it first (Markdown and MDX)', { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        fc.pre(!/\n[\s]*\n/.test(b));
        const md = `${b}\n`;
        const rendered = await renderMarkdown(md).then(() => true, () => false);
        if (!rendered) expect(refuses(md), md).toBe(true);
        const mdx = `<Callout title="t">\n\n${b.replace(/[{}]/g, '')}\n\n</Callout>\n`;
        const compiled = await renderMdx(mdx).then(() => true, () => false);
        if (!compiled) expect(refuses(mdx, 'mdx'), mdx).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  test('the judge on the parsed tree sees what the browser sees', () => {
    // parse5 decodes, folds case and strips; the judge reads the result.
    const problems = findActive(fromHtml('<A HREF="&#x20;&#x6A;ava&Tab;script&colon;alert(1)">x</A><DETAILS OnToggle=alert(1)>', { fragment: true }) as unknown as MarkupNode);
    expect(problems.map((p) => p.rule)).toEqual(['url-scheme', 'html-active']);
  });
});
