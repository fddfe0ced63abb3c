/**
 * The repository's working-day calendar: the chinese-days package extended or
 * overridden, year by year, by sites/calendar/<year>.yaml. The pure
 * composition (workCalendar with files) with hand-counted spans, the register
 * with fixed clocks, and the loader over throwaway repositories. Synthetic
 * years and notices only (2099: 1 January is a Thursday; see
 * test/helpers/calendar.ts); the package years used (2018/2019, 2025) are
 * overridden with files that are not, and do not claim to be, their real
 * arrangements.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import {
  calendarSourceZh,
  chineseDaysCalendar,
  GovernError,
  installedCalendarData,
  loadCalendarFiles,
  missingYearFix,
  missingYearNotice,
  readCalendarFile,
  repositoryCalendar,
  siteAdminRegister,
  workCalendar,
  workingDaysAgainst,
  workingDaysBetween,
  yearRanges,
  type CalendarYear,
} from '../../pipeline/govern/index.ts';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import { YEAR_2099 } from '../helpers/calendar.ts';
import { makeRepo, MAIN, MAIN_YAML, SUB, SUB_YAML } from '../helpers/repo.ts';

const { data, source } = installedCalendarData();
const pkg = chineseDaysCalendar();

/** A year file, read and validated as the loader does (the test fails on any problem). */
function year(text: string, file?: string): CalendarYear {
  const y = Number(/^year: "?(\d{4})/m.exec(text)?.[1]);
  const r = readCalendarFile(file ?? `sites/calendar/${y}.yaml`, text);
  if (!r.year) throw new Error(JSON.stringify(r.diagnostics));
  return r.year;
}

const Y2099 = year(YEAR_2099);
const withFiles = (...years: CalendarYear[]) => workCalendar(data, source, { years });

function outOfRange(f: () => unknown): GovernError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(GovernError);
    expect((e as GovernError).code).toBe('CALENDAR_OUT_OF_RANGE');
    return e as GovernError;
  }
  throw new Error('expected CALENDAR_OUT_OF_RANGE');
}

describe('a year the package does not have, added by a file', () => {
  test('the package alone cannot count 2099: unknown, naming the year', () => {
    expect(pkg.covers(2099)).toBe(false);
    const e = outOfRange(() => workingDaysAgainst('2099-09-25', '2099-10-22', pkg, 15));
    expect(e.year).toBe(2099);
    expect(e.message).toMatch(/^2099-09-25 is outside the working-day calendar: it has no holiday arrangement for 2099 \(the calendar has chinese-days \S+ for 2004–20\d\d\); working days are not guessed$/);
  });

  test.for([
    // Appointed Fri 2099-09-25 (day 0). Working days: Sun 09-27 (adjusted) 1, 09-28..09-30 2–4, 10-01..10-08 off,
    // Fri 10-09 5, Sat 10-10 (adjusted) 6, 10-12..10-16 7–11, 10-19..10-22 12–15, Fri 10-23 16.
    { to: '2099-10-22', days: 15 },
    { to: '2099-10-23', days: 16 },
    // Plain weekdays would give 19 for 10-22: 09-28..09-30 (3), 10-01/10-02 (2), 10-05..10-09 (5), 10-12..10-16 (5), 10-19..10-22 (4).
    { to: '2099-10-08', days: 4 },
    // The Spring Festival: Fri 01-23 (day 0), 01-24..02-01 off, 02-02..02-06 1–5, Sat 02-07 (adjusted) 6.
    { from: '2099-01-23', to: '2099-02-07', days: 6 },
    // New Year: 01-01..01-03 off, Sun 01-04 worked, 01-05 Monday.
    { from: '2099-01-01', to: '2099-01-05', days: 2 },
  ])('with sites/calendar/2099.yaml: $from → $to is $days working days', ({ from, to, days }) => {
    expect(workingDaysBetween(from ?? '2099-09-25', to, withFiles(Y2099))).toBe(days);
  });

  test('the file\'s year is covered, and the years around it stay as they were', () => {
    const c = withFiles(Y2099);
    expect(c.covers(2099)).toBe(true);
    expect(c.covers(2098)).toBe(false);
    expect(c.covers(2100)).toBe(false);
    expect(c.years).toEqual([...pkg.years, 2099]);
    expect(outOfRange(() => c.isWorkingDay('2100-01-04')).year).toBe(2100);
    expect(c.isWorkingDay('2025-10-01')).toBe(pkg.isWorkingDay('2025-10-01'));
  });
});

describe('a file replaces the package\'s year entirely', () => {
  // Not 2025's arrangement: a file with New Year's Day only, to show that the package's 2025 is no longer used.
  const Y2025 = year('year: 2025\nnotice: 测试〔2024〕1号\nholidays:\n  - { name: 元旦, from: 2025-01-01, to: 2025-01-01 }\n');

  test.for([
    // The package: Sun 09-28 worked 1, 09-29/09-30 2–3, 10-01..10-08 off, 10-09/10-10 4–5, Sat 10-11 worked 6, Mon 10-13 7.
    { name: 'the package', files: [] as CalendarYear[], days: 7 },
    // The file: plain weekdays, 09-29/09-30 (2), 10-01..10-03 (3), 10-06..10-10 (5), 10-13 (1).
    { name: 'a file for 2025', files: [Y2025], days: 11 },
  ])('across National Day 2025 by $name: $days working days', ({ files, days }) => {
    expect(workingDaysBetween('2025-09-26', '2025-10-13', withFiles(...files))).toBe(days);
  });

  test('the package\'s adjusted working Sunday and its holidays are gone; its other years are kept', () => {
    const c = withFiles(Y2025);
    expect(pkg.isWorkingDay('2025-09-28')).toBe(true);
    expect(c.isWorkingDay('2025-09-28')).toBe(false);
    expect(c.isWorkingDay('2025-10-01')).toBe(true);
    expect(c.isWorkingDay('2026-02-23')).toBe(false);
    expect(c.years).toEqual(pkg.years);
  });

  test('a filing on time by the package is late by the year\'s file: the register, fixed clock', () => {
    const s = subSite(['{ name: 李强, appointed: "2025-09-26", filed: "2025-10-20" }']);
    const now = new Date('2025-11-03T12:00:00+08:00');
    // The package: 10-20 is the 12th working day after 09-26 (test/govern/calendar.test.ts lists them).
    expect(siteAdminRegister(s, pkg, now)).toMatchObject({ records: [{ workingDays: 12, status: 'on-time' }], diagnostics: [] });
    // The file: 09-29..10-03 (5), 10-06..10-10 (5), 10-13..10-17 (5), 10-20 (1) = 16.
    const byFile = siteAdminRegister(s, withFiles(Y2025), now);
    expect(byFile.records).toMatchObject([{ workingDays: 16, status: 'late' }]);
    expect(byFile.diagnostics).toMatchObject([{ rule: 'admin-filing-late', line: 12 }]);
    expect(byFile.diagnostics[0]!.message).toContain('working days by chinese-days');
    expect(byFile.diagnostics[0]!.message).toContain('and sites/calendar/2025.yaml');
  });
});

describe('the last days of the previous December', () => {
  const newYear = year('year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2098-12-31, to: 2099-01-01 }\nworkdays:\n  - { date: 2098-12-27, name: 元旦 }\n');

  test.for([
    // 2098 is covered by nothing, but the 2099 arrangement names these days.
    { name: 'a day off the next year\'s notice names', calendar: () => withFiles(newYear), date: '2098-12-31', work: false },
    { name: 'a Sunday the next year\'s notice makes worked', calendar: () => withFiles(newYear), date: '2098-12-27', work: true },
    // The package has 2018-12-29 (a Saturday) worked, from the 2019 arrangement.
    { name: 'the package: a Saturday of December worked for the next New Year', calendar: () => pkg, date: '2018-12-29', work: true },
    // A 2019 file replaces that arrangement too, December days included (this one names none).
    { name: 'a 2019 file replaces it, December days included', calendar: () => withFiles(year('year: 2019\nnotice: 测试〔2018〕1号\nholidays:\n  - { name: 元旦, from: 2019-01-01, to: 2019-01-01 }\n')), date: '2018-12-29', work: false },
    { name: 'the 2018 days before it are still the package\'s', calendar: () => withFiles(year('year: 2019\nnotice: 测试〔2018〕1号\nholidays:\n  - { name: 元旦, from: 2019-01-01, to: 2019-01-01 }\n')), date: '2018-12-28', work: true },
    // A file for 2026 decides 2025-12-31 (a Wednesday, worked by the package's 2025).
    { name: 'a later year\'s file decides over the package\'s year', calendar: () => withFiles(year('year: 2026\nnotice: 测试〔2025〕1号\nholidays:\n  - { name: 元旦, from: 2025-12-31, to: 2026-01-01 }\n')), date: '2025-12-31', work: false },
  ])('$name: $date', ({ calendar, date, work }) => {
    expect(calendar().isWorkingDay(date)).toBe(work);
  });

  test('a day of the previous December the next notice does not name is that year\'s: unknown when the year is not covered', () => {
    expect(outOfRange(() => withFiles(newYear).isWorkingDay('2098-12-30')).year).toBe(2098);
  });
});

describe('an invalid file takes its year out', () => {
  test('even where the package has the year: never guessed, and the message names the file', () => {
    const c = workCalendar(data, source, { invalid: new Map([[2025, 'sites/calendar/2025.yaml']]) });
    expect(c.covers(2025)).toBe(false);
    expect(c.covers(2024)).toBe(true);
    const e = outOfRange(() => c.isWorkingDay('2025-03-03'));
    expect(e.year).toBe(2025);
    expect(e.message).toMatch(/^2025-03-03 is outside the working-day calendar: sites\/calendar\/2025\.yaml is invalid, so 2025 is not covered/);
    expect(missingYearFix(c, 2025)).toBe('correct sites/calendar/2025.yaml: its calendar-invalid errors are listed by `sealpress check` (format: sites/calendar/README.md)');
    expect(missingYearFix(c, 2027)).toBe('add sites/calendar/2027.yaml with the 2027 holiday arrangement from the State Council\'s notice (国务院办公厅关于2027年部分节假日安排的通知; format: sites/calendar/README.md)');
  });

  test('the register: unknown, with the file to correct', () => {
    const c = workCalendar(data, source, { years: [Y2099], invalid: new Map([[2025, 'sites/calendar/2025.yaml']]) });
    const { records, diagnostics } = siteAdminRegister(subSite(['{ name: 李强, appointed: "2025-09-26", filed: "2025-10-24" }']), c, new Date('2025-11-03T12:00:00+08:00'));
    expect(records).toMatchObject([{ status: 'unknown', calendarGap: { year: 2025, file: 'sites/calendar/2025.yaml', invalid: true } }]);
    expect(diagnostics).toMatchObject([{ rule: 'admin-calendar-unknown', line: 12, fix: expect.stringMatching(/^correct sites\/calendar\/2025\.yaml/) }]);
  });
});

describe('the source says where the data came from', () => {
  const tiny = { holidays: { '2097-01-01': '元旦', '2098-01-01': '元旦' }, workdays: {} };
  const file = (y: number) => year(`year: ${y}\nnotice: 测试〔${y - 1}〕1号\nholidays:\n  - { name: 元旦, from: ${y}-01-01, to: ${y}-01-01 }\n`);
  test.for([
    { name: 'the package alone', files: [] as number[], en: 'test-package 0.0.1', zh: 'test-package 0.0.1' },
    { name: 'one added year', files: [2099], en: 'test-package 0.0.1 for 2097–2098 and sites/calendar/2099.yaml', zh: 'test-package 0.0.1（2097–2098 年）及 sites/calendar/2099.yaml' },
    { name: 'one replaced year', files: [2098], en: 'test-package 0.0.1 for 2097 and sites/calendar/2098.yaml', zh: 'test-package 0.0.1（2097 年）及 sites/calendar/2098.yaml' },
    { name: 'every year from files', files: [2097, 2098], en: 'sites/calendar/2097.yaml, sites/calendar/2098.yaml', zh: 'sites/calendar/2097.yaml、sites/calendar/2098.yaml' },
    { name: 'many files', files: [2099, 2100, 2101, 2103], en: 'test-package 0.0.1 for 2097–2098 and sites/calendar/<year>.yaml for 2099–2101, 2103', zh: 'test-package 0.0.1（2097–2098 年）及 sites/calendar/ 中 2099–2101, 2103 年的文件' },
  ])('$name', ({ files, en, zh }) => {
    const c = workCalendar(tiny, 'test-package 0.0.1', { years: files.map(file) });
    expect(c.source).toBe(en);
    expect(calendarSourceZh(c)).toBe(zh);
  });

  test('years as ranges', () => {
    expect(yearRanges([2026, 2004, 2005, 2099, 2006, 2101, 2100])).toBe('2004–2006, 2026, 2099–2101');
    expect(yearRanges([])).toBe('');
  });

  test('the report\'s words for a missing or broken year', () => {
    expect(missingYearNotice(2027)).toBe('2027 年放假安排未录入：请依国务院办公厅通知添加 sites/calendar/2027.yaml（格式见 sites/calendar/README.md）');
    expect(missingYearNotice(2027, 'sites/calendar/2027.yaml')).toBe('2027 年放假安排文件 sites/calendar/2027.yaml 有误，未予采用：请按 sealpress check 列出的错误更正（格式见 sites/calendar/README.md）');
  });
});

describe('loading sites/calendar/ from a repository', () => {
  test('no folder: the package alone, nothing to report', () => {
    const repo = makeRepo();
    try {
      const r = repositoryCalendar(repo.root);
      expect(r.diagnostics).toEqual([]);
      expect(r.calendar.source).toBe(pkg.source);
      expect(r.calendar.years).toEqual(pkg.years);
    } finally {
      repo.cleanup();
    }
  });

  test('the year files are read; README.md and hidden files are left alone', () => {
    const repo = makeRepo({ 'sites/calendar/2099.yaml': YEAR_2099, 'sites/calendar/README.md': '# 说明\n', 'sites/calendar/.gitkeep': '' });
    try {
      const r = repositoryCalendar(repo.root);
      expect(r.diagnostics).toEqual([]);
      expect(r.calendar.covers(2099)).toBe(true);
      expect(r.calendar.source).toMatch(/^chinese-days \S+ for 2004–20\d\d and sites\/calendar\/2099\.yaml$/);
    } finally {
      repo.cleanup();
    }
  });

  test('a broken file: its problems at their lines, and its year not covered even where the package has it', () => {
    const repo = makeRepo({ 'sites/calendar/2025.yaml': 'year: 2025\nnotice: 测试〔2024〕1号\nholidays:\n  - { name: 元旦, from: 2025-01-01, to: 2025-01-32 }\nworkdays:\n  - { date: 2025-01-06 }\n' });
    try {
      const r = repositoryCalendar(repo.root);
      expect(r.diagnostics.map((d) => [d.rule, d.file, d.line, d.column])).toEqual([
        ['calendar-invalid', 'sites/calendar/2025.yaml', 4, 39],
        ['calendar-invalid', 'sites/calendar/2025.yaml', 6, 13],
      ]);
      expect(r.calendar.covers(2025)).toBe(false);
      expect(r.calendar.invalid).toEqual(new Map([[2025, 'sites/calendar/2025.yaml']]));
      expect(r.calendar.covers(2024)).toBe(true);
    } finally {
      repo.cleanup();
    }
  });

  test.for([
    { name: 'a name that is not <year>.yaml', files: { 'sites/calendar/calendar-2099.yaml': YEAR_2099 }, message: /^not a calendar file name \(<year>\.yaml, the year in four digits\); it is not read/, invalid: [] as number[] },
    { name: 'a .yml file names its year, which is then not covered', files: { 'sites/calendar/2025.yml': 'year: 2025\n' }, message: /^not a calendar file name .*; 2025 is therefore not covered/, invalid: [2025] },
    { name: 'a stray .yml next to a valid file: the year is not covered until one goes', files: { 'sites/calendar/2099.yaml': YEAR_2099, 'sites/calendar/2099.yml': YEAR_2099 }, message: /^not a calendar file name/, invalid: [2099] },
    { name: 'an oversized file', files: { 'sites/calendar/2099.yaml': `${YEAR_2099}${'# 注释\n'.repeat(10_000)}` }, message: /^\d+ bytes; a calendar file may have at most 65536/, invalid: [2099] },
    { name: 'a file that is not UTF-8', files: { 'sites/calendar/2099.yaml': Buffer.concat([Buffer.from('year: 2099\nnotice: '), Buffer.from([0xb9, 0xfa]), Buffer.from('\n')]) }, message: /^not valid UTF-8/, invalid: [2099] },
    { name: 'a file with a NUL byte', files: { 'sites/calendar/2099.yaml': `${YEAR_2099}\u0000` }, message: /^not valid UTF-8 \(or it has a NUL byte\)/, invalid: [2099] },
  ])('$name', ({ files, message, invalid }) => {
    const repo = makeRepo(files);
    try {
      const r = loadCalendarFiles(repo.root);
      expect(r.diagnostics).toHaveLength(1);
      expect(r.diagnostics[0]).toMatchObject({ rule: 'calendar-invalid', severity: 'error', line: 1, column: 1 });
      expect(r.diagnostics[0]!.message).toMatch(message);
      expect([...r.invalid.keys()]).toEqual(invalid);
      expect(r.years).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });

  test('a symlink or a folder in the place of a year file is not followed', () => {
    const repo = makeRepo({ 'elsewhere/2099.yaml': YEAR_2099 });
    try {
      mkdirSync(join(repo.root, 'sites/calendar/2100.yaml'), { recursive: true });
      symlinkSync(join(repo.root, 'elsewhere/2099.yaml'), join(repo.root, 'sites/calendar/2099.yaml'));
      const r = loadCalendarFiles(repo.root);
      expect(r.diagnostics.map((d) => [d.file, d.message])).toEqual([
        ['sites/calendar/2099.yaml', 'not a plain file (a symlink or a folder); it is not read'],
        ['sites/calendar/2100.yaml', 'not a plain file (a symlink or a folder); it is not read'],
      ]);
      expect([...r.invalid.keys()]).toEqual([2099, 2100]);
    } finally {
      repo.cleanup();
    }
  });

  test('sites/calendar that is not a folder is reported', () => {
    const repo = makeRepo({ 'sites/calendar': YEAR_2099 });
    try {
      expect(loadCalendarFiles(repo.root).diagnostics).toMatchObject([{ rule: 'calendar-invalid', file: 'sites/calendar', message: expect.stringMatching(/^not a folder/) }]);
    } finally {
      repo.cleanup();
    }
  });
});

/** The sub-site of a throwaway repository with the given administrator lines (the first on line 12). */
function subSite(admins: string[]) {
  const yaml = SUB_YAML.replace(/administrators:\n[\s\S]*$/, `administrators:\n${admins.map((a) => `  - ${a}\n`).join('')}`);
  const repo = makeRepo({ [`sites/${SUB}/site.yaml`]: yaml, [`sites/${MAIN}/site.yaml`]: MAIN_YAML });
  try {
    const s = loadSiteGroup(repo.root).group?.sites.get(SUB);
    if (!s) throw new Error('fixture config invalid');
    return s;
  } finally {
    repo.cleanup();
  }
}
