/**
 * Working days by the Chinese calendar: Monday to Friday, minus the public
 * holidays, plus the weekend days the State Council's yearly arrangement makes
 * working days (调休). The arrangements come from two places, year by year:
 *
 * - the npm package `chinese-days` (1.5.7 as installed: 2004–2026, from the
 *   State Council notices, e.g. 国办发明电〔2024〕12号 for 2025); its data file is
 *   read here, not its date functions, because outside its years those fall
 *   back to plain weekdays, a silent guess;
 * - the repository's files sites/calendar/<year>.yaml (calendar-file.ts), one
 *   per year, which the office adds each December from the State Council's
 *   notice for the next year. A year with a file is taken from the file alone:
 *   it replaces the package's arrangement of that year entirely.
 *
 * The calendar covers a set of years, not a range. A date in a year neither
 * source has, or whose file is invalid, is an error (CALENDAR_OUT_OF_RANGE,
 * carrying the year): fail closed, and add (or correct) the year's file.
 *
 * The notice of year Y may move the last days of December of Y−1 (2019's:
 * 2018-12-29 worked, 12-30 and 12-31 off). An arrangement therefore holds the
 * dates of Y and those of Y−1 from 12-25 on (PREVIOUS_DECEMBER_FROM); the
 * package's dates are grouped the same way, and such a day is decided by the
 * next year's arrangement when that year is covered and names the day.
 * Caveat kept on purpose: while the next year is not covered, the last days of
 * December are counted as the year's own data has them.
 */
import type { Text } from '../messages/text.ts';
import { createRequire } from 'node:module';
import { GovernError } from './errors.ts';

/** Where the repository keeps its calendar files, one per year, and their description. */
export const CALENDAR_DIR = 'sites/calendar';
export const CALENDAR_README = `${CALENDAR_DIR}/README.md`;
/** The first day (MM-DD) of the previous December a year's arrangement may name. */
export const PREVIOUS_DECEMBER_FROM = '12-25';

export interface WorkCalendar {
  /** Where the data comes from, for messages and reports: the package and version, and the repository's files. */
  source: string;
  /** The same, itemised: the package, the years still taken from it, and the repository's files in use. */
  origin: { package: string; packageYears: readonly number[]; files: readonly string[] };
  /** The years whose holiday arrangement the calendar has, ascending; not necessarily consecutive. */
  years: readonly number[];
  covers(year: number): boolean;
  /** Years whose file under sites/calendar/ is invalid (→ the file): not covered, whatever the package has. */
  invalid: ReadonlyMap<number, string>;
  /** Whether a YYYY-MM-DD date is a working day. Throws CALENDAR_OUT_OF_RANGE in a year not covered, DATE_INVALID for a non-date. */
  isWorkingDay(date: string): boolean;
}

/** The shape of chinese-days' dist/chinese-days.json (dates → "English,中文,n"). */
export interface CalendarData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

/** One year's arrangement as sites/calendar/<year>.yaml gives it, validated (calendar-file.ts). */
export interface CalendarYear {
  year: number;
  /** The State Council notice's number (通知文号). */
  notice: string;
  /** Repo-relative path of the file. */
  file: string;
  /** Every day off, ranges expanded: date → holiday name. */
  holidays: ReadonlyMap<string, string>;
  /** The weekend days worked (调休上班): date → name ('' when the file gives none). */
  workdays: ReadonlyMap<string, string>;
}

/** The repository's files for the calendar: the valid years, and the years whose file is invalid (→ file). */
export interface CalendarFiles {
  years?: readonly CalendarYear[];
  invalid?: ReadonlyMap<number, string>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since the epoch of a YYYY-MM-DD date (UTC, so no time zone or DST shifts a day). */
export function dayNumber(date: string): number {
  const m = DATE.exec(date);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) throw new GovernError('DATE_INVALID', { zh: `“${date}”不是 YYYY-MM-DD 格式的日期`, en: `"${date}" is not a date YYYY-MM-DD` });
  return t / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** 0 Sunday … 6 Saturday, of a valid date. */
export function weekday(date: string): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay();
}

/** The file that holds (or would hold) a year's arrangement. */
export function calendarFile(year: number): string {
  return `${CALENDAR_DIR}/${year}.yaml`;
}

/** Years as ranges, for messages: "2004–2026, 2099". */
export function yearRanges(years: readonly number[]): string {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** The arrangement a date of the package belongs to: its year's, or, from PREVIOUS_DECEMBER_FROM on, the next year's. */
function arrangementYear(date: string): number {
  const year = Number(date.slice(0, 4));
  return date.slice(5) >= PREVIOUS_DECEMBER_FROM ? year + 1 : year;
}

interface Arrangement {
  holidays: ReadonlySet<string>;
  workdays: ReadonlySet<string>;
  /** The repository file it comes from; undefined for the package. */
  file?: string;
}

/**
 * A calendar over the package's data and the repository's files. Pure. A year
 * is covered when its arrangement has a holiday in the year itself (every year
 * has New Year's Day); a year with a valid file is taken from the file alone; a
 * year with an invalid file is not covered at all.
 */
export function workCalendar(data: CalendarData, source: string, files: CalendarFiles = {}): WorkCalendar {
  const arrangements = new Map<number, { holidays: Set<string>; workdays: Set<string>; file?: string }>();
  for (const kind of ['holidays', 'workdays'] as const) {
    for (const date of Object.keys(data[kind])) {
      if (!DATE.test(date)) continue;
      const year = arrangementYear(date);
      let a = arrangements.get(year);
      if (!a) arrangements.set(year, (a = { holidays: new Set(), workdays: new Set() }));
      a[kind].add(date);
    }
  }
  const covered = new Set([...arrangements].filter(([year, a]) => [...a.holidays].some((d) => d.startsWith(`${year}-`))).map(([year]) => year));
  const packageYears = [...covered];
  const fileYears: number[] = [];
  for (const y of files.years ?? []) {
    arrangements.set(y.year, { holidays: new Set(y.holidays.keys()), workdays: new Set(y.workdays.keys()), file: y.file });
    covered.add(y.year);
    fileYears.push(y.year);
  }
  // An invalid file takes its year out, even where the package has it: the office meant to replace it, and guessing what with is not the calendar's to do.
  const invalid = new Map(files.invalid ?? []);
  for (const year of invalid.keys()) {
    arrangements.delete(year);
    covered.delete(year);
  }
  const years = [...covered].sort((a, b) => a - b);
  const fromFiles = fileYears.filter((y) => covered.has(y)).sort((a, b) => a - b);
  const fromPackage = packageYears.filter((y) => covered.has(y) && !fromFiles.includes(y)).sort((a, b) => a - b);
  const described = describeSource(source, fromPackage, fromFiles);
  const arrangement = (year: number): Arrangement | undefined => (covered.has(year) ? arrangements.get(year) : undefined);
  // What the calendar has, years included, for the error of a year it lacks.
  const has = years.length === 0 ? 'no year' : fromFiles.length > 0 ? described : `${source} for ${yearRanges(fromPackage)}`;

  return {
    source: described,
    origin: { package: source, packageYears: fromPackage, files: fromFiles.map(calendarFile) },
    years,
    covers: (year) => covered.has(year),
    invalid,
    isWorkingDay(date) {
      const day = weekday(date);
      const year = Number(date.slice(0, 4));
      // The next year's notice decides the last days of December it names.
      const next = arrangement(year + 1);
      if (next?.workdays.has(date)) return true;
      if (next?.holidays.has(date)) return false;
      const own = arrangement(year);
      if (!own) {
        const file = invalid.get(year);
        const why = file !== undefined ? `${file} is invalid, so ${year} is not covered` : `it has no holiday arrangement for ${year}`;
        const whyZh = file !== undefined ? `${file} 有误，因此未覆盖 ${year} 年` : `没有 ${year} 年的放假安排`;
        throw new GovernError(
          'CALENDAR_OUT_OF_RANGE',
          { zh: `${date} 超出工作日日历范围：${whyZh}（日历包含 ${has}）；工作日不作推测`, en: `${date} is outside the working-day calendar: ${why} (the calendar has ${has}); working days are not guessed` },
          { year },
        );
      }
      if (own.workdays.has(date)) return true;
      if (own.holidays.has(date)) return false;
      return day !== 0 && day !== 6;
    },
  };
}

/** "chinese-days 1.5.7" alone, or with the years it still gives and the repository's files. */
function describeSource(source: string, packageYears: readonly number[], fileYears: readonly number[]): string {
  if (fileYears.length === 0) return source;
  const files = fileYears.length <= 3 ? fileYears.map(calendarFile).join(', ') : `${CALENDAR_DIR}/<year>.yaml for ${yearRanges(fileYears)}`;
  return packageYears.length === 0 ? files : `${source} for ${yearRanges(packageYears)} and ${files}`;
}

/** The calendar's source for the report's readers (Chinese): "chinese-days 1.5.7（2004–2026 年）及 sites/calendar/2027.yaml". */
export function calendarSourceZh(calendar: Pick<WorkCalendar, 'origin'>): string {
  const { package: pkg, packageYears, files } = calendar.origin;
  if (files.length === 0) return pkg;
  const years = files.map((f) => Number(/(\d{4})\.yaml$/.exec(f)?.[1]));
  const own = files.length <= 3 ? files.join('、') : `${CALENDAR_DIR}/ 中 ${yearRanges(years)} 年的文件`;
  return packageYears.length === 0 ? own : `${pkg}（${yearRanges(packageYears)} 年）及 ${own}`;
}

let installed: { data: CalendarData; source: string } | undefined;

/** The installed chinese-days package's data and its name and version (read once; I/O). */
export function installedCalendarData(): { data: CalendarData; source: string } {
  if (installed) return installed;
  const require = createRequire(import.meta.url);
  const data = require('chinese-days/dist/chinese-days.json') as CalendarData;
  const { version } = require('chinese-days/package.json') as { version: string };
  installed = { data, source: `chinese-days ${version}` };
  return installed;
}

/** The calendar of the installed chinese-days package alone, without any repository's files (I/O once). */
let packageOnly: WorkCalendar | undefined;

export function chineseDaysCalendar(): WorkCalendar {
  if (packageOnly) return packageOnly;
  const { data, source } = installedCalendarData();
  packageOnly = workCalendar(data, source);
  return packageOnly;
}

/**
 * When a year is not covered, what to do: add its file, or correct the invalid
 * one. English, for findings.
 */
export function missingYearFix(calendar: WorkCalendar, year: number): string {
  return missingYearFixText(calendar, year).en;
}

/** missingYearFix in both languages. */
export function missingYearFixText(calendar: WorkCalendar, year: number): Text {
  const invalid = calendar.invalid.get(year);
  return invalid !== undefined
    ? { zh: `更正 ${invalid}：其 calendar-invalid 错误由 \`sealpress check\` 列出（格式见 ${CALENDAR_README}）`, en: `correct ${invalid}: its calendar-invalid errors are listed by \`sealpress check\` (format: ${CALENDAR_README})` }
    : {
        zh: `按国务院办公厅通知（国务院办公厅关于${year}年部分节假日安排的通知）添加 ${calendarFile(year)}，写入 ${year} 年放假安排（格式见 ${CALENDAR_README}）`,
        en: `add ${calendarFile(year)} with the ${year} holiday arrangement from the State Council's notice (国务院办公厅关于${year}年部分节假日安排的通知; format: ${CALENDAR_README})`,
      };
}

/** The same for the report's readers, the office's staff (Chinese). */
export function missingYearNotice(year: number, invalidFile?: string): string {
  return invalidFile !== undefined
    ? `${year} 年放假安排文件 ${invalidFile} 有误，未予采用：请按 sealpress check 列出的错误更正（格式见 ${CALENDAR_README}）`
    : `${year} 年放假安排未录入：请依国务院办公厅通知添加 ${calendarFile(year)}（格式见 ${CALENDAR_README}）`;
}

/**
 * Working days from `from` to `to`: the working days d with from < d ≤ to. The
 * start day is day 0 (an appointment filed the same day took 0 working days;
 * filed the next working day, 1), so "within 15 working days" means ≤ 15.
 * Every day counted must be covered by the calendar. Pure.
 */
export function workingDaysBetween(from: string, to: string, calendar: WorkCalendar): number {
  return walk(from, to, calendar, undefined).days;
}

/** A count against a limit that may have stopped where the calendar's data ends. */
export interface WorkingDayCount {
  /** Working days counted: all of them, or those through `countedThrough`. */
  days: number;
  /**
   * Present when the data ended before `to`: the last day counted. The days
   * after it (`uncounted` calendar days) are not guessed; the count is given
   * only because they cannot change the answer against the limit: either
   * `days` already passed it, or even `days + uncounted` cannot.
   */
  countedThrough?: string;
  uncounted?: number;
}

/**
 * Working days from `from` to `to` (as workingDaysBetween), judged against a
 * limit: when the span reaches a year the calendar does not cover, the days from
 * there on are counted only if they could change whether the count passes
 * `limit`. A late filing stays late in January when the new year's
 * arrangement is not in the calendar yet (the 15 working days ran out in
 * December); only a span whose answer truly depends on the missing days throws
 * CALENDAR_OUT_OF_RANGE. Pure.
 */
export function workingDaysAgainst(from: string, to: string, calendar: WorkCalendar, limit: number): WorkingDayCount {
  return walk(from, to, calendar, limit);
}

function walk(from: string, to: string, calendar: WorkCalendar, limit: number | undefined): WorkingDayCount {
  const start = dayNumber(from);
  const end = dayNumber(to);
  if (end < start) throw new GovernError('DATE_ORDER', { zh: `${to} 早于 ${from}`, en: `${to} is before ${from}` });
  // The start day itself must be covered too: the span is judged as a whole.
  calendar.isWorkingDay(from);
  let count = 0;
  for (let d = start + 1; d <= end; d++) {
    let working: boolean;
    try {
      working = calendar.isWorkingDay(dateOfDay(d));
    } catch (error) {
      if (limit === undefined || !(error instanceof GovernError) || error.code !== 'CALENDAR_OUT_OF_RANGE') throw error;
      const uncounted = end - d + 1;
      // Past the limit already, or unable to pass it even if every missing day were worked: the answer does not depend on them.
      if (count > limit || count + uncounted <= limit) return { days: count, countedThrough: dateOfDay(d - 1), uncounted };
      throw error;
    }
    if (working) count++;
  }
  return { days: count };
}
