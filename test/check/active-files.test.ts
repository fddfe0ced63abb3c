/**
 * Files a browser would run as a page are never published on the site's origin:
 * the gate refuses them at the reference (asset-active), by every extension of the
 * name and by the bytes, and the stage and the renderer refuse them again even if
 * asked (defence in depth).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { SealpressError } from '../../pipeline/errors/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { sha256Hex as sha256 } from '../../pipeline/fs/index.ts';
import { ACTIVE_EXTENSIONS, activeFile, fileExtensions } from '../../pipeline/markup/files.ts';
import { writeStage } from '../../pipeline/stage/index.ts';
import { activeAssets } from '../../src/loader/read-bundle.ts';
import { approveAll, entry, makeRepo, MAIN, NOW, png, type TestRepo } from '../helpers/repo.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealpress-active-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const text = (s: string) => Buffer.from(s, 'utf8');
const PDF = text('%PDF-1.4\n% 示例\n');

describe('by name: every extension, any case, trailing dots and spaces', () => {
  test.for([
    ['notice.html', true],
    ['notice.HTM', true],
    ['chart.svg', true],
    ['chart.svg.', true],
    ['chart.SvG . ', true],
    ['page.xhtml', true],
    ['feed.xml', true],
    ['style.xsl', true],
    ['app.js', true],
    ['app.mjs', true],
    ['movie.swf', true],
    ['ssi.shtml', true],
    ['report.html.pdf', true],
    ['report.pdf.html', true],
    ['archive.mhtml', true],
    ['form.pdf', false],
    ['table.csv', false],
    ['photo.PNG', false],
    ['2026.js-guide.pdf', false],
    ['html', false],
  ] as const)('%s → %s', ([name, active]) => {
    expect(activeFile(name) !== undefined).toBe(active);
  });

  test('generated spellings of active extensions are all refused', () => {
    const ext = fc.constantFrom(...ACTIVE_EXTENSIONS);
    const recase = (s: string, mask: boolean[]) => [...s].map((c, i) => (mask[i % Math.max(mask.length, 1)] ? c.toUpperCase() : c)).join('');
    fc.assert(
      fc.property(ext, fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }), fc.constantFrom('', '.', '..', ' ', '. .', '.\u0000'), fc.constantFrom('', '.pdf', '.png'), fc.constantFrom('附件', 'a', 'report.2026'), (e, mask, tail, after, stem) => {
        const name = `${stem}.${recase(e, mask)}${after}${tail}`;
        expect(activeFile(name), name).toBeDefined();
        expect(fileExtensions(name)).toContain(e);
      }),
      { numRuns: 500 },
    );
  });
});

describe('by content: markup where the file starts, whatever the name', () => {
  test.for([
    { name: 'an HTML page named .png', file: 'photo.png', bytes: text('<!DOCTYPE html><script>alert(1)</script>'), active: true },
    { name: 'an SVG named .png', file: 'chart.png', bytes: text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), active: true },
    { name: 'XML named .jpg', file: 'a.jpg', bytes: text('<?xml version="1.0"?><x/>'), active: true },
    { name: 'leading whitespace and a BOM', file: 'a.txt', bytes: text('\ufeff \n\t<html>'), active: true },
    { name: 'any file that starts with <', file: 'a.csv', bytes: text('<b>户名</b>,账号\n'), active: true },
    { name: 'UTF-16 markup', file: 'a.txt', bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<script>', 'utf16le')]), active: true },
    { name: 'a script tag after some text', file: 'a.txt', bytes: text('通知\r\n<script>alert(1)</script>'), active: true },
    { name: 'a Flash program named .pdf', file: 'a.pdf', bytes: Buffer.concat([text('CWS'), Buffer.alloc(20)]), active: true },
    { name: 'a real PNG', file: 'a.png', bytes: png(4, 4), active: false },
    { name: 'a real PDF', file: 'a.pdf', bytes: PDF, active: false },
    { name: 'a CSV', file: 'a.csv', bytes: text('户名,金额\n张三,100\n'), active: false },
    { name: 'text with a less-than sign later', file: 'a.txt', bytes: text('税额 < 1000 元的，免征。'), active: false },
  ])('$name → $active', ({ file, bytes, active }) => {
    expect(activeFile(file, bytes) !== undefined).toBe(active);
  });

  test('generated text that starts with markup is refused under any inert name', () => {
    fc.assert(
      fc.property(fc.constantFrom('', '\ufeff', ' ', '\r\n', '\t\t'), fc.constantFrom('<html>', '<svg>', '<SCRIPT>', '<?xml ?>', '<!-- -->', '<p>', '<x>'), fc.string({ maxLength: 40 }), fc.constantFrom('a.png', 'a.jpg', 'a.csv', 'a.txt', 'a.pdf', 'a'), (lead, tag, rest, name) => {
        expect(activeFile(name, text(lead + tag + rest))).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});

describe('the gate refuses them at the reference, with a position and a fix', () => {
  let repo: TestRepo | undefined;
  afterEach(() => repo?.cleanup());

  test.for([
    { name: 'front-matter attachment .html', fm: { attachments: '  - { src: ./x/notice.html, title: 通知 }' }, body: '正文。\n', files: { 'x/notice.html': text('<p>通知</p>') }, line: 8 },
    { name: 'front-matter image .svg', fm: { images: '  - { src: ./x/chart.svg, alt: 图表 }' }, body: '正文。\n', files: { 'x/chart.svg': text('<svg/>') }, line: 8 },
    { name: 'front-matter image .png that is HTML', fm: { images: '  - { src: ./x/photo.png, alt: 图 }' }, body: '正文。\n', files: { 'x/photo.png': text('<html><script>alert(1)</script>') }, line: 8 },
    { name: 'body link to .html', fm: {}, body: '正文。\n\n[通知](./x/page.html)\n', files: { 'x/page.html': text('<p>x</p>') }, line: 10 },
    { name: 'body link to .HTML. (trailing dot)', fm: {}, body: '[通知](./x/page.HTML.)\n', files: { 'x/page.HTML.': text('x') }, line: 8 },
    { name: 'body image .xml', fm: {}, body: '![图](./x/a.xml)\n', files: { 'x/a.xml': text('<?xml version="1.0"?><a/>') }, line: 8 },
    { name: 'body image named .png, content SVG', fm: {}, body: '![图](./x/a.png)\n', files: { 'x/a.png': text('<svg onload="alert(1)"/>') }, line: 8 },
    { name: 'double extension', fm: {}, body: '[表](./x/table.js.csv)\n', files: { 'x/table.js.csv': text('a,b\n') }, line: 8 },
  ])('$name → asset-active', { timeout: 30_000 }, async ({ fm, body, files, line }) => {
    const dir = `content/${MAIN}/tzgg`;
    const extra = Object.fromEntries(Object.entries(files).map(([p, b]) => [`${dir}/${p}`, b]));
    repo = makeRepo({ [`${dir}/x.md`]: entry(fm as Record<string, string>, body), ...extra });
    await approveAll(repo);
    const result = await runGate({ root: repo.root, now: NOW, cache: false });
    if (!result.ok) throw new Error('config');
    const e = result.plan.entries[0]!;
    expect(e.status).toBe('refused');
    const f = e.findings.find((x) => x.rule === 'asset-active');
    expect(f, JSON.stringify(e.findings)).toBeDefined();
    expect(f!.line).toBe(line);
    expect(f!.fix).toMatch(/PDF|official source/);
  });

  test('inert files beside them pass', { timeout: 30_000 }, async () => {
    const dir = `content/${MAIN}/tzgg`;
    repo = makeRepo({
      [`${dir}/x.md`]: entry({ images: '  - { src: ./x/photo.png, alt: 图 }', attachments: '  - { src: ./x/table.csv, title: 表 }' }, '正文。\n\n[表](./x/table.csv)\n'),
      [`${dir}/x/photo.png`]: png(8, 8),
      [`${dir}/x/table.csv`]: text('项目,金额\n房产税,100\n'),
    });
    await approveAll(repo);
    const result = await runGate({ root: repo.root, now: NOW, cache: false });
    if (!result.ok) throw new Error('config');
    expect(result.plan.entries[0]!.findings).toEqual([]);
    expect(result.plan.entries[0]!.status).toBe('publishable');
  });
});

describe('the stage and the renderer never publish one, even if asked', () => {
  test.for([
    { name: 'an .svg', source: 'content/19900000000/tzgg/x/a.svg', bytes: text('<svg/>') },
    { name: 'a .png that is HTML', source: 'content/19900000000/tzgg/x/a.png', bytes: text('<!doctype html><script>alert(1)</script>') },
  ])('writeStage refuses $name (STAGE_ACTIVE_FILE) and leaves no stage', ({ source, bytes }) => {
    const root = join(scratch, `root-${sha256(source).slice(0, 8)}`);
    mkdirSync(join(root, 'content', '19900000000', 'tzgg', 'x'), { recursive: true });
    writeFileSync(join(root, source), bytes);
    const stageDir = join(scratch, `stage-${sha256(source).slice(0, 8)}`);
    const digest = sha256(bytes);
    const stage = { bundle: {} as never, files: [], assets: [{ source, digest, url: `/assets/${digest.slice(0, 16)}/${source.split('/').pop()}` }] };
    let error: unknown;
    try {
      writeStage(root, stageDir, stage as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SealpressError);
    expect((error as SealpressError).code).toBe('STAGE_ACTIVE_FILE');
    expect(rmSync(stageDir, { recursive: true, force: true })).toBeUndefined();
  });

  test("the bundle check names every active file under the stage's public/assets/", () => {
    const stageDir = join(scratch, 'stage-check');
    const put = (path: string, bytes: Uint8Array) => {
      mkdirSync(join(stageDir, 'public', 'assets', 'aa'), { recursive: true });
      writeFileSync(join(stageDir, 'public', 'assets', 'aa', path), bytes);
    };
    put('ok.png', png(2, 2));
    put('ok.pdf', PDF);
    put('evil.png', text('<html><script>alert(1)</script>'));
    put('evil.svg', png(2, 2));
    expect(activeAssets(stageDir).sort()).toEqual([expect.stringMatching(/^public\/assets\/aa\/evil\.png is not published/), expect.stringMatching(/^public\/assets\/aa\/evil\.svg is not published/)]);
  });
});
