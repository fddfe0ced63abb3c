/**
 * One year's calendar file, sites/calendar/<year>.yaml (pure: text in, the
 * year or every problem out). Each problem is a `calendar-invalid` error at its
 * line and column, with a fix; a file with any problem gives no year. The
 * years and notice numbers are synthetic (2099: 1 January is a Thursday).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readCalendarFile } from '../../pipeline/govern/index.ts';
import { YEAR_2099 } from '../helpers/calendar.ts';

const FILE = 'sites/calendar/2099.yaml';

/** [line, column, message pattern] of each diagnostic, in file order. */
function problems(text: string, file = FILE) {
  const r = readCalendarFile(file, text);
  for (const d of r.diagnostics) {
    expect(d).toMatchObject({ rule: 'calendar-invalid', severity: 'error', file });
    expect(d.fix, d.message).toBeTruthy();
  }
  if (r.diagnostics.length > 0) expect(r.year).toBeUndefined();
  return r.diagnostics.map((d) => [d.line, d.column, d.message] as const);
}

describe('a valid file', () => {
  test('gives the year: every day off of the ranges, the adjusted working days, the notice', () => {
    const r = readCalendarFile(FILE, YEAR_2099);
    expect(r.diagnostics).toEqual([]);
    expect(r.year!.year).toBe(2099);
    expect(r.year!.notice).toBe('国办发明电〔2098〕99号');
    expect(r.year!.file).toBe(FILE);
    // 3 + 9 + 8 days off.
    expect(r.year!.holidays.size).toBe(20);
    expect(r.year!.holidays.get('2099-01-28')).toBe('春节');
    expect([...r.year!.workdays]).toEqual([['2099-01-04', '元旦'], ['2099-01-18', '春节'], ['2099-02-07', '春节'], ['2099-09-27', '国庆节'], ['2099-10-10', '国庆节']]);
  });

  test.for([
    { name: 'no adjusted working days at all', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2099-01-01, to: 2099-01-01 }\n' },
    { name: 'an empty workdays list, block style, quoted dates, a workday without a name', text: 'year: "2099"\nnotice: 测试〔2098〕1号\nholidays:\n  - name: 元旦\n    from: "2099-01-01"\n    to: "2099-01-02"\nworkdays:\n  - date: "2099-01-04"\n' },
    // A New Year arrangement may move the last days of the December before (as 2019's did with 2018-12-29..31).
    { name: 'days of the previous December from the 25th', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2098-12-31, to: 2099-01-01 }\nworkdays:\n  - { date: 2098-12-27, name: 元旦 }\n' },
  ])('$name', ({ text }) => {
    const r = readCalendarFile(FILE, text);
    expect(r.diagnostics).toEqual([]);
    expect(r.year!.year).toBe(2099);
  });

  test('the example of sites/calendar/README.md is valid, and is the one the tests use', () => {
    const readme = readFileSync(new URL('../../sites/calendar/README.md', import.meta.url), 'utf8');
    const example = /```yaml\n# sites\/calendar\/2099\.yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBe(YEAR_2099);
    expect(readCalendarFile(FILE, example!).diagnostics).toEqual([]);
  });
});

describe('every problem, at its line', () => {
  test.for([
    { name: 'YAML syntax', text: 'year: 2099\nnotice: [unclosed\nholidays: []\n', want: [[3, 1, /^YAML syntax: /]] },
    {
      name: 'duplicate keys, at the top and inside a holiday',
      text: 'year: 2099\nnotice: 测试〔2098〕1号\nyear: 2099\nholidays:\n  - { name: 元旦, from: 2099-01-01, to: 2099-01-01, to: 2099-01-02 }\n',
      want: [[3, 1, /^duplicate key `year`/], [5, 51, /^duplicate key `to`/]],
    },
    {
      name: 'unknown keys, at the top, in a holiday and in a working day',
      text: 'year: 2099\nnotice: 测试〔2098〕1号\nholiday: x\nholidays:\n  - { name: 元旦, form: 2099-01-01, from: 2099-01-01, to: 2099-01-01 }\nworkdays:\n  - { date: 2099-01-04, note: x }\n',
      want: [[3, 1, /^unknown field `holiday`/], [5, 17, /^unknown field `form`/], [7, 25, /^unknown field `note`/]],
    },
    { name: 'the year is not the file name\'s', text: YEAR_2099.replace('year: 2099', 'year: 2098'), want: [[1, 7, /^year 2098 does not match the file name 2099\.yaml/]] },
    { name: 'the year is not a year', text: YEAR_2099.replace('year: 2099', 'year: next'), want: [[1, 7, /^`year` must be a year of four digits, found "next"/]] },
    { name: 'no year', text: YEAR_2099.replace('year: 2099\n', ''), want: [[1, 1, /^required field `year` is missing/]] },
    { name: 'no notice', text: YEAR_2099.replace(/notice: .*\n/, ''), want: [[1, 1, /^required field `notice` is missing: the number \(通知文号\)/]] },
    { name: 'an empty notice', text: YEAR_2099.replace(/notice: .*\n/, 'notice:\n'), want: [[2, 1, /^`notice` is empty/]] },
    { name: 'no holidays at all', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays: []\n', want: [[3, 1, /^the year has no holidays/]] },
    { name: 'no holidays key', text: 'year: 2099\nnotice: 测试〔2098〕1号\nworkdays: []\n', want: [[1, 1, /^the year has no holidays/]] },
    { name: 'holidays only in the December before', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2098-12-30, to: 2098-12-31 }\n', want: [[3, 1, /^the year has no holidays in 2099 itself/]] },
    {
      name: 'dates that are not real dates',
      text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2099-01-01, to: 2099-01-01 }\n  - { name: 春节, from: 2099-02-29, to: 20990301 }\nworkdays:\n  - { date: 2099-13-01 }\n  - { date: 99-01-04 }\n',
      want: [[5, 23, /^`from` must be a real date YYYY-MM-DD, found "2099-02-29"/], [5, 39, /^`to` must be a real date YYYY-MM-DD, found number 20990301/], [7, 13, /^`date` must be a real date/], [8, 13, /^`date` must be a real date/]],
    },
    {
      name: 'dates outside the year (and before the previous 25 December)',
      text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2098-12-24, to: 2099-01-01 }\n  - { name: 国庆节, from: 2099-12-31, to: 2100-01-01 }\nworkdays:\n  - { date: 2100-01-02 }\n',
      want: [[4, 23, /^2098-12-24 is outside 2099: .* only the days from 2098-12-25 on/], [5, 40, /^2100-01-01 is outside 2099/], [7, 13, /^2100-01-02 is outside 2099/]],
    },
    { name: '`from` after `to`', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 国庆节, from: 2099-10-08, to: 2099-10-01 }\n', want: [[4, 40, /^`to` 2099-10-01 is before `from` 2099-10-08/]] },
    {
      name: 'overlapping holidays, each pair named with the other\'s line',
      text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 中秋节, from: 2099-09-29, to: 2099-10-01 }\n  - { name: 元旦, from: 2099-01-01, to: 2099-01-01 }\n  - { name: 国庆节, from: 2099-10-01, to: 2099-10-07 }\n  - { name: 重阳, from: 2099-10-05, to: 2099-10-05 }\n',
      want: [[6, 5, /^holiday 国庆节 \(2099-10-01 to 2099-10-07\) overlaps 中秋节 \(2099-09-29 to 2099-10-01, line 4\)/], [7, 5, /^holiday 重阳 \(2099-10-05 to 2099-10-05\) overlaps 国庆节 \(2099-10-01 to 2099-10-07, line 6\)/]],
    },
    {
      name: 'working days that are not a Saturday or Sunday',
      text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2099-01-01, to: 2099-01-01 }\nworkdays:\n  - { date: 2099-01-05, name: 元旦 }\n  - { date: 2099-01-10 }\n  - { date: 2099-01-09 }\n',
      want: [[6, 13, /^2099-01-05 is a Monday: an adjusted working day \(调休上班\) is a Saturday or Sunday/], [8, 13, /^2099-01-09 is a Friday/]],
    },
    { name: 'a day both off and worked', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2099-01-01, to: 2099-01-04 }\nworkdays:\n  - { date: 2099-01-04, name: 元旦 }\n', want: [[6, 13, /^2099-01-04 is both a working day and a day off \(元旦, line 4\)/]] },
    { name: 'a working day listed twice', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2099-01-01, to: 2099-01-01 }\nworkdays:\n  - { date: 2099-01-04 }\n  - { date: 2099-01-04 }\n', want: [[7, 13, /^2099-01-04 is listed twice \(also line 6\)/]] },
    { name: 'a holiday that is not a mapping', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - 2099-01-01\n', want: [[4, 5, /^a holiday \(`\{ name, from, to \}`\) must be a mapping/]] },
    { name: 'a holiday without its last day', text: 'year: 2099\nnotice: 测试〔2098〕1号\nholidays:\n  - { name: 元旦, from: 2099-01-01 }\n', want: [[4, 5, /^required field `to` is missing/]] },
    { name: 'an empty file', text: '', want: [[1, 1, /must be a mapping of keys to values, found nothing/]] },
  ])('$name', ({ text, want }) => {
    const got = problems(text);
    expect(got.map(([line, column]) => [line, column])).toEqual(want.map(([line, column]) => [line, column]));
    got.forEach(([, , message], i) => expect(message).toMatch(want[i]![2] as RegExp));
  });

  test('all of them at once, in file order: the writer fixes them in one round', () => {
    const text = [
      'year: 2098', // 1: not the file name's
      'notice:', // 2: empty
      'holidays:',
      '  - { name: 元旦, from: 2099-01-01, to: 2099-01-03 }', // 4
      '  - { name: 春节, from: 2099-02-30, to: 2099-02-03 }', // 5: not a date
      '  - { name: 劳动节, from: 2099-05-05, to: 2099-05-01 }', // 6: from after to
      '  - { name: 元旦补, from: 2099-01-03, to: 2099-01-04 }', // 7: overlaps line 4
      'workdays:',
      '  - { date: 2099-01-06 }', // 9: a Tuesday
      '  - { date: 2099-01-04 }', // 10: also a day off (line 7)
      'colour: red', // 11: unknown
    ].join('\n');
    expect(problems(text).map(([line]) => line)).toEqual([1, 2, 5, 6, 7, 9, 10, 11]);
  });
});
