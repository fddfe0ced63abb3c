/**
 * How the sites to render are shared between Astro builds (renderChunks): each
 * site in exactly one build (or a large one in shares of its pages, one a build), no more builds than cores, the builds about equal,
 * and the main site last in the first build, whose cache holds its pages.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { renderChunks } from '../../pipeline/build/build.ts';
import { mergeShard } from '../../pipeline/render/index.ts';

const MAIN = '19900000000';
const site = fc.record({ code: fc.integer({ min: 1, max: 99 }).map((n) => `199${String(n).padStart(2, '0')}000000`), entries: fc.integer({ min: 0, max: 5000 }) });
const group = fc.tuple(fc.uniqueArray(site, { selector: (s) => s.code, maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 5000 })).map(([subs, withMain, mainEntries]) => (withMain ? [...subs, { code: MAIN, entries: mainEntries }] : subs));

describe('renderChunks', () => {
  test('every page once: each site whole in one build, or its shares in as many builds; at most one build per core; the main site last; the builds balanced', () => {
    fc.assert(
      fc.property(group, fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 6000 }), (sites, slots, minShard) => {
        const chunks = renderChunks(sites, slots, MAIN, minShard);
        const units = chunks.flat();
        expect(chunks.length).toBe(Math.min(slots, units.length));
        expect(units.length).toBeGreaterThanOrEqual(sites.length);
        for (const chunk of chunks) expect(chunk.length).toBeGreaterThan(0);
        for (const site of sites) {
          const mine = units.filter((u) => u.code === site.code);
          if (mine.length === 1 && !mine[0]!.shard) continue;
          // A split site: shares 0..count-1, each in a build of its own, never below the threshold.
          const count = mine[0]!.shard![1];
          expect(mine.map((u) => u.shard![0]).sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
          expect(mine.every((u) => u.shard![1] === count)).toBe(true);
          expect(count).toBeGreaterThanOrEqual(2);
          expect(count).toBeLessThanOrEqual(slots);
          expect(site.entries).toBeGreaterThanOrEqual(minShard);
          expect(chunks.filter((c) => c.some((u) => u.code === site.code)).length).toBe(count);
        }
        if (sites.some((s) => s.code === MAIN)) {
          expect(chunks[0]!.at(-1)!.code).toBe(MAIN);
          for (const chunk of chunks) expect(chunk.slice(0, -1).some((u) => u.code === MAIN)).toBe(false);
        }
        // Greedy on the lightest build: no two builds differ by more than the heaviest unit (plus the fixed cost).
        const weight = (u: (typeof units)[number]) => (u.shard ? u.entries / u.shard[1] : u.entries) + 300;
        const weights = chunks.map((c) => c.reduce((sum, u) => sum + weight(u), 0));
        const heaviest = Math.max(0, ...units.map(weight));
        if (!sites.some((s) => s.code === MAIN) && !units.some((u) => u.shard)) if (weights.length > 0) expect(Math.max(...weights) - Math.min(...weights)).toBeLessThanOrEqual(heaviest);
      }),
      { numRuns: 500 },
    );
  });

  test('a large site rendered again beside a small one is split between the cores; a full build is not', () => {
    const main = { code: MAIN, entries: 3862 };
    const sub = { code: '19902000000', entries: 470 };
    const chunks = renderChunks([main, sub], 2, MAIN);
    expect(chunks).toEqual([[sub, { ...main, shard: [0, 2] }], [{ ...main, shard: [1, 2] }]]);
    // The main site alone: both cores.
    expect(renderChunks([main], 2, MAIN)).toEqual([[{ ...main, shard: [0, 2] }], [{ ...main, shard: [1, 2] }]]);
    // Every site (a full build): the builds are balanced whole, nothing is split.
    const all = [main, ...Array.from({ length: 20 }, (_, i) => ({ code: `199${String(i + 1).padStart(2, '0')}000000`, entries: 470 }))];
    expect(renderChunks(all, 2, MAIN).flat().some((u) => u.shard)).toBe(false);
    // A small site is never split, and one core builds everything whole.
    expect(renderChunks([sub], 2, MAIN)).toEqual([[sub]]);
    expect(renderChunks([main, sub], 1, MAIN)).toEqual([[sub, main]]);
  });

  test('the same sites give the same builds, whatever order they come in', () => {
    const sites = [
      { code: MAIN, entries: 3667 },
      ...Array.from({ length: 20 }, (_, i) => ({ code: `199${String(i + 1).padStart(2, '0')}000000`, entries: 300 + i })),
    ];
    const a = renderChunks(sites, 2, MAIN);
    const b = renderChunks([...sites].reverse(), 2, MAIN);
    expect(a).toEqual(b);
    expect(a[0]!.at(-1)!.code).toBe(MAIN);
    expect(renderChunks([{ code: '19901000000', entries: 10 }], 2, MAIN)).toEqual([[{ code: '19901000000', entries: 10 }]]);
  });
});

describe('mergeShard: the shares of a split site make one tree', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'sealpress-shares-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  let n = 0;
  const treeOf = (files: Record<string, string>): string => {
    const dir = join(scratch, String(n++));
    mkdirSync(dir, { recursive: true });
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  };

  test('pages of either share, in folders of both; a file both wrote alike is kept once', () => {
    const into = treeOf({ 'index.html': '首页', 'tzgg/a/index.html': '通知甲', 'robots.txt': 'same' });
    const from = treeOf({ 'tzgg/b/index.html': '通知乙', 'zcwj/c/index.html': '文件丙', 'robots.txt': 'same' });
    mergeShard(from, into);
    expect(existsSync(from)).toBe(false);
    for (const [path, text] of Object.entries({ 'index.html': '首页', 'tzgg/a/index.html': '通知甲', 'tzgg/b/index.html': '通知乙', 'zcwj/c/index.html': '文件丙', 'robots.txt': 'same' })) {
      expect(readFileSync(join(into, path), 'utf8'), path).toBe(text);
    }
  });

  test.each([
    ['a page both wrote differently', { 'tzgg/a/index.html': '通知甲' }, { 'tzgg/a/index.html': '通知甲（另一版）' }],
    ['a file where the other has a folder', { 'tzgg/a/index.html': '通知甲' }, { 'tzgg/a': '文件' }],
  ])('%s fails the build (BUILD_FAILED)', (_name, mine, theirs) => {
    expect(() => mergeShard(treeOf(theirs), treeOf(mine))).toThrow(expect.objectContaining({ code: 'BUILD_FAILED' }));
  });
});
