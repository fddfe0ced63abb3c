/**
 * A report over a generated history: three sites, entries with known ages,
 * consultations with known reply times, adoptions, refusals, an unanswered
 * question, commits at known times in a real git repository and approvals
 * signed for real. Every figure is checked against a count made here from the
 * generator's own record, not with the report's functions.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { signDemoApprovals, writeDemoTrust } from '../../pipeline/demo/index.ts';
import { buildReport, loadHistory, type ReportModel } from '../../pipeline/report/index.ts';
import { APPROVED_AT, entry, fixtureGroupPki, MAIN, makeRepo, NOW, SUB, type TestRepo } from '../helpers/repo.ts';

const SUB2 = '19902000000';
const SUB2_YAML = `code: "${SUB2}"
name: 测试二市税务局
kind: sub
siteIdCode: "9902000003"
icp: 示ICP备00000001号-3
psb: 示公网安备 99020000000003号
columns: [tzgg, zcwj, nszx, gzdt]
departments:
  - { id: bgs, name: 办公室 }
administrators:
  - { name: 赵敏, appointed: "2025-05-06", filed: "2025-05-20" }
`;
const COLUMNS: Record<string, { type: 'news' | 'notice' | 'guide' | 'qa'; sites: string[] }> = {
  tzgg: { type: 'notice', sites: [MAIN, SUB, SUB2] },
  zcwj: { type: 'notice', sites: [MAIN, SUB2] },
  bszn: { type: 'guide', sites: [MAIN, SUB] },
  nszx: { type: 'qa', sites: [MAIN, SUB, SUB2] },
  gzdt: { type: 'news', sites: [MAIN, SUB, SUB2] },
};
/** Days from the last update at which each type turns stale (more than 14 days, 6 months = 184 days before 2026-11-27, 12 months = 365, 3 months = 92). */
const STALE_AFTER = { news: 14, notice: 184, guide: 365, qa: 92 } as const;
const DAY = 86_400_000;
const TODAY = Date.UTC(2026, 10, 27);
const PERIOD = { from: '2026-03-01', to: '2026-11-27' };
/** Days from 2026-03-01 to 2026-11-27: entries at most this old are in the period. */
const PERIOD_DAYS = (TODAY - Date.UTC(2026, 2, 1)) / DAY;
const REPLY_DAYS = [0.5, 2.5, 6, 20, 45, 85, 100, 130];
const COMMITS = { A: '2026-09-01T10:00:00+08:00', B: '2026-10-10T10:00:00+08:00', C: '2026-10-25T10:00:00+08:00' } as const;

interface Gen {
  path: string;
  site: string;
  column: string;
  /** Days before 2026-11-27. */
  age: number;
  status: 'publishable' | 'pending' | 'refused';
  rule?: string;
  adopt: boolean;
  reply?: number;
  /** Days before 2026-11-27 the question was asked (China date). */
  askedAge?: number;
  commit?: keyof typeof COMMITS;
}

const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const china = (ms: number) => `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;

function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function generate(repo: TestRepo): Gen[] {
  const rand = rng(42);
  const gens: Gen[] = [];
  let n = 0;
  const unansweredPath = `content/${SUB}/nszx/q-unanswered.md`;
  for (const [column, { type, sites }] of Object.entries(COLUMNS)) {
    for (const site of sites) {
      // One column per site left empty on purpose (the main site's still carries adopted entries), the others with 2-7 entries.
      const blank = (site === MAIN && column === 'bszn') || (site === SUB && column === 'tzgg') || (site === SUB2 && column === 'zcwj');
      const count = blank ? 0 : 2 + Math.floor(rand() * 6);
      for (let i = 0; i < count; i++, n++) {
        const age = Math.floor(rand() * (type === 'news' ? 40 : 420));
        const roll = rand();
        const g: Gen = { path: `content/${site}/${column}/e-${n}.md`, site, column, age, status: 'publishable', adopt: site !== MAIN && rand() < 0.4 };
        const fields: Record<string, string> = { date: ymd(TODAY - age * DAY) };
        if (roll < 0.08) {
          g.status = 'refused';
          g.rule = 'department-unknown';
          fields.department = 'nope';
        } else if (roll < 0.14) {
          g.status = 'refused';
          g.rule = 'disclosure-withheld';
          fields.disclosure = '不予公开';
        }
        if (g.adopt) fields.adopt = 'true';
        if (type === 'qa') {
          g.reply = REPLY_DAYS[n % REPLY_DAYS.length]!;
          const answered = Date.parse(`${fields.date}T10:00:00+08:00`);
          const asked = answered - g.reply * DAY;
          g.askedAge = (TODAY - Date.parse(`${ymd(asked + 8 * 3600_000)}T00:00:00Z`)) / DAY;
          fields.qa = `  question: 问题${n}？\n  askedAt: ${china(asked)}\n  answeredAt: ${china(answered)}`;
        }
        if (n % 7 !== 0) g.commit = (['A', 'B', 'C'] as const)[n % 3]!;
        gens.push(g);
        repo.write(g.path, entry(fields));
      }
    }
  }
  // A consultation asked 150 days ago whose answer is held back (never approved): unanswered past the limit.
  const asked = TODAY + 2 * 3600_000 - 150 * DAY;
  gens.push({ path: unansweredPath, site: SUB, column: 'nszx', age: 140, status: 'pending', adopt: false, reply: 10, askedAge: 150, commit: 'A' });
  repo.write(unansweredPath, entry({ date: ymd(TODAY - 140 * DAY), qa: `  question: 未答复的问题？\n  askedAt: ${china(asked)}\n  answeredAt: ${china(asked + 10 * DAY)}` }));
  return gens;
}

function git(root: string, args: string[], date?: string) {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid', ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) };
  execFileSync('git', ['-C', root, '-c', 'commit.gpgsign=false', ...args], { env, stdio: 'pipe' });
}

/** Nearest-rank percentile, one decimal, as the report defines it. */
function rank(values: number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.ceil(p * s.length) - 1]! * 10) / 10;
}

let repo: TestRepo;
let gens: Gen[];
let report: ReportModel;

beforeAll(async () => {
  repo = makeRepo({ [`sites/${SUB2}/site.yaml`]: SUB2_YAML });
  gens = generate(repo);
  const pki = await fixtureGroupPki(repo.root);
  writeDemoTrust(repo.root, pki);
  const first = await runGate({ root: repo.root, now: NOW, cache: false });
  if (!first.ok) throw new Error(JSON.stringify(first.configDiagnostics));
  // The holds type is the demo's literal paths (DEMO_HOLDS is `as const`); any path works at run time.
  const holds = { unapproved: `content/${SUB}/nszx/q-unanswered.md` } as unknown as Parameters<typeof signDemoApprovals>[5];
  signDemoApprovals(repo.root, pki, first.group, first.plan, APPROVED_AT, holds);
  git(repo.root, ['init', '-q']);
  for (const c of ['A', 'B', 'C'] as const) {
    const paths = gens.filter((g) => g.commit === c).map((g) => g.path);
    git(repo.root, ['add', '--', ...paths]);
    git(repo.root, ['commit', '-q', '-m', `commit ${c}`], COMMITS[c]);
  }
  const gate = await runGate({ root: repo.root, now: NOW, cache: false });
  if (!gate.ok) throw new Error('config');
  // The generator's statuses must be what the gate decides, or the expectations below mean nothing.
  expect(gate.plan.entries.map((e) => [e.path, e.status]).sort()).toEqual(gens.map((g) => [g.path, g.status]).sort());
  const history = await loadHistory(repo.root, gate.plan);
  report = buildReport({ group: gate.group, plan: gate.plan, now: NOW, period: PERIOD, history });
}, 120_000);
afterAll(() => repo?.cleanup());

const SITES = [MAIN, SUB, SUB2];
const site = (code: string) => report.sites.find((s) => s.code === code)!;
const published = (g: Gen) => g.status === 'publishable';
const inPeriod = (g: Gen) => g.age <= PERIOD_DAYS;

describe('generated history', () => {
  test('the generator covers every case', () => {
    expect(gens.length).toBeGreaterThan(30);
    expect(gens.some((g) => g.status === 'refused')).toBe(true);
    expect(gens.some((g) => g.adopt && published(g))).toBe(true);
    expect(gens.some((g) => published(g) && !inPeriod(g))).toBe(true);
    expect(gens.some((g) => g.commit === undefined && published(g))).toBe(true);
  });

  test.for(SITES)('columns of %s: published, last update, stale, blank', (code) => {
    for (const c of site(code).columns) {
      const own = gens.filter((g) => g.site === code && g.column === c.id && published(g));
      const carried = code === MAIN ? gens.filter((g) => g.site !== MAIN && g.column === c.id && g.adopt && published(g)) : [];
      const ages = [...own, ...carried].map((g) => g.age);
      const last = ages.length ? Math.min(...ages) : undefined;
      expect({ column: c.id, published: c.published, adopted: c.adopted, daysSince: c.daysSince, blank: c.blank, stale: c.stale }).toEqual({
        column: c.id,
        published: own.filter(inPeriod).length,
        adopted: carried.filter(inPeriod).length,
        daysSince: last,
        blank: last === undefined,
        stale: last !== undefined && last > STALE_AFTER[COLUMNS[c.id]!.type],
      });
    }
  });

  test.for(SITES)('site %s: published, home page', (code) => {
    const s = site(code);
    const mine = gens.filter((g) => g.site === code && published(g));
    const carried = code === MAIN ? gens.filter((g) => g.site !== MAIN && g.adopt && published(g)) : [];
    const last = Math.min(...[...mine, ...carried].map((g) => g.age));
    expect(s.published).toBe(mine.filter(inPeriod).length);
    expect(s.daysSince).toBe(last);
    expect(s.homeStale).toBe(last > 14);
    const enabled = Object.keys(COLUMNS).filter((c) => COLUMNS[c]!.sites.includes(code));
    expect(s.blankColumns).toEqual(enabled.filter((c) => ![...mine, ...carried].some((g) => g.column === c)));
    expect(s.staleColumns).toEqual(enabled.filter((c) => {
      const ages = [...mine, ...carried].filter((g) => g.column === c).map((g) => g.age);
      return ages.length > 0 && Math.min(...ages) > STALE_AFTER[COLUMNS[c]!.type];
    }));
  });

  test.for([SUB, SUB2])('adoption of %s', (code) => {
    const mine = gens.filter((g) => g.site === code && published(g) && inPeriod(g));
    const adopted = mine.filter((g) => g.adopt).length;
    expect(site(code).adoption).toEqual({ published: mine.length, offered: adopted, adopted, share: mine.length ? adopted / mine.length : 0, notCarried: [] });
    expect(site(MAIN).carried!.find((c) => c.site === code)!.adopted).toBe(adopted);
  });

  test.for(SITES)('consultations of %s: reply times and the late or unanswered ones', (code) => {
    const asked = gens.filter((g) => g.site === code && g.reply !== undefined && g.status !== 'refused' && g.askedAge! <= PERIOD_DAYS);
    const answered = asked.filter(published).map((g) => g.reply!);
    const r = site(code).replies;
    expect(r.asked).toBe(asked.length);
    expect(r.answered).toBe(answered.length);
    expect(r.distribution.medianDays).toBe(rank(answered, 0.5));
    expect(r.distribution.p90Days).toBe(rank(answered, 0.9));
    const bounds = [1, 3, 7, 30, 90, Infinity];
    expect(r.distribution.buckets.map((b) => b.count)).toEqual(bounds.map((b, i) => answered.filter((v) => v <= b && v > (bounds[i - 1] ?? -1)).length));
    const late = asked.filter((g) => g.reply! >= 100).map((g) => g.path);
    const unanswered = asked.filter((g) => !published(g) && g.askedAge! > 92).map((g) => g.path);
    expect(r.overLimit.map((c) => c.path).sort()).toEqual([...late, ...unanswered].sort());
    if (code === SUB) expect(r.overLimit.find((c) => c.path.endsWith('q-unanswered.md'))?.problem).toBe('unanswered');
  });

  test.for(SITES)('refusals of %s by rule', (code) => {
    const refused = gens.filter((g) => g.site === code && g.status === 'refused');
    const byRule = new Map<string, number>();
    for (const g of refused) byRule.set(g.rule!, (byRule.get(g.rule!) ?? 0) + 1);
    expect(site(code).refusals.total).toBe(refused.length);
    expect(Object.fromEntries(site(code).refusals.byRule.map((x) => [x.rule, x.entries]))).toEqual(Object.fromEntries(byRule));
  });

  test.for(SITES)('approval turnaround of %s, from git commit to the signature', (code) => {
    const mine = gens.filter((g) => g.site === code && published(g) && inPeriod(g));
    const approved = APPROVED_AT.getTime();
    const measured = mine.filter((g) => g.commit && Date.parse(COMMITS[g.commit]) <= approved).map((g) => (approved - Date.parse(COMMITS[g.commit!])) / DAY);
    const t = site(code).turnaround;
    expect(t.notCommitted).toBe(mine.filter((g) => !g.commit).length);
    expect(t.approvedBeforeCommit).toBe(mine.filter((g) => g.commit === 'C').length);
    expect(t.noApprovalTime).toBe(0);
    expect(t.distribution.count).toBe(measured.length);
    expect(t.distribution.medianDays).toBe(rank(measured, 0.5));
    expect(t.distribution.p90Days).toBe(rank(measured, 0.9));
  });
});
