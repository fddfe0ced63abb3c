/**
 * Working days by the Chinese calendar (npm chinese-days) and the
 * administrator register's 15-working-day rule, with a fixed clock. The
 * expected counts are written out day by day from the State Council
 * arrangements (2025 National Day: 10-01..10-08 off, Sun 09-28 and Sat 10-11
 * worked; 2026 Spring Festival: 02-15..02-23 off, Sat 02-14 and Sat 02-28
 * worked), not computed by the code under test.
 */
import { describe, expect, test } from 'vitest';
import chineseDays from 'chinese-days';
import { adminRegister, chineseDaysCalendar, FILING_LIMIT_WORKING_DAYS, GovernError, siteAdminRegister, workCalendar, workingDaysBetween } from '../../pipeline/govern/index.ts';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { packageCalendarThrough } from '../helpers/calendar.ts';
import { makeRepo, MAIN_YAML, MAIN, SUB, SUB_YAML } from '../helpers/repo.ts';

const calendar = chineseDaysCalendar();
/** The first year after the installed package's data. */
const AFTER = calendar.years.at(-1)! + 1;

/** The n-th working day after each appointment, listed by hand. */
const NATIONAL_DAY_2025 = ['2025-09-28', '2025-09-29', '2025-09-30', '2025-10-09', '2025-10-10', '2025-10-11', '2025-10-13', '2025-10-14', '2025-10-15', '2025-10-16', '2025-10-17', '2025-10-20', '2025-10-21', '2025-10-22', '2025-10-23', '2025-10-24'];
const SPRING_2026 = ['2026-02-14', '2026-02-24', '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-09', '2026-03-10', '2026-03-11', '2026-03-12', '2026-03-13'];

describe('the working-day calendar', () => {
  test('says which package it comes from, and covers at least 2004–2026', () => {
    // chinese-days 1.5.7 has 2004–2026; a newer version may add years, never remove these.
    expect(calendar.source).toMatch(/^chinese-days \d+\.\d+\.\d+$/);
    expect(calendar.years.slice(0, 23)).toEqual(Array.from({ length: 23 }, (_, i) => 2004 + i));
    expect(calendar.covers(2003)).toBe(false);
  });

  test.for([
    { name: 'an adjusted working Sunday before National Day', date: '2025-09-28', work: true },
    { name: 'National Day', date: '2025-10-01', work: false },
    { name: 'a weekday inside the National Day holiday', date: '2025-10-08', work: false },
    { name: 'an adjusted working Saturday after National Day', date: '2025-10-11', work: true },
    { name: 'an ordinary Saturday', date: '2025-10-18', work: false },
    { name: 'an adjusted working Saturday before the Spring Festival', date: '2026-02-14', work: true },
    { name: 'a Monday inside the Spring Festival holiday', date: '2026-02-23', work: false },
    { name: 'an ordinary Tuesday', date: '2026-03-03', work: true },
  ])('$name: $date', ({ date, work }) => {
    expect(calendar.isWorkingDay(date)).toBe(work);
  });

  test.for([
    { name: 'same day is day 0', from: '2025-09-26', to: '2025-09-26', days: 0 },
    { name: 'across National Day with both adjusted weekends', from: '2025-09-26', to: '2025-10-13', days: 7 },
    { name: 'appointed and filed inside the holiday', from: '2025-09-30', to: '2025-10-08', days: 0 },
    { name: 'across the Spring Festival with both adjusted Saturdays', from: '2026-02-13', to: '2026-03-02', days: 7 },
    { name: 'across the turn of 2025/2026 (New Year, 01-04 worked)', from: '2025-12-31', to: '2026-01-05', days: 2 },
  ])('$name', ({ from, to, days }) => {
    expect(workingDaysBetween(from, to, calendar)).toBe(days);
  });

  test('agrees with the package\'s own range function over two years', () => {
    // An independent count: chinese-days' getWorkdaysInRange lists the working days of a range, ends and adjusted working weekends included.
    for (const [from, to] of [['2025-01-01', '2025-12-31'], ['2026-01-01', '2026-12-31']] as const) {
      const listed = chineseDays.getWorkdaysInRange(from, to, true).filter((d) => d > from);
      expect(workingDaysBetween(from, to, calendar)).toBe(listed.length);
    }
  });

  test.for([
    { name: `a date after the data (${AFTER})`, from: `${AFTER - 1}-12-20`, to: `${AFTER}-01-04`, code: 'CALENDAR_OUT_OF_RANGE' },
    { name: 'a date before the data (2003)', from: '2003-12-30', to: '2004-01-05', code: 'CALENDAR_OUT_OF_RANGE' },
    { name: 'not a real date', from: '2025-02-30', to: '2025-03-05', code: 'DATE_INVALID' },
    { name: 'the end before the start', from: '2025-03-05', to: '2025-03-01', code: 'DATE_ORDER' },
  ])('fails closed on $name', ({ from, to, code }) => {
    expect(() => workingDaysBetween(from, to, calendar)).toThrow(GovernError);
    try {
      workingDaysBetween(from, to, calendar);
    } catch (e) {
      expect((e as GovernError).code).toBe(code);
    }
  });

  test('a year missing from the data is not covered: its days are refused, the years around it are not', () => {
    const gap = workCalendar({ holidays: { '2024-01-01': 'x', '2026-01-01': 'x' }, workdays: {} }, 'test data');
    expect(gap.years).toEqual([2024, 2026]);
    expect(gap.isWorkingDay('2024-03-04')).toBe(true);
    expect(gap.isWorkingDay('2026-03-03')).toBe(true);
    expect(() => gap.isWorkingDay('2025-03-03')).toThrow(/2025-03-03 is outside the working-day calendar: it has no holiday arrangement for 2025 \(the calendar has test data for 2024, 2026\); working days are not guessed$/);
  });
});

/** A sub-site whose administrators are the given lines. */
function subWith(admins: string[]) {
  const yaml = SUB_YAML.replace(/administrators:\n[\s\S]*$/, `administrators:\n${admins.map((a) => `  - ${a}\n`).join('')}`);
  return makeRepo({ [`sites/${SUB}/site.yaml`]: yaml, [`sites/${MAIN}/site.yaml`]: MAIN_YAML });
}

function site(root: string) {
  const config = loadSiteGroup(root);
  const s = config.group?.sites.get(SUB);
  if (!s) throw new Error(JSON.stringify(config.diagnostics));
  return s;
}

describe('the administrator register', () => {
  const cases = [
    ...[14, 15, 16].map((n) => ({ name: `National Day 2025, filed after ${n} working days`, appointed: '2025-09-26', filed: NATIONAL_DAY_2025[n - 1]!, days: n, status: n > 15 ? 'late' : 'on-time' })),
    ...[14, 15, 16].map((n) => ({ name: `Spring Festival 2026, filed after ${n} working days`, appointed: '2026-02-13', filed: SPRING_2026[n - 1]!, days: n, status: n > 15 ? 'late' : 'on-time' })),
  ];
  test.for(cases)('$name: $status', ({ appointed, filed, days, status }) => {
    const repo = subWith([`{ name: 李强, appointed: "${appointed}", filed: "${filed}" }`]);
    try {
      const { records, diagnostics } = siteAdminRegister(site(repo.root), calendar, new Date('2026-11-27T12:00:00+08:00'));
      expect(records).toMatchObject([{ name: '李强', appointed, filed, workingDays: days, status }]);
      expect(FILING_LIMIT_WORKING_DAYS).toBe(15);
      if (status === 'late') {
        expect(diagnostics).toMatchObject([{ rule: 'admin-filing-late', severity: 'warning', file: `sites/${SUB}/site.yaml`, line: 12 }]);
        expect(diagnostics[0]!.message).toContain(appointed);
        expect(diagnostics[0]!.message).toContain(filed);
        expect(diagnostics[0]!.message).toContain(`${days} working days`);
      } else {
        expect(diagnostics).toEqual([]);
      }
    } finally {
      repo.cleanup();
    }
  });

  test.for([
    { name: 'not filed, 15 working days on', now: '2025-10-23T18:00:00+08:00', days: 15, status: 'pending', warned: false },
    { name: 'not filed, 16 working days on', now: '2025-10-24T09:00:00+08:00', days: 16, status: 'overdue', warned: true },
    // 2025-10-23T23:30Z is already 10-24 in China: the clock is read in China time.
    { name: 'not filed, the UTC evening before the 16th day', now: '2025-10-23T23:30:00Z', days: 16, status: 'overdue', warned: true },
  ])('$name: $status', ({ now, days, status, warned }) => {
    const repo = subWith(['{ name: 李强, appointed: "2025-09-26" }']);
    try {
      const { records, diagnostics } = siteAdminRegister(site(repo.root), calendar, new Date(now));
      expect(records).toMatchObject([{ workingDays: days, status }]);
      expect(records[0]!.filed).toBeUndefined();
      expect(diagnostics.map((d) => d.rule)).toEqual(warned ? ['admin-filing-late'] : []);
      if (warned) expect(diagnostics[0]!.message).toMatch(/not filed as of 2025-10-24/);
    } finally {
      repo.cleanup();
    }
  });

  test('dates outside the calendar are an error on the administrator\'s line, not a guess', () => {
    const repo = subWith(['{ name: 李强, appointed: "2025-05-06", filed: "2025-05-20" }', '{ name: 周敏, appointed: "2026-12-21", filed: "2027-01-08" }']);
    try {
      // The package's data as if it ended with 2026 (1.5.7 does), whatever the installed version has.
      const { records, diagnostics } = siteAdminRegister(site(repo.root), packageCalendarThrough(2026), new Date('2027-01-10T12:00:00+08:00'));
      expect(records.map((r) => r.status)).toEqual(['on-time', 'unknown']);
      expect(records[1]!.workingDays).toBeUndefined();
      expect(diagnostics).toMatchObject([{ rule: 'admin-calendar-unknown', severity: 'error', file: `sites/${SUB}/site.yaml`, line: 13 }]);
      expect(diagnostics[0]!.message).toMatch(/CALENDAR_OUT_OF_RANGE/);
    } finally {
      repo.cleanup();
    }
  });

  test('`sealpress check` sees a late filing as a warning on the site.yaml line', async () => {
    const repo = subWith(['{ name: 李强, appointed: "2025-09-26", filed: "2025-10-24" }']);
    try {
      const result = await runGate({ root: repo.root, now: new Date('2026-11-27T12:00:00+08:00'), cache: false });
      if (!result.ok) throw new Error(JSON.stringify(result.configDiagnostics));
      expect(result.plan.diagnostics.filter((d) => d.rule.startsWith('admin-'))).toMatchObject([{ rule: 'admin-filing-late', severity: 'warning', file: `sites/${SUB}/site.yaml`, line: 12, column: 5 }]);
      // The whole group: the main site's administrator filed in time.
      expect(adminRegister(result.group, calendar, new Date('2026-11-27T12:00:00+08:00')).records.map((r) => [r.site, r.status])).toEqual([[MAIN, 'on-time'], [SUB, 'late']]);
    } finally {
      repo.cleanup();
    }
  });
});
