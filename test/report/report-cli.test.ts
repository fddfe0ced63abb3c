/**
 * `sealpress report` through the command line (test/helpers/cli.ts), with
 * fixed clocks: the administrator register after the calendar's last year (the
 * yearly assessment is run in January; test/govern/calendar-cli.test.ts adds
 * the year), and the audit entry of every gate run.
 * Each test names its own audit log under a temporary folder; nothing is
 * written into the checkout.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { YEAR_2099 } from '../helpers/calendar.ts';
import { entry, makeRepo, MAIN, SUB, SUB_YAML, type TestRepo } from '../helpers/repo.ts';

const SHEET = `version: 1
year: 2099
name: 测试考核
indicators:
  - { id: updates, name: 更新量, weight: 100, figure: published, kind: ratio, target: 1 }
vetoes:
  - { id: admin-late, name: 管理员变更逾期备案, figure: lateAdministratorFilings, above: 0 }
`;

let repo: TestRepo | undefined;
let logDir: string | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
  if (logDir) rmSync(logDir, { recursive: true, force: true });
  logDir = undefined;
});

/**
 * The calendar ends with a synthetic 2099 (sites/calendar/2099.yaml, no public
 * holiday in Nov–Dec): 2100 is in no package and no file, so these tests do not
 * depend on the years the installed chinese-days has.
 */
function repoWithAdmin(admin: string): TestRepo {
  return makeRepo({
    [`sites/${SUB}/site.yaml`]: SUB_YAML.replace(/administrators:[\s\S]*$/, `administrators:\n  - ${admin}\n`),
    'sites/assessment/2099.yaml': SHEET,
    'sites/calendar/2099.yaml': YEAR_2099,
  });
}

/** Run the report with its own audit log; the parsed JSON model (when printed) and the log's entries. */
async function report(root: string, args: string[]) {
  logDir ??= mkdtempSync(join(tmpdir(), 'sealpress-report-audit-'));
  const log = join(logDir, 'log.jsonl');
  const r = await runCli(['report', '--root', root, '--no-cache', ...args], { SEALPRESS_AUDIT_LOG: log, CI: undefined });
  const entries = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { details: Record<string, unknown> }) : [];
  return { ...r, model: r.code === 0 && r.out.startsWith('{') ? JSON.parse(r.out) : undefined, entries };
}

describe('late administrator filings after the calendar data ends', () => {
  test.for([
    { name: 'in December (inside the data)', now: '2099-12-31T12:00:00+08:00', countedThrough: undefined },
    { name: 'in January, when the assessment is run', now: '2100-01-05T12:00:00+08:00', countedThrough: '2099-12-31' },
  ])('overdue since November, $name: still late, still vetoed', async ({ now, countedThrough }) => {
    repo = repoWithAdmin('{ name: 李强, appointed: "2099-11-02" }');
    const r = await report(repo.root, ['--now', now, '--to', '2099-12-31']);
    expect(r.code, r.err).toBe(0);
    const filing = r.model.governance.administratorFilings.items.find((f: { site: string }) => f.site === SUB);
    // 2099-11-03..11-30: 20 weekdays; 12-01..12-31: 23 weekdays (11-02 is a Monday; no public holiday in the file after October).
    expect(filing).toEqual({ site: SUB, administrator: '李强', appointed: '2099-11-02', filed: '', workingDays: 43, late: true, ...(countedThrough ? { countedThrough } : {}) });
    const sub = r.model.assessment.sites.find((s: { site: string }) => s.site === SUB);
    expect(sub.vetoes).toEqual([{ id: 'admin-late', name: '管理员变更逾期备案', figure: 'lateAdministratorFilings', value: 1, vetoed: true }]);
    expect(sub.result).toBe('fail');
    expect(r.model.sources.calendar).toMatch(/^chinese-days \S+（[\d–, ]+ 年）及 sites\/calendar\/2099\.yaml$/);
  });

  test('a filing whose lateness depends on days outside the data is kept, and the figure is unavailable, not 0', async () => {
    // 2099-12-22..12-31: 8 working days; 2100-01-01..01-10 could hold 0 to 8 more.
    repo = repoWithAdmin('{ name: 李强, appointed: "2099-12-21" }');
    const r = await report(repo.root, ['--now', '2100-01-10T12:00:00+08:00', '--to', '2099-12-31']);
    expect(r.code, r.err).toBe(0);
    const filing = r.model.governance.administratorFilings.items.find((f: { site: string }) => f.site === SUB);
    expect(filing).toMatchObject({ site: SUB, administrator: '李强', appointed: '2099-12-21', filed: '' });
    expect(filing.late).toBeUndefined();
    expect(filing.workingDays).toBeUndefined();
    // For the office, in Chinese: which year is missing and the file to add.
    expect(filing.problem).toBe('2100 年放假安排未录入：请依国务院办公厅通知添加 sites/calendar/2100.yaml（格式见 sites/calendar/README.md）');
    expect(filing.missingYear).toBe(2100);
    expect(filing.calendarFile).toBe('sites/calendar/2100.yaml');
    const sub = r.model.assessment.sites.find((s: { site: string }) => s.site === SUB);
    expect(sub.vetoes).toEqual([{ id: 'admin-late', name: '管理员变更逾期备案', figure: 'lateAdministratorFilings', vetoed: false }]);
    expect(sub.result).toBe('incomplete');
  });

  test('the CSV says so too: an empty `late`, the day the count stopped', async () => {
    repo = repoWithAdmin('{ name: 李强, appointed: "2099-11-02" }');
    const r = await report(repo.root, ['--now', '2100-01-05T12:00:00+08:00', '--to', '2099-12-31', '--format', 'csv']);
    expect(r.code, r.err).toBe(0);
    const rows = r.out.split('\r\n').filter((l) => l.startsWith(`administrator_filings,${SUB},`));
    expect(rows).toEqual([`administrator_filings,${SUB},,,李强,working_days,43`, `administrator_filings,${SUB},,,李强,counted_through,2099-12-31`, `administrator_filings,${SUB},,,李强,late,true`]);
  });
});

describe('the audit entry of a report\'s gate run', () => {
  test('a report written: action gate, command report, the period and the counts', async () => {
    // No trust material in this repository: the gate refuses the entry (fail closed), and the entry says so.
    repo = makeRepo({ [`content/${SUB}/tzgg/2026-10-notice.md`]: entry({ title: '通知' }) });
    const r = await report(repo.root, ['--now', '2026-11-27T12:00:00+08:00', '--from', '2026-03-01', '--to', '2026-11-27', '--no-sheet']);
    expect(r.code, r.err).toBe(0);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]).toMatchObject({ seq: 1, action: 'gate', outcome: 'ok', sites: [MAIN, SUB] });
    expect(r.entries[0]!.actor).toBeUndefined();
    expect(r.entries[0]!.details).toEqual({ command: 'report', from: '2026-03-01', to: '2026-11-27', format: 'json', entries: 1, publishable: 0, pending: 0, refused: 1, unpublished: 0, withdrawn: 0, asOf: '2026-11-27T12:00:00+08:00' });
    // The repository's own default log was not used.
    expect(existsSync(join(repo.root, '.sealpress', 'audit'))).toBe(false);
  });

  test.for([
    { name: 'an unknown --site', args: ['--site', '19909999999'], reason: 'unknown-site', sites: ['19909999999'] },
    { name: 'a broken site group', args: [], reason: 'config-invalid', sites: undefined, broken: true },
  ])('a failed run is recorded too: $name', async ({ args, reason, sites, broken }) => {
    repo = makeRepo(broken ? { 'sites/group.yaml': 'name: [unclosed\n' } : {});
    const r = await report(repo.root, ['--now', '2026-11-27T12:00:00+08:00', '--no-sheet', ...args]);
    expect(r.code).toBe(2);
    expect(r.entries).toHaveLength(1);
    expect(r.entries[0]).toMatchObject({ action: 'gate', outcome: 'failed', details: { command: 'report', reason } });
    expect(r.entries[0]!.sites).toEqual(sites);
  });

  test('a usage error runs no gate and records nothing', async () => {
    repo = makeRepo();
    const r = await report(repo.root, ['--from', '2026-12-01', '--to', '2026-11-01']);
    expect(r.code).toBe(2);
    expect(r.entries).toEqual([]);
  });
});
