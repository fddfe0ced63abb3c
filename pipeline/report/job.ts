/**
 * `report` as one call: the assessment sheet, the gate run, the report, and
 * the gate run's entry in the audit log (as check and build record theirs:
 * the outcome, or why it failed). The environment ($CI, for the actor), the
 * audit recorder and where the text goes are given; nothing here prints.
 */
import type { Lang } from '../messages/text.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unsignedActor, type AuditEvent } from '../audit/index.ts';
import type { Diagnostic } from '../diagnostics/index.ts';
import { EXIT, SealpressError } from '../errors/index.ts';
import { runGate } from '../gate/index.ts';
import { summarise } from '../plan/index.ts';
import type { RecordAct } from '../publish/audit.ts';
import { ASSESSMENT_DIR, loadSheet, type AssessmentSheet } from './assessment.ts';
import type { ReportModel } from './model.ts';
import { chinaDate, parseDateTime } from '../util/dates.ts';
import { writeReport, type ReportFormat } from './run.ts';

export interface ReportJob {
  root: string;
  now: Date;
  /** The period, YYYY-MM-DD, both days included. */
  from: string;
  to: string;
  format: ReportFormat;
  site?: string | undefined;
  /** The assessment sheet (relative to the root); default ASSESSMENT_DIR/<year of to>.yaml when it exists. */
  sheet?: string | undefined;
  noSheet?: boolean | undefined;
  cache: boolean;
  cacheDir?: string | undefined;
  trustAnchor?: string | undefined;
  env: NodeJS.ProcessEnv;
  record: RecordAct;
  /** Where the report goes, before its gate run is recorded as ok. */
  output: (text: string, model: ReportModel) => void;
  note: (text: string) => void;
  /** The language of the JSON and CSV model's words (default Chinese). */
  lang?: Lang;
}

/** What stopped a report: the sheet or the configuration (with diagnostics), or an unknown site; `code` is the exit code after recording. */
export type ReportOutcome = { kind: 'written'; code: number } | { kind: 'sheet-invalid'; file: string; diagnostics: Diagnostic[] } | { kind: 'config'; diagnostics: Diagnostic[]; code: number } | { kind: 'unknown-site'; sites: string[]; code: number };

export async function reportJob(o: ReportJob): Promise<ReportOutcome> {
  const { root, now, from, to, format, site } = o;
  // The sheet first: a broken sheet stops the run before the gate's work.
  let sheet: AssessmentSheet | undefined;
  if (!o.noSheet) {
    const file = o.sheet ?? `${ASSESSMENT_DIR}/${to.slice(0, 4)}.yaml`;
    if (o.sheet !== undefined || existsSync(join(root, file))) {
      const loaded = loadSheet(root, file);
      if (!loaded.sheet) return { kind: 'sheet-invalid', file, diagnostics: loaded.diagnostics };
      sheet = loaded.sheet;
    } else {
      o.note(`note: no assessment sheet ${file}; the report has no assessment`);
    }
  }

  // From here the gate runs, and every run is recorded (as check and build do): the outcome, or why it failed.
  const gateEvent = { action: 'gate', ...unsignedActor(o.env), ...(site !== undefined ? { sites: [site] } : {}) } as const;
  const failed = (reason: Record<string, string>): AuditEvent => ({ ...gateEvent, outcome: 'failed', details: { command: 'report', ...reason } });
  const gate = await runGate({ root, now, cache: o.cache, ...(o.trustAnchor ? { trustAnchor: o.trustAnchor } : {}) });
  if (!gate.ok) return { kind: 'config', diagnostics: gate.configDiagnostics, code: await o.record(failed({ reason: 'config-invalid' }), EXIT.CONFIG) };
  if (site !== undefined && !gate.group.sites.has(site)) return { kind: 'unknown-site', sites: [...gate.group.sites.keys()], code: await o.record(failed({ reason: 'unknown-site' }), EXIT.CONFIG) };
  try {
    const { model, text } = await writeReport(gate, { root, now, from, to, format, sheet, site, cacheDir: o.cacheDir, note: o.note, ...(o.lang ? { lang: o.lang } : {}) });
    o.output(text, model);
  } catch (error) {
    // A failed report (the HTML build, the output file) is recorded, then thrown to the caller as before.
    const code = await o.record(failed({ error: error instanceof SealpressError ? error.code : 'ERROR' }), EXIT.BUILD);
    if (code !== EXIT.BUILD) o.note('sealpress report: the report failed (below), and that failure is not in the audit log');
    throw error;
  }
  const entries = site === undefined ? gate.plan.entries : gate.plan.entries.filter((e) => e.site === site);
  const sites = site === undefined ? [...gate.group.sites.keys()] : [site];
  return { kind: 'written', code: await o.record({ ...gateEvent, sites, outcome: 'ok', details: { command: 'report', from, to, format, entries: entries.length, ...summarise({ ...gate.plan, entries }) } }, EXIT.OK) };
}

function day(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !parseDateTime(value)) throw new SealpressError('USAGE', { zh: `--${name} 应为 YYYY-MM-DD 格式的日期，实际为“${value}”`, en: `--${name} must be a date YYYY-MM-DD, found "${value}"` });
  return value;
}

/** The period a report covers, from the dates given (YYYY-MM-DD): --to defaults to the day of `now` in China, --from to 1 January of --to's year. */
export function reportPeriod(from: string | undefined, to: string | undefined, now: Date): { from: string; to: string } {
  const last = day('to', to) ?? chinaDate(now);
  const first = day('from', from) ?? `${last.slice(0, 4)}-01-01`;
  if (first > last) throw new SealpressError('USAGE', { zh: `--from ${first} 晚于 --to ${last}`, en: `--from ${first} is after --to ${last}` });
  return { from: first, to: last };
}
