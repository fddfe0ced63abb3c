/**
 * The report as CSV: one table with a `section` column, one figure per row
 * (section, site, column, item, figure, value), so every section shares the
 * same columns and a spreadsheet can filter or pivot it. RFC 4180: CRLF line
 * ends, fields with a comma, quote, CR or LF quoted, quotes doubled.
 *
 * Text that starts with = + - @ (or a tab or CR) is prefixed with ' so that a
 * spreadsheet shows it instead of running it as a formula (CSV injection,
 * OWASP): titles and questions come from writers and the public.
 */
import type { ReportModel } from './model.ts';

export const CSV_HEADER = ['section', 'site', 'site_name', 'column', 'item', 'figure', 'value'] as const;

type Cell = string | number | boolean | undefined;

export function csvCell(value: Cell): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(cells: readonly Cell[]): string {
  return cells.map(csvCell).join(',');
}

export function reportCsv(report: ReportModel): string {
  const rows: Cell[][] = [[...CSV_HEADER]];
  const add = (section: string, site: { code: string; name: string } | undefined, column: string | undefined, item: string | undefined, figure: string, value: Cell) =>
    rows.push([section, site?.code, site?.name, column, item, figure, value]);
  add('report', undefined, undefined, undefined, 'period_from', report.period.from);
  add('report', undefined, undefined, undefined, 'period_to', report.period.to);
  add('report', undefined, undefined, undefined, 'generated_at', report.generatedAt);
  add('report', undefined, undefined, undefined, 'as_of', report.asOf);
  for (const s of report.sites) {
    add('site', s, undefined, undefined, 'published', s.published);
    add('site', s, undefined, undefined, 'last_update', s.lastUpdate);
    add('site', s, undefined, undefined, 'days_since', s.daysSince);
    add('site', s, undefined, undefined, 'home_stale', s.homeStale);
    add('site', s, undefined, undefined, 'stale_columns', s.staleColumns.length);
    add('site', s, undefined, undefined, 'blank_columns', s.blankColumns.length);
    for (const c of s.columns) {
      add('columns', s, c.id, c.name, 'published', c.published);
      if (s.kind === 'main') add('columns', s, c.id, c.name, 'adopted', c.adopted);
      add('columns', s, c.id, c.name, 'last_update', c.lastUpdate);
      add('columns', s, c.id, c.name, 'days_since', c.daysSince);
      add('columns', s, c.id, c.name, 'stale', c.stale);
      add('columns', s, c.id, c.name, 'blank', c.blank);
    }
    if (s.adoption) {
      for (const k of ['published', 'offered', 'adopted', 'share'] as const) add('adoption', s, undefined, undefined, k, s.adoption[k]);
      for (const p of s.adoption.notCarried) add('adoption', s, undefined, p, 'not_carried', 1);
    }
    for (const c of s.carried ?? []) add('adoption', s, undefined, c.site, 'carried_from', c.adopted);
    add('replies', s, undefined, undefined, 'asked', s.replies.asked);
    add('replies', s, undefined, undefined, 'answered', s.replies.answered);
    add('replies', s, undefined, undefined, 'median_days', s.replies.distribution.medianDays);
    add('replies', s, undefined, undefined, 'p90_days', s.replies.distribution.p90Days);
    for (const b of s.replies.distribution.buckets) add('replies', s, undefined, b.label, 'bucket', b.count);
    for (const c of s.replies.overLimit) add('replies_over_limit', s, undefined, c.path, c.problem ?? '', `${c.question} (asked ${c.askedAt}, answered ${c.answeredAt}, ${c.replyDays} d)`);
    add('refusals', s, undefined, undefined, 'total', s.refusals.total);
    for (const r of s.refusals.byRule) add('refusals', s, undefined, r.rule, 'entries', r.entries);
    const t = s.turnaround;
    add('turnaround', s, undefined, undefined, 'measured', t.distribution.count);
    add('turnaround', s, undefined, undefined, 'median_days', t.distribution.medianDays);
    add('turnaround', s, undefined, undefined, 'p90_days', t.distribution.p90Days);
    add('turnaround', s, undefined, undefined, 'not_committed', t.notCommitted);
    add('turnaround', s, undefined, undefined, 'no_approval_time', t.noApprovalTime);
    add('turnaround', s, undefined, undefined, 'approved_before_commit', t.approvedBeforeCommit);
  }
  const g = report.governance;
  if (g.administratorFilings.provided) {
    for (const f of g.administratorFilings.items) {
      rows.push(['administrator_filings', f.site, undefined, undefined, f.administrator, 'working_days', f.workingDays]);
      if (f.countedThrough !== undefined) rows.push(['administrator_filings', f.site, undefined, undefined, f.administrator, 'counted_through', f.countedThrough]);
      // Empty when unknown: a spreadsheet must not read an uncountable filing as on time.
      rows.push(['administrator_filings', f.site, undefined, undefined, f.administrator, 'late', f.late]);
      if (f.missingYear !== undefined) rows.push(['administrator_filings', f.site, undefined, undefined, f.administrator, 'missing_year', f.missingYear]);
      if (f.problem !== undefined) rows.push(['administrator_filings', f.site, undefined, undefined, f.administrator, 'problem', f.problem]);
    }
  }
  if (g.columnChanges.provided) for (const c of g.columnChanges.items) rows.push(['column_changes', c.site, undefined, c.column, c.change, 'approved', c.approved]);
  for (const a of report.assessment?.sites ?? []) {
    const site = { code: a.site, name: a.name };
    add('assessment', site, undefined, undefined, 'score', a.score);
    add('assessment', site, undefined, undefined, 'result', a.result);
    for (const i of a.indicators) add('assessment', site, undefined, i.id, 'indicator_score', i.score);
    for (const v of a.vetoes) add('assessment', site, undefined, v.id, 'vetoed', v.vetoed);
  }
  return rows.map(csvRow).join('\r\n') + '\r\n';
}
