import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { actRecorder } from '../publish/index.ts';
import { ASSESSMENT_DIR, REPORT_FORMATS, reportJob } from '../report/index.ts';
import { chinaDate, parseDateTime } from '../util/dates.ts';
import { clock, command, oneOf, trustAnchor } from './args.ts';
import { configInvalid } from './output.ts';

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

Every gate run is recorded in the audit log (sealpress audit --help): action
gate, command report, the sites reported, the count of entries per status and
the period, or the failure.

Exit codes: 0 report written, 2 usage, configuration or assessment sheet error,
3 the HTML page could not be built, 5 the gate run could not be recorded in the
audit log.`;

function day(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !parseDateTime(value)) throw new SealpressError('USAGE', `--${name} must be a date YYYY-MM-DD, found "${value}"`);
  return value;
}

export const report = command(REPORT_HELP, {
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
}, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const format = oneOf('format', values.format, REPORT_FORMATS, 'json');
  const to = day('to', values.to) ?? chinaDate(now);
  const from = day('from', values.from) ?? `${to.slice(0, 4)}-01-01`;
  if (from > to) throw new SealpressError('USAGE', `--from ${from} is after --to ${to}`);
  if (values.sheet !== undefined && values['no-sheet']) throw new SealpressError('USAGE', '--sheet and --no-sheet exclude each other');

  const r = await reportJob({
    root,
    now,
    from,
    to,
    format,
    site: values.site,
    sheet: values.sheet,
    noSheet: values['no-sheet'],
    cache: !values['no-cache'],
    cacheDir: values['cache-dir'],
    trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor,
    env: process.env,
    record: actRecorder(io.err, { root, now: values.now }),
    note: io.err,
    output: (text, model) => {
      if (values.out === undefined) return io.out(text.replace(/\n$/, ''));
      const out = resolve(values.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
      io.err(`report written to ${out} (${format}, ${model.sites.length} site${model.sites.length === 1 ? '' : 's'}, ${from} to ${to})`);
    },
  });
  if (r.kind === 'sheet-invalid') return configInvalid(io, root, r.diagnostics, `sealpress: the assessment sheet ${r.file} is invalid; fix the errors above. No report was written.`);
  if (r.kind === 'config') configInvalid(io, root, r.diagnostics, 'sealpress: the site group configuration (sites/) is invalid; fix the errors above. No report was written.');
  if (r.kind === 'unknown-site') io.err(`sealpress: --site ${values.site} is not a site of the group (${r.sites.join(', ')})`);
  return r.code;
});
