import { describe, expect, test } from 'vitest';
import { evaluateCorpus, formatRuleTable } from './metrics.ts';

const report = evaluateCorpus();
const byRule = new Map(report.perRule.map((r) => [r.rule, r]));

describe('the labelled corpus', () => {
  test('has at least 300 snippets, positives of every rule and realistic negatives', () => {
    expect(report.results.length).toBeGreaterThanOrEqual(300);
    expect(report.negatives.total).toBeGreaterThanOrEqual(100);
    for (const rule of ['secret-marking', 'internal-marking', 'draft-marking', 'personal-id', 'personal-mobile', 'personal-bankcard', 'personal-passport', 'personal-email', 'personal-account', 'secret-private-key', 'secret-password', 'secret-token', 'secret-internal-host', 'secret-intranet-ip', 'lexicon-term', 'reprint-incomplete', 'reprint-undeclared', 'image-credit-missing', 'image-hotlink']) {
      expect(byRule.get(rule)?.tp ?? 0, rule).toBeGreaterThan(0);
    }
  });

  test.for(['personal-id', 'personal-bankcard', 'secret-marking'])('recall of %s is 1.0 (checksum-valid identifiers, classification markings)', (rule) => {
    const r = byRule.get(rule)!;
    expect(r.fn, formatRuleTable(report)).toBe(0);
    expect(r.recall).toBe(1);
  });

  test('precision is at least 0.95 for every rule, and at least 0.95 of the negatives are clean', () => {
    for (const r of report.perRule) expect(r.precision, `${r.rule}\n${formatRuleTable(report)}`).toBeGreaterThanOrEqual(0.95);
    expect(report.negatives.clean / report.negatives.total).toBeGreaterThanOrEqual(0.95);
  });

  test('F2 is at least 0.9 for every rule', () => {
    for (const r of report.perRule) expect(r.f2, r.rule).toBeGreaterThanOrEqual(0.9);
  });

  // Every generated number, whatever its disguise, is reported at exactly the characters the writer typed.
  const positioned = report.results.filter((r) => r.item.spans.length === 1 && r.item.expect.some((e) => e.startsWith('personal-')));
  test.for(positioned.map((r) => ({ id: r.item.id, transform: r.item.spans[0]!.transform, r })))('$id ($transform): the finding covers exactly the number', ({ r }) => {
    const span = r.item.spans[0]!;
    const rule = r.item.expect.find((e) => e.startsWith('personal-'))!;
    const f = r.findings.find((x) => x.rule === rule);
    expect(f, r.item.text).toBeDefined();
    // A country code written before the placeholder belongs to the number.
    const prefix = /\+86[ -]?$/.exec(r.item.text.slice(0, span.start))?.[0].length ?? 0;
    expect([f!.offset, f!.endOffset], r.item.text).toEqual([span.start - prefix, span.end]);
  });
});
