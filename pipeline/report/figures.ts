/**
 * The report's figures, computed from the gate's plan. Pure: the plan, the
 * group, the history (commit and approval times, read at the edge) and the
 * clock in; the model out. One pass over the plan groups the entries.
 */
import { say, type Lang, type Text } from '../messages/text.ts';
import type { SiteGroup } from '../model/index.ts';
import type { Plan, PlanEntry } from '../plan/index.ts';
import { chinaDate, epoch } from '../util/dates.ts';
import {
  REPLY_BUCKETS,
  REPORT_VERSION,
  type AdoptionReport,
  type ColumnReport,
  type Consultation,
  type Distribution,
  type GovernanceInput,
  type ReportModel,
  type SiteReport,
  type TurnaroundReport,
} from './model.ts';
import { calendarDaysBetween, DEFAULT_THRESHOLDS, exceeds, type Thresholds } from './thresholds.ts';

const DAY_MS = 86_400_000;
const NOT_READ: Text = { zh: '未读取', en: 'not read' };

export interface History {
  /** Entry path → time (ms) of the commit that added it; undefined when git history is unavailable. */
  commits: ReadonlyMap<string, number> | undefined;
  gitNote: Text;
  /** Entry path → time (ms) of the last verified approval of its current bytes. */
  approvals: ReadonlyMap<string, number>;
  approvalsNote: Text;
}

export interface ReportInput {
  group: SiteGroup;
  plan: Plan;
  now: Date;
  /** Inclusive calendar dates, YYYY-MM-DD (China time). */
  period: { from: string; to: string };
  thresholds?: Thresholds;
  /** Report only this site (figures of the main site still count every sub-site it carries). */
  site?: string;
  history?: History;
  governance?: GovernanceInput;
  /** The language of the model's words (its sources); default Chinese, the report page's. */
  lang?: Lang;
}

/** When the entry appeared on the site: its date, or its embargo end if later. */
export function publishedAt(e: PlanEntry): number {
  const fm = e.frontMatter!;
  const date = epoch(fm.date);
  return fm.publishAt ? Math.max(date, epoch(fm.publishAt)) : date;
}

/**
 * Whether the entry was on the site at all: publishable now, or taken down by
 * its unpublishAt after being online. The plan marks an entry `unpublished`
 * once the date passes before it looks at approvals, so one that was still
 * awaiting approval or a writer's submission then (an approval-pending or
 * submission-pending finding), or whose take-down
 * came before its publication, never was online. A withdrawn entry is not
 * counted: a signed withdrawal retracts it, and the plan does not say whether
 * it was online before.
 */
export function wasOnSite(e: PlanEntry): boolean {
  if (e.status === 'publishable') return true;
  if (e.status !== 'unpublished' || !e.frontMatter?.unpublishAt) return false;
  if (e.findings.some((f) => f.rule === 'approval-pending' || f.rule === 'submission-pending')) return false;
  const until = epoch(e.frontMatter.unpublishAt);
  if (e.approvedAt !== undefined && epoch(e.approvedAt) >= until) return false;
  return publishedAt(e) < until;
}

/**
 * Whether the entry was on the site at instant t: published by then and not
 * yet taken down. A report for a past period judges staleness at the end of
 * that period, when an entry removed since was still there.
 */
export function onSiteAt(e: PlanEntry, t: number): boolean {
  if (!wasOnSite(e) || publishedAt(e) > t) return false;
  const until = e.frontMatter?.unpublishAt;
  return until === undefined || epoch(until) > t;
}

/** The instant a report judges staleness at: the end of its --to day (China time), or its clock if earlier. */
export function reportAsOf(now: number, to: string): number {
  return Math.min(now, epoch(`${to}T00:00:00+08:00`) + DAY_MS - 1);
}

/**
 * Whether the main site carries this sub-site entry: the same decision as
 * stage/bundleSite makes for a published build (publishable, `adopt: true`,
 * from a sub-site, in a column the main site has).
 */
export function carriedByMain(e: PlanEntry, group: SiteGroup): boolean {
  if (e.status !== 'publishable' || !e.frontMatter?.adopt) return false;
  const origin = group.sites.get(e.site);
  const main = group.sites.get(group.main);
  return origin?.kind === 'sub' && main !== undefined && main.columns.includes(e.column);
}

/** Nearest-rank percentile (p in 0..1) of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const labels = [...REPLY_BUCKETS.map((b) => `≤${b} 天`), `>${REPLY_BUCKETS[REPLY_BUCKETS.length - 1]} 天`];
  const buckets = labels.map((label) => ({ label, count: 0 }));
  for (const v of sorted) {
    const i = REPLY_BUCKETS.findIndex((b) => v <= b);
    buckets[i === -1 ? REPLY_BUCKETS.length : i]!.count++;
  }
  const d: Distribution = { count: sorted.length, buckets };
  if (sorted.length > 0) {
    d.medianDays = round1(percentile(sorted, 0.5));
    d.p90Days = round1(percentile(sorted, 0.9));
    d.maxDays = round1(sorted[sorted.length - 1]!);
  }
  return d;
}

interface Bucket {
  /** Every entry of the site with front matter, by column. */
  byColumn: Map<string, PlanEntry[]>;
  all: PlanEntry[];
}

export function buildReport(input: ReportInput): ReportModel {
  const { group, plan, period } = input;
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const now = input.now.getTime();
  // Staleness, blank columns and days since the last update are judged at the period's end, not today:
  // a report for the first half of the year must not be cleared by what was published in November.
  const asOf = reportAsOf(now, period.to);
  const inPeriod = (t: number) => {
    const d = chinaDate(t);
    return d >= period.from && d <= period.to;
  };

  const bySite = new Map<string, Bucket>();
  for (const code of group.sites.keys()) bySite.set(code, { byColumn: new Map(), all: [] });
  const carried: PlanEntry[] = [];
  for (const e of plan.entries) {
    const b = bySite.get(e.site);
    if (!b) continue;
    b.all.push(e);
    const list = b.byColumn.get(e.column);
    if (list) list.push(e);
    else b.byColumn.set(e.column, [e]);
    if (carriedByMain(e, group)) carried.push(e);
  }

  const sites: SiteReport[] = [];
  for (const site of group.sites.values()) {
    if (input.site !== undefined && site.code !== input.site) continue;
    const b = bySite.get(site.code)!;
    const isMain = site.code === group.main;
    const mine = carried.filter(() => isMain);

    let siteLast: number | undefined;
    const columns: ColumnReport[] = site.columns.flatMap((id): ColumnReport[] => {
      const column = group.columns.get(id);
      if (!column) return [];
      const entries = b.byColumn.get(id) ?? [];
      const own = entries.filter((e) => e.status === 'publishable');
      const adopted = mine.filter((e) => e.column === id);
      let last: number | undefined;
      for (const e of [...entries, ...adopted]) {
        if (!onSiteAt(e, asOf)) continue;
        const t = publishedAt(e);
        if (last === undefined || t > last) last = t;
      }
      if (last !== undefined && (siteLast === undefined || last > siteLast)) siteLast = last;
      const threshold = thresholds.columns[column.type];
      const r: ColumnReport = {
        id,
        name: column.name,
        type: column.type,
        published: own.filter((e) => inPeriod(publishedAt(e))).length,
        adopted: adopted.filter((e) => inPeriod(publishedAt(e))).length,
        blank: last === undefined,
        stale: last !== undefined && exceeds(last, asOf, threshold),
        threshold,
      };
      if (last !== undefined) {
        r.lastUpdate = new Date(last).toISOString();
        r.daysSince = calendarDaysBetween(last, asOf);
      }
      return [r];
    });

    const publishable = b.all.filter((e) => e.status === 'publishable');
    const published = publishable.filter((e) => inPeriod(publishedAt(e)));
    const report: SiteReport = {
      code: site.code,
      name: site.name,
      kind: site.kind,
      published: published.length,
      homeStale: siteLast === undefined || exceeds(siteLast, asOf, thresholds.home),
      columns,
      staleColumns: columns.filter((c) => c.stale).map((c) => c.id),
      blankColumns: columns.filter((c) => c.blank).map((c) => c.id),
      replies: replies(b.all, group, thresholds, now, inPeriod),
      refusals: refusals(b.all),
      turnaround: turnaround(published, input.history),
    };
    if (siteLast !== undefined) {
      report.lastUpdate = new Date(siteLast).toISOString();
      report.daysSince = calendarDaysBetween(siteLast, asOf);
    }
    if (site.kind === 'sub') report.adoption = adoption(published, group);
    if (isMain) {
      const counts = new Map<string, number>();
      for (const e of mine) if (inPeriod(publishedAt(e))) counts.set(e.site, (counts.get(e.site) ?? 0) + 1);
      report.carried = [...group.sites.values()].filter((s) => s.kind === 'sub').map((s) => ({ site: s.code, name: s.name, adopted: counts.get(s.code) ?? 0 }));
    }
    sites.push(report);
  }

  const gov = input.governance ?? {};
  const lang = input.lang ?? 'zh';
  // A report for one site shows that site's filings and column changes only.
  const ofSite = <T extends { site: string }>(items: T[]): T[] => (input.site === undefined ? items : items.filter((i) => i.site === input.site));
  return {
    version: REPORT_VERSION,
    group: group.name,
    generatedAt: input.now.toISOString(),
    asOf: new Date(asOf).toISOString(),
    period: { ...period },
    thresholds,
    sources: { git: say(input.history?.gitNote ?? NOT_READ, lang), approvals: say(input.history?.approvalsNote ?? NOT_READ, lang), ...(gov.calendar !== undefined ? { calendar: gov.calendar } : {}) },
    sites,
    governance: {
      administratorFilings: gov.administratorFilings ? { provided: true, items: ofSite(gov.administratorFilings) } : { provided: false },
      columnChanges: gov.columnChanges ? { provided: true, items: ofSite(gov.columnChanges) } : { provided: false },
    },
  };
}

function adoption(published: readonly PlanEntry[], group: SiteGroup): AdoptionReport {
  const offered = published.filter((e) => e.frontMatter?.adopt);
  const adopted = offered.filter((e) => carriedByMain(e, group));
  return {
    published: published.length,
    offered: offered.length,
    adopted: adopted.length,
    share: published.length === 0 ? 0 : adopted.length / published.length,
    notCarried: offered.filter((e) => !carriedByMain(e, group)).map((e) => e.path),
  };
}

/**
 * Consultations: Q&A entries whose front matter was read and that are not
 * refused (a refused entry's dates are not trusted), asked in the period. A
 * consultation is answered on the site when its entry was published there,
 * even if it has since been taken down by its unpublishAt (wasOnSite); one
 * never online (pending, withdrawn, taken down before approval) is not
 * answered. Listed: every one answered more than the reply limit after the
 * question, and every one whose answer never reached the site when the limit
 * has passed.
 */
function replies(all: readonly PlanEntry[], group: SiteGroup, thresholds: Thresholds, now: number, inPeriod: (t: number) => boolean): SiteReport['replies'] {
  const asked: Consultation[] = [];
  const onSite = new Set<Consultation>();
  for (const e of all) {
    const qa = e.frontMatter?.qa;
    if (!qa || e.status === 'refused' || group.columns.get(e.column)?.type !== 'qa') continue;
    const askedMs = epoch(qa.askedAt);
    if (!inPeriod(askedMs)) continue;
    const answeredMs = epoch(qa.answeredAt);
    const c: Consultation = {
      path: e.path,
      title: e.frontMatter!.title,
      question: qa.question,
      askedAt: qa.askedAt,
      answeredAt: qa.answeredAt,
      replyDays: round1((answeredMs - askedMs) / DAY_MS),
      status: e.status,
    };
    const answered = wasOnSite(e);
    if (answered) onSite.add(c);
    if (exceeds(askedMs, answeredMs, thresholds.reply)) c.problem = 'answered-late';
    else if (!answered && exceeds(askedMs, now, thresholds.reply)) c.problem = 'unanswered';
    asked.push(c);
  }
  const answered = asked.filter((c) => onSite.has(c));
  return {
    asked: asked.length,
    answered: answered.length,
    distribution: distribution(answered.map((c) => c.replyDays)),
    overLimit: asked.filter((c) => c.problem !== undefined).sort((a, b) => (a.askedAt < b.askedAt ? -1 : 1)),
    awaiting: asked.filter((c) => !onSite.has(c)).map((c) => ({ ...c, waitingDays: calendarDaysBetween(epoch(c.askedAt), now) })),
  };
}

function refusals(all: readonly PlanEntry[]): SiteReport['refusals'] {
  const counts = new Map<string, number>();
  let total = 0;
  for (const e of all) {
    if (e.status !== 'refused') continue;
    total++;
    const rules = new Set(e.findings.filter((f) => f.severity === 'error').map((f) => f.rule));
    for (const r of rules) counts.set(r, (counts.get(r) ?? 0) + 1);
  }
  const byRule = [...counts].map(([rule, entries]) => ({ rule, entries })).sort((a, b) => b.entries - a.entries || (a.rule < b.rule ? -1 : 1));
  return { total, byRule };
}

function turnaround(published: readonly PlanEntry[], history: History | undefined): TurnaroundReport {
  const days: number[] = [];
  const r: TurnaroundReport = { distribution: distribution([]), notCommitted: 0, noApprovalTime: 0, approvedBeforeCommit: 0 };
  for (const e of published) {
    const committed = history?.commits?.get(e.path);
    const approved = history?.approvals.get(e.path);
    if (committed === undefined) r.notCommitted++;
    else if (approved === undefined) r.noApprovalTime++;
    else if (approved < committed) r.approvedBeforeCommit++;
    else days.push((approved - committed) / DAY_MS);
  }
  r.distribution = distribution(days);
  return r;
}
