/**
 * Working days by the Chinese calendar: Monday to Friday, minus the public
 * holidays, plus the weekend days the State Council's yearly arrangement makes
 * working days (调休). The data is the npm package `chinese-days` (1.5.7 as
 * installed: holidays and adjusted working days for 2004–2026, from the State
 * Council notices, e.g. 国办发明电〔2024〕12号 for 2025); its data file is read
 * here, not its date functions, because outside its years those fall back to
 * plain weekdays, a silent guess. A date outside the data's years is an error
 * (CALENDAR_OUT_OF_RANGE): fail closed, and update the package.
 *
 * Caveat kept on purpose: a year's arrangement can move late-December days of
 * the year before it (a working Sunday before New Year). Days in the data's
 * last year are counted as the package has them.
 */
import { createRequire } from 'node:module';
import { GovernError } from './errors.ts';

export interface WorkCalendar {
  /** Where the data comes from, for messages and reports (package and version). */
  source: string;
  /** First and last year the data covers, inclusive. */
  firstYear: number;
  lastYear: number;
  /** Whether a YYYY-MM-DD date is a working day. Throws CALENDAR_OUT_OF_RANGE outside the covered years, DATE_INVALID for a non-date. */
  isWorkingDay(date: string): boolean;
}

/** The shape of chinese-days' dist/chinese-days.json (dates → "English,中文,n"). */
export interface CalendarData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Days since the epoch of a YYYY-MM-DD date (UTC, so no time zone or DST shifts a day). */
export function dayNumber(date: string): number {
  const m = DATE.exec(date);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== date) throw new GovernError('DATE_INVALID', `"${date}" is not a date YYYY-MM-DD`);
  return t / DAY_MS;
}

export function dateOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** A calendar over the given data. Pure. The covered years are those of the data's holidays (every year has New Year's Day). */
export function workCalendar(data: CalendarData, source: string): WorkCalendar {
  const years = Object.keys(data.holidays).map((d) => Number(d.slice(0, 4))).filter(Number.isInteger);
  if (years.length === 0) throw new GovernError('CALENDAR_OUT_OF_RANGE', `${source}: the calendar data has no holidays at all`);
  const firstYear = Math.min(...years);
  const lastYear = Math.max(...years);
  for (let y = firstYear; y <= lastYear; y++) {
    if (!years.includes(y)) throw new GovernError('CALENDAR_OUT_OF_RANGE', `${source}: the calendar data has no holidays for ${y}, between ${firstYear} and ${lastYear}`);
  }
  const holidays = new Set(Object.keys(data.holidays));
  const workdays = new Set(Object.keys(data.workdays));
  return {
    source,
    firstYear,
    lastYear,
    isWorkingDay(date) {
      const day = dayNumber(date);
      const year = Number(date.slice(0, 4));
      if (year < firstYear || year > lastYear) {
        throw new GovernError('CALENDAR_OUT_OF_RANGE', `${date} is outside the working-day calendar (${source} covers ${firstYear}–${lastYear}); working days are not guessed`);
      }
      if (workdays.has(date)) return true;
      if (holidays.has(date)) return false;
      const weekday = new Date(day * DAY_MS).getUTCDay();
      return weekday !== 0 && weekday !== 6;
    },
  };
}

let installed: WorkCalendar | undefined;

/** The calendar of the installed chinese-days package (read once; I/O). */
export function chineseDaysCalendar(): WorkCalendar {
  if (installed) return installed;
  const require = createRequire(import.meta.url);
  const data = require('chinese-days/dist/chinese-days.json') as CalendarData;
  const { version } = require('chinese-days/package.json') as { version: string };
  installed = workCalendar(data, `chinese-days ${version}`);
  return installed;
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
 * limit: when the calendar's data ends inside the span, the days beyond it are
 * counted only if they could change whether the count passes `limit`. A late
 * filing stays late in January when the package has no data for the new year
 * yet (the 15 working days ran out in December); only a span whose answer
 * truly depends on the missing days throws CALENDAR_OUT_OF_RANGE. Pure.
 */
export function workingDaysAgainst(from: string, to: string, calendar: WorkCalendar, limit: number): WorkingDayCount {
  return walk(from, to, calendar, limit);
}

function walk(from: string, to: string, calendar: WorkCalendar, limit: number | undefined): WorkingDayCount {
  const start = dayNumber(from);
  const end = dayNumber(to);
  if (end < start) throw new GovernError('DATE_ORDER', `${to} is before ${from}`);
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
