/**
 * The administrator register when the working-day calendar ends (the yearly
 * assessment is run in January, maybe before the office has added the new
 * year's sites/calendar/<year>.yaml): a count that already passed the 15-day
 * limit, or that cannot reach it even if every missing day were worked, is an
 * answer; only a status that truly depends on the missing days is `unknown`.
 * The calendar is the installed package's data cut after 2026, whatever years
 * the package has. Fixed clocks; the expected counts are written out by hand
 * (no public holiday in Nov–Dec 2026: Mon–Fri only).
 */
import { describe, expect, test } from 'vitest';
import { GovernError, siteAdminRegister, workingDaysAgainst, workingDaysBetween } from '../../pipeline/govern/index.ts';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import { packageCalendarThrough } from '../helpers/calendar.ts';
import { makeRepo, MAIN_YAML, MAIN, SUB, SUB_YAML } from '../helpers/repo.ts';

const calendar = packageCalendarThrough(2026);

describe('working days against a limit, where the data ends', () => {
  test('the calendar this suite uses ends with 2026, whatever the installed package has', () => {
    expect(calendar.years.at(-1)).toBe(2026);
    expect(calendar.covers(2026)).toBe(true);
    expect(calendar.covers(2027)).toBe(false);
  });

  test.for([
    // 2026-11-03..11-30: 20 weekdays; 12-01..12-31: 23 weekdays.
    { name: 'passed the limit weeks before the data ends', from: '2026-11-02', to: '2027-01-05', days: 43, countedThrough: '2026-12-31', uncounted: 5 },
    // 12-10, 12-11, then 14 weekdays 12-14..12-31: the 16th working day is 12-31.
    { name: 'passed the limit on the last day of the data', from: '2026-12-09', to: '2027-01-04', days: 16, countedThrough: '2026-12-31', uncounted: 4 },
    // 12-31 only; the 2 missing days cannot make 1 more than 15.
    { name: 'cannot reach the limit whatever the missing days are', from: '2026-12-30', to: '2027-01-02', days: 1, countedThrough: '2026-12-31', uncounted: 2 },
    { name: 'inside the data: the exact count, nothing cut', from: '2026-11-02', to: '2026-12-31', days: 43 },
  ])('$name', ({ from, to, days, countedThrough, uncounted }) => {
    expect(workingDaysAgainst(from, to, calendar, 15)).toEqual({ days, ...(countedThrough ? { countedThrough, uncounted } : {}) });
  });

  test.for([
    // 12-11..12-31: exactly 15 working days, 4 days missing: 15..19, on either side of the limit.
    { name: 'exactly the limit when the data ends', from: '2026-12-10', to: '2027-01-04' },
    { name: 'a filing across the new year, 8 days counted and 8 missing', from: '2026-12-21', to: '2027-01-08' },
    { name: 'a start after the data', from: '2027-01-04', to: '2027-01-05' },
  ])('depends on the missing days: CALENDAR_OUT_OF_RANGE ($name)', ({ from, to }) => {
    let caught: unknown;
    try {
      workingDaysAgainst(from, to, calendar, 15);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(GovernError);
    expect((caught as GovernError).code).toBe('CALENDAR_OUT_OF_RANGE');
    expect((caught as GovernError).year).toBe(2027);
  });

  test('the exact count still refuses any missing day', () => {
    expect(() => workingDaysBetween('2026-11-02', '2027-01-05', calendar)).toThrow(/outside the working-day calendar/);
  });
});

function subSite(admins: string[]) {
  const yaml = SUB_YAML.replace(/administrators:\n[\s\S]*$/, `administrators:\n${admins.map((a) => `  - ${a}\n`).join('')}`);
  const repo = makeRepo({ [`sites/${SUB}/site.yaml`]: yaml, [`sites/${MAIN}/site.yaml`]: MAIN_YAML });
  try {
    const config = loadSiteGroup(repo.root);
    const s = config.group?.sites.get(SUB);
    if (!s) throw new Error(JSON.stringify(config.diagnostics));
    return s;
  } finally {
    repo.cleanup();
  }
}

describe('the administrator register in January, before the package has the new year', () => {
  test.for([
    { name: 'appointed in November, never filed', admin: '{ name: 李强, appointed: "2026-11-02" }', now: '2027-01-05T12:00:00+08:00', status: 'overdue', workingDays: 43, countedThrough: '2026-12-31', rule: 'admin-filing-late', text: /not filed as of 2027-01-05: at least 43 working days \(counted through 2026-12-31/ },
    { name: 'appointed in November, filed in January', admin: '{ name: 李强, appointed: "2026-11-02", filed: "2027-01-08" }', now: '2027-01-10T12:00:00+08:00', status: 'late', workingDays: 43, countedThrough: '2026-12-31', rule: 'admin-filing-late', text: /filed 2027-01-08: at least 43 working days/ },
    { name: 'the 16th working day is the data\'s last', admin: '{ name: 李强, appointed: "2026-12-09" }', now: '2027-01-04T09:00:00+08:00', status: 'overdue', workingDays: 16, countedThrough: '2026-12-31', rule: 'admin-filing-late', text: /at least 16 working days/ },
    { name: 'appointed on 30 December, two days into January', admin: '{ name: 李强, appointed: "2026-12-30" }', now: '2027-01-02T12:00:00+08:00', status: 'pending', workingDays: 1, countedThrough: '2026-12-31', rule: undefined, text: undefined },
    { name: 'exactly 15 when the data ends: it depends on January', admin: '{ name: 李强, appointed: "2026-12-10" }', now: '2027-01-04T12:00:00+08:00', status: 'unknown', workingDays: undefined, countedThrough: undefined, rule: 'admin-calendar-unknown', text: /CALENDAR_OUT_OF_RANGE/ },
  ])('$name: $status', ({ admin, now, status, workingDays, countedThrough, rule, text }) => {
    const { records, diagnostics } = siteAdminRegister(subSite([admin]), calendar, new Date(now));
    expect(records).toHaveLength(1);
    expect(records[0]!.status).toBe(status);
    expect(records[0]!.workingDays).toBe(workingDays);
    expect(records[0]!.countedThrough).toBe(countedThrough);
    expect(diagnostics.map((d) => d.rule)).toEqual(rule ? [rule] : []);
    if (text) expect(diagnostics[0]!.message).toMatch(text);
    if (status === 'unknown') {
      expect(records[0]!.problem).toMatch(/outside the working-day calendar: it has no holiday arrangement for 2027/);
      expect(records[0]!.calendarGap).toEqual({ year: 2027, file: 'sites/calendar/2027.yaml', invalid: false });
      // The fix names the file to add, not a package to update.
      expect(diagnostics[0]!.fix).toMatch(/^add sites\/calendar\/2027\.yaml with the 2027 holiday arrangement from the State Council's notice .*sites\/calendar\/README\.md/);
      expect(diagnostics[0]!.fix).not.toMatch(/chinese-days/);
    }
  });
});
