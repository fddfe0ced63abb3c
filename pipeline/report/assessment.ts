/**
 * The yearly assessment sheet (考核表): indicators, weights and single-item
 * vetoes (单项否决) set by the office in sites/assessment/<year>.yaml, scored
 * against the report's figures. Reading collects every problem with its line
 * (like the rest of sites/); scoring is pure.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import { decodeUtf8 } from '../util/text.ts';
import { Fields, type FieldIssue } from '../util/fields.ts';
import { parseYaml } from '../util/yaml.ts';
import type { AdministratorFiling, ReportModel, SiteReport } from './model.ts';
import { DEFAULT_THRESHOLDS, THRESHOLD_KEYS, type Period, type Thresholds } from './thresholds.ts';

export const ASSESSMENT_DIR = 'sites/assessment';
export const SHEET_VERSION = 1;

/** The figures an indicator or veto may name, per site. */
export const FIGURES = {
  published: 'entries published in the period',
  adopted: 'entries adopted by the main site in the period (sub-sites)',
  adoptionShare: 'adopted / published, 0..1 (sub-sites)',
  staleColumns: 'columns not updated within their type\'s threshold',
  blankColumns: 'enabled columns with nothing published',
  homeStale: '1 when the site (home page) is not updated within the home threshold, else 0',
  daysSinceUpdate: 'days since the site\'s last update',
  repliesOverLimit: 'consultations answered after the limit or still unanswered past it',
  replyMedianDays: 'median reply time in days (no consultation: no figure)',
  replyP90Days: '90th percentile reply time in days',
  refusedEntries: 'entries currently refused by the gate',
  turnaroundMedianDays: 'median days from commit to last approval',
  lateAdministratorFilings: 'administrator changes filed more than 15 working days late (from pipeline/govern)',
  unapprovedColumnChanges: 'column changes without a valid signed request (from pipeline/govern)',
} as const;
export type FigureName = keyof typeof FIGURES;
const FIGURE_NAMES = Object.keys(FIGURES) as FigureName[];

export const SCORING_KINDS = ['threshold', 'ratio', 'count-penalty'] as const;

/**
 * threshold: the full weight when the figure is at least `atLeast` (or at most `atMost`), else 0.
 * ratio: weight × min(1, figure / target): partial credit up to the target.
 * count-penalty: weight − perItem × figure, never below 0.
 */
export type Scoring =
  | { kind: 'threshold'; atLeast: number }
  | { kind: 'threshold'; atMost: number }
  | { kind: 'ratio'; target: number }
  | { kind: 'count-penalty'; perItem: number };

export interface Indicator {
  id: string;
  name: string;
  weight: number;
  figure: FigureName;
  scoring: Scoring;
}

export interface Veto {
  id: string;
  name: string;
  figure: FigureName;
  /** The site fails when the figure is above this. */
  above: number;
}

export interface AssessmentSheet {
  version: typeof SHEET_VERSION;
  year: number;
  name: string;
  /** Repo-relative path of the sheet. */
  source: string;
  thresholds: Thresholds;
  indicators: Indicator[];
  vetoes: Veto[];
}

export interface IndicatorScore {
  id: string;
  name: string;
  weight: number;
  figure: FigureName;
  /** The figure's value; absent when it is not available for this site. */
  value?: number;
  score: number;
  /** Why the score is what it is, when not obvious (no data). */
  note?: string;
}

export interface SiteAssessment {
  site: string;
  name: string;
  score: number;
  /** pass; fail: a veto applies, whatever the score; incomplete: a veto's figure is unavailable, so the site cannot pass. */
  result: 'pass' | 'fail' | 'incomplete';
  indicators: IndicatorScore[];
  vetoes: { id: string; name: string; figure: FigureName; value?: number; vetoed: boolean }[];
}

export interface AssessmentResult {
  year: number;
  name: string;
  source: string;
  sites: SiteAssessment[];
}

const ID = /^[a-z][a-z0-9-]{0,39}$/;

function readPeriod(f: Fields, key: string): Period | undefined {
  const p = f.child(key, `thresholds.${key}`);
  if (!p) return undefined;
  p.rejectUnknown(['days', 'months']);
  const days = p.optionalPositiveInt('days');
  const months = p.optionalPositiveInt('months');
  if ((days === undefined) === (months === undefined)) {
    if (p.has('days') === p.has('months')) p.issues.push({ path: p.path, message: `thresholds.${key} needs exactly one of \`days\` or \`months\``, fix: 'write e.g. { days: 14 } or { months: 6 }' });
    return undefined;
  }
  return days !== undefined ? { days } : { months: months! };
}

function finiteNumber(f: Fields, key: string, opts: { min?: number; required?: boolean } = {}): number | undefined {
  const v = f.value[key];
  if (v === undefined || v === null) {
    if (opts.required) f.issues.push({ path: f.path, message: `required field \`${key}\` is missing`, fix: `add \`${key}:\`` });
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.min !== undefined && v < opts.min)) {
    f.issues.push({ path: [...f.path, key], message: `\`${key}\` must be a number${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, found ${JSON.stringify(v)}`, fix: `write \`${key}:\` as a number` });
    return undefined;
  }
  return v;
}

/** Read an assessment sheet value, collecting every problem with the path to it. Pure. */
export function readSheet(value: unknown, source: string): { sheet?: AssessmentSheet; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const f = Fields.of(value, [], issues, 'the assessment sheet');
  if (!f) return { issues };
  f.rejectUnknown(['version', 'year', 'name', 'thresholds', 'indicators', 'vetoes']);
  if (f.value.version !== SHEET_VERSION) issues.push({ path: ['version'], message: `\`version\` must be ${SHEET_VERSION}, found ${JSON.stringify(f.value.version)}`, fix: `write version: ${SHEET_VERSION}` });
  const year = finiteNumber(f, 'year', { min: 2000, required: true });
  if (year !== undefined && !Number.isInteger(year)) issues.push({ path: ['year'], message: '`year` must be a whole year like 2026' });
  const name = f.requiredString('name', { max: 100 });

  const thresholds: Thresholds = { columns: { ...DEFAULT_THRESHOLDS.columns }, home: DEFAULT_THRESHOLDS.home, reply: DEFAULT_THRESHOLDS.reply };
  const t = f.child('thresholds', '`thresholds`');
  if (t) {
    t.rejectUnknown(THRESHOLD_KEYS);
    for (const key of THRESHOLD_KEYS) {
      const p = readPeriod(t, key);
      if (!p) continue;
      if (key === 'home' || key === 'reply') thresholds[key] = p;
      else thresholds.columns[key] = p;
    }
  }

  const ids = new Set<string>();
  const uniqueId = (g: Fields, what: string): string | undefined => {
    const id = g.requiredString('id', { pattern: ID, patternHint: 'lower-case letters, digits and -, starting with a letter' });
    if (id !== undefined && ids.has(id)) {
      issues.push({ path: [...g.path, 'id'], message: `${what} id \`${id}\` is used twice`, fix: 'give each indicator and veto its own id' });
      return undefined;
    }
    if (id !== undefined) ids.add(id);
    return id;
  };
  const figure = (g: Fields) => g.requiredEnum('figure', FIGURE_NAMES);

  const indicators: Indicator[] = [];
  (f.list('indicators', true) ?? []).forEach((raw, i) => {
    const g = Fields.of(raw, ['indicators', i], issues, 'an indicator');
    if (!g) return;
    const kind = g.requiredEnum('kind', SCORING_KINDS);
    const known = ['id', 'name', 'weight', 'figure', 'kind', ...(kind === 'threshold' ? ['atLeast', 'atMost'] : kind === 'ratio' ? ['target'] : kind === 'count-penalty' ? ['perItem'] : ['atLeast', 'atMost', 'target', 'perItem'])];
    g.rejectUnknown(known);
    const id = uniqueId(g, 'indicator');
    const name = g.requiredString('name', { max: 100 });
    const weight = finiteNumber(g, 'weight', { min: 0, required: true });
    if (weight === 0) issues.push({ path: [...g.path, 'weight'], message: 'a weight of 0 scores nothing', fix: 'give it a positive weight, or remove the indicator' });
    const fig = figure(g);
    let scoring: Scoring | undefined;
    if (kind === 'threshold') {
      const atLeast = finiteNumber(g, 'atLeast');
      const atMost = finiteNumber(g, 'atMost');
      if ((atLeast === undefined) === (atMost === undefined)) {
        if (g.has('atLeast') === g.has('atMost')) issues.push({ path: g.path, message: 'a threshold indicator needs exactly one of `atLeast` or `atMost`', fix: 'add atLeast: N (higher is better) or atMost: N (lower is better)' });
      } else scoring = atLeast !== undefined ? { kind, atLeast } : { kind, atMost: atMost! };
    } else if (kind === 'ratio') {
      const target = finiteNumber(g, 'target', { required: true });
      if (target !== undefined && target <= 0) issues.push({ path: [...g.path, 'target'], message: '`target` must be above 0', fix: 'the figure at which the full weight is reached' });
      else if (target !== undefined) scoring = { kind, target };
    } else if (kind === 'count-penalty') {
      const perItem = finiteNumber(g, 'perItem', { min: 0, required: true });
      if (perItem !== undefined) scoring = { kind, perItem };
    }
    if (id && name && weight && fig && scoring) indicators.push({ id, name, weight, figure: fig, scoring });
  });
  const total = indicators.reduce((s, x) => s + x.weight, 0);
  if (indicators.length > 0 && issues.length === 0 && Math.abs(total - 100) > 1e-9) {
    issues.push({ path: ['indicators'], atKey: true, message: `the weights add up to ${total}; an assessment sheet is out of 100`, fix: 'adjust the weights so they add up to 100' });
  }

  const vetoes: Veto[] = [];
  (f.list('vetoes', false) ?? []).forEach((raw, i) => {
    const g = Fields.of(raw, ['vetoes', i], issues, 'a veto');
    if (!g) return;
    g.rejectUnknown(['id', 'name', 'figure', 'above']);
    const id = uniqueId(g, 'veto');
    const name = g.requiredString('name', { max: 100 });
    const fig = figure(g);
    const above = finiteNumber(g, 'above', { required: true });
    if (id && name && fig && above !== undefined) vetoes.push({ id, name, figure: fig, above });
  });

  if (issues.length > 0 || year === undefined || !name) return { issues };
  return { sheet: { version: SHEET_VERSION, year, name, source, thresholds, indicators, vetoes }, issues };
}

/** Load and validate a sheet file: the sheet, or every problem as a positioned diagnostic. */
export function loadSheet(root: string, file: string): { sheet?: AssessmentSheet; diagnostics: Diagnostic[] } {
  const fix = 'see the comments in sites/assessment/2026.yaml for the format';
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(root, file));
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    return { diagnostics: [diagnostic('config-invalid', 'error', file, undefined, missing ? 'the assessment sheet does not exist' : `cannot read the assessment sheet: ${(cause as Error).message}`, { fix: missing ? 'check the path, or write the sheet for this year' : 'check the file\'s permissions' })] };
  }
  if (bytes.length > 1 << 20) return { diagnostics: [diagnostic('config-invalid', 'error', file, undefined, `the assessment sheet is ${bytes.length} bytes; the limit is 1 MiB`, { fix })] };
  const text = decodeUtf8(bytes);
  if (text === undefined) return { diagnostics: [diagnostic('config-invalid', 'error', file, undefined, 'not valid UTF-8', { fix: 'save it as UTF-8' })] };
  const yaml = parseYaml(text);
  if (yaml.errors.length > 0) return { diagnostics: yaml.errors.map((e) => diagnostic('config-invalid', 'error', file, e.at, `YAML syntax: ${e.message}`, { fix: 'fix the YAML syntax' })) };
  const read = readSheet(yaml.value, file);
  if (read.sheet) return { sheet: read.sheet, diagnostics: [] };
  return {
    diagnostics: read.issues.map((i) =>
      diagnostic('config-invalid', 'error', file, yaml.positionOf(i.path, i.atKey ?? false) ?? yaml.positionOf(i.path.slice(0, -1)) ?? { line: 1, column: 1 }, i.message, { fix: i.fix ?? fix }),
    ),
  };
}

/** Late filings of one site; undefined (no figure, never 0) while any filing's lateness is unknown. */
function lateFilings(items: readonly AdministratorFiling[]): number | undefined {
  return items.some((x) => x.late === undefined) ? undefined : items.filter((x) => x.late).length;
}

/** A site's figures by name; undefined where the figure does not apply or is not available. */
export function siteFigures(site: SiteReport, governance: ReportModel['governance']): Record<FigureName, number | undefined> {
  const filings = governance.administratorFilings;
  const changes = governance.columnChanges;
  return {
    published: site.published,
    adopted: site.adoption?.adopted,
    adoptionShare: site.adoption?.share,
    staleColumns: site.staleColumns.length,
    blankColumns: site.blankColumns.length,
    homeStale: site.homeStale ? 1 : 0,
    daysSinceUpdate: site.daysSince,
    repliesOverLimit: site.replies.overLimit.length,
    replyMedianDays: site.replies.distribution.medianDays,
    replyP90Days: site.replies.distribution.p90Days,
    refusedEntries: site.refusals.total,
    turnaroundMedianDays: site.turnaround.distribution.medianDays,
    lateAdministratorFilings: filings.provided ? lateFilings(filings.items.filter((x) => x.site === site.code)) : undefined,
    unapprovedColumnChanges: changes.provided ? changes.items.filter((x) => x.site === site.code && !x.approved).length : undefined,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function scoreIndicator(indicator: Indicator, value: number | undefined): IndicatorScore {
  const base = { id: indicator.id, name: indicator.name, weight: indicator.weight, figure: indicator.figure };
  // Fail closed: a figure that is not available earns nothing, and says so.
  if (value === undefined) return { ...base, score: 0, note: 'no data for this figure' };
  const s = indicator.scoring;
  let score: number;
  if (s.kind === 'threshold') score = ('atLeast' in s ? value >= s.atLeast : value <= s.atMost) ? indicator.weight : 0;
  else if (s.kind === 'ratio') score = indicator.weight * Math.min(1, Math.max(0, value / s.target));
  else score = Math.max(0, indicator.weight - s.perItem * value);
  return { ...base, value, score: round2(score) };
}

/** Score every sub-site of the report. Pure. */
export function assess(sheet: AssessmentSheet, report: Pick<ReportModel, 'sites' | 'governance'>): AssessmentResult {
  const sites = report.sites
    .filter((s) => s.kind === 'sub')
    .map((site): SiteAssessment => {
      const figures = siteFigures(site, report.governance);
      const indicators = sheet.indicators.map((i) => scoreIndicator(i, figures[i.figure]));
      const vetoes = sheet.vetoes.map((v) => {
        const value = figures[v.figure];
        return { id: v.id, name: v.name, figure: v.figure, ...(value === undefined ? {} : { value }), vetoed: value !== undefined && value > v.above };
      });
      const result = vetoes.some((v) => v.vetoed) ? 'fail' : vetoes.some((v) => v.value === undefined) ? 'incomplete' : 'pass';
      return { site: site.code, name: site.name, score: round2(indicators.reduce((s, x) => s + x.score, 0)), result, indicators, vetoes };
    });
  return { year: sheet.year, name: sheet.name, source: sheet.source, sites };
}

