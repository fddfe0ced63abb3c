/**
 * How the sites to render are shared between Astro builds (renderChunks): each
 * site in exactly one build, no more builds than cores, the builds about equal,
 * and the main site last in the first build, whose cache holds its pages.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { renderChunks } from '../../pipeline/build/build.ts';

const MAIN = '19900000000';
const site = fc.record({ code: fc.integer({ min: 1, max: 99 }).map((n) => `199${String(n).padStart(2, '0')}000000`), entries: fc.integer({ min: 0, max: 5000 }) });
const group = fc.tuple(fc.uniqueArray(site, { selector: (s) => s.code, maxLength: 40 }), fc.boolean(), fc.integer({ min: 0, max: 5000 })).map(([subs, withMain, mainEntries]) => (withMain ? [...subs, { code: MAIN, entries: mainEntries }] : subs));

describe('renderChunks', () => {
  test('every site once, at most one build per core, the main site last in the first, the builds balanced', () => {
    fc.assert(
      fc.property(group, fc.integer({ min: 1, max: 8 }), (sites, slots) => {
        const chunks = renderChunks(sites, slots, MAIN);
        expect(chunks.length).toBe(Math.min(slots, sites.length));
        expect(chunks.flat().map((s) => s.code).sort()).toEqual(sites.map((s) => s.code).sort());
        for (const chunk of chunks) expect(chunk.length).toBeGreaterThan(0);
        if (sites.some((s) => s.code === MAIN)) {
          expect(chunks[0]!.at(-1)!.code).toBe(MAIN);
          expect(chunks.slice(1).flat().some((s) => s.code === MAIN)).toBe(false);
        }
        // Greedy on the lightest build: no two builds differ by more than the heaviest site (plus the fixed cost).
        const weights = chunks.map((c) => c.reduce((sum, s) => sum + s.entries + 300, 0));
        const heaviest = Math.max(0, ...sites.map((s) => s.entries + 300));
        if (!sites.some((s) => s.code === MAIN)) if (weights.length > 0) expect(Math.max(...weights) - Math.min(...weights)).toBeLessThanOrEqual(heaviest);
      }),
      { numRuns: 500 },
    );
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
