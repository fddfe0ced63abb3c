/**
 * `sealpress report --format html` on the demo, one real Astro build: a page of
 * its own, no script, and for every site its stale and blank columns, adoption
 * and reply times. Also the JSON and CSV formats and the usage errors.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { report } from '../../pipeline/cli/report.ts';
import type { Io } from '../../pipeline/cli/output.ts';
import type { ReportModel } from '../../pipeline/report/index.ts';
import { demoRoot } from '../helpers/demo.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = '2026-11-27T12:00:00+08:00';
let tmp: string;

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
  // The report runs over the checkout's own demo: its gate run is recorded, and must go to a log of the test's, never to .sealpress/audit.
  const saved = process.env['SEALPRESS_AUDIT_LOG'];
  process.env['SEALPRESS_AUDIT_LOG'] = join(tmp, 'audit.jsonl');
  try {
    const code = await report(['--root', await demoRoot(), '--now', NOW, '--no-cache', ...args], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    if (saved === undefined) delete process.env['SEALPRESS_AUDIT_LOG'];
    else process.env['SEALPRESS_AUDIT_LOG'] = saved;
  }
}

let model: ReportModel;
let html: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sealpress-report-test-'));
  const json = await run(['--format', 'json']);
  expect(json.code, json.err).toBe(0);
  model = JSON.parse(json.out) as ReportModel;
  const built = await run(['--format', 'html', '--out', join(tmp, 'out', 'report.html'), '--cache-dir', join(tmp, 'cache')]);
  expect(built.code, built.err).toBe(0);
  html = readFileSync(join(tmp, 'out', 'report.html'), 'utf8');
}, 180_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The page's section for one site, from its heading to the next site's. */
function section(code: string): string {
  const start = html.indexOf(`id="site-${code}"`);
  const next = html.indexOf('<section', start + 1);
  return html.slice(start, next === -1 ? undefined : next);
}

describe('the demo report', () => {
  test('every site of the demo has stale and blank columns, adoption and consultations', () => {
    expect(model.sites).toHaveLength(4);
    for (const s of model.sites) {
      expect(s.staleColumns.length, s.code).toBeGreaterThan(0);
      expect(s.blankColumns.length, s.code).toBeGreaterThan(0);
      expect(s.replies.asked, s.code).toBeGreaterThan(0);
      if (s.kind === 'sub') expect(s.adoption!.adopted, s.code).toBeGreaterThan(0);
      else expect(s.carried!.reduce((n, c) => n + c.adopted, 0)).toBeGreaterThan(0);
    }
    expect(model.assessment!.sites.every((s) => s.result === 'fail')).toBe(true);
  });

  test('the governance of the demo: its signed column drops and one administrator filed a working day late', () => {
    const changes = model.governance.columnChanges;
    expect(changes.provided && changes.items.length).toBe(12);
    expect(changes.provided && changes.items.every((c) => c.change === 'drop' && c.approved && c.request?.startsWith(`sites/_changes/${c.site}/`))).toBe(true);
    const filings = model.governance.administratorFilings;
    expect(filings.provided && filings.items.filter((f) => f.late)).toEqual([{ site: '19903000000', administrator: '钱志刚', appointed: '2026-09-21', filed: '2026-10-20', workingDays: 16, late: true }]);
    expect(html).toContain('钱志刚');
  });

  test('the page is one self-contained file: zh-CN, no script, no external resource', () => {
    expect(html).toMatch(/<html lang="zh-CN"/);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link[^>]+stylesheet/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).toMatch(/<style>/);
    expect(html).toMatch(/<svg[^>]+role="img"/);
  });

  test('tables have captions and header cells', () => {
    const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) {
      expect(t).toMatch(/<caption>/);
      expect(t).toMatch(/<th scope="col">/);
    }
  });

  test.for(['19900000000', '19901000000', '19902000000', '19903000000'])('site %s shows its stale and blank columns, adoption and reply times', (code) => {
    const s = model.sites.find((x) => x.code === code)!;
    const part = section(code);
    for (const id of s.staleColumns) expect(part).toMatch(new RegExp(`（${id}）</th>(?:(?!</tr>)[\\s\\S])*超期未更新`));
    for (const id of s.blankColumns) expect(part).toMatch(new RegExp(`（${id}）</th>(?:(?!</tr>)[\\s\\S])*空白栏目`));
    expect(part).toContain('主站采用');
    if (s.adoption) expect(part).toContain(`${(s.adoption.share * 100).toFixed(1)}%`);
    expect(part).toContain('咨询答复用时分布');
    expect(part).toContain(`本期收到咨询 ${s.replies.asked} 件`);
    if (s.replies.distribution.medianDays !== undefined) expect(part).toContain(`中位数 ${s.replies.distribution.medianDays} 天`);
    else expect(part).toContain('答复尚未在网站发布的咨询');
  });

  test('the CSV has one table with a section column', async () => {
    const csv = await run(['--format', 'csv', '--site', '19902000000']);
    expect(csv.code).toBe(0);
    const lines = csv.out.split('\r\n');
    expect(lines[0]).toBe('section,site,site_name,column,item,figure,value');
    expect(lines.some((l) => l.startsWith('columns,19902000000,') && l.endsWith(',blank,true'))).toBe(true);
    expect(lines.some((l) => l.startsWith('assessment,19902000000,'))).toBe(true);
    expect(lines.some((l) => l.includes(',19901000000,'))).toBe(false);
  });

  test.for([
    { name: 'a bad date', args: ['--from', '2026-02-30'] },
    { name: 'a reversed period', args: ['--from', '2026-06-01', '--to', '2026-05-01'] },
    { name: 'an unknown format', args: ['--format', 'pdf'] },
  ])('usage error: $name', async ({ args }) => {
    await expect(run(args)).rejects.toMatchObject({ code: 'USAGE' });
  });

  test('an unknown site or a missing sheet exits 2', async () => {
    expect((await run(['--site', '19999999999'])).code).toBe(2);
    // Recorded, in the test's own log (the JSON, HTML and CSV runs before it as well).
    const logged = readFileSync(join(tmp, 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { outcome: string; details: { command: string; reason?: string } });
    expect(logged.length).toBeGreaterThanOrEqual(4);
    expect(logged.every((e) => e.details.command === 'report')).toBe(true);
    expect(logged.at(-1)).toMatchObject({ outcome: 'failed', details: { reason: 'unknown-site' } });
    const missing = await run(['--sheet', 'sites/assessment/1999.yaml']);
    expect(missing.code).toBe(2);
    expect(missing.out).toContain('sites/assessment/1999.yaml');
  });
});
