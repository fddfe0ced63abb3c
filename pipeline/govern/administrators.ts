/**
 * The administrator register. The rules: each unit's site administrators are
 * registered with the office, and a change of administrator is filed within 15
 * working days. For each administrator of a site: the working days from the
 * appointment (day 0) to the filing, or to today while not yet filed; more
 * than 15 is reported. Pure: the calendar and the clock are arguments.
 *
 * The calendar covers the years it has a holiday arrangement for (the
 * chinese-days package, 2004–2026 in 1.5.7, and the office's files
 * sites/calendar/<year>.yaml), and the yearly assessment is run in January,
 * maybe before the new year's file is added: a filing whose 15 working days ran
 * out in December is late whatever the new year's holidays are, so the count
 * stops mattering once it passes the limit. Only a status that truly depends
 * on days of a year not covered is `unknown` (an error finding naming the year
 * and the file to add).
 */
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { Site, SiteGroup } from '../model/index.ts';
import { calendarFile, dateOfDay, dayNumber, missingYearFixText, workingDaysAgainst, type WorkCalendar, type WorkingDayCount } from './calendar.ts';
import { GovernError } from './errors.ts';

/** The rules' limit: a change is filed within 15 working days (exactly 15 is on time, 16 is late). */
export const FILING_LIMIT_WORKING_DAYS = 15;
/** Dates in site.yaml are China dates; "today" is the gate's clock in UTC+8. */
const CHINA_OFFSET_MS = 8 * 3_600_000;

export type FilingStatus = 'on-time' | 'late' | 'pending' | 'overdue' | 'unknown';

export interface FilingRecord {
  site: string;
  name: string;
  appointed: string;
  filed?: string;
  /** The date counted to: the filing date, or today while not filed. */
  countedTo: string;
  /** Working days from the appointment to countedTo (through `countedThrough` when that is set); absent when status is `unknown`. */
  workingDays?: number;
  /**
   * Set when the calendar's data ends before countedTo: the last day counted.
   * The status is still known, because the count had already passed the limit
   * (late / overdue: `workingDays` is then "at least") or could not reach it
   * even if every later day were a working day (on-time / pending).
   */
  countedThrough?: string;
  /** on-time / late: filed within / after the limit; pending / overdue: not filed, within / past it; unknown: the answer depends on days the calendar does not cover (or the dates are broken). */
  status: FilingStatus;
  /** Why the status is `unknown`. */
  problem?: string;
  /** The same in Chinese. */
  problemZh?: string;
  /**
   * Set when the status is `unknown` because a year has no holiday arrangement
   * in the calendar: the year, and the file to add (or, `invalid`, to correct).
   */
  calendarGap?: { year: number; file: string; invalid: boolean };
}

/** Today's date in China for the gate's clock. */
export function chinaDate(now: Date): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The register of one site, with a finding for each late, overdue or uncountable filing. Pure. */
export function siteAdminRegister(site: Site, calendar: WorkCalendar, now: Date): { records: FilingRecord[]; diagnostics: Diagnostic[] } {
  const today = chinaDate(now);
  const records: FilingRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  site.administrators.forEach((admin, i) => {
    const at = site.positions?.[`administrators.${i}`];
    // An appointment dated after today has not started its clock; count nothing yet.
    const countedTo = admin.filed ?? (today < admin.appointed ? admin.appointed : today);
    const record: FilingRecord = { site: site.code, name: admin.name, appointed: admin.appointed, countedTo, status: 'unknown' };
    if (admin.filed !== undefined) record.filed = admin.filed;
    records.push(record);
    let count: WorkingDayCount;
    try {
      count = workingDaysAgainst(admin.appointed, countedTo, calendar, FILING_LIMIT_WORKING_DAYS);
    } catch (cause) {
      if (!(cause instanceof GovernError)) throw cause;
      record.problem = cause.message;
      // For the report's readers, the office's staff.
      if (cause.zh) record.problemZh = cause.zh.message;
      const year = cause.code === 'CALENDAR_OUT_OF_RANGE' ? cause.year : undefined;
      if (year !== undefined) {
        const invalid = calendar.invalid.get(year);
        record.calendarGap = { year, file: invalid ?? calendarFile(year), invalid: invalid !== undefined };
      }
      diagnostics.push(
        diagnostic('admin-calendar-unknown', 'error', site.source, at, {
            zh: `管理员 ${admin.name}：无法计算 ${admin.appointed} 至 ${countedTo} 的工作日：${cause.zh?.message ?? cause.message} [${cause.code}]`,
            en: `administrator ${admin.name}: the working days from ${admin.appointed} to ${countedTo} cannot be counted: ${cause.message} [${cause.code}]`,
          },
          {
          fix: year !== undefined ? missingYearFixText(calendar, year) : { zh: '更正 site.yaml 中的日期', en: 'correct the dates in site.yaml' },
        }),
      );
      return;
    }
    const days = count.days;
    record.workingDays = days;
    if (count.countedThrough !== undefined) record.countedThrough = count.countedThrough;
    const late = days > FILING_LIMIT_WORKING_DAYS;
    record.status = admin.filed !== undefined ? (late ? 'late' : 'on-time') : late ? 'overdue' : 'pending';
    if (!late) return;
    const counted = count.countedThrough === undefined ? `${days} working days` : `at least ${days} working days (counted through ${count.countedThrough}: ${dateOfDay(dayNumber(count.countedThrough) + 1).slice(0, 4)} is not in the calendar yet, and cannot change the answer)`;
    const countedZh =
      count.countedThrough === undefined ? `${days} 个工作日` : `至少 ${days} 个工作日（计算至 ${count.countedThrough}：${dateOfDay(dayNumber(count.countedThrough) + 1).slice(0, 4)} 年尚未列入日历，但不影响结论）`;
    const message =
      admin.filed !== undefined
        ? `administrator ${admin.name} was appointed ${admin.appointed} and filed ${admin.filed}: ${counted}, more than the ${FILING_LIMIT_WORKING_DAYS} the rules allow`
        : `administrator ${admin.name} was appointed ${admin.appointed} and is not filed as of ${today}: ${counted}, more than the ${FILING_LIMIT_WORKING_DAYS} the rules allow`;
    const messageZh =
      admin.filed !== undefined
        ? `管理员${admin.name}于 ${admin.appointed} 任命，${admin.filed} 备案，相隔 ${countedZh}，超过规定的 ${FILING_LIMIT_WORKING_DAYS} 个工作日`
        : `管理员${admin.name}于 ${admin.appointed} 任命，截至 ${today} 尚未备案，已过 ${countedZh}，超过规定的 ${FILING_LIMIT_WORKING_DAYS} 个工作日`;
    diagnostics.push(
      diagnostic('admin-filing-late', 'warning', site.source, at, { zh: `${messageZh}（工作日按 ${calendar.source} 计算，任命当日计为第 0 日）`, en: `${message} (working days by ${calendar.source}, the appointment day counting as day 0)` }, {
        fix:
          admin.filed !== undefined
            ? { zh: '已无法补救：向办公室报告逾期备案并说明原因', en: 'nothing to undo: report the late filing to the office with the reason' }
            : { zh: '立即向办公室备案该任命，并在 site.yaml 中填写 `filed:`', en: 'file the appointment with the office now, and record `filed:` in site.yaml' },
        expected: `≤ ${FILING_LIMIT_WORKING_DAYS} working days`,
        actual: count.countedThrough === undefined ? `${days} working days` : `≥ ${days} working days`,
      }),
    );
  });
  return { records, diagnostics };
}

/** The register of every site of the group, main site first. Pure. */
export function adminRegister(group: SiteGroup, calendar: WorkCalendar, now: Date): { records: FilingRecord[]; diagnostics: Diagnostic[] } {
  const records: FilingRecord[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const site of group.sites.values()) {
    const r = siteAdminRegister(site, calendar, now);
    records.push(...r.records);
    diagnostics.push(...r.diagnostics);
  }
  return { records, diagnostics };
}
