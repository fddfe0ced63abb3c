/**
 * Working-day calendars for tests that must not depend on which years the
 * installed chinese-days package has (a newer version adds a year), and
 * synthetic calendar files for years no package will have. The synthetic
 * years' dates and notice numbers are made up: they show the format, they are
 * not any State Council arrangement.
 */
import { installedCalendarData, workCalendar, type CalendarData, type CalendarFiles, type WorkCalendar } from '../../pipeline/govern/index.ts';

/** The installed package's data up to and including `lastYear`, as if the package ended there. */
export function packageCalendarThrough(lastYear: number, files: CalendarFiles = {}): WorkCalendar {
  const { data, source } = installedCalendarData();
  const keep = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).filter(([date]) => Number(date.slice(0, 4)) <= lastYear));
  const cut: CalendarData = { holidays: keep(data.holidays), workdays: keep(data.workdays) };
  return workCalendar(cut, `${source} through ${lastYear}`, files);
}

/**
 * A synthetic 2099 (1 January 2099 is a Thursday), as in sites/calendar/README.md:
 * 元旦 01-01..01-03 off, Sun 01-04 worked; 春节 01-24..02-01 off, Sun 01-18 and
 * Sat 02-07 worked; 国庆节 10-01..10-08 off, Sun 09-27 and Sat 10-10 worked.
 */
export const YEAR_2099 = `year: 2099
notice: 国办发明电〔2098〕99号
holidays:
  - { name: 元旦, from: 2099-01-01, to: 2099-01-03 }
  - { name: 春节, from: 2099-01-24, to: 2099-02-01 }
  - { name: 国庆节, from: 2099-10-01, to: 2099-10-08 }
workdays:
  - { date: 2099-01-04, name: 元旦 }
  - { date: 2099-01-18, name: 春节 }
  - { date: 2099-02-07, name: 春节 }
  - { date: 2099-09-27, name: 国庆节 }
  - { date: 2099-10-10, name: 国庆节 }
`;

/** A synthetic 2100 (1 January 2100 is a Friday): 元旦 01-01..01-03 off, nothing worked. */
export const YEAR_2100 = `year: 2100
notice: 国办发明电〔2099〕99号
holidays:
  - { name: 元旦, from: 2100-01-01, to: 2100-01-03 }
`;
