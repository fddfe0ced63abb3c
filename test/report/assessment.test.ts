/** The assessment sheet: validation with positions, scoring kinds, single-item vetoes. */
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { assess, loadSheet, readSheet, scoreIndicator, type AssessmentSheet, type Indicator, type SiteReport } from '../../pipeline/report/index.ts';
import { parseYaml } from '../../pipeline/util/yaml.ts';
import { makeRepo } from '../helpers/repo.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const SHEET = `version: 1
year: 2026
name: 测试考核
indicators:
  - { id: updates, name: 更新量, weight: 40, figure: published, kind: ratio, target: 10 }
  - { id: fresh, name: 栏目及时, weight: 30, figure: staleColumns, kind: count-penalty, perItem: 10 }
  - { id: reply, name: 答复时效, weight: 30, figure: replyMedianDays, kind: threshold, atMost: 5 }
vetoes:
  - { id: blank, name: 空白栏目, figure: blankColumns, above: 0 }
  - { id: filings, name: 管理员备案逾期, figure: lateAdministratorFilings, above: 0 }
`;

function site(over: Partial<SiteReport> & { code: string }): SiteReport {
  return {
    name: `子站${over.code}`,
    kind: 'sub',
    published: 0,
    homeStale: false,
    columns: [],
    staleColumns: [],
    blankColumns: [],
    replies: { asked: 0, answered: 0, distribution: { count: 0, buckets: [] }, overLimit: [], awaiting: [] },
    refusals: { total: 0, byRule: [] },
    turnaround: { distribution: { count: 0, buckets: [] }, notCommitted: 0, noApprovalTime: 0, approvedBeforeCommit: 0 },
    ...over,
  };
}

describe('scoring kinds', () => {
  const ind = (scoring: Indicator['scoring']): Indicator => ({ id: 'x', name: 'x', weight: 20, figure: 'published', scoring });
  test.for([
    { name: 'threshold atLeast met', scoring: { kind: 'threshold', atLeast: 5 } as const, value: 5, score: 20 },
    { name: 'threshold atLeast missed', scoring: { kind: 'threshold', atLeast: 5 } as const, value: 4.9, score: 0 },
    { name: 'threshold atMost met', scoring: { kind: 'threshold', atMost: 5 } as const, value: 5, score: 20 },
    { name: 'threshold atMost missed', scoring: { kind: 'threshold', atMost: 5 } as const, value: 6, score: 0 },
    { name: 'ratio below target', scoring: { kind: 'ratio', target: 8 } as const, value: 2, score: 5 },
    { name: 'ratio above target is capped', scoring: { kind: 'ratio', target: 8 } as const, value: 80, score: 20 },
    { name: 'count-penalty', scoring: { kind: 'count-penalty', perItem: 3 } as const, value: 2, score: 14 },
    { name: 'count-penalty never below 0', scoring: { kind: 'count-penalty', perItem: 3 } as const, value: 9, score: 0 },
    { name: 'no data earns nothing', scoring: { kind: 'ratio', target: 8 } as const, value: undefined, score: 0 },
  ])('$name', ({ scoring, value, score }) => {
    expect(scoreIndicator(ind(scoring), value).score).toBe(score);
  });
});

describe('assess', () => {
  const sheet = readSheet(parseYaml(SHEET).value, 'sites/assessment/2026.yaml').sheet as AssessmentSheet;
  const governance = { administratorFilings: { provided: true as const, items: [{ site: 'B', administrator: '李强', appointed: '2026-05-06', filed: '2026-06-30', workingDays: 36, late: true }] }, columnChanges: { provided: false as const } };
  const sites = [
    site({ code: 'A', published: 5, staleColumns: ['gzdt'], replies: { asked: 1, answered: 1, distribution: { count: 1, medianDays: 3, buckets: [] }, overLimit: [], awaiting: [] } }),
    site({ code: 'B', published: 12, blankColumns: [] }),
    site({ code: 'C', published: 20, blankColumns: ['nszx'] }),
    site({ code: 'M', kind: 'main', published: 50 }),
  ];
  const result = assess(sheet, { sites, governance });

  test('scores per sub-site, the main site not assessed', () => {
    expect(result.sites.map((s) => s.site)).toEqual(['A', 'B', 'C']);
    // A: 40 × 5/10 + (30 − 10) + 30 (median 3 ≤ 5) = 70
    expect(result.sites[0]!.score).toBe(70);
    expect(result.sites[0]!.result).toBe('pass');
  });

  test('a veto fails the site whatever its score', () => {
    const c = result.sites.find((s) => s.site === 'C')!;
    // C: 40 + 30 + 0 (no reply figure) = 70, the same score as A, but a blank column.
    expect(c.score).toBe(70);
    expect(c.result).toBe('fail');
    expect(c.vetoes.find((v) => v.id === 'blank')).toMatchObject({ vetoed: true, value: 1 });
    const b = result.sites.find((s) => s.site === 'B')!;
    expect(b.result).toBe('fail');
    expect(b.vetoes.find((v) => v.id === 'filings')).toMatchObject({ vetoed: true, value: 1 });
  });

  test('a veto on a figure nobody provided leaves the site incomplete, not passed', () => {
    const r = assess(sheet, { sites: [sites[0]!], governance: { administratorFilings: { provided: false }, columnChanges: { provided: false } } });
    expect(r.sites[0]!.result).toBe('incomplete');
  });
});

describe('sheet validation', () => {
  const repo = makeRepo();
  afterAll(() => repo.cleanup());
  const problems = (text: string) => {
    repo.write('sites/assessment/bad.yaml', text);
    return loadSheet(repo.root, 'sites/assessment/bad.yaml').diagnostics.map((d) => `${d.line}: ${d.message}`);
  };

  test('the shipped 2026 sheet is valid', () => {
    const loaded = loadSheet(ROOT, 'sites/assessment/2026.yaml');
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.sheet!.indicators.reduce((s, i) => s + i.weight, 0)).toBe(100);
    expect(loaded.sheet!.vetoes.map((v) => v.figure)).toEqual(expect.arrayContaining(['homeStale', 'blankColumns', 'repliesOverLimit']));
  });

  test.for([
    { name: 'an unknown figure', edit: (s: string) => s.replace('figure: staleColumns', 'figure: staleColumn'), line: 6, message: /figure/ },
    { name: 'an unknown scoring kind', edit: (s: string) => s.replace('kind: ratio', 'kind: bonus'), line: 5, message: /kind/ },
    { name: 'a threshold with both bounds', edit: (s: string) => s.replace('atMost: 5', 'atMost: 5, atLeast: 1'), line: 7, message: /exactly one/ },
    { name: 'weights not adding up to 100', edit: (s: string) => s.replace('weight: 40', 'weight: 45'), line: 4, message: /add up to 105/ },
    { name: 'a duplicate id', edit: (s: string) => s.replace('id: fresh', 'id: updates'), line: 6, message: /used twice/ },
    { name: 'a typo in a key', edit: (s: string) => s.replace('above: 0 }\n  - { id: filings', 'abov: 0 }\n  - { id: filings'), line: 9, message: /unknown field `abov`/ },
    { name: 'a bad threshold', edit: (s: string) => s.replace('indicators:', 'thresholds:\n  news: { days: 14, months: 1 }\nindicators:'), line: 5, message: /exactly one of `days` or `months`/ },
    { name: 'broken YAML', edit: (s: string) => s.replace('name: 测试考核', 'name: [测试考核'), line: 4, message: /YAML/ },
  ])('$name is reported with its line', ({ edit, line, message }) => {
    const found = problems(edit(SHEET));
    expect(found.length).toBeGreaterThan(0);
    expect(found.some((p) => p.startsWith(`${line}: `) && message.test(p)), found.join('\n')).toBe(true);
  });

  test('every problem is reported at once', () => {
    const found = problems(SHEET.replace('figure: staleColumns', 'figure: nope').replace('kind: ratio', 'kind: bonus').replace('year: 2026', 'year: soon'));
    expect(found.length).toBeGreaterThanOrEqual(3);
  });

  test('a missing sheet names the file', () => {
    const d = loadSheet(repo.root, 'sites/assessment/1999.yaml').diagnostics;
    expect(d[0]).toMatchObject({ rule: 'config-invalid', file: 'sites/assessment/1999.yaml' });
  });

});
