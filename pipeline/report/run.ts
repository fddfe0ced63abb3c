/**
 * A report from a gate run that succeeded: the figures for a period, the
 * year's assessment when a sheet is given, and the output in one format. The
 * gate's column governance and administrator register are put in the report's
 * terms here. `sealpress report` and the review desk call it; printing and
 * writing the file are theirs.
 */
import type { Lang } from '../messages/text.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GateGovernance, GateResult } from '../gate/index.ts';
import { calendarSourceZh, missingYearNotice, type FilingRecord } from '../govern/index.ts';
import { assess, type AssessmentSheet } from './assessment.ts';
import { reportCsv } from './csv.ts';
import { buildReport } from './figures.ts';
import { loadHistory } from './history.ts';
import { renderReportHtml } from './html.ts';
import type { AdministratorFiling, ColumnChange, GovernanceInput, ReportModel } from './model.ts';

export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportRequest {
  root: string;
  /** The report's clock. */
  now: Date;
  /** The period, YYYY-MM-DD, both days included. */
  from: string;
  to: string;
  format: ReportFormat;
  sheet: AssessmentSheet | undefined;
  /** Only this site (the gate judged the whole group). */
  site: string | undefined;
  /** The HTML build's own cache; default a temporary folder, removed afterwards. */
  cacheDir?: string | undefined;
  /** Progress for a person (the HTML build takes a while). */
  note: (text: string) => void;
  /** The language of the model's words in JSON and CSV; the HTML page is always Chinese. */
  lang?: Lang;
}

/** The figures, the assessment and the output text, from a gate run that succeeded. */
export async function writeReport(gate: Extract<GateResult, { ok: true }>, r: ReportRequest): Promise<{ model: ReportModel; text: string }> {
  const { root, now, from, to, format, sheet, site } = r;
  const history = await loadHistory(root, gate.plan);
  // The page is Chinese; JSON and CSV follow the run's language.
  const lang = format === 'html' ? 'zh' : (r.lang ?? 'zh');
  const model = buildReport({
    governance: governanceInput(gate.governance),
    group: gate.group,
    plan: gate.plan,
    now,
    period: { from, to },
    history,
    lang,
    ...(sheet ? { thresholds: sheet.thresholds } : {}),
    ...(site !== undefined ? { site } : {}),
  });
  if (sheet) model.assessment = assess(sheet, model, lang);

  if (format === 'json') return { model, text: `${JSON.stringify(model, null, 2)}\n` };
  if (format === 'csv') return { model, text: reportCsv(model) };
  const own = r.cacheDir === undefined;
  const cacheDir = own ? mkdtempSync(join(tmpdir(), 'sealpress-report-')) : resolve(r.cacheDir!);
  r.note('building the report page (astro build)…');
  try {
    return { model, text: await renderReportHtml(model, { root: resolveSourceRoot(), cacheDir }) };
  } finally {
    if (own) rmSync(cacheDir, { recursive: true, force: true });
  }
}

/** The report page's sources (src-report/, node_modules) belong to sealpress, not to the content repository. */
function resolveSourceRoot(): string {
  return fileURLToPath(new URL('../..', import.meta.url));
}

/** The gate's column governance and administrator register, in the report's terms. */
export function governanceInput(g: GateGovernance): GovernanceInput {
  const columnChanges: ColumnChange[] = [];
  for (const site of g.columns.values()) {
    const add = (column: string, change: ColumnChange['change'], request: string | undefined) =>
      columnChanges.push({ site: site.site, column, change, approved: request !== undefined, ...(request ? { request } : {}) });
    for (const a of site.added) add(a.column.id, 'add', a.request);
    for (const d of site.dropped) add(d.column, 'drop', d.request);
    for (const r of site.renamed) add(r.column, 'rename', r.request);
  }
  // Appointments are reported once filed or overdue. One whose status depends on days the calendar does not cover is
  // reported too, with no `late`, so the late-filing figure is unavailable (the assessment is incomplete), never a silent 0.
  const administratorFilings: AdministratorFiling[] = g.administrators
    .filter((a) => a.status !== 'pending')
    .map((a) => ({
      site: a.site,
      administrator: a.name,
      appointed: a.appointed,
      filed: a.filed ?? '',
      ...(a.workingDays !== undefined ? { workingDays: a.workingDays } : {}),
      ...(a.countedThrough !== undefined ? { countedThrough: a.countedThrough } : {}),
      ...(a.status === 'unknown' ? unknownFiling(a) : { late: a.status === 'late' || a.status === 'overdue' }),
    }));
  return { administratorFilings, columnChanges, calendar: calendarSourceZh(g.calendar) };
}

/** Why a filing's lateness is unknown, in the report's language: the missing year and the file to add, for the office. */
function unknownFiling(a: FilingRecord): Pick<AdministratorFiling, 'problem' | 'missingYear' | 'calendarFile'> {
  const gap = a.calendarGap;
  if (!gap) return { problem: `无法计算工作日：${a.problemZh ?? a.problem ?? '日期有误'}` };
  return { problem: missingYearNotice(gap.year, gap.invalid ? gap.file : undefined), missingYear: gap.year, calendarFile: gap.file };
}
