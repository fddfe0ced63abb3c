import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SealpressError } from '../errors/index.ts';
import { runGate, type GateGovernance } from '../gate/index.ts';
import { ASSESSMENT_DIR, assess, buildReport, type AdministratorFiling, type ColumnChange, type GovernanceInput, loadHistory, loadSheet, renderReportHtml, reportCsv, type AssessmentSheet } from '../report/index.ts';
import { chinaDate, parseDateTime } from '../util/dates.ts';
import { clock, oneOf, parse, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { printDiagnostics, type Io } from './output.ts';

export const REPORT_HELP = `Usage: sealpress report [--site CODE] [--from DATE --to DATE] [--format json|csv|html] [--out FILE]
                       [--sheet FILE | --no-sheet] [--cache-dir DIR] [--no-cache] [--trust-anchor FP] [--root DIR] [--now ISO]

Statistics of the site group for a period, per site and per column: entries
published, last update and days since, stale and blank columns, stale home
page, adoption by the main site, consultation reply times and those over the
limit, refusals by rule, approval turnaround (commit to last approval); and the
year's assessment sheet scored per sub-site, with its single-item vetoes.

Options:
  --site CODE      only this site (the gate still judges the whole group)
  --from DATE      first day of the period, YYYY-MM-DD (default: 1 January of --to's year)
  --to DATE        last day of the period, inclusive (default: today, China time)
  --format FORMAT  json (default): the whole model; csv: one table with a section
                   column (RFC 4180, formula-safe); html: one self-contained page
                   built with Astro (inline CSS and SVG charts, no JavaScript)
  --out FILE       write to FILE instead of standard output
  --sheet FILE     the assessment sheet, relative to the root
                   (default: ${ASSESSMENT_DIR}/<year of --to>.yaml when it exists)
  --no-sheet       no assessment
  --cache-dir DIR  the HTML build's own cache (default: a temporary folder, removed afterwards)
  --no-cache       parse every entry again instead of reusing .sealpress/cache
  --trust-anchor FP  SHA-256 fingerprint of the group CA (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR       the repository (default: the current folder)
  --now ISO        the report's clock, e.g. 2026-11-27T12:00:00+08:00 (default: now)

Staleness: a column or home page is stale when MORE than its threshold has
passed since the last update (news 14 days: day 14 is fine, day 15 stale).

Exit codes: 0 report written, 2 usage, configuration or assessment sheet error,
3 the HTML page could not be built.`;

function day(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !parseDateTime(value)) throw new SealpressError('USAGE', `--${name} must be a date YYYY-MM-DD, found "${value}"`);
  return value;
}

export async function report(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    site: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    sheet: { type: 'string' },
    'no-sheet': { type: 'boolean' },
    'cache-dir': { type: 'string' },
    'no-cache': { type: 'boolean' },
    'trust-anchor': { type: 'string' },
  });
  if (values.help) {
    io.out(REPORT_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const format = oneOf('format', values.format, ['json', 'csv', 'html'] as const, 'json');
  const to = day('to', values.to) ?? chinaDate(now);
  const from = day('from', values.from) ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw new SealpressError('USAGE', `--from ${from} is after --to ${to}`);
  if (values.sheet !== undefined && values['no-sheet']) throw new SealpressError('USAGE', '--sheet and --no-sheet exclude each other');

  // The sheet first: a broken sheet stops the run before the gate's work.
  let sheet: AssessmentSheet | undefined;
  if (!values['no-sheet']) {
    const file = values.sheet ?? `${ASSESSMENT_DIR}/${to.slice(0, 4)}.yaml`;
    if (values.sheet !== undefined || existsSync(join(root, file))) {
      const loaded = loadSheet(root, file);
      if (!loaded.sheet) {
        printDiagnostics(io, root, loaded.diagnostics);
        io.err(`sealpress: the assessment sheet ${file} is invalid; fix the errors above. No report was written.`);
        return EXIT.CONFIG;
      }
      sheet = loaded.sheet;
    } else {
      io.err(`note: no assessment sheet ${file}; the report has no assessment`);
    }
  }

  const gate = await runGate({ root, now, cache: !values['no-cache'], ...trustAnchor(values['trust-anchor']) });
  if (!gate.ok) {
    printDiagnostics(io, root, gate.configDiagnostics);
    io.err('sealpress: the site group configuration (sites/) is invalid; fix the errors above. No report was written.');
    return EXIT.CONFIG;
  }
  if (values.site !== undefined && !gate.group.sites.has(values.site)) {
    io.err(`sealpress: --site ${values.site} is not a site of the group (${[...gate.group.sites.keys()].join(', ')})`);
    return EXIT.CONFIG;
  }
  const history = await loadHistory(root, gate.plan);
  const model = buildReport({
    governance: governanceInput(gate.governance),
    group: gate.group,
    plan: gate.plan,
    now,
    period: { from, to },
    history,
    ...(sheet ? { thresholds: sheet.thresholds } : {}),
    ...(values.site !== undefined ? { site: values.site } : {}),
  });
  if (sheet) model.assessment = assess(sheet, model);

  let text: string;
  if (format === 'json') text = `${JSON.stringify(model, null, 2)}\n`;
  else if (format === 'csv') text = reportCsv(model);
  else {
    const own = values['cache-dir'] === undefined;
    const cacheDir = own ? mkdtempSync(join(tmpdir(), 'sealpress-report-')) : resolve(values['cache-dir']!);
    io.err('building the report page (astro build)…');
    try {
      text = await renderReportHtml(model, { root: resolveSourceRoot(), cacheDir });
    } finally {
      if (own) rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  if (values.out === undefined) {
    io.out(text.replace(/\n$/, ''));
  } else {
    const out = resolve(values.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, text);
    io.err(`report written to ${out} (${format}, ${model.sites.length} site${model.sites.length === 1 ? '' : 's'}, ${from} to ${to})`);
  }
  return EXIT.OK;
}

/** The report page's sources (src-report/, node_modules) belong to sealpress, not to the content repository. */
function resolveSourceRoot(): string {
  return fileURLToPath(new URL('../..', import.meta.url));
}

/** The gate's column governance and administrator register, in the report's terms. */
function governanceInput(g: GateGovernance): GovernanceInput {
  const columnChanges: ColumnChange[] = [];
  for (const site of g.columns.values()) {
    const add = (column: string, change: ColumnChange['change'], request: string | undefined) =>
      columnChanges.push({ site: site.site, column, change, approved: request !== undefined, ...(request ? { request } : {}) });
    for (const a of site.added) add(a.column.id, 'add', a.request);
    for (const d of site.dropped) add(d.column, 'drop', d.request);
    for (const r of site.renamed) add(r.column, 'rename', r.request);
  }
  // Unfiled appointments are reported once filed or overdue; an uncountable one (calendar) shows as a check error instead.
  const administratorFilings: AdministratorFiling[] = g.administrators
    .filter((a) => a.workingDays !== undefined && (a.filed !== undefined || a.status === 'overdue'))
    .map((a) => ({ site: a.site, administrator: a.name, appointed: a.appointed, filed: a.filed ?? '', workingDays: a.workingDays!, late: a.status === 'late' || a.status === 'overdue' }));
  return { administratorFilings, columnChanges };
}
