/**
 * The gate's attachments: documents read by a reader, findings positioned
 * inside the file, and cached by path and SHA-256 so an unchanged attachment
 * is never read again (a changed one is).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { compileChecks } from '../../pipeline/check/index.ts';
import { formatDiagnostic } from '../../pipeline/diagnostics/index.ts';
import { FactsCache } from '../../pipeline/gate/facts-cache.ts';
import { loadAndCheckAssets } from '../../pipeline/gate/attachments.ts';
import { placeInFile } from '../../pipeline/validate/index.ts';
import { inlineReader, ReaderPool, type DocumentReader } from '../../pipeline/read/index.ts';
import { loadDemoConfig } from '../check/helpers.ts';
import { pdf, xlsx } from '../../pipeline/demo/documents.ts';

const checks = compileChecks(loadDemoConfig());
const ID = '11010519491231002X';
const DIR = 'content/19900000000/xzzx/2026-12-list';
let root: string;

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A reader that counts what it reads. */
function countingReader(): DocumentReader & { reads: string[] } {
  const inner = inlineReader();
  const reads: string[] = [];
  return { reads, limits: inner.limits, read: (name, bytes) => (reads.push(name), inner.read(name, bytes)) };
}

function repo(files: Record<string, Uint8Array>): string {
  root = mkdtempSync(join(tmpdir(), 'sealpress-attach-'));
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  return root;
}

describe('attachments in the gate', () => {
  test('a hidden-sheet ID is a diagnostic at its place, printed as a writer finds it', async () => {
    const path = `${DIR}/名单.xlsx`;
    repo({ [path]: xlsx({ sheets: [{ name: '公示', cells: { A1: '姓名' } }, { name: 'Sheet2', state: 'hidden', cells: { C14: ID } }] }) });
    const assets = await loadAndCheckAssets([path], { root, maxBytes: 1 << 24, checks, waivers: [], now: 0, reader: countingReader() });
    const a = assets.get(path)!;
    expect(a.ok).toBe(true);
    const findings = (a.ok && a.findings) || [];
    expect(findings.map((d) => [d.rule, d.location])).toEqual([
      ['personal-id', 'Sheet2（隐藏） › C14'],
      ['attachment-hidden', 'Sheet2（隐藏）'],
    ]);
    const text = formatDiagnostic(findings[0]!, { lang: 'en' });
    expect(text).toMatch(/^content\/19900000000\/xzzx\/2026-12-list\/名单\.xlsx › Sheet2（隐藏） › C14:1:1 error personal-id /);
    expect(text).not.toContain(ID);
  });

  test('findings are cached by path and SHA-256: an unchanged document is not read again, a changed one is', async () => {
    const path = `${DIR}/通知.pdf`;
    repo({ [path]: pdf({ pages: [`身份证 ${ID}`] }), [`${DIR}/a.csv`]: Buffer.from(`1,${ID}\n`) });
    const run = async () => {
      const cache = FactsCache.open(join(root, '.sealpress'), 'salt');
      const reader = countingReader();
      const assets = await loadAndCheckAssets([path, `${DIR}/a.csv`], { root, maxBytes: 1 << 24, checks, waivers: [], now: 0, cache, reader });
      cache.save();
      const rules = [...assets.values()].flatMap((a) => (a.ok && a.findings ? a.findings.map((f) => `${f.rule}@${f.location ?? f.line}`) : []));
      return { reads: reader.reads.length, hits: cache.attachmentHits, rules };
    };
    const first = await run();
    expect(first).toEqual({ reads: 1, hits: 0, rules: ['personal-id@第1页', 'personal-id@1'] });
    // The cache file, as an inode: a run that found everything in it leaves it as it was.
    const cacheFile = () => {
      const dir = join(root, '.sealpress', 'cache');
      const name = readdirSync(dir).find((n) => n.startsWith('facts-'))!;
      return { ino: statSync(join(dir, name)).ino, bytes: readFileSync(join(dir, name), 'utf8') };
    };
    const written = cacheFile();
    expect(await run()).toEqual({ reads: 0, hits: 2, rules: first.rules });
    expect(cacheFile()).toEqual(written);
    writeFileSync(join(root, path), pdf({ pages: ['通知'] }));
    expect(await run()).toEqual({ reads: 1, hits: 1, rules: ['personal-id@1'] });
    expect(cacheFile().ino).not.toBe(written.ino);
  });

  test('the cache goes by content: a file changed to the same size, with its old modification time, is read again', async () => {
    const path = `${DIR}/名单.xlsx`;
    const clean = xlsx({ store: true, sheets: [{ name: '公示', cells: { A1: '姓名', C14: '110105194912310000' } }] });
    // The same length and place: one digit and the check digit changed, so only the content tells.
    const leaking = Buffer.from(clean.toString('latin1').replace('110105194912310000', ID), 'latin1');
    expect(leaking.length).toBe(clean.length);
    repo({ [path]: clean });
    const { mtime } = statSync(join(root, path));
    const run = async () => {
      const cache = FactsCache.open(join(root, '.sealpress'), 'salt');
      const reader = countingReader();
      const assets = await loadAndCheckAssets([path], { root, maxBytes: 1 << 24, checks, waivers: [], now: 0, cache, reader });
      cache.save();
      const a = assets.get(path)!;
      return { reads: reader.reads.length, rules: ((a.ok && a.findings) || []).map((f) => f.rule) };
    };
    expect(await run()).toEqual({ reads: 1, rules: [] });
    expect(await run()).toEqual({ reads: 0, rules: [] });
    writeFileSync(join(root, path), leaking);
    utimesSync(join(root, path), mtime, mtime);
    expect(await run()).toEqual({ reads: 1, rules: ['personal-id'] });
  });

  test('a time limit hit on a loaded machine refuses the file for that run only: it is not cached, the next run reads it', async () => {
    const path = `${DIR}/通知.pdf`;
    repo({ [path]: pdf({ pages: [`身份证 ${ID}`] }) });
    const run = async (reader: DocumentReader) => {
      const cache = FactsCache.open(join(root, '.sealpress'), 'salt');
      const assets = await loadAndCheckAssets([path], { root, maxBytes: 1 << 24, checks, waivers: [], now: 0, cache, reader });
      cache.save();
      const a = assets.get(path)!;
      return ((a.ok && a.findings) || []).map((f) => `${f.rule}: ${f.message}`);
    };
    // A real worker pool whose time limit ends before a worker has even started.
    const hurried = new ReaderPool({ workers: 1, limits: { timeoutMs: 1 } });
    try {
      const first = await run(hurried);
      expect(first).toHaveLength(1);
      expect(first[0]).toMatch(/^attachment-unscannable: .*took longer than/);
    } finally {
      await hurried.close();
    }
    const reader = countingReader();
    expect((await run(reader)).map((f) => f.split(':')[0])).toEqual(['personal-id']);
    expect(reader.reads).toEqual([path]);
  });
});

describe('the place of a finding inside an attached file, as an entry reports it', () => {
  test.for([
    { name: 'a cell', f: { location: 'Sheet2（隐藏） › C14', line: 1, column: 1 }, place: 'Sheet2（隐藏） › C14' },
    { name: 'the third line of a page', f: { location: '第2页', line: 3, column: 7 }, place: '第2页 › 第3行' },
    { name: 'a line of a text file', f: { line: 2, column: 6 }, place: '第2行第6列' },
    { name: 'the first line of a text file, further along', f: { line: 1, column: 14 }, place: '第1行第14列' },
    { name: 'the whole file', f: { line: 1, column: 1 }, place: undefined },
  ])('$name', ({ f, place }) => {
    expect(placeInFile(f)).toBe(place);
  });
});
