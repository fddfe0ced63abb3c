import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RULES, span } from '../../pipeline/diagnostics/index.ts';
import { applyWaivers, checkEntry, CHECK_RULES, pathToUri, scanAttachment, sha256Hex, toSarif, type CheckFinding } from '../../pipeline/check/index.ts';
import { loadDemoConfig } from './helpers.ts';

const config = loadDemoConfig();

/**
 * The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json, OASIS) that a
 * consumer relies on, checked by hand: required properties, enums, minimums,
 * and the cross-references between results and the rule table.
 */
function sarifProblems(log: unknown): string[] {
  const p: string[] = [];
  const obj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const int = (v: unknown, min: number) => typeof v === 'number' && Number.isInteger(v) && v >= min;
  if (!obj(log)) return ['log is not an object'];
  if (log.version !== '2.1.0') p.push('version must be "2.1.0"');
  if (typeof log.$schema !== 'string' || !/^https?:\/\//.test(log.$schema)) p.push('$schema must be a URI');
  if (!Array.isArray(log.runs)) return [...p, 'runs is required and must be an array'];
  log.runs.forEach((run: unknown, r) => {
    if (!obj(run)) return p.push(`runs[${r}] must be an object`);
    const driver = obj(run.tool) && obj(run.tool.driver) ? run.tool.driver : undefined;
    if (!driver) return p.push(`runs[${r}].tool.driver is required`);
    if (typeof driver.name !== 'string' || driver.name === '') p.push('tool.driver.name is required');
    const rules = Array.isArray(driver.rules) ? driver.rules : [];
    const ids = new Set<string>();
    rules.forEach((rule: unknown, i) => {
      if (!obj(rule) || typeof rule.id !== 'string') return p.push(`rules[${i}].id is required`);
      if (ids.has(rule.id)) p.push(`rules[${i}].id ${rule.id} is not unique`);
      ids.add(rule.id);
      for (const k of ['shortDescription', 'fullDescription', 'help']) if (rule[k] !== undefined && !(obj(rule[k]) && typeof (rule[k] as { text?: unknown }).text === 'string')) p.push(`rules[${i}].${k}.text must be a string`);
      const level = obj(rule.defaultConfiguration) ? rule.defaultConfiguration.level : undefined;
      if (level !== undefined && !['none', 'note', 'warning', 'error'].includes(level as string)) p.push(`rules[${i}].defaultConfiguration.level is not a level`);
    });
    if (run.columnKind !== undefined && !['utf16CodeUnits', 'unicodeCodePoints'].includes(run.columnKind as string)) p.push('columnKind is not a column kind');
    if (!Array.isArray(run.results)) return p.push(`runs[${r}].results must be an array`);
    run.results.forEach((res: unknown, i) => {
      const at = `results[${i}]`;
      if (!obj(res)) return p.push(`${at} must be an object`);
      if (!obj(res.message) || (typeof res.message.text !== 'string' && typeof res.message.id !== 'string')) p.push(`${at}.message needs text or id`);
      if (res.level !== undefined && !['none', 'note', 'warning', 'error'].includes(res.level as string)) p.push(`${at}.level is not a level`);
      if (res.kind !== undefined && !['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'].includes(res.kind as string)) p.push(`${at}.kind`);
      if (typeof res.ruleId !== 'string') p.push(`${at}.ruleId is needed (no rule reference otherwise)`);
      if (res.ruleIndex !== undefined) {
        if (!int(res.ruleIndex, -1)) p.push(`${at}.ruleIndex must be an integer >= -1`);
        else if ((rules[res.ruleIndex as number] as { id?: string } | undefined)?.id !== res.ruleId) p.push(`${at}.ruleIndex does not point at rule ${String(res.ruleId)}`);
      }
      if (!Array.isArray(res.locations) || res.locations.length === 0) p.push(`${at}.locations should name the file`);
      (Array.isArray(res.locations) ? res.locations : []).forEach((loc: unknown, j) => {
        const phys = obj(loc) && obj(loc.physicalLocation) ? loc.physicalLocation : undefined;
        if (!phys) return p.push(`${at}.locations[${j}].physicalLocation is missing`);
        const art = obj(phys.artifactLocation) ? phys.artifactLocation : undefined;
        if (!art || typeof art.uri !== 'string') p.push(`${at}.locations[${j}].physicalLocation.artifactLocation.uri is missing`);
        else {
          try {
            new URL(art.uri, 'file:///repo/');
          } catch {
            p.push(`${at} uri ${art.uri} is not a URI reference`);
          }
          if (/[\s\u0080-\uffff]/.test(art.uri)) p.push(`${at} uri ${art.uri} is not percent-encoded`);
        }
        if (phys.region !== undefined) {
          const g = phys.region as Record<string, unknown>;
          if (!int(g.startLine, 1)) p.push(`${at} region.startLine must be >= 1`);
          for (const k of ['startColumn', 'endColumn']) if (g[k] !== undefined && !int(g[k], 1)) p.push(`${at} region.${k} must be >= 1`);
          if (g.endLine !== undefined && (!int(g.endLine, 1) || (g.endLine as number) < (g.startLine as number))) p.push(`${at} region.endLine must be >= startLine`);
          if (g.endLine === g.startLine && (g.endColumn as number) < (g.startColumn as number)) p.push(`${at} region.endColumn must be >= startColumn on one line`);
        }
      });
      if (res.partialFingerprints !== undefined && !(obj(res.partialFingerprints) && Object.values(res.partialFingerprints).every((v) => typeof v === 'string'))) p.push(`${at}.partialFingerprints values must be strings`);
      (Array.isArray(res.suppressions) ? res.suppressions : res.suppressions === undefined ? [] : [null]).forEach((s: unknown, j) => {
        if (!obj(s) || !['inSource', 'external'].includes(s.kind as string)) p.push(`${at}.suppressions[${j}].kind must be inSource or external`);
        else if (s.status !== undefined && !['accepted', 'underReview', 'rejected'].includes(s.status as string)) p.push(`${at}.suppressions[${j}].status`);
      });
    });
  });
  return p;
}

const entry = ['---', 'title: 通知', '---', '机密★5年', '', '联系人手机 13812345678，邮箱 a.b@qq.com', '', '![图](https://img.example.com/a.png)'].join('\n');
const findings: CheckFinding[] = [
  ...checkEntry(entry, config, { file: 'content/19900000000/tzgg/2026-11-通知.md' }),
  ...scanAttachment('content/19900000000/xzzx/x/报表.pdf', Buffer.from('%PDF-1.7'), config),
];

describe('SARIF 2.1.0 output', () => {
  const log = toSarif(applyWaivers(findings, [{ payload: { type: 'waiver', version: 1, id: 'w1', path: 'content/19900000000/tzgg/2026-11-通知.md', digest: sha256Hex(entry), rule: 'personal-mobile', fingerprint: sha256Hex('13812345678'), justification: '公开的服务电话', signedAt: '2026-11-01T00:00:00Z', signedAtMs: 0, signer: 'a' } }], sha256Hex(entry)), { toolVersion: '0.1.0', rules: CHECK_RULES, informationUri: 'https://www.tax.example.gov.cn/sealpress', lang: 'en' });

  test('meets the schema\'s required fields, enums and cross-references', () => {
    expect(sarifProblems(log)).toEqual([]);
    expect(sarifProblems(JSON.parse(JSON.stringify(log)))).toEqual([]);
  });

  test('the checker catches a broken log', () => {
    const broken = JSON.parse(JSON.stringify(log));
    broken.runs[0].results[0].ruleIndex = 99;
    broken.runs[0].results[1].locations[0].physicalLocation.region.startLine = 0;
    broken.runs[0].results[2].suppressions = [{ kind: 'waived' }];
    delete broken.runs[0].tool.driver.name;
    expect(sarifProblems(broken)).toHaveLength(4);
  });

  test('results carry rule, level, location, region and the waiver as a suppression', () => {
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(CHECK_RULES.map((r) => r.id));
    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.region?.startLine])).toEqual([
      ['secret-marking', 'error', 4],
      ['personal-mobile', 'error', 6],
      ['personal-email', 'error', 6],
      ['image-hotlink', 'error', 8],
      ['attachment-unscannable', 'error', 1],
    ]);
    const mobile = run.results[1]!;
    expect(mobile.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: 'content/19900000000/tzgg/2026-11-%E9%80%9A%E7%9F%A5.md', uriBaseId: '%SRCROOT%' },
      region: { startLine: 6, startColumn: 7, endLine: 6, endColumn: 18, snippet: { text: '联系人手机 138****5678，邮箱 a***@qq.com' } },
    });
    expect(mobile.suppressions).toEqual([{ kind: 'external', status: 'accepted', justification: '公开的服务电话', properties: { waiver: 'w1' } }]);
    expect(mobile.partialFingerprints).toEqual({ 'sealpressValue/v1': sha256Hex('13812345678') });
    expect(JSON.stringify(log)).not.toContain('13812345678');
  });

  test('paths become percent-encoded URI references', () => {
    expect(pathToUri('content/a b/填报说明.txt')).toBe('content/a%20b/%E5%A1%AB%E6%8A%A5%E8%AF%B4%E6%98%8E.txt');
  });
});

describe('SARIF for the whole gate', () => {
  test('gate diagnostics (no end, no fingerprint) and check findings share one log', async () => {
    const log = toSarif(
      [
        { rule: 'frontmatter-invalid', severity: 'error', file: 'content/19900000000/tzgg/a.md', line: 3, column: 8, message: '`date` must be a date', fix: 'write it as date: 2026-10-12', zh: { message: '`date` 应为日期', fix: '写成 date: 2026-10-12' } },
        { rule: 'approval-pending', severity: 'info', file: 'content/19900000000/tzgg/a.md', line: 1, column: 1, message: 'awaits approval', zh: { message: '待审批' } },
        ...findings,
      ],
      { toolVersion: '0.1.0', informationUri: 'https://www.tax.example.gov.cn/sealpress/', rules: [...RULES, ...CHECK_RULES], lang: 'en' },
    );
    expect(sarifProblems(log)).toEqual([]);
    const [invalid, pending] = log.runs[0]!.results;
    expect(invalid!.locations[0]!.physicalLocation.region).toEqual({ startLine: 3, startColumn: 8, endLine: 3, endColumn: 8 });
    expect(pending!.level).toBe('note');
    // About the whole file: the point at its start (a region, as SARIF2017 asks).
    expect(pending!.locations[0]!.physicalLocation.region).toEqual({ startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 });
  });
});

describe('positions: right once, for every finding', () => {
  // Any number a position could carry by mistake: 0, negative, fractional, huge, not a number.
  const number = fc.oneof(fc.integer({ min: -3, max: 40 }), fc.integer({ min: 1, max: 2 ** 31 }), fc.constantFrom(0.5, Number.NaN, Infinity));
  const finding = fc.record(
    {
      rule: fc.constantFrom('frontmatter-invalid', 'approval-pending', 'personal-mobile', 'attachment-hidden', 'config-invalid'),
      severity: fc.constantFrom('error' as const, 'warning' as const, 'info' as const),
      file: fc.constantFrom('content/19900000000/tzgg/a.md', 'sites/19901000000/site.yaml', 'content/19900000000/tzgg/x/名单.xlsx'),
      line: number,
      column: number,
      endLine: number,
      endColumn: number,
      location: fc.constantFrom('Sheet2（隐藏） › C14', '第12段'),
      attachment: fc.constant('content/19900000000/tzgg/x/名单.xlsx'),
      excerpt: fc.constant('联系人手机 138****5678'),
      message: fc.constant('a finding'),
      zh: fc.constant({ message: '一个问题' }),
    },
    { requiredKeys: ['rule', 'severity', 'file', 'line', 'column', 'message', 'zh'] },
  );

  test('every result has a region: startLine ≥ 1, columns ≥ 1, the end never before the start', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 8 }), (findings) => {
        const log = toSarif(findings, { toolVersion: '0.1.0', informationUri: 'https://www.tax.example.gov.cn/sealpress/', rules: [...RULES, ...CHECK_RULES], lang: 'en' });
        for (const r of log.runs[0]!.results) {
          const g = r.locations[0]!.physicalLocation.region;
          for (const n of [g.startLine, g.startColumn, g.endLine, g.endColumn]) expect(Number.isInteger(n) && n >= 1, JSON.stringify(g)).toBe(true);
          expect(g.endLine).toBeGreaterThanOrEqual(g.startLine);
          if (g.endLine === g.startLine) expect(g.endColumn).toBeGreaterThanOrEqual(g.startColumn);
        }
        expect(sarifProblems(log)).toEqual([]);
      }),
    );
  });

  test('a span that is already right is kept as it is; one whose end is before its start becomes the point at its start', () => {
    const ordinal = fc.integer({ min: 1, max: 10_000 });
    fc.assert(
      fc.property(ordinal, ordinal, ordinal, ordinal, (a, b, c, d) => {
        const [start, end] = [{ line: a, column: b }, { line: c, column: d }].sort((x, y) => x.line - y.line || x.column - y.column) as [{ line: number; column: number }, { line: number; column: number }];
        expect(span(start, end)).toEqual({ line: start.line, column: start.column, endLine: end.line, endColumn: end.column });
        if (end.line !== start.line || end.column !== start.column) expect(span(end, start)).toEqual({ line: end.line, column: end.column, endLine: end.line, endColumn: end.column });
      }),
    );
  });
});
