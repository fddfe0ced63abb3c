/**
 * The calendar files under generated variants (fast-check): any synthetic
 * year's arrangement, written as the office would write it, is read back
 * exactly and counts working days as a plain day-by-day count over its sets
 * does; and any corruption of a file's text is reported with a position, never
 * thrown, and never leaves a partly read year in the calendar. Synthetic years
 * (2090–2099) only: no official date is invented.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { dateOfDay, dayNumber, installedCalendarData, readCalendarFile, workCalendar, workingDaysBetween } from '../../pipeline/govern/index.ts';

interface Arrangement {
  year: number;
  /** Holiday ranges, day numbers, disjoint and sorted. */
  ranges: { from: number; to: number }[];
  /** Weekend days worked, day numbers. */
  workdays: number[];
}

const weekday = (day: number) => new Date(day * 86_400_000).getUTCDay();

/** A year's arrangement: 1 to 8 disjoint holiday ranges of 1 to 9 days, and some weekend days outside them worked. */
const arrangement = fc
  .record({
    year: fc.integer({ min: 2090, max: 2099 }),
    starts: fc.uniqueArray(fc.integer({ min: 0, max: 350 }), { minLength: 1, maxLength: 8 }),
    lengths: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 8, maxLength: 8 }),
    worked: fc.array(fc.integer({ min: 0, max: 364 }), { maxLength: 6 }),
  })
  .map(({ year, starts, lengths, worked }): Arrangement => {
    const first = dayNumber(`${year}-01-01`);
    const last = dayNumber(`${year}-12-31`);
    const ranges: Arrangement['ranges'] = [];
    for (const [i, s] of [...starts].sort((a, b) => a - b).entries()) {
      const from = first + s;
      const to = Math.min(from + lengths[i]! - 1, last);
      // Disjoint, with a day between: the file format refuses overlapping ranges.
      if (ranges.length > 0 && from <= ranges[ranges.length - 1]!.to + 1) continue;
      ranges.push({ from, to });
    }
    const off = (d: number) => ranges.some((r) => d >= r.from && d <= r.to);
    const workdays = [...new Set(worked.map((w) => first + w))].filter((d) => d <= last && (weekday(d) === 0 || weekday(d) === 6) && !off(d)).sort((a, b) => a - b);
    return { year, ranges, workdays };
  });

function yamlOf(a: Arrangement): string {
  const lines = [`year: ${a.year}`, `notice: 国办发明电〔${a.year - 1}〕99号`, 'holidays:'];
  a.ranges.forEach((r, i) => lines.push(`  - { name: 假日${i + 1}, from: ${dateOfDay(r.from)}, to: ${dateOfDay(r.to)} }`));
  if (a.workdays.length > 0) {
    lines.push('workdays:');
    for (const d of a.workdays) lines.push(`  - { date: ${dateOfDay(d)} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** Working days d with from < d ≤ to, by the arrangement's own sets. */
function plainCount(a: Arrangement, from: number, to: number): number {
  let n = 0;
  for (let d = from + 1; d <= to; d++) {
    if (a.workdays.includes(d)) n++;
    else if (!a.ranges.some((r) => d >= r.from && d <= r.to) && weekday(d) !== 0 && weekday(d) !== 6) n++;
  }
  return n;
}

const packageData = installedCalendarData();

describe('a generated year, written as the office writes it', () => {
  test('is read back exactly and counts working days day by day', () => {
    fc.assert(
      fc.property(arrangement, fc.integer({ min: 0, max: 364 }), fc.integer({ min: 0, max: 364 }), (a, x, y) => {
        const file = `sites/calendar/${a.year}.yaml`;
        const read = readCalendarFile(file, yamlOf(a));
        expect(read.diagnostics).toEqual([]);
        if (!read.year) throw new Error('no year');
        expect(read.year.holidays.size).toBe(a.ranges.reduce((n, r) => n + r.to - r.from + 1, 0));
        expect([...read.year.workdays.keys()]).toEqual(a.workdays.map(dateOfDay));
        const calendar = workCalendar(packageData.data, packageData.source, { years: [read.year] });
        const first = dayNumber(`${a.year}-01-01`);
        const [from, to] = [first + Math.min(x, y), first + Math.min(Math.max(x, y), dayNumber(`${a.year}-12-31`) - first)];
        expect(workingDaysBetween(dateOfDay(from), dateOfDay(to), calendar)).toBe(plainCount(a, from, to));
      }),
      { numRuns: 200 },
    );
  });
});

describe('a corrupted file', () => {
  /** Edits a hurried or hostile hand makes: characters inserted, deleted or replaced anywhere. */
  const edit = fc.record({
    at: fc.nat(),
    remove: fc.integer({ min: 0, max: 6 }),
    insert: fc.oneof(fc.constantFrom(':', '-', ' ', '\t', '\n', '"', "'", '{', '}', '[', ']', '#', '&a', '*a', '!!js/function', '2099-02-30', '\u0000', '\uFEFF', '年'), fc.string({ maxLength: 6 })),
  });

  test('is reported with a position in the file, never thrown, and never half read', () => {
    fc.assert(
      fc.property(arrangement, fc.array(edit, { minLength: 1, maxLength: 4 }), (a, edits) => {
        let text = yamlOf(a);
        for (const e of edits) {
          const at = e.at % (text.length + 1);
          text = text.slice(0, at) + e.insert + text.slice(at + e.remove);
        }
        const file = `sites/calendar/${a.year}.yaml`;
        const read = readCalendarFile(file, text);
        const lines = text.split('\n').length;
        for (const d of read.diagnostics) {
          expect(d.file).toBe(file);
          expect(d.rule).toBe('calendar-invalid');
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.line).toBeLessThanOrEqual(lines + 1);
          expect(d.fix).toBeTruthy();
        }
        // Either the whole year, or nothing of it with at least one reason.
        if (read.year) expect(read.diagnostics).toEqual([]);
        else expect(read.diagnostics.length).toBeGreaterThan(0);
      }),
      { numRuns: 500 },
    );
  });
});
