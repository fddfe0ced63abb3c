/**
 * The gate's facts cache: a warm run finds exactly the facts a cold run
 * computes, bodies included, while the file keeps a body as where it starts
 * in the entry's bytes (not as text), and a file of another layout is never
 * read.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { compileChecks } from '../../pipeline/check/index.ts';
import { sha256Hex } from '../../pipeline/fs/index.ts';
import { analyseAll } from '../../pipeline/gate/analyse-pool.ts';
import { FactsCache } from '../../pipeline/gate/facts-cache.ts';
import type { LoadedEntry } from '../../pipeline/load/index.ts';
import { loadDemoConfig } from '../check/helpers.ts';

const checks = compileChecks(loadDemoConfig());
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function entry(i: number, text: string, format: 'md' | 'mdx' = 'md'): LoadedEntry {
  const bytes = new TextEncoder().encode(text);
  return { path: `content/19900000000/xzzx/e${i}.${format}`, site: '19900000000', column: 'xzzx', slug: `e${i}`, format, bytes, digest: sha256Hex(bytes), findings: [] };
}

const cacheFile = (): string => {
  const cache = join(dir, 'cache');
  return join(cache, readdirSync(cache).find((n) => n.startsWith('facts-')) as string);
};

/** Text a writer may put in a body: CJK, CRLF endings, a BOM or front-matter fence inside, astral characters. */
const bodyText = fc.array(fc.constantFrom('纳税人', '\uFEFF', '\r\n', '\n', '---', ' ', '[链接](a.md)', '<b>', '𠀀', '😀', 'é', '|a|b|\n|-|-|', '1101051949123'), { maxLength: 30 }).map((parts) => parts.join(''));

describe('facts cache', () => {
  test('a warm run gives every entry the facts and body a cold run computes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('', '\uFEFF'), fc.constantFrom('\n', '\r\n'), bodyText, fc.constantFrom<'md' | 'mdx'>('md', 'mdx')), { minLength: 1, maxLength: 6 }), (specs) => {
        dir = mkdtempSync(join(tmpdir(), 'sealpress-facts-'));
        try {
          const entries = specs.map(([bom, eol, body, format], i) => entry(i, `${bom}---${eol}title: 第${i}篇${eol}date: 2026-01-0${(i % 9) + 1}${eol}---${eol}${body}`, format));
          const cold = analyseAll(entries, { checks });
          const first = FactsCache.open(dir, 'salt');
          expect(analyseAll(entries, { checks, cache: first })).toEqual(cold);
          first.save();
          const warm = FactsCache.open(dir, 'salt');
          expect(analyseAll(entries, { checks, cache: warm })).toEqual(cold);
          expect(warm.hits).toBe(cold.filter((f) => f !== undefined).length);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  });

  test('the file keeps a body as its place in the bytes, not as text', () => {
    dir = mkdtempSync(join(tmpdir(), 'sealpress-facts-'));
    const body = '本期公告正文，独一无二的句子在此。\n';
    const entries = [entry(1, `---\ntitle: 公告\ndate: 2026-01-02\n---\n${body}`)];
    const cache = FactsCache.open(dir, 'salt');
    const cold = analyseAll(entries, { checks, cache });
    cache.save();
    expect(cold[0]?.body).toBe(body);
    expect(readFileSync(cacheFile(), 'utf8')).not.toContain('独一无二');
    const warm = FactsCache.open(dir, 'salt');
    expect(analyseAll(entries, { checks, cache: warm })[0]?.body).toBe(body);
    expect(warm.hits).toBe(1);
  });

  test('an entry whose kept body offset the bytes cannot give a body from is analysed again', () => {
    dir = mkdtempSync(join(tmpdir(), 'sealpress-facts-'));
    const entries = [entry(1, '---\ntitle: 公告\ndate: 2026-01-02\n---\n正文𠀀内容\n')];
    const cache = FactsCache.open(dir, 'salt');
    const cold = analyseAll(entries, { checks, cache });
    cache.save();
    for (const at of [-1, 1e9, 1.5, 'x']) {
      const stored = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { entries: Record<string, { bodyAt?: unknown }> };
      for (const facts of Object.values(stored.entries)) facts.bodyAt = at;
      writeFileSync(cacheFile(), JSON.stringify(stored));
      const warm = FactsCache.open(dir, 'salt');
      expect(analyseAll(entries, { checks, cache: warm })).toEqual(cold);
      expect(warm.hits).toBe(0);
    }
    // An offset inside a four-byte character: not a character boundary.
    const stored = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { entries: Record<string, { bodyAt?: unknown }> };
    const bytes = entries[0]!.bytes!;
    for (const facts of Object.values(stored.entries)) facts.bodyAt = bytes.length - Buffer.byteLength('𠀀内容\n') + 1;
    writeFileSync(cacheFile(), JSON.stringify(stored));
    const warm = FactsCache.open(dir, 'salt');
    expect(analyseAll(entries, { checks, cache: warm })).toEqual(cold);
  });
});
