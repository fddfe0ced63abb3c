import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../helpers/cli.ts';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { approvedRepo, entry, makeRepo, MAIN, SUB_YAML, SUB, type TestRepo } from '../helpers/repo.ts';
import { demoRoot } from '../helpers/demo.ts';

// The demo, made valid at the tests' clock if the working tree's was renewed (test/helpers/demo.ts): slow only then.
beforeAll(() => demoRoot(), 120_000);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = '2026-11-27T12:00:00+08:00';

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());

const run = runCli;

interface CheckJson {
  entries: { path: string; site: string; column: string; status: string; findings: { rule: string; severity: string; message: string; line: number; column: number; attachment?: string; location?: string }[] }[];
  summary: Record<string, number>;
  approvals: { verified: boolean };
}

describe('sealpress check on the demo site group', () => {
  test('--format json reports the held-back entries with their reasons', async () => {
    const r = await run(['check', '--root', await demoRoot(), '--format', 'json', '--now', NOW]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as CheckJson;
    const byPath = new Map(json.entries.map((e) => [e.path, e]));
    // The entry's own finding (the traps in its attached documents are test/integration/demo-documents.test.ts's).
    const staffing = byPath.get(`content/${MAIN}/tzgg/2026-11-internal-staffing-plan.md`);
    expect({ ...staffing, findings: staffing?.findings.filter((f) => f.attachment === undefined) }).toMatchObject({
      status: 'refused',
      site: MAIN,
      column: 'tzgg',
      findings: [{ rule: 'disclosure-withheld', severity: 'error', line: 7 }],
    });
    expect(byPath.get('content/19902000000/tzgg/2026-11-holiday-hours-draft.md')?.findings[0]?.rule).toBe('department-unknown');
    expect(byPath.get('content/19903000000/zcwj/2026-11-misplaced-notice.md')?.findings[0]?.rule).toBe('column-not-enabled');
    expect(byPath.get('content/19901000000/gzdt/2026-11-winter-service-week.md')?.status).toBe('pending');
    expect(byPath.get(`content/${MAIN}/tzgg/2025-12-year-end-closing.md`)?.status).toBe('unpublished');
    // The approval cases of the demo (see pipeline/demo/regenerate.ts).
    expect(byPath.get('content/19902000000/nszx/2026-09-export-refund-timing.md')).toMatchObject({ status: 'pending', findings: [{ rule: 'approval-pending' }] });
    expect(byPath.get('content/19901000000/zcwj/2026-06-urban-land-use-tax-grades.md')?.findings[0]).toMatchObject({ rule: 'approval-pending', message: expect.stringMatching(/needs 1 office-approver/) });
    expect(byPath.get('content/19903000000/bszn/2026-08-vehicle-purchase-tax-guide.md')).toMatchObject({ status: 'refused', findings: [{ rule: 'approval-stale', severity: 'error' }, { rule: 'approval-pending' }] });
    expect(byPath.get('content/19900000000/ssxc/2026-04-tax-publicity-month-launch.md')).toMatchObject({ status: 'withdrawn', findings: [{ rule: 'withdrawn' }] });
    expect(json.entries.length).toBeGreaterThanOrEqual(40);
    expect(json.summary).toEqual({ publishable: 44, pending: 3, refused: 9, unpublished: 1, withdrawn: 1 });
    // The planted confidentiality and copyright cases (test/check/planted/README.md).
    const rules = (path: string) => byPath.get(path)?.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
    expect(rules(`content/${MAIN}/tzgg/2026-11-tax-arrears-notice.md`)).toEqual(['personal-id', 'personal-id']);
    // The entry's own text (its attached 志愿者名单.xlsx is test/integration/demo-documents.test.ts's).
    expect(byPath.get('content/19901000000/gzdt/2026-11-hall-volunteers.md')?.findings.find((f) => f.rule === 'personal-id' && f.attachment === undefined)).toMatchObject({ line: 14, column: 15 });
    expect(rules('content/19902000000/gzdt/2026-11-port-logistics-reprint.md')).toContain('reprint-incomplete');
    expect(rules('content/19903000000/tzgg/2026-11-inspection-arrangements.md')).toEqual(['personal-mobile', 'internal-marking', 'internal-marking', 'secret-internal-host', 'secret-password']);
    expect(json.approvals.verified).toBe(true);
  });

  test('--format sarif gives SARIF 2.1.0 with every finding at its position', async () => {
    const r = await run(['check', '--root', await demoRoot(), '--format', 'sarif', '--now', NOW]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(r.out) as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0]!;
    expect(run0.tool.driver.rules.map((x) => x.id)).toContain('personal-id');
    const withheld = run0.results.find((x) => x.ruleId === 'disclosure-withheld')!;
    expect(withheld.level).toBe('error');
    expect(withheld.locations[0]!.physicalLocation.artifactLocation.uri).toBe(`content/${MAIN}/tzgg/2026-11-internal-staffing-plan.md`);
    expect(withheld.locations[0]!.physicalLocation.region?.startLine).toBe(7);
  });

  test('--site limits the report to one site', async () => {
    const r = await run(['check', '--root', await demoRoot(), '--format', 'json', '--now', NOW, '--site', '19901000000']);
    const json = JSON.parse(r.out) as CheckJson;
    expect(new Set(json.entries.map((e) => e.site))).toEqual(new Set(['19901000000']));
    // 示例市 holds one refused entry (a planted ID number), so check still exits 1.
    expect(json.summary.refused).toBe(1);
    expect(r.code).toBe(1);
  });

  test('--site leaves other sites\' findings out of the text too', async () => {
    const r = await run(['check', '--root', await demoRoot(), '--now', NOW, '--site', '19901000000']);
    const files = [...r.out.matchAll(/^(content\/\S+?|sites\/\S+?):\d+/gm)].map((m) => m[1]!);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(file).not.toMatch(/^(content|sites)\/(?:_[a-z]+\/)?(?!19901000000\/)\d{11}\//);
  });

  test('given a writer\'s own files, only they are reported, and the exit code speaks for them', async () => {
    const root = await demoRoot();
    const all = JSON.parse((await run(['check', '--root', root, '--format', 'json', '--now', NOW])).out) as CheckJson;
    const refused = all.entries.find((e) => e.status === 'refused')!;
    const fine = all.entries.find((e) => e.status === 'publishable' && e.site === refused.site)!;
    // A publishable entry alone: exit 0, though the group holds refused entries.
    const one = await run(['check', '--root', root, '--format', 'json', '--now', NOW, join(root, fine.path)]);
    expect((JSON.parse(one.out) as CheckJson).entries.map((e) => e.path)).toEqual([fine.path]);
    expect(one.code).toBe(0);
    // With the refused one beside it, as text: both shown, nothing else, exit 1.
    const two = await run(['check', '--root', root, '--now', NOW, join(root, fine.path), join(root, refused.path)]);
    expect(two.code).toBe(1);
    expect(two.out).toContain(`${refused.path}:`);
    expect(two.out).toMatch(/^2 entries: /m);
    for (const m of two.out.matchAll(/^(content\/\S+?):\d+:\d+ /gm)) expect([fine.path, refused.path]).toContain(m[1]);
    // A folder: the entries under it.
    const folder = refused.path.slice(0, refused.path.lastIndexOf('/'));
    const under = JSON.parse((await run(['check', '--root', root, '--format', 'json', '--now', NOW, join(root, folder)])).out) as CheckJson;
    expect(under.entries.length).toBeGreaterThan(0);
    for (const e of under.entries) expect(e.path.startsWith(`${folder}/`)).toBe(true);
  });

  test('a file outside the repository, or one that is not there, is a usage error', async () => {
    const root = await demoRoot();
    const outside = await run(['check', '--root', root, '--now', NOW, tmpdir()]);
    expect(outside.code).toBe(2);
    expect(outside.err).toMatch(/outside the repository/);
    const missing = await run(['check', '--root', root, '--now', NOW, join(root, 'content', 'no-such-notice.md')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no such file or folder/);
  });

  test('text output is compiler-style with a fix and a summary', async () => {
    const r = await run(['check', '--root', await demoRoot(), '--now', NOW]);
    expect(r.out).toContain(`content/${MAIN}/tzgg/2026-11-internal-staffing-plan.md:7:13 error disclosure-withheld`);
    expect(r.out).toMatch(/fix: /);
    expect(r.out).toMatch(/58 entries: 44 publishable, 3 pending, 9 refused, 1 unpublished, 1 withdrawn/);
    // The waived ID number is shown as waived, masked; the other refuses the entry.
    expect(r.out).toMatch(/tax-arrears-notice\.md:15:27 waived personal-id resident ID number 1101\*+/);
    expect(r.out).toMatch(/tax-arrears-notice\.md:16:14 error personal-id/);
    // A warning on a publishable entry is shown too.
    expect(r.out).toMatch(/2026-11-fee-rules-draft\.md:\d+:\d+ warning draft-marking/);
    expect(r.out).toMatch(/approvals: approvals verified against policy v1/);
  });
});

describe('exit codes', () => {
  test('0 when nothing is refused', async () => {
    repo = await approvedRepo({ [`content/${MAIN}/tzgg/a.md`]: entry({}) });
    expect((await run(['check', '--root', repo.root, '--now', NOW])).code).toBe(0);
  });

  test('1 when an entry is refused', async () => {
    repo = makeRepo({ [`content/${MAIN}/tzgg/a.md`]: entry({ department: 'nope' }) });
    expect((await run(['check', '--root', repo.root, '--now', NOW])).code).toBe(1);
  });

  test('2 for a broken configuration, naming the file and line', async () => {
    repo = makeRepo({ [`sites/${SUB}/site.yaml`]: SUB_YAML.replace('columns: [tzgg', 'columns: [zcjd, tzgg') });
    const r = await run(['check', '--root', repo.root, '--now', NOW]);
    expect(r.code).toBe(2);
    expect(r.out).toContain(`sites/${SUB}/site.yaml:7:11 error config-invalid column zcjd is not in the group's column tree`);
  });

  test.for([
    { name: 'unknown option', args: ['check', '--bogus'] },
    { name: 'bad format', args: ['check', '--format', 'xml'] },
    { name: 'bad clock', args: ['check', '--now', 'tomorrow'] },
    { name: 'unknown command', args: ['deploy'] },
    { name: 'unknown site', args: ['check', '--site', '123'] },
  ])('2 for usage errors: $name', async ({ args }) => {
    const r = await run([...args, '--root', await demoRoot()]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/sealpress/);
  });

  test('every command has --help', async () => {
    for (const command of ['check', 'build', 'preview']) {
      const r = await run([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: sealpress ${command}`));
      expect(r.out).toMatch(/Exit codes/);
    }
  });
});

describe('the installed command', () => {
  test('npx sealpress runs the CLI through the package bin', async () => {
    const out = execFileSync('npx', ['--no-install', 'sealpress', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/Usage: sealpress <command>/);
    const log = join(mkdtempSync(join(tmpdir(), 'sealpress-audit-')), 'log.jsonl');
    const r = spawnSync('npx', ['--no-install', 'sealpress', 'check', '--format', 'json', '--now', NOW, '--root', await demoRoot()], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, SEALPRESS_AUDIT_LOG: log } });
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as CheckJson).summary.refused).toBe(9);
  }, 30_000);
});
