/**
 * The labelled corpus (test/check/corpus/*.yaml) and its measures: per rule,
 * true positives, false positives and false negatives over the snippets, then
 * precision, recall and F2 (recall weighs twice: a missed ID number is worse
 * than a false alarm a writer dismisses). `formatRuleTable` prints the table
 * for the closing note; `npx tsx test/check/print-metrics.ts` runs it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import jsyaml from 'js-yaml';
import { checkEntry, compileChecks, type CheckFinding, type ChecksConfig } from '../../pipeline/check/index.ts';
import { fill, loadDemoConfig, rng, type Filled } from './helpers.ts';

const CORPUS_DIR = new URL('./corpus/', import.meta.url);
const PRIVATE_KEY = ['PRIVATE', 'KEY'].join(' ');

export interface CorpusItem {
  id: string;
  template: string;
  text: string;
  spans: Filled['spans'];
  expect: string[];
}

function seedOf(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function loadCorpus(): CorpusItem[] {
  const items: CorpusItem[] = [];
  for (const name of readdirSync(CORPUS_DIR).filter((n) => n.endsWith('.yaml')).sort()) {
    // Key-shaped samples are stored with a placeholder: no committed file looks like a leaked key.
    const raw = readFileSync(new URL(name, CORPUS_DIR), 'utf8').replaceAll('{{PRIVATE KEY}}', PRIVATE_KEY);
    const list = jsyaml.load(raw, { schema: jsyaml.CORE_SCHEMA }) as { text: string; expect: string[] }[];
    list.forEach((raw, i) => {
      const id = `${name}#${i + 1}`;
      const filled = fill(raw.text, rng(seedOf(id)));
      items.push({ id, template: raw.text, text: filled.text, spans: filled.spans, expect: raw.expect });
    });
  }
  return items;
}

export interface ItemResult {
  item: CorpusItem;
  findings: CheckFinding[];
  found: string[];
}

export interface RuleStats {
  rule: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f2: number;
}

export interface CorpusReport {
  results: ItemResult[];
  perRule: RuleStats[];
  overall: RuleStats;
  negatives: { total: number; clean: number };
}

function stats(rule: string, tp: number, fp: number, fn: number): RuleStats {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f2 = precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
  return { rule, tp, fp, fn, precision, recall, f2 };
}

export function evaluateCorpus(config: ChecksConfig = loadDemoConfig()): CorpusReport {
  const options = compileChecks(config);
  const results = loadCorpus().map((item) => {
    const findings = checkEntry(item.text, options, { file: item.id });
    const found: string[] = [...new Set(findings.map((f) => f.rule))].sort();
    return { item, findings, found };
  });
  const counts = new Map<string, { tp: number; fp: number; fn: number }>();
  const count = (rule: string) => {
    let c = counts.get(rule);
    if (!c) counts.set(rule, (c = { tp: 0, fp: 0, fn: 0 }));
    return c;
  };
  for (const r of results) {
    for (const rule of r.item.expect) (r.found.includes(rule) ? count(rule).tp++ : count(rule).fn++);
    for (const rule of r.found) if (!r.item.expect.includes(rule)) count(rule).fp++;
  }
  const perRule = [...counts].map(([rule, c]) => stats(rule, c.tp, c.fp, c.fn)).sort((a, b) => (a.rule < b.rule ? -1 : 1));
  const sum = perRule.reduce((s, r) => ({ tp: s.tp + r.tp, fp: s.fp + r.fp, fn: s.fn + r.fn }), { tp: 0, fp: 0, fn: 0 });
  const negatives = results.filter((r) => r.item.expect.length === 0);
  return {
    results,
    perRule,
    overall: stats('(all rules)', sum.tp, sum.fp, sum.fn),
    negatives: { total: negatives.length, clean: negatives.filter((r) => r.found.length === 0).length },
  };
}

const pct = (x: number) => x.toFixed(3);

export function formatRuleTable(report: CorpusReport): string {
  const rows = [...report.perRule, report.overall].map((r) => `| ${r.rule} | ${r.tp} | ${r.fp} | ${r.fn} | ${pct(r.precision)} | ${pct(r.recall)} | ${pct(r.f2)} |`);
  return [
    `Corpus: ${report.results.length} snippets, ${report.negatives.total} negatives (${report.negatives.clean} clean: ${pct(report.negatives.clean / Math.max(1, report.negatives.total))}).`,
    '',
    '| rule | TP | FP | FN | precision | recall | F2 |',
    '| --- | --: | --: | --: | --: | --: | --: |',
    ...rows,
  ].join('\n');
}

export function printRuleTable(config?: ChecksConfig): void {
  const report = evaluateCorpus(config);
  console.log(formatRuleTable(report));
  const wrong = report.results.filter((r) => r.found.join() !== [...r.item.expect].sort().join());
  if (wrong.length > 0) {
    console.log('\nSnippets whose findings differ from their labels:');
    for (const r of wrong) console.log(`- ${r.item.id}: expected [${r.item.expect.join(', ')}], found [${r.found.join(', ')}] — ${JSON.stringify(r.item.text.slice(0, 80))}`);
  }
}
