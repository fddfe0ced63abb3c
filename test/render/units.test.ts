/**
 * Fast tests of the renderer's pure parts: image headers, the URL plan, display
 * formats, bundle checks, and the two markdown plugins that guard what reaches
 * readers.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import rehypeRaw from 'rehype-raw';
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import remarkCjkFriendly from 'remark-cjk-friendly';
import { unified } from 'unified';
import { afterAll, describe, expect, test } from 'vitest';
import { bundleSchema } from '../../src/loader/bundle-schema.ts';
import { checkBundle } from '../../src/loader/read-bundle.ts';
import { dateShort, dateTime, dateZh, fileSize, markdownText } from '../../src/lib/format.ts';
import { columnPath, planRoutes, siteNav, RoutePlanError } from '../../src/lib/routes.ts';
import { imageSize } from '../../src/markdown/image-size.ts';
import rehypeSealpress from '../../src/markdown/rehype-sealpress.ts';
import { MDX_COMPONENTS } from '../../src/markdown/remark-mdx-guard.ts';
import { entryRenderer } from '../../src/markdown/render-entry.ts';
import { astroPackageDir } from '../../pipeline/render/astro-process.ts';
import { MDX_COMPONENTS as GATE_MDX_COMPONENTS } from '../../pipeline/validate/markup.ts';
import { fixtureBundle, makeStage, png, REPO_ROOT } from './stage.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealpress-render-units-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('image headers', () => {
  const gif = Buffer.from('474946383961' + '4001' + 'f000', 'hex'); // 320 x 240
  const jpeg = Buffer.from(
    // SOI, APP0 (16 bytes), SOF0 with height 480, width 640
    'ffd8' + 'ffe00010' + '4a46494600010100000100010000' + 'ffc0001108' + '01e0' + '0280' + '03012200021101031101',
    'hex',
  );
  const webpLossy = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(4), Buffer.from('000000' + '9d012a' + '2003' + '5802', 'hex')]);
  const webpLossless = (() => {
    const b = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8L'), Buffer.alloc(4), Buffer.from([0x2f]), Buffer.alloc(4), Buffer.alloc(8)]);
    b.writeUInt32LE((100 - 1) | ((50 - 1) << 14), 21);
    return b;
  })();
  const webpExtended = (() => {
    const b = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8X'), Buffer.alloc(4), Buffer.alloc(10)]);
    b.writeUIntLE(1920 - 1, 24, 3);
    b.writeUIntLE(1080 - 1, 27, 3);
    return b;
  })();
  test.for([
    { name: 'PNG', bytes: png(640, 360), size: { width: 640, height: 360 } },
    { name: 'GIF', bytes: gif, size: { width: 320, height: 240 } },
    { name: 'JPEG', bytes: jpeg, size: { width: 640, height: 480 } },
    { name: 'WebP lossy', bytes: webpLossy, size: { width: 800, height: 600 } },
    { name: 'WebP lossless', bytes: webpLossless, size: { width: 100, height: 50 } },
    { name: 'WebP extended', bytes: webpExtended, size: { width: 1920, height: 1080 } },
    { name: 'a PDF', bytes: Buffer.from('%PDF-1.4\n'), size: undefined },
    { name: 'a truncated PNG', bytes: png(10, 10).subarray(0, 20), size: undefined },
  ])('$name', ({ bytes, size }) => {
    if (size) expect(imageSize(bytes)).toMatchObject(size);
    else expect(imageSize(bytes)).toBeUndefined();
  });
});

describe('the URL plan', () => {
  const data = fixtureBundle();
  const nav = siteNav(data);

  test('only enabled columns, and categories that have one', () => {
    expect(nav.flatMap((c) => c.columns.map((col) => col.id))).toEqual(data.site.columns);
    expect(nav.flatMap((c) => c.columns.map((col) => col.id))).not.toContain('bsdt');
  });

  test('a category sharing its id with a column moves to /category/<id>/', () => {
    expect(nav.find((c) => c.id === 'ssxc')?.path).toBe('/category/ssxc/');
    expect(nav.find((c) => c.id === 'xxgk')?.path).toBe('/xxgk/');
  });

  test('20 entries a page', () => {
    const entries = Array.from({ length: 41 }, (_, i) => ({ id: `gzdt/n${i}`, column: 'gzdt', path: `/gzdt/n${i}/` }));
    const lists = planRoutes(nav, entries).filter((r) => r.kind === 'list' && r.columnId === 'gzdt');
    expect(lists.map((r) => r.path)).toEqual(['/gzdt/', '/gzdt/2/', '/gzdt/3/']);
    expect(columnPath('gzdt', 1)).toBe('/gzdt/');
  });

  test.for([
    { name: 'an all-digit slug against a list page', entries: Array.from({ length: 21 }, (_, i) => ({ id: `gzdt/${i === 0 ? '2' : `n${i}`}`, column: 'gzdt', path: `/gzdt/${i === 0 ? '2' : `n${i}`}/` })), message: /both want \/gzdt\/2\// },
    { name: 'two entries with one path', entries: [{ id: 'a', column: 'gzdt', path: '/gzdt/x/' }, { id: 'b', column: 'gzdt', path: '/gzdt/x/' }], message: /both want/ },
  ])('refuses $name', ({ entries, message }) => {
    expect(() => planRoutes(nav, entries)).toThrow(RoutePlanError);
    expect(() => planRoutes(nav, entries)).toThrow(message);
  });

  test('refuses a column named like a reserved path', () => {
    const bad = structuredClone(data);
    bad.group.categories[0]!.columns.push({ id: 'search', name: '搜索', type: 'notice' });
    bad.site.columns.push('search');
    expect(() => planRoutes(siteNav(bad), [])).toThrow(/reserved/);
  });
});

describe('formats', () => {
  test.for([
    { iso: '2025-02-28T09:30:00+08:00', zh: '2025年02月28日', short: '2025-02-28', time: '2025-02-28 09:30' },
    // 20:00 UTC is already the next day in China.
    { iso: '2025-02-28T20:00:00Z', zh: '2025年03月01日', short: '2025-03-01', time: '2025-03-01 04:00' },
  ])('$iso in China Standard Time', ({ iso, zh, short, time }) => {
    expect(dateZh(iso)).toBe(zh);
    expect(dateShort(iso)).toBe(short);
    expect(dateTime(iso)).toBe(time);
  });

  test('file sizes', () => {
    expect([fileSize(512), fileSize(48213), fileSize(5 * 1024 * 1024)]).toEqual(['512 B', '47.1 KB', '5.0 MB']);
  });

  test('plain text of a body drops markup', () => {
    expect(markdownText('## 标题\n\n见[链接](https://x)和**重点**。\n\n<Callout title="t">内容</Callout>\n\n{/* 注 */}')).toBe('标题 见链接和重点。 内容');
  });
});

describe('bundle checks', () => {
  const stage = join(scratch, 'stage');
  makeStage(stage);

  test('the fixture is a valid bundle', () => {
    const parsed = bundleSchema.parse(fixtureBundle());
    expect(checkBundle(parsed, stage)).toEqual([]);
  });

  test.for([
    { name: 'a draft in a publish bundle', change: (b: ReturnType<typeof fixtureBundle>) => { b.entries[0]!.draft = true; }, problem: /draft entry in a publish bundle/ },
    { name: 'an entry in a column the site has not enabled', change: (b: ReturnType<typeof fixtureBundle>) => { b.entries[0]!.column = 'bsdt'; b.entries[0]!.id = `bsdt/${b.entries[0]!.slug}`; }, problem: /not enabled/ },
    { name: 'an MDX module outside the stage', change: (b: ReturnType<typeof fixtureBundle>) => { b.entries.find((e) => e.format === 'mdx')!.mdxFile = '../../etc/passwd.mdx'; }, problem: /not a \.mdx file inside the stage/ },
    { name: 'a missing MDX module', change: (b: ReturnType<typeof fixtureBundle>) => { b.entries.find((e) => e.format === 'mdx')!.mdxFile = 'entries/none.mdx'; }, problem: /does not exist/ },
    { name: 'a Markdown entry without body', change: (b: ReturnType<typeof fixtureBundle>) => { delete b.entries[0]!.body; }, problem: /without body/ },
    { name: 'duplicate ids', change: (b: ReturnType<typeof fixtureBundle>) => { b.entries.push(structuredClone(b.entries[0]!)); }, problem: /duplicate id/ },
  ])('finds $name', ({ change, problem }) => {
    const b = fixtureBundle();
    change(b);
    const problems = checkBundle(bundleSchema.parse(b), stage);
    expect(problems.join('\n')).toMatch(problem);
  });

  test('the schema refuses an unknown version and names the field', () => {
    const b = { ...fixtureBundle(), version: 2 };
    const result = bundleSchema.safeParse(b);
    expect(result.success).toBe(false);
  });
});

describe('rehype-sealpress on Markdown', () => {
  const publicDir = join(scratch, 'stage', 'public');
  const render = async (md: string) =>
    String(
      await unified()
        .use(remarkParse)
        .use(remarkGfm)
        .use(remarkCjkFriendly)
        .use(remarkRehype, { allowDangerousHtml: true })
        .use(rehypeRaw)
        .use(rehypeSealpress, { publicDir, siteUrl: 'https://tax.example.gov.cn/' })
        .use(rehypeStringify)
        .process(md),
    );

  test('images get their size from the file, lazy loading and async decoding', async () => {
    const html = await render('![图](/assets/8b7e6d5c4a31/service-hall.png)');
    expect(html).toContain('loading="lazy"');
    expect(html).toContain('decoding="async"');
    expect(html).toContain('width="800"');
    expect(html).toContain('height="450"');
  });

  test('external links get rel=noopener, internal ones do not', async () => {
    const html = await render('[外](https://www.chinatax.gov.cn/) [内](https://tax.example.gov.cn/tzgg/) [相对](/tzgg/)');
    expect(html).toContain('<a href="https://www.chinatax.gov.cn/" rel="noopener">');
    expect(html).toContain('<a href="https://tax.example.gov.cn/tzgg/">');
    expect(html).toContain('<a href="/tzgg/">');
  });

  test('CJK emphasis next to punctuation', async () => {
    expect(await render('对**“增值税”**减免')).toContain('<strong>“增值税”</strong>');
  });

  test.for([
    { name: 'a script element', md: 'a\n\n<script>alert(1)</script>\n', why: /<script> is not allowed/ },
    { name: 'an event handler', md: '<img src="/x.png" onerror="alert(1)">', why: /event handler attribute/ },
    { name: 'a javascript: link', md: '[x](javascript:alert(1))', why: /not an allowed URL/ },
    { name: 'an iframe', md: '<iframe src="https://evil.example/"></iframe>', why: /<iframe> is not allowed/ },
    { name: 'an entity-encoded scheme', md: '<a href="&#106;avascript&colon;alert(1)">x</a>', why: /not an allowed URL: .* javascript: URL/ },
    { name: 'a form feed after a space', md: '<a href=" &#x0C;javascript:alert(1)">x</a>', why: /not an allowed URL/ },
    { name: 'a tab inside the scheme', md: '<a href="java&Tab;script:alert(1)">x</a>', why: /not an allowed URL/ },
    { name: 'an area', md: '<map name="m"><area href="JAVASCRIPT:alert(1)"></map>', why: /not an allowed URL/ },
    { name: 'a srcset', md: '<img srcset="javascript:alert(1) 2x">', why: /not an allowed URL/ },
    { name: 'a details ontoggle', md: '<details ontoggle="alert(1)" open>x</details>', why: /event handler attribute/ },
    { name: 'an inline style that loads', md: '<p style="background:u\\72l(x)">x</p>', why: /inline styles may not load or run anything/ },
    { name: 'an image outside the public dir', md: '![x](/../../etc/passwd)', why: /leaves the public dir/ },
    { name: 'a missing image', md: '![x](/assets/none.png)', why: /not in the stage's public dir/ },
  ])('refuses $name', async ({ md, why }) => {
    await expect(render(md)).rejects.toThrow(why);
  });
});

describe('remark-mdx-guard', () => {
  const mdx = entryRenderer({ publicDir: join(scratch, 'stage', 'public'), siteUrl: 'https://tax.example.gov.cn/' });
  const run = async (source: string) => (await (await mdx).render(source, 'mdx', 'entry.mdx')).html;

  test('allows the theme components with string attributes, and comments', async () => {
    await expect(run('<Callout type="tip" title="提示">正文</Callout>\n\n<Steps><Step title="一">甲</Step></Steps>\n\n{/* 注释 */}\n')).resolves.toBeDefined();
  });

  test.for([
    { name: 'an import', source: 'import x from "node:fs"\n\n正文' },
    { name: 'an export', source: 'export const x = 1\n\n正文' },
    { name: 'an expression', source: '{process.exit(1)}' },
    { name: 'an unknown component', source: '<Evil />' },
    { name: 'an attribute expression', source: '<Callout title={globalThis.x}>a</Callout>' },
    { name: 'a spread attribute', source: '<Callout {...x}>a</Callout>' },
    { name: 'a JSX script', source: '<script>alert(1)</script>' },
    { name: 'an event handler', source: '<span onClick="x">a</span>' },
    { name: 'an entity-encoded scheme', source: '<a href="&#106;avascript:alert(1)">x</a>' },
  ])('refuses $name', async ({ source }) => {
    await expect(run(source)).rejects.toThrow(/sealpress|not allowed|not an allowed URL|must be a plain string/);
  });

  test('a javascript: link inside a component fails the rehype pass too', async () => {
    const source = '<Callout title="t">\n\n[x](&#x6A;avascript:alert(1))\n\n</Callout>\n';
    await expect(run(source)).rejects.toThrow(/not an allowed URL/);
  });

  test('the components render to their HTML: an aside named by its title, a numbered list of steps; HTML elements as themselves; comments and fragments leave no trace', async () => {
    expect(await run('<Callout type="tip" title="乙站点">只在乙站点出现。</Callout>\n')).toBe('<aside class="callout tip" aria-label="乙站点"><p>乙站点</p>只在乙站点出现。</aside>');
    expect(await run('<Callout type="odd">\n\n正文\n\n</Callout>\n')).toBe('<aside class="callout info" aria-label="说明"><p>说明</p><p>正文</p></aside>');
    expect(await run('<Callout type="warning">\n\n正文\n\n</Callout>\n')).toContain('<aside class="callout warning" aria-label="注意"><p>注意</p>');
    expect(await run('<Steps>\n<Step title="登录">\n\n扫码登录。\n\n</Step>\n<Step>\n\n提交。\n\n</Step>\n</Steps>\n')).toBe('<ol class="steps"><li><p><strong>登录</strong></p><p>扫码登录。</p></li><li><p>提交。</p></li></ol>');
    expect(await run('第一行<br />第二行，H<sub>2</sub>O\n\n{/* 注释 */}\n\n<>片段</>\n')).toBe('<p>第一行<br>第二行，H<sub>2</sub>O</p>\n<p>片段</p>');
    expect(await run('## 办理流程\n')).toBe('<h2 id="办理流程">办理流程</h2>');
  });

  test('the gate and the renderer allow the same components', () => {
    expect([...MDX_COMPONENTS].sort()).toEqual(Object.keys(GATE_MDX_COMPONENTS).sort());
  });
});

describe('the content store is read by the built pages, not compiled into them', () => {
  // astro.config.mjs replaces the code of Astro's store module by name: were Astro to rename it, the
  // build would still be right, but would parse the whole store again (1.3 GB at 18,000 entries).
  test("astro.config.mjs names the module Astro's content plugin loads", () => {
    const consts = readFileSync(join(astroPackageDir(REPO_ROOT), 'dist', 'content', 'consts.js'), 'utf8');
    expect(consts).toContain('const DATA_STORE_VIRTUAL_ID = "astro:data-layer-content";');
    expect(consts).toContain('const RESOLVED_DATA_STORE_VIRTUAL_ID = "\\0" + DATA_STORE_VIRTUAL_ID;');
    expect(readFileSync(join(REPO_ROOT, 'astro.config.mjs'), 'utf8')).toContain("const DATA_STORE_MODULE = '\\0astro:data-layer-content';");
  });
});
