/**
 * Two judgements of the report, through the real gate with signed approvals
 * (test/helpers/repo.ts) and a fixed clock:
 * - a consultation whose answer was on the site counts as answered, even once
 *   its unpublishAt has taken it down; one never online (awaiting approval
 *   when its date passed, or withdrawn) is unanswered;
 * - a report for a past period judges staleness at the end of that period,
 *   not today: what was published after --to does not clear it.
 * Plus the two pure predicates behind them, on plan entries written out here.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import type { PlanEntry } from '../../pipeline/plan/index.ts';
import { buildReport, onSiteAt, reportAsOf, wasOnSite, type ReportModel } from '../../pipeline/report/index.ts';
import { approveAll, entry, makeRepo, NOW, SUB, type TestRepo } from '../helpers/repo.ts';

const Q = (name: string) => `content/${SUB}/nszx/${name}.md`;
const qa = (askedAt: string, answeredAt: string) => `  question: 发票怎么开？\n  askedAt: ${askedAt}\n  answeredAt: ${answeredAt}`;
/** Asked on 1 August, answered two days later: within the three months; the three months are over by NOW (27 November). */
const ASKED = '2026-08-01T10:00:00+08:00';
const ANSWERED = '2026-08-03T10:00:00+08:00';

let repo: TestRepo;
let plan: Awaited<ReturnType<typeof gateOf>>['plan'];
let group: Awaited<ReturnType<typeof gateOf>>['group'];

async function gateOf(r: TestRepo) {
  const g = await runGate({ root: r.root, now: NOW, cache: false });
  if (!g.ok) throw new Error(JSON.stringify(g.configDiagnostics));
  return g;
}

beforeAll(async () => {
  repo = makeRepo({
    // Approved on 2026-10-20 (APPROVED_AT), online until 1 November, then taken down by its date.
    [Q('taken-down')]: entry({ title: '已下线的答复', date: '2026-08-03', unpublishAt: '2026-11-01T00:00:00+08:00', qa: qa(ASKED, ANSWERED) }),
    // Never approved: the plan marks it `unpublished` too once the date passes, but it never was online.
    [Q('never-approved')]: entry({ title: '未审批的答复', date: '2026-08-03', unpublishAt: '2026-11-01T00:00:00+08:00', qa: qa('2026-08-01T09:00:00+08:00', ANSWERED) }),
    // Approved, then withdrawn by a signed withdrawal.
    [Q('withdrawn')]: entry({ title: '已撤回的答复', date: '2026-08-03', qa: qa('2026-08-01T11:00:00+08:00', ANSWERED) }),
    [Q('online')]: entry({ title: '在线的答复', date: '2026-08-03', qa: qa('2026-08-02T10:00:00+08:00', ANSWERED) }),
    // News (stale after 14 days): one in June, one in November, after the first half-year.
    [`content/${SUB}/gzdt/june.md`]: entry({ title: '六月动态', date: '2026-06-10T10:00:00+08:00' }),
    [`content/${SUB}/gzdt/november.md`]: entry({ title: '十一月动态', date: '2026-11-20T10:00:00+08:00' }),
  });
  // The helper's holds are typed as the demo's own paths; these are this repository's.
  const holds = { unapproved: Q('never-approved'), withdrawn: Q('withdrawn') } as unknown as Parameters<typeof approveAll>[1];
  await approveAll(repo, holds);
  ({ plan, group } = await gateOf(repo));
}, 120_000);
afterAll(() => repo?.cleanup());

const report = (period: { from: string; to: string }): ReportModel => buildReport({ group, plan, now: NOW, period });
const sub = (m: ReportModel) => m.sites.find((s) => s.code === SUB)!;

describe('consultations answered on the site', () => {
  test('the gate planned the four as the case needs', () => {
    const status = Object.fromEntries(plan.entries.filter((e) => e.column === 'nszx').map((e) => [e.path, e.status]));
    expect(status).toEqual({ [Q('taken-down')]: 'unpublished', [Q('never-approved')]: 'unpublished', [Q('withdrawn')]: 'withdrawn', [Q('online')]: 'publishable' });
    expect(plan.entries.find((e) => e.path === Q('never-approved'))!.findings.map((f) => f.rule)).toContain('approval-pending');
  });

  test('taken down by date after being online: answered; never online or withdrawn: unanswered past the limit', () => {
    const r = sub(report({ from: '2026-01-01', to: '2026-12-31' })).replies;
    expect(r.asked).toBe(4);
    expect(r.answered).toBe(2);
    expect(r.distribution.count).toBe(2);
    expect(r.overLimit.map((c) => [c.path, c.problem])).toEqual([
      [Q('never-approved'), 'unanswered'],
      [Q('withdrawn'), 'unanswered'],
    ]);
    expect(r.awaiting.map((c) => c.path).sort()).toEqual([Q('never-approved'), Q('withdrawn')]);
  });
});

describe('staleness of a past period', () => {
  test.for([
    // The first half-year, run on 27 November: judged at 2026-06-30 24:00 China time; the November news does not count.
    { name: 'first half-year, run in November', to: '2026-06-30', asOf: '2026-06-30T15:59:59.999Z', last: '2026-06-10T02:00:00.000Z', days: 20, stale: true, published: 1 },
    // The current year to today: judged at the clock.
    { name: 'the year to date', to: '2026-11-27', asOf: NOW.toISOString(), last: '2026-11-20T02:00:00.000Z', days: 7, stale: false, published: 2 },
    // A period ending after the clock is judged at the clock.
    { name: 'a period ending after today', to: '2026-12-31', asOf: NOW.toISOString(), last: '2026-11-20T02:00:00.000Z', days: 7, stale: false, published: 2 },
  ])('$name', ({ to, asOf, last, days, stale, published }) => {
    const m = report({ from: '2026-01-01', to });
    const s = sub(m);
    const news = s.columns.find((c) => c.id === 'gzdt')!;
    expect(m.asOf).toBe(asOf);
    expect([news.published, news.lastUpdate, news.daysSince, news.stale]).toEqual([published, last, days, stale]);
    // The consultations of August are after the half-year too: the site's last update is the June news.
    expect([s.lastUpdate, s.daysSince, s.homeStale]).toEqual([last, days, stale]);
    // Nothing in the Q&A column was on the site by 30 June; in November the taken-down and online answers were (or had been).
    expect(s.blankColumns.includes('nszx')).toBe(to === '2026-06-30');
  });
});

describe('the predicates', () => {
  const fm = (o: Record<string, string>) => ({ title: 't', date: '2026-03-01T10:00:00+08:00', author: 'a', department: 'bgs', disclosure: '主动公开', ...o }) as NonNullable<PlanEntry['frontMatter']>;
  const e = (status: PlanEntry['status'], front: Record<string, string>, extra: { findings?: PlanEntry['findings']; approvedAt?: string } = {}): PlanEntry => ({ path: 'p', site: SUB, column: 'gzdt', slug: 's', format: 'md', status, findings: [], assets: [], frontMatter: fm(front), ...extra });
  const pendingFinding = { rule: 'approval-pending', severity: 'info', file: 'p', message: 'm' } as unknown as PlanEntry['findings'][number];
  const MAY = Date.parse('2026-05-01T00:00:00+08:00');
  const JULY = Date.parse('2026-07-01T00:00:00+08:00');
  test.for([
    { name: 'publishable', entry: e('publishable', {}), was: true, may: true, july: true },
    { name: 'taken down in June', entry: e('unpublished', { unpublishAt: '2026-06-01T00:00:00+08:00' }), was: true, may: true, july: false },
    { name: 'taken down in June, but awaiting approval all along', entry: e('unpublished', { unpublishAt: '2026-06-01T00:00:00+08:00' }, { findings: [pendingFinding] }), was: false, may: false, july: false },
    { name: 'taken down in June, approved only after that', entry: e('unpublished', { unpublishAt: '2026-06-01T00:00:00+08:00' }, { approvedAt: '2026-06-15T00:00:00+08:00' }), was: false, may: false, july: false },
    { name: 'embargoed past its take-down', entry: e('unpublished', { publishAt: '2026-06-02T00:00:00+08:00', unpublishAt: '2026-06-01T00:00:00+08:00' }), was: false, may: false, july: false },
    { name: 'withdrawn', entry: e('withdrawn', {}), was: false, may: false, july: false },
    { name: 'pending', entry: e('pending', {}), was: false, may: false, july: false },
  ])('$name', ({ entry: x, was, may, july }) => {
    expect(wasOnSite(x)).toBe(was);
    expect([onSiteAt(x, MAY), onSiteAt(x, JULY)]).toEqual([may, july]);
  });

  test.for([
    { now: '2026-11-27T12:00:00+08:00', to: '2026-06-30', asOf: '2026-06-30T23:59:59.999+08:00' },
    { now: '2026-11-27T12:00:00+08:00', to: '2026-11-27', asOf: '2026-11-27T12:00:00+08:00' },
    { now: '2026-11-27T12:00:00+08:00', to: '2026-12-31', asOf: '2026-11-27T12:00:00+08:00' },
  ])('as of: now $now, to $to', ({ now, to, asOf }) => {
    expect(reportAsOf(Date.parse(now), to)).toBe(Date.parse(asOf));
  });
});
