/**
 * The yearly assessment sheet (考核表): indicators, weights and single-item
 * vetoes (单项否决) set by the office in sites/assessment/<year>.yaml, scored
 * against the report's figures. Reading collects every problem with its line
 * (like the rest of sites/); scoring is pure.
 */
import type { Lang } from '../messages/text.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import { decodeUtf8 } from '../util/text.ts';
import { Fields, issueText, type FieldIssue } from '../util/fields.ts';
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
    if (p.has('days') === p.has('months')) p.issues.push({ path: p.path, ...issueText({ zh: `thresholds.${key} 须且只能填写 \`days\` 或 \`months\` 之一`, en: `thresholds.${key} needs exactly one of \`days\` or \`months\`` }, { zh: '例如写成 { days: 14 } 或 { months: 6 }', en: 'write e.g. { days: 14 } or { months: 6 }' }) });
    return undefined;
  }
  return days !== undefined ? { days } : { months: months! };
}

function finiteNumber(f: Fields, key: string, opts: { min?: number; required?: boolean } = {}): number | undefined {
  const v = f.value[key];
  if (v === undefined || v === null) {
    if (opts.required) f.issues.push({ path: f.path, ...issueText({ zh: `缺少必填字段 \`${key}\``, en: `required field \`${key}\` is missing` }, { zh: `添加 \`${key}:\``, en: `add \`${key}:\`` }) });
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.min !== undefined && v < opts.min)) {
    f.issues.push({ path: [...f.path, key], ...issueText({ zh: `\`${key}\` 应为${opts.min !== undefined ? ` ≥ ${opts.min} 的` : ''}数字，实际为 ${JSON.stringify(v)}`, en: `\`${key}\` must be a number${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}, found ${JSON.stringify(v)}` }, { zh: `将 \`${key}:\` 写为数字`, en: `write \`${key}:\` as a number` }) });
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
  if (f.value.version !== SHEET_VERSION) issues.push({ path: ['version'], ...issueText({ zh: `\`version\` 应为 ${SHEET_VERSION}，实际为 ${JSON.stringify(f.value.version)}`, en: `\`version\` must be ${SHEET_VERSION}, found ${JSON.stringify(f.value.version)}` }, { zh: `写成 version: ${SHEET_VERSION}`, en: `write version: ${SHEET_VERSION}` }) });
  const year = finiteNumber(f, 'year', { min: 2000, required: true });
  if (year !== undefined && !Number.isInteger(year)) issues.push({ path: ['year'], ...issueText({ zh: '`year` 应为完整年份，如 2026', en: '`year` must be a whole year like 2026' }) });
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
      issues.push({ path: [...g.path, 'id'], ...issueText({ zh: `${what} id \`${id}\` 重复使用`, en: `${what} id \`${id}\` is used twice` }, { zh: '每个指标和否决项使用各自的 id', en: 'give each indicator and veto its own id' }) });
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
    if (weight === 0) issues.push({ path: [...g.path, 'weight'], ...issueText({ zh: '权重为 0 不计分', en: 'a weight of 0 scores nothing' }, { zh: '设为正数权重，或删除该指标', en: 'give it a positive weight, or remove the indicator' }) });
    const fig = figure(g);
    let scoring: Scoring | undefined;
    if (kind === 'threshold') {
      const atLeast = finiteNumber(g, 'atLeast');
      const atMost = finiteNumber(g, 'atMost');
      if ((atLeast === undefined) === (atMost === undefined)) {
        if (g.has('atLeast') === g.has('atMost')) issues.push({ path: g.path, ...issueText({ zh: '阈值类指标须且只能填写 `atLeast` 或 `atMost` 之一', en: 'a threshold indicator needs exactly one of `atLeast` or `atMost`' }, { zh: '添加 atLeast: N（越高越好）或 atMost: N（越低越好）', en: 'add atLeast: N (higher is better) or atMost: N (lower is better)' }) });
      } else scoring = atLeast !== undefined ? { kind, atLeast } : { kind, atMost: atMost! };
    } else if (kind === 'ratio') {
      const target = finiteNumber(g, 'target', { required: true });
      if (target !== undefined && target <= 0) issues.push({ path: [...g.path, 'target'], ...issueText({ zh: '`target` 应大于 0', en: '`target` must be above 0' }, { zh: '填写达到满分时的数值', en: 'the figure at which the full weight is reached' }) });
      else if (target !== undefined) scoring = { kind, target };
    } else if (kind === 'count-penalty') {
      const perItem = finiteNumber(g, 'perItem', { min: 0, required: true });
      if (perItem !== undefined) scoring = { kind, perItem };
    }
    if (id && name && weight && fig && scoring) indicators.push({ id, name, weight, figure: fig, scoring });
  });
  const total = indicators.reduce((s, x) => s + x.weight, 0);
  if (indicators.length > 0 && issues.length === 0 && Math.abs(total - 100) > 1e-9) {
    issues.push({ path: ['indicators'], atKey: true, ...issueText({ zh: `权重合计为 ${total}；考核表满分应为 100`, en: `the weights add up to ${total}; an assessment sheet is out of 100` }, { zh: '调整权重，使合计为 100', en: 'adjust the weights so they add up to 100' }) });
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
  const fix = { zh: '格式见 sites/assessment/2026.yaml 中的注释', en: 'see the comments in sites/assessment/2026.yaml for the format' };
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(root, file));
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    return { diagnostics: [diagnostic('config-invalid', 'error', file, undefined, missing ? { zh: '考核表不存在', en: 'the assessment sheet does not exist' } : { zh: `无法读取考核表：${(cause as Error).message}`, en: `cannot read the assessment sheet: ${(cause as Error).message}` }, { fix: missing ? { zh: '检查路径，或编写本年度的考核表', en: 'check the path, or write the sheet for this year' } : { zh: '检查文件权限', en: 'check the file\'s permissions' } })] };
  }
  if (bytes.length > 1 << 20) return { diagnostics: [diagnostic('config-invalid', 'error', file, undefined, { zh: `考核表大小为 ${bytes.length} 字节；上限为 1 MiB`, en: `the assessment sheet is ${bytes.length} bytes; the limit is 1 MiB` }, { fix })] };
  const text = decodeUtf8(bytes);
  if (text === undefined) return { diagnostics: [diagnostic('config-invalid', 'error', file, undefined, { zh: '不是有效的 UTF-8', en: 'not valid UTF-8' }, { fix: { zh: '另存为 UTF-8 编码', en: 'save it as UTF-8' } })] };
  const yaml = parseYaml(text);
  if (yaml.errors.length > 0) return { diagnostics: yaml.errors.map((e) => diagnostic('config-invalid', 'error', file, e.at, { zh: `YAML 语法错误：${e.message}`, en: `YAML syntax: ${e.message}` }, { fix: { zh: '修正 YAML 语法', en: 'fix the YAML syntax' } })) };
  const read = readSheet(yaml.value, file);
  if (read.sheet) return { sheet: read.sheet, diagnostics: [] };
  return {
    diagnostics: read.issues.map((i) =>
      diagnostic('config-invalid', 'error', file, yaml.positionOf(i.path, i.atKey ?? false) ?? yaml.positionOf(i.path.slice(0, -1)) ?? { line: 1, column: 1 }, { zh: i.zh.message, en: i.message }, { fix: i.fix !== undefined ? { zh: i.zh.fix ?? i.fix, en: i.fix } : fix }),
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

export function scoreIndicator(indicator: Indicator, value: number | undefined, lang: Lang = 'zh'): IndicatorScore {
  const base = { id: indicator.id, name: indicator.name, weight: indicator.weight, figure: indicator.figure };
  // Fail closed: a figure that is not available earns nothing, and says so.
  if (value === undefined) return { ...base, score: 0, note: lang === 'zh' ? '无此项数据' : 'no data for this figure' };
  const s = indicator.scoring;
  let score: number;
  if (s.kind === 'threshold') score = ('atLeast' in s ? value >= s.atLeast : value <= s.atMost) ? indicator.weight : 0;
  else if (s.kind === 'ratio') score = indicator.weight * Math.min(1, Math.max(0, value / s.target));
  else score = Math.max(0, indicator.weight - s.perItem * value);
  return { ...base, value, score: round2(score) };
}

/** Score every sub-site of the report. Pure. */
export function assess(sheet: AssessmentSheet, report: Pick<ReportModel, 'sites' | 'governance'>, lang: Lang = 'zh'): AssessmentResult {
  const sites = report.sites
    .filter((s) => s.kind === 'sub')
    .map((site): SiteAssessment => {
      const figures = siteFigures(site, report.governance);
      const indicators = sheet.indicators.map((i) => scoreIndicator(i, figures[i.figure], lang));
      const vetoes = sheet.vetoes.map((v) => {
        const value = figures[v.figure];
        return { id: v.id, name: v.name, figure: v.figure, ...(value === undefined ? {} : { value }), vetoed: value !== undefined && value > v.above };
      });
      const result = vetoes.some((v) => v.vetoed) ? 'fail' : vetoes.some((v) => v.value === undefined) ? 'incomplete' : 'pass';
      return { site: site.code, name: site.name, score: round2(indicators.reduce((s, x) => s + x.score, 0)), result, indicators, vetoes };
    });
  return { year: sheet.year, name: sheet.name, source: sheet.source, sites };
}

