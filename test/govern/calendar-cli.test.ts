/**
 * The working-day calendar's missing year through the command line, with fixed
 * clocks: `sealpress check` names the year and the file to add (or the broken
 * file's lines), `sealpress report` says it in Chinese in JSON, CSV and the HTML
 * page, and adding sites/calendar/<year>.yaml makes the count known. The
 * repository's calendar ends with a synthetic 2099 (test/helpers/calendar.ts);
 * 2100 is in no package.
 *
 * The filing: appointed Mon 2099-12-21 (day 0), filed Fri 2100-01-08. 2099-12-22..12-31
 * has 8 working days (12-22..12-25, 12-28..12-31); 2100-01-01..01-08 could hold 0 to 6
 * more, so on time or late depends on 2100: unknown. With the synthetic 2100 (元旦
 * 01-01..01-03 off, nothing worked): 01-04..01-08 are 5 more, 13 in all, on time.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { YEAR_2099, YEAR_2100 } from '../helpers/calendar.ts';
import { makeRepo, SUB, SUB_YAML, type TestRepo } from '../helpers/repo.ts';

const NOW = '2100-01-10T12:00:00+08:00';
const NOTICE = '2100 年放假安排未录入：请依国务院办公厅通知添加 sites/calendar/2100.yaml（格式见 sites/calendar/README.md）';

let repo: TestRepo | undefined;
let tmp: string | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

function repoWithFiling(): TestRepo {
  return makeRepo({
    [`sites/${SUB}/site.yaml`]: SUB_YAML.replace(/administrators:[\s\S]*$/, 'administrators:\n  - { name: 李强, appointed: "2099-12-21", filed: "2100-01-08" }\n'),
    'sites/calendar/2099.yaml': YEAR_2099,
  });
}

const check = (root: string) => runCli(['check', '--root', root, '--no-cache', '--now', NOW]);
const report = (root: string, args: string[] = []) => runCli(['report', '--root', root, '--no-cache', '--now', NOW, '--from', '2099-12-01', '--to', '2100-01-10', '--no-sheet', ...args]);
const filingOf = (out: string) => (JSON.parse(out) as { governance: { administratorFilings: { items: { site: string }[] } } }).governance.administratorFilings.items.find((f) => f.site === SUB);

describe('a year missing from the calendar, then added', () => {
  test('`sealpress check` names the year and the file to add; with the file, the finding is gone', async () => {
    repo = repoWithFiling();
    const before = await check(repo.root);
    expect(before.code).toBe(1);
    expect(before.out).toContain(
      `sites/${SUB}/site.yaml:12:5 error admin-calendar-unknown administrator 李强: the working days from 2099-12-21 to 2100-01-08 cannot be counted: 2100-01-01 is outside the working-day calendar: it has no holiday arrangement for 2100 (the calendar has chinese-days `,
    );
    expect(before.out).toMatch(/and sites\/calendar\/2099\.yaml\); working days are not guessed \[CALENDAR_OUT_OF_RANGE\]\n/);
    expect(before.out).toContain('fix: add sites/calendar/2100.yaml with the 2100 holiday arrangement from the State Council\'s notice (国务院办公厅关于2100年部分节假日安排的通知; format: sites/calendar/README.md)');
    expect(before.out).not.toContain('chinese-days package');

    repo.write('sites/calendar/2100.yaml', YEAR_2100);
    const after = await check(repo.root);
    expect(after.out).not.toMatch(/admin-calendar-unknown|admin-filing-late|calendar-invalid/);
  });

  test('`sealpress report` says which year to add, in JSON and CSV; with the file the filing is counted, on time', async () => {
    repo = repoWithFiling();
    const json = await report(repo.root);
    expect(json.code, json.err).toBe(0);
    expect(filingOf(json.out)).toEqual({ site: SUB, administrator: '李强', appointed: '2099-12-21', filed: '2100-01-08', problem: NOTICE, missingYear: 2100, calendarFile: 'sites/calendar/2100.yaml' });
    const csv = await report(repo.root, ['--format', 'csv']);
    expect(csv.out.split('\r\n').filter((l) => l.startsWith(`administrator_filings,${SUB},`))).toEqual([
      `administrator_filings,${SUB},,,李强,working_days,`,
      `administrator_filings,${SUB},,,李强,late,`,
      `administrator_filings,${SUB},,,李强,missing_year,2100`,
      `administrator_filings,${SUB},,,李强,problem,${NOTICE}`,
    ]);

    repo.write('sites/calendar/2100.yaml', YEAR_2100);
    const added = await report(repo.root);
    expect(added.code, added.err).toBe(0);
    expect(filingOf(added.out)).toEqual({ site: SUB, administrator: '李强', appointed: '2099-12-21', filed: '2100-01-08', workingDays: 13, late: false });
    expect(JSON.parse(added.out).sources.calendar).toMatch(/^chinese-days \S+（2004–20\d\d 年）及 sites\/calendar\/2099\.yaml、sites\/calendar\/2100\.yaml$/);
  });

  test('the HTML report shows the office what to add, and where the working days come from', async () => {
    repo = repoWithFiling();
    tmp = mkdtempSync(join(tmpdir(), 'sealpress-calendar-report-'));
    const out = join(tmp, 'report.html');
    const r = await report(repo.root, ['--format', 'html', '--out', out, '--cache-dir', join(tmp, 'cache')]);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain(`<strong class="bad">无法计算</strong>：${NOTICE}`);
    expect(html).toMatch(/工作日依据：chinese-days \S+（2004–20\d\d 年）及 sites\/calendar\/2099\.yaml（/);
  }, 120_000);

  test('a broken year file: `sealpress check` prints each problem at its line, and the year stays unknown, never guessed', async () => {
    repo = repoWithFiling();
    repo.write('sites/calendar/2100.yaml', 'year: 2100\nnotice: 国办发明电〔2099〕99号\nholidays:\n  - { name: 元旦, from: 2100-01-01, to: 2100-01-32 }\nworkdays:\n  - { date: 2100-01-05 }\n');
    const r = await check(repo.root);
    expect(r.code).toBe(1);
    expect(r.out).toContain('sites/calendar/2100.yaml:4:39 error calendar-invalid `to` must be a real date YYYY-MM-DD, found "2100-01-32"');
    expect(r.out).toContain('sites/calendar/2100.yaml:6:13 error calendar-invalid 2100-01-05 is a Tuesday: an adjusted working day (调休上班) is a Saturday or Sunday');
    expect(r.out).toContain('2100-01-01 is outside the working-day calendar: sites/calendar/2100.yaml is invalid, so 2100 is not covered');
    expect(r.out).toContain('fix: correct sites/calendar/2100.yaml: its calendar-invalid errors are listed by `sealpress check`');
    const json = await report(repo.root);
    expect(filingOf(json.out)).toMatchObject({ missingYear: 2100, calendarFile: 'sites/calendar/2100.yaml', problem: '2100 年放假安排文件 sites/calendar/2100.yaml 有误，未予采用：请按 sealpress check 列出的错误更正（格式见 sites/calendar/README.md）' });
  });
});
