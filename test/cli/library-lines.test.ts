/**
 * What the command line prints is decided by the library, so that another
 * shell (the review desk) and tests say the same: the state of an entry after
 * signing, the gate's text for `check`, the progress of build and publish,
 * the outcome of waive and column requests, a report's period and the audit
 * filters. Each is called directly here, on fixed inputs and a fixed clock.
 */
import { describe, expect, test } from 'vitest';
import { buildProgressLine, rebuiltLine } from '../../pipeline/build/index.ts';
import { diagnostic, formatDiagnostic, type Diagnostic } from '../../pipeline/diagnostics/index.ts';
import { EXIT } from '../../pipeline/errors/index.ts';
import { checkText, gateVerdict } from '../../pipeline/gate/index.ts';
import { columnRequestSaid } from '../../pipeline/govern/index.ts';
import type { SiteGroup } from '../../pipeline/model/index.ts';
import { countsText, leftOutLines, summarise, type Plan, type PlanEntry } from '../../pipeline/plan/index.ts';
import { auditFilter, auditRead, publishProgressLines, verifyJson, verifyLines, type VerifyReport } from '../../pipeline/publish/index.ts';
import { reportPeriod } from '../../pipeline/report/index.ts';
import { describeEntry, statusLine, waiveSaid } from '../../pipeline/sign/index.ts';

const ENTRY = 'content/19900000000/tzgg/a.md';
const pending = diagnostic('approval-pending', 'info', ENTRY, undefined, { zh: '还需 1 名 office-approver 审批；已审批：张伟', en: 'needs 1 office-approver; approved so far by 张伟' }, { code: 'THRESHOLD_NOT_MET' });
const stale = diagnostic('approval-stale', 'error', ENTRY, undefined, { zh: '张伟 审批后，条目有改动', en: 'the entry changed after 张伟 approved it' }, { code: 'APPROVAL_STALE' });
const invalid = diagnostic('department-unknown', 'error', ENTRY, { line: 4, column: 13 }, { zh: '部门“nope”不是本站群的部门', en: 'department "nope" is not a department of the group' });

function entry(status: PlanEntry['status'], findings: Diagnostic[], path = ENTRY): PlanEntry {
  return { path, site: '19900000000', column: 'tzgg', status, findings } as unknown as PlanEntry;
}

function plan(entries: PlanEntry[], diagnostics: Diagnostic[] = []): Plan {
  return { version: 1, now: '2026-11-27T01:00:00.000Z', approvals: { verified: true, note: 'approvals verified against policy v1' }, entries, diagnostics } as unknown as Plan;
}

describe('a finding keeps its code apart from its message', () => {
  test('the code is shown after the message where findings are printed', () => {
    expect(formatDiagnostic(pending, { lang: 'en' })).toBe(`${ENTRY}:1:1 info approval-pending needs 1 office-approver; approved so far by 张伟 [THRESHOLD_NOT_MET]`);
    expect(formatDiagnostic(invalid, { lang: 'en' })).toBe(`${ENTRY}:4:13 error department-unknown department "nope" is not a department of the group`);
  });

  test.for([
    { name: 'pending: what is still needed', e: () => entry('pending', [pending]), line: 'still pending: needs 1 office-approver; approved so far by 张伟' },
    { name: 'only stale approvals: still pending, and why the old ones do not count', e: () => entry('refused', [stale, pending]), line: 'still pending: needs 1 office-approver; approved so far by 张伟 (approvals of earlier versions no longer count)' },
    { name: 'refused for another reason: each error with its rule', e: () => entry('refused', [invalid, pending]), line: 'refused: department-unknown: department "nope" is not a department of the group' },
    { name: 'publishable', e: () => entry('publishable', []), line: 'publishable' },
  ])('the state after signing, without codes: $name', ({ e, line }) => {
    expect(statusLine(e())).toBe(line);
  });

  test('the same findings in Chinese (issue 15): the label and the severity words too', () => {
    expect(formatDiagnostic(invalid, { lang: 'zh' })).toBe(`${ENTRY}:4:13 错误 department-unknown 部门“nope”不是本站群的部门`);
    expect(statusLine(entry('pending', [pending]), 'zh')).toBe('仍待发布：还需 1 名 office-approver 审批；已审批：张伟');
    expect(statusLine(entry('refused', [stale, pending]), 'zh')).toBe('仍待发布：还需 1 名 office-approver 审批；已审批：张伟（对旧版本的审批不再有效）');
    expect(statusLine(entry('refused', [invalid, pending]), 'zh')).toBe('不予发布：department-unknown：部门“nope”不是本站群的部门');
    expect(statusLine(entry('publishable', []), 'zh')).toBe('可发布');
  });

  test('the signing desk\'s review of an entry, in Chinese', () => {
    const group = { sites: new Map(), columns: new Map(), categories: [] } as unknown as SiteGroup;
    const e = { ...entry('pending', [pending]), frontMatter: { title: '关于调整办税时间的通知', author: '张伟', department: 'bgs', date: '2026-11-20' }, digest: 'a'.repeat(64), assets: [] } as unknown as PlanEntry;
    const lines = describeEntry(e, group, '需要 1 名 office-approver（审批规则 v1，默认规则）', [], 'zh');
    expect(lines).toContain('  标题        关于调整办税时间的通知');
    expect(lines).toContain('  提交人      无：尚无撰稿人签署本条目（sealpress submit）');
    expect(lines).toContain('  状态        待发布');
    expect(lines).toContain('  检查        提示 approval-pending：还需 1 名 office-approver 审批；已审批：张伟 [THRESHOLD_NOT_MET]');
    expect(lines.join('\n')).not.toMatch(/\b(title|status|checks|submitted)\b/);
    expect(describeEntry(e, group, '', [])).toContain('  status      pending');
  });
});

describe('what the gate says', () => {
  const quiet = entry('publishable', [diagnostic('approval-pending', 'info', 'content/19900000000/tzgg/b.md', undefined, { zh: '已审批', en: 'approved' })], 'content/19900000000/tzgg/b.md');
  const held = entry('pending', [pending]);
  const p = plan([held, quiet]);
  const group = { sites: new Map([['19900000000', {}]]) } as unknown as SiteGroup;

  test('counts in one form for every command', () => {
    expect(countsText(summarise(p))).toBe('1 publishable, 1 pending, 0 refused, 0 unpublished, 0 withdrawn');
  });

  test('check as text: the held entry\'s findings (not a publishable entry\'s info), then the counts, the approvals and the memory', () => {
    const r = checkText({ plan: p, verdict: gateVerdict(p, group), configDiagnostics: [], memory: undefined, dir: '/archive' });
    expect(r.findings).toEqual([pending]);
    expect(r.summary).toEqual([
      '',
      '2 entries: 1 publishable, 1 pending, 0 refused, 0 unpublished, 0 withdrawn',
      'approvals: approvals verified against policy v1',
      'memory: none (no release in /archive): a withdrawal whose record was deleted, or a trust document rolled back, cannot be known; give --archive DIR',
    ]);
  });

  test('the same in Chinese (issue 15)', () => {
    expect(countsText(summarise(p), 'zh')).toBe('可发布 1，待发布 1，不予发布 0，已下线 0，已撤下 0');
    expect(leftOutLines(p, 'zh')).toEqual([`未发布：${ENTRY}（待发布：approval-pending）`, '审批：approvals verified against policy v1']);
    expect(buildProgressLine({ type: 'gate', durationMs: 12.4, plan: p }, 'zh')).toBe('发布关口：2 个条目，用时 12 毫秒：可发布 1，待发布 1，不予发布 0，已下线 0，已撤下 0');
    expect(buildProgressLine({ type: 'site-done', code: '19900000000', pages: 40, durationMs: 2345, action: 'rebuilt', reason: 'content changed' }, 'zh')).toBe('构建 19900000000：已重新构建（内容有变化），40 个页面，用时 2.3 秒');
    expect(rebuiltLine([{ code: '19900000000', action: 'rebuilt', reason: 'content changed' }, { code: '19901000000', action: 'reused', reason: 'unchanged' }], 'zh')).toBe('2 个站点中重新构建 1 个：19900000000（内容有变化）');
  });

  test('what a build leaves out, and the progress of build and publish', () => {
    expect(leftOutLines(p)).toEqual([`left out: ${ENTRY} (pending: approval-pending)`, 'approvals: approvals verified against policy v1']);
    expect(buildProgressLine({ type: 'gate', durationMs: 12.4, plan: p })).toBe('gate: 2 entries in 12 ms: 1 publishable, 1 pending, 0 refused, 0 unpublished, 0 withdrawn');
    expect(buildProgressLine({ type: 'site-start', code: '19900000000', entries: 2 })).toBe('build 19900000000: 2 entries…');
    expect(publishProgressLines({ type: 'gate', durationMs: 12.4, plan: p })).toEqual(['gate: 2 entries: 1 publishable, 1 pending, 0 refused, 0 unpublished, 0 withdrawn', ...leftOutLines(p)]);
    expect(publishProgressLines({ type: 'site-done', code: '19900000000', pages: 40, durationMs: 2345, action: 'rebuilt', reason: 'content changed' })).toEqual(['build 19900000000: rebuilt (content changed), 40 pages in 2.3 s']);
    expect(publishProgressLines({ type: 'site-done', code: '19901000000', pages: 12, durationMs: 3, action: 'reused', reason: 'unchanged' })).toEqual(['build 19901000000: reused, 12 pages (unchanged)']);
    expect(publishProgressLines({ type: 'site-start', code: '19900000000', entries: 2 })).toEqual([]);
    expect(publishProgressLines({ type: 'step', message: 'deploy v3 → /srv/www…' })).toEqual(['deploy v3 → /srv/www…']);
  });
});

describe('what a signing act says, and its exit code', () => {
  const asked = { path: ENTRY, rule: 'personal-id', line: 12, column: 5 };
  test.for([
    { name: 'written and accepted: stdout, the act\'s code', r: { kind: 'written', file: 'content/_waivers/w.json', accepted: true, code: EXIT.OK }, said: { stream: 'out', text: 'wrote content/_waivers/w.json (commit it with the entry)', code: EXIT.OK } },
    { name: 'written but not accepted', r: { kind: 'written', file: 'content/_waivers/w.json', accepted: false, why: 'expired', code: EXIT.REFUSED }, said: { stream: 'err', text: 'sealpress waive: wrote content/_waivers/w.json, but the gate does not accept it: expired', code: EXIT.REFUSED } },
    { name: 'no such finding: where to look', r: { kind: 'no-finding', entry: entry('pending', []) }, said: { stream: 'err', text: `sealpress waive: ${ENTRY} has no personal-id finding at line 12:5; run \`sealpress check\` for the exact position`, code: EXIT.REFUSED } },
    { name: 'already waived is not a failure', r: { kind: 'waived', waiver: 'content/_waivers/old.json' }, said: { stream: 'err', text: 'sealpress waive: that finding is already waived by content/_waivers/old.json', code: EXIT.OK } },
    { name: 'an invalid configuration', r: { kind: 'config' }, said: { stream: 'err', text: 'sealpress waive: the site group configuration is invalid; run `sealpress check`', code: EXIT.CONFIG } },
  ] as const)('waive: $name', ({ r, said }) => {
    expect(waiveSaid(r as Parameters<typeof waiveSaid>[0], asked)).toEqual(said);
  });

  test.for([
    { r: { kind: 'written', file: 'sites/_changes/19901000000/add-x.dsse.json', source: 'sites/19901000000/site.yaml' }, said: { stream: 'out', text: 'wrote sites/_changes/19901000000/add-x.dsse.json (commit it with the change to sites/19901000000/site.yaml)', code: EXIT.OK } },
    { r: { kind: 'exists', file: 'sites/_changes/19901000000/add-x.dsse.json' }, said: { stream: 'err', text: 'sealpress column: sites/_changes/19901000000/add-x.dsse.json exists; remove it first, or give another --id', code: EXIT.CONFIG } },
    { r: { kind: 'refused', why: 'the column exists' }, said: { stream: 'err', text: 'sealpress column: the gate would not accept this request: the column exists', code: EXIT.REFUSED } },
    { r: { kind: 'declined' }, said: { stream: 'err', text: 'not signed', code: EXIT.REFUSED } },
  ] as const)('column request: $r.kind', ({ r, said }) => {
    expect(columnRequestSaid(r)).toEqual(said);
  });
});

describe('a report\'s period', () => {
  test('defaults: --to is the day of the clock in China (past midnight there), --from 1 January of that year', () => {
    expect(reportPeriod(undefined, undefined, new Date('2026-12-31T16:30:00Z'))).toEqual({ from: '2027-01-01', to: '2027-01-01' });
    expect(reportPeriod(undefined, '2026-06-30', new Date('2026-11-27T01:00:00Z'))).toEqual({ from: '2026-01-01', to: '2026-06-30' });
  });

  test.for([
    { from: '2026-02-30', to: undefined, message: /--from must be a date YYYY-MM-DD, found "2026-02-30"/ },
    { from: undefined, to: '2026-7-1', message: /--to must be a date YYYY-MM-DD, found "2026-7-1"/ },
    { from: '2026-07-02', to: '2026-07-01', message: /--from 2026-07-02 is after --to 2026-07-01/ },
  ])('refused as a usage error: $from to $to', ({ from, to, message }) => {
    expect(() => reportPeriod(from, to, new Date('2026-11-27T01:00:00Z'))).toThrow(message);
  });
});

describe('the audit log\'s filters', () => {
  test('a date alone covers its whole day in China time; nothing given selects everything', () => {
    expect(auditFilter({ person: 'p-zhangwei', from: '2026-11-01', to: '2026-11-02' })).toEqual({ person: 'p-zhangwei', from: new Date('2026-10-31T16:00:00.000Z'), to: new Date('2026-11-02T15:59:59.999Z') });
    expect(auditFilter({})).toEqual({});
  });

  test('verify checks the whole log: a filter given to it is a usage error, before any date is read', () => {
    expect(() => auditRead('verify', { root: '/nonexistent', env: {} }, { from: 'not a date' })).toThrow(/the filters belong to `audit show`/);
  });
});

describe('a verification, in both languages (issue 15)', () => {
  const report: VerifyReport = {
    target: '/srv/mirror',
    kind: 'folder',
    ok: false,
    version: 7,
    expires: '2026-12-04T12:00:00+08:00',
    signers: ['rs-1'],
    sites: ['19900000000'],
    problems: [{ code: 'RELEASE_ROLLBACK', message: 'the mirror serves release v7, older than v8 in the archive', fix: 'restore the mirror', zh: { message: '镜像提供的是发布版本 v7，早于发布归档中的 v8', fix: '恢复镜像' } }],
    modified: ['19900000000/index.html'],
    missing: [],
    extra: [],
    files: 10,
    bytes: 2_000_000,
    ms: 100,
  };

  test('lines and JSON follow the language; the English is as before', () => {
    expect(verifyLines(report, 'zh')).toEqual([
      'RELEASE_ROLLBACK：镜像提供的是发布版本 v7，早于发布归档中的 v8\n  修改建议：恢复镜像',
      '被改动：19900000000/index.html',
      '未通过 /srv/mirror：发布版本 v7（2026-12-04T12:00:00+08:00 到期，签名人 rs-1）；在 100 毫秒内检查了 10 个文件、2.0 MB（20 MB/s）',
    ]);
    expect(verifyLines(report)[0]).toBe('RELEASE_ROLLBACK: the mirror serves release v7, older than v8 in the archive\n  fix: restore the mirror');
    expect((verifyJson(report, 'en') as VerifyReport).problems).toEqual([{ code: 'RELEASE_ROLLBACK', message: 'the mirror serves release v7, older than v8 in the archive', fix: 'restore the mirror' }]);
    expect((verifyJson(report, 'zh') as VerifyReport).problems[0]!.message).toBe('镜像提供的是发布版本 v7，早于发布归档中的 v8');
  });
});
