/**
 * Update thresholds and the calendar arithmetic behind them.
 *
 * Semantics (fixed here, tested both sides): "not updated for 2 weeks" means
 * MORE than 14 calendar days (China Standard Time) have passed since the last
 * update. Exactly 14 days later is still fine; 15 is stale. A threshold in
 * months works the same way on calendar dates: last update 2026-05-27, six
 * months later is 2026-11-27, which is fine; 2026-11-28 is stale. A month end
 * carries to the shorter month's last day (08-31 + 6 months = 02-28, or 02-29).
 */
import { COLUMN_TYPES, type ColumnType } from '../model/index.ts';
import { chinaDate } from '../util/dates.ts';

export type Period = { days: number } | { months: number };

export interface Thresholds {
  /** Per column type: a column not updated for longer than this is stale. */
  columns: Record<ColumnType, Period>;
  /** A site (its home page) not updated for longer than this is stale. */
  home: Period;
  /** A consultation must be answered within this. */
  reply: Period;
}

/**
 * Defaults from the national inspection indicators for government websites:
 * news columns 2 weeks, notice/policy columns 6 months, home page 2 weeks,
 * consultations answered within 3 months. Guides (办事指南) are checked yearly
 * (service information must stay accurate; a year without a review is stale),
 * and a Q&A column is stale when no answer was published for 3 months, the same
 * limit as for a single consultation.
 */
export const DEFAULT_THRESHOLDS: Thresholds = {
  columns: { news: { days: 14 }, notice: { months: 6 }, guide: { months: 12 }, qa: { months: 3 } },
  home: { days: 14 },
  reply: { months: 3 },
};

export const THRESHOLD_KEYS = [...COLUMN_TYPES, 'home', 'reply'] as const;

const DAY_MS = 86_400_000;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number (days since 1970-01-01) of a YYYY-MM-DD calendar date. */
export function dayNumber(ymd: string): number {
  const m = YMD.exec(ymd);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${ymd}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
}

/** Whole calendar days from `from` to `to` (China dates of two instants). */
export function calendarDaysBetween(from: number, to: number): number {
  return dayNumber(chinaDate(to)) - dayNumber(chinaDate(from));
}

/** `ymd` plus n months, the day clamped to the target month's length. */
export function addMonths(ymd: string, months: number): string {
  const m = YMD.exec(ymd);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${ymd}`);
  const total = Number(m[1]) * 12 + Number(m[2]) - 1 + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(m[3]), last);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True when more than `period` lies between the instants `since` and `now` (calendar dates, China time). */
export function exceeds(since: number, now: number, period: Period): boolean {
  if ('days' in period) return calendarDaysBetween(since, now) > period.days;
  return chinaDate(now) > addMonths(chinaDate(since), period.months);
}

export function describePeriod(p: Period): string {
  return 'days' in p ? `${p.days} 天` : `${p.months} 个月`;
}
