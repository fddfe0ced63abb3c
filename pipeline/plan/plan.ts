/**
 * The plan: each entry is `publishable`, `pending` (nothing wrong, but embargoed
 * or awaiting approval), `refused` (a finding), or `unpublished` (its take-down
 * date has passed). The plan is the renderer's only input. Pure: the clock is an
 * argument, fixed once per run.
 */
import { diagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics/index.ts';
import type { EntryStatus, FrontMatter } from '../model/index.ts';
import { epoch } from '../util/dates.ts';
import type { Lang } from '../messages/text.ts';
import type { EntryAsset, ValidatedEntry } from '../validate/index.ts';

export const PLAN_VERSION = 1;

export interface PlanEntry {
  path: string;
  site: string;
  column: string;
  slug: string;
  format: 'md' | 'mdx';
  /** SHA-256 of the entry file; absent when it could not be read. */
  digest?: string;
  status: EntryStatus;
  findings: Diagnostic[];
  frontMatter?: FrontMatter;
  body?: string;
  assets: EntryAsset[];
  /** When publishable under verified approvals: the approval records that made it so, with their digests (a release lists them). */
  approvals?: ApprovalRecordRef[];
  /** When publishable (or taken down by date) under verified approvals: when the last approval that counted was signed (ISO). */
  approvedAt?: string;
}

export interface ApprovalRecordRef {
  /** Repo-relative record file. */
  file: string;
  /** SHA-256 of the record file's bytes as the gate verified them. */
  sha256: string;
}

export interface Plan {
  version: typeof PLAN_VERSION;
  /** The run's clock, ISO 8601. */
  now: string;
  /** Whether approvals were verified against the signed trust material, and how. */
  approvals: { verified: boolean; note: string; zh?: { note: string } };
  entries: PlanEntry[];
  /** Findings that concern no single entry (stray files, linked folders). */
  diagnostics: Diagnostic[];
}

/** How the plan learns an entry's approval state (pure: see approve/). */
export interface ApprovalJudge {
  verified: boolean;
  note: string;
  /** The note in Chinese (the English when absent). */
  zh?: { note: string };
  /** Called for each entry that passed validation. */
  judge(entry: ValidatedEntry & { frontMatter: FrontMatter; digest: string }): { status: 'approved' | 'pending' | 'refused' | 'withdrawn'; findings: Diagnostic[]; records?: ApprovalRecordRef[]; approvedAt?: string };
}

const UNVERIFIED: ApprovalJudge = {
  verified: false,
  note: 'approval records are not verified; every entry that passes the other checks is publishable',
  zh: { note: '未核验审批记录；通过其他检查的条目均可发布' },
  judge: () => ({ status: 'approved', findings: [] }),
};

export function planEntries(validated: readonly ValidatedEntry[], groupDiagnostics: readonly Diagnostic[], now: Date, approvals: ApprovalJudge = UNVERIFIED): Plan {
  const t = now.getTime();
  const bySlug = new Map<string, ValidatedEntry[]>();
  for (const v of validated) {
    const key = `${v.site}/${v.column}/${v.slug}`;
    bySlug.set(key, [...(bySlug.get(key) ?? []), v]);
  }
  const entries = validated.map((v): PlanEntry => {
    const findings = [...v.findings];
    const twins = bySlug.get(`${v.site}/${v.column}/${v.slug}`) ?? [];
    if (twins.length > 1) {
      findings.push(
        diagnostic('slug-duplicate', 'error', v.path, undefined, { zh: `${twins.map((x) => x.path).join(' 和 ')} 将发布到同一网址`, en: `${twins.map((x) => x.path).join(' and ')} would publish at the same URL` }, {
          fix: { zh: '重命名或删除其中一个', en: 'rename or remove one of them' },
        }),
      );
    }
    const fm = v.frontMatter;
    let status: EntryStatus;
    const approval = hasErrors(findings) || !fm || v.body === undefined || v.digest === undefined ? undefined : approvals.judge({ ...v, frontMatter: fm, digest: v.digest });
    if (approval) findings.push(...approval.findings);
    if (!approval || approval.status === 'refused' || hasErrors(findings) || !fm) {
      status = 'refused';
    } else if (approval.status === 'withdrawn') {
      status = 'withdrawn';
    } else if (fm.unpublishAt && epoch(fm.unpublishAt) <= t) {
      status = 'unpublished';
      findings.push(diagnostic('unpublished', 'info', v.path, v.datePositions?.unpublishAt, { zh: `已从网站下线：下线时间 unpublishAt ${fm.unpublishAt} 已过`, en: `taken off the site: unpublishAt ${fm.unpublishAt} has passed` }, { fix: { zh: '如需重新发布，删除 unpublishAt（或改到更晚的时间）', en: 'remove unpublishAt (or move it later) to publish it again' } }));
    } else if (fm.publishAt && epoch(fm.publishAt) > t) {
      status = 'pending';
      findings.push(diagnostic('embargoed', 'info', v.path, v.datePositions?.publishAt, { zh: `定时发布：publishAt ${fm.publishAt} 之前不发布`, en: `embargoed until publishAt ${fm.publishAt}` }, { fix: { zh: '无需处理：到时后的第一次构建即会发布', en: 'nothing to do: it is published by the first build after that time' } }));
    } else if (epoch(fm.date) > t) {
      status = 'pending';
      findings.push(diagnostic('embargoed', 'info', v.path, v.datePositions?.date, { zh: `日期为 ${fm.date}，晚于当前时间：届时才发布`, en: `dated ${fm.date}, which is in the future: held back until then` }, { fix: { zh: '如日期有误，请更正', en: 'correct the date if it is a mistake' } }));
    } else if (approval.status === 'pending') {
      status = 'pending';
    } else {
      status = 'publishable';
    }
    const entry: PlanEntry = { path: v.path, site: v.site, column: v.column, slug: v.slug, format: v.format, status, findings: sortDiagnostics(findings), assets: v.assets };
    if (v.digest !== undefined) entry.digest = v.digest;
    if (fm) entry.frontMatter = fm;
    // A refused entry's body is dropped, except when only approvals of an earlier version hold it back: the review desk previews it.
    if (v.body !== undefined && (status !== 'refused' || (approval?.status === 'refused' && findings.every((f) => f.severity !== 'error' || f.rule === 'approval-stale')))) entry.body = v.body;
    if (status === 'publishable' && approval?.records) entry.approvals = approval.records;
    // Also for an entry taken down by its date: the reports ask whether it was ever on the site.
    if ((status === 'publishable' || status === 'unpublished') && approval?.approvedAt) entry.approvedAt = approval.approvedAt;
    return entry;
  });
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    version: PLAN_VERSION,
    now: now.toISOString(),
    approvals: { verified: approvals.verified, note: approvals.note, ...(approvals.zh ? { zh: approvals.zh } : {}) },
    entries,
    diagnostics: sortDiagnostics([...groupDiagnostics]),
  };
}

export function summarise(plan: Plan): Record<EntryStatus, number> {
  const counts: Record<EntryStatus, number> = { publishable: 0, pending: 0, refused: 0, unpublished: 0, withdrawn: 0 };
  for (const e of plan.entries) counts[e.status]++;
  return counts;
}

/** The counts per status, as every command says them: `3 publishable, 1 pending, 0 refused, 0 unpublished, 0 withdrawn`. */
export function countsText(c: Record<EntryStatus, number>, lang: Lang = 'en'): string {
  if (lang === 'zh') return `${STATUS_ZH.publishable} ${c.publishable}，${STATUS_ZH.pending} ${c.pending}，${STATUS_ZH.refused} ${c.refused}，${STATUS_ZH.unpublished} ${c.unpublished}，${STATUS_ZH.withdrawn} ${c.withdrawn}`;
  return `${c.publishable} publishable, ${c.pending} pending, ${c.refused} refused, ${c.unpublished} unpublished, ${c.withdrawn} withdrawn`;
}

/** An entry's status in Chinese (the status itself stays the ASCII word in JSON). */
export const STATUS_ZH: Record<EntryStatus, string> = { publishable: '可发布', pending: '待发布', refused: '不予发布', unpublished: '已下线', withdrawn: '已撤下' };

/** How approvals were checked, in a line: `approvals: …`, or `warning: …` when they were not verified. */
export function approvalsLine(plan: Plan, lang: Lang = 'en'): string {
  if (lang === 'zh') return `${plan.approvals.verified ? '审批' : '警告'}：${plan.approvals.zh?.note ?? plan.approvals.note}`;
  return `${plan.approvals.verified ? 'approvals' : 'warning'}: ${plan.approvals.note}`;
}

/** What a build leaves out and why (an entry's first finding that says it, else its status), then how approvals were checked. */
export function leftOutLines(plan: Plan, lang: Lang = 'en'): string[] {
  const lines = plan.entries
    .filter((e) => e.status !== 'publishable')
    .map((e) => {
      const why = e.findings.find((f) => f.severity !== 'info' || e.status !== 'refused')?.rule;
      return lang === 'zh' ? `未发布：${e.path}（${STATUS_ZH[e.status]}：${why ?? STATUS_ZH[e.status]}）` : `left out: ${e.path} (${e.status}: ${why ?? e.status})`;
    });
  return [...lines, approvalsLine(plan, lang)];
}
