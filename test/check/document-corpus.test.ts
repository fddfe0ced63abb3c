import { describe, expect, test } from 'vitest';
import { documentCorpus, evaluateDocuments, formatFamilyTable } from './document-corpus.ts';

/**
 * Traps the checks do not catch yet, each with why. A card number in a CSV
 * cell has its keyword (银行卡号) only in the column header, lines away, and
 * is not written in groups of four: the rule needs the keyword next to it.
 */
const KNOWN_MISSES = new Set(['trap-52-退税.csv']);

describe('the labelled attachment corpus', async () => {
  const items = documentCorpus();
  const report = await evaluateDocuments(items);
  const table = formatFamilyTable(report);

  test('has at least 60 files, half traps and half clean, in every format family', () => {
    const traps = items.filter((i) => i.expect.length > 0).length;
    expect(items.length).toBeGreaterThanOrEqual(60);
    expect(traps).toBeGreaterThanOrEqual(30);
    expect(items.length - traps).toBeGreaterThanOrEqual(30);
    for (const f of report.families) expect(f.traps * f.clean, f.family).toBeGreaterThan(0);
  });

  test.for(report.results.filter((r) => r.item.expect.length > 0 && !KNOWN_MISSES.has(r.item.id)).map((r) => ({ id: r.item.id, r })))('$id: caught at its place in the file', ({ r }) => {
    expect(r.missing, table).toEqual([]);
    expect(r.extra, table).toEqual([]);
  });

  test.for(report.results.filter((r) => r.item.expect.length === 0).map((r) => ({ id: r.item.id, r })))('$id: clean, no error', ({ r }) => {
    expect(r.found).toEqual([]);
  });

  test('per family: precision 1.0, recall at least 0.8; the known misses are still missed (remove them here when caught)', () => {
    for (const f of report.families) {
      expect(f.precision, table).toBe(1);
      expect(f.recall, table).toBeGreaterThanOrEqual(0.8);
    }
    for (const id of KNOWN_MISSES) expect(report.results.find((r) => r.item.id === id)!.missing.length, id).toBeGreaterThan(0);
  });
});
