/**
 * The gate's pure stages, called directly on bytes and data (no repository on
 * disk, no runGate): parse, analyse and validate an entry against a group,
 * then plan it with a clock and an approval judge given as arguments.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sha256Hex as sha256 } from '../../pipeline/fs/index.ts';
import { validateSiteGroup, type LoadedEntry } from '../../pipeline/load/index.ts';
import type { SiteGroup } from '../../pipeline/model/index.ts';
import { parseEntry } from '../../pipeline/parse/index.ts';
import { planEntries, type ApprovalJudge } from '../../pipeline/plan/index.ts';
import { analyseEntry, validateEntry, type ValidatedEntry } from '../../pipeline/validate/index.ts';
import { entry, GROUP_YAML, MAIN, MAIN_YAML, NOW, SUB, SUB_YAML } from '../helpers/repo.ts';

const group: SiteGroup = (() => {
  const result = validateSiteGroup({ path: 'sites/group.yaml', text: GROUP_YAML }, [
    { path: `sites/${MAIN}/site.yaml`, text: MAIN_YAML },
    { path: `sites/${SUB}/site.yaml`, text: SUB_YAML },
  ]);
  if (!result.group) throw new Error(`fixture group invalid: ${JSON.stringify(result.diagnostics)}`);
  return result.group;
})();

function loaded(text: string | Uint8Array, where: { site?: string; column?: string; slug?: string; format?: 'md' | 'mdx' } = {}): LoadedEntry {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const { site = MAIN, column = 'tzgg', slug = 'x', format = 'md' } = where;
  return { path: `content/${site}/${column}/${slug}.${format}`, site, column, slug, format, bytes, digest: sha256(bytes), findings: [] };
}

function validated(text: string, where: Parameters<typeof loaded>[1] = {}): ValidatedEntry {
  const l = loaded(text, where);
  const facts = analyseEntry(l);
  if (!facts) throw new Error('no facts');
  return validateEntry(l, facts, group, new Map());
}

const rules = (findings: readonly { rule: string }[]) => findings.map((f) => f.rule);

describe('parseEntry: bytes in, tree or positioned findings out', () => {
  test.for([
    { name: 'invalid UTF-8', bytes: new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x0a]), rule: 'encoding-invalid' },
    { name: 'no front matter', bytes: '正文。\n', rule: 'frontmatter-missing' },
    { name: 'a JavaScript front-matter block', bytes: '---js\nmodule.exports = {}\n---\n正文\n', rule: 'frontmatter-engine', line: 1 },
    { name: 'an unclosed block', bytes: '---\ntitle: x\n正文\n', rule: 'frontmatter-missing', line: 1 },
    { name: 'broken YAML on line 3', bytes: '---\ntitle: x\ndate: [2026\n---\n正文\n', rule: 'frontmatter-yaml' },
  ])('$name is refused with $rule', ({ bytes, rule, line }) => {
    const result = parseEntry(loaded(bytes));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(rules(result.findings)).toEqual([rule]);
    if (line !== undefined) expect(result.findings[0]!.line).toBe(line);
    expect(result.findings[0]!.fix).toBeTruthy();
  });

  test('an MDX syntax error is placed on the file line, counting the front matter', () => {
    const text = `---\ntitle: x\ndate: 2026-10-12\n---\n第一段。\n\n<Callout>未闭合\n`;
    const result = parseEntry(loaded(text, { format: 'mdx' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.findings[0]!.rule).toBe('body-syntax');
    expect(result.findings[0]!.line).toBeGreaterThanOrEqual(7);
  });

  test('the body starts on the line after the closing ---, with LF or CRLF endings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.boolean(), (extra, crlf) => {
        const fields = ['title: x', 'date: 2026-10-12', ...Array.from({ length: extra }, (_, i) => `k${i}: v`)];
        const nl = crlf ? '\r\n' : '\n';
        const result = parseEntry(loaded(`---${nl}${fields.join(nl)}${nl}---${nl}正文${nl}`));
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.entry.bodyLine).toBe(fields.length + 3);
      }),
      { numRuns: 40 },
    );
  });

  test('any bytes at all give a result, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 300 }).map((s) => `---\n${s}`)), fc.constantFrom<'md' | 'mdx'>('md', 'mdx'), (input, format) => {
        const result = parseEntry(loaded(input, { format }), { alwaysParse: true });
        if (!result.ok) for (const f of result.findings) expect(f.severity).toBe('error');
      }),
      { numRuns: 300 },
    );
  });
});

describe('validateEntry: the entry judged against the group', () => {
  test('a well-formed entry of the fixture group has no findings', () => {
    expect(validated(entry({})).findings).toEqual([]);
  });

  test.for([
    { name: 'a site outside the group', where: { site: '19999999999' }, fields: {}, rule: 'site-unknown' },
    { name: 'a column outside the tree', where: { column: 'nope' }, fields: {}, rule: 'column-unknown' },
    { name: 'a column the sub-site has not enabled', where: { site: SUB, column: 'zcwj' }, fields: {}, rule: 'column-not-enabled' },
    { name: 'a department of another site', where: {}, fields: { department: 'nsfwk' }, rule: 'department-unknown' },
    { name: '不予公开', where: {}, fields: { disclosure: '不予公开' }, rule: 'disclosure-withheld' },
    { name: '依申请公开', where: {}, fields: { disclosure: '依申请公开' }, rule: 'disclosure-on-request' },
    { name: 'unpublishAt before publishAt', where: {}, fields: { publishAt: '2026-12-02', unpublishAt: '2026-12-01' }, rule: 'date-order' },
    { name: 'a Q&A entry without its qa block', where: { column: 'nszx' }, fields: {}, rule: 'frontmatter-invalid' },
    { name: 'a missing attachment', where: {}, fields: {}, body: '[表](./missing.xlsx)\n', rule: 'asset-missing' },
  ])('$name: $rule', ({ where, fields, body, rule }) => {
    const v = validated(entry(fields, body), where);
    expect(rules(v.findings)).toContain(rule);
    const finding = v.findings.find((f) => f.rule === rule)!;
    expect(finding.file).toBe(v.path);
    expect(finding.fix).toBeTruthy();
  });

  test('a finding about a front-matter field points at that field', () => {
    const v = validated(entry({ department: 'nsfwk' }));
    const text = entry({ department: 'nsfwk' });
    const line = text.split('\n').findIndex((l) => l.startsWith('department:')) + 1;
    expect(v.findings.find((f) => f.rule === 'department-unknown')!.line).toBe(line);
  });
});

describe('planEntries: the clock and the approval judge are arguments', () => {
  const approve = (status: 'approved' | 'pending' | 'refused' | 'withdrawn'): ApprovalJudge => ({
    verified: true,
    note: 'test judge',
    judge: () => ({ status, findings: status === 'refused' ? [{ rule: 'approval-invalid', severity: 'error', file: 'x', line: 1, column: 1, message: 'refused by the judge', zh: { message: '被判定拒绝' } }] : [] }),
  });

  test.for([
    ['approved', 'publishable'],
    ['pending', 'pending'],
    ['refused', 'refused'],
    ['withdrawn', 'withdrawn'],
  ] as const)('a judge that says %s makes the entry %s', ([judged, status]) => {
    const plan = planEntries([validated(entry({}))], [], NOW, approve(judged));
    expect(plan.entries[0]!.status).toBe(status);
    expect(plan.entries[0]!.body === undefined).toBe(status === 'refused');
  });

  test('an entry with an error is refused without asking the judge', () => {
    let asked = 0;
    const judge: ApprovalJudge = { verified: true, note: '', judge: () => (asked++, { status: 'approved', findings: [] }) };
    const plan = planEntries([validated(entry({ disclosure: '不予公开' }))], [], NOW, judge);
    expect(plan.entries[0]!.status).toBe('refused');
    expect(asked).toBe(0);
  });

  test('embargo and take-down follow the clock to the second, whatever the dates', () => {
    const base = Date.UTC(2030, 0, 1);
    fc.assert(
      fc.property(fc.integer({ min: -86_400, max: 86_400 }), fc.integer({ min: -86_400, max: 86_400 }), (publishOffset, unpublishOffset) => {
        const now = new Date(base);
        const iso = (offset: number) => new Date(base + offset * 1000).toISOString().replace('.000Z', 'Z');
        const fields: Record<string, string> = { date: '2026-10-12', publishAt: iso(publishOffset) };
        if (unpublishOffset > publishOffset) fields.unpublishAt = iso(unpublishOffset);
        const plan = planEntries([validated(entry(fields))], [], now, approve('approved'));
        const e = plan.entries[0]!;
        const expected = fields.unpublishAt && unpublishOffset <= 0 ? 'unpublished' : publishOffset > 0 ? 'pending' : 'publishable';
        expect(e.status).toBe(expected);
      }),
      { numRuns: 200 },
    );
  });

  test('two entries at the same URL are both refused', () => {
    const a = validated(entry({}), { slug: 'same', format: 'md' });
    const b = validated(entry({}), { slug: 'same', format: 'mdx' });
    const plan = planEntries([a, b], [], NOW, approve('approved'));
    expect(plan.entries.map((e) => e.status)).toEqual(['refused', 'refused']);
    for (const e of plan.entries) expect(rules(e.findings)).toContain('slug-duplicate');
  });

  test('the plan records the clock and is sorted by path, whatever the input order', () => {
    const entries = ['c', 'a', 'b'].map((slug) => validated(entry({}), { slug }));
    const plan = planEntries(entries, [], NOW, approve('approved'));
    expect(plan.now).toBe(NOW.toISOString());
    expect(plan.entries.map((e) => e.slug)).toEqual(['a', 'b', 'c']);
  });
});
