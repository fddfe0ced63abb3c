/**
 * The language of the output (issue 15): the bureau's staff read Chinese, so
 * every finding, fix and summary line is Chinese unless `--lang en` or
 * SEALPRESS_LANG=en asks for the English; rule ids and codes stay ASCII.
 * Every finding is made in both languages, with the same values in each.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import type { Diagnostic } from '../../pipeline/diagnostics/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { errorText, SealpressError } from '../../pipeline/errors/index.ts';
import { cliError } from '../../pipeline/pki/index.ts';
import { TrustError } from '../../pipeline/trust/index.ts';
import { buildReport, loadHistory } from '../../pipeline/report/index.ts';
import { runCli } from '../helpers/cli.ts';
import { DEMO_NOW, demoRoot } from '../helpers/demo.ts';
import { CJK, expectBothLanguages } from '../helpers/lang.ts';
import { entry, MAIN, makeRepo, NOW as REPO_NOW } from '../helpers/repo.ts';

const NOW = '2026-11-27T12:00:00+08:00';
/** The Chinese by default: the suite's runner asks for English unless the test says otherwise. */
const CHINESE = { SEALPRESS_LANG: undefined };

let root: string;
beforeAll(async () => {
  root = await demoRoot();
}, 120_000);

/** A finding of `check`'s text output: its heading line (file:line:col severity rule message) and its fix line. */
interface Shown {
  head: string;
  rule: string;
  message: string;
  fix?: string;
}

function findings(out: string, fixLabel: string): Shown[] {
  const shown: Shown[] = [];
  for (const line of out.split('\n')) {
    const head = /^(\S+):(\d+):(\d+) (\S+) ([a-z-]+) (.*)$/.exec(line);
    if (head) shown.push({ head: line, rule: head[5]!, message: head[6]! });
    else if (line.startsWith(`       ${fixLabel}`) && shown.length > 0) shown[shown.length - 1]!.fix = line.slice(`       ${fixLabel}`.length).trim();
  }
  return shown;
}

describe('check on the demo', () => {
  test('prints Chinese by default: every message and fix, the labels and the summary; --lang en prints the English', async () => {
    const zh = await runCli(['check', '--root', root, '--now', NOW], CHINESE);
    const en = await runCli(['check', '--root', root, '--now', NOW, '--lang', 'en'], CHINESE);
    expect(zh.code).toBe(1);
    expect(en.code).toBe(1);
    const zf = findings(zh.out, '修改建议：');
    const ef = findings(en.out, 'fix:');
    expect(zf.length).toBeGreaterThan(30);
    expect(zf.map((f) => f.rule)).toEqual(ef.map((f) => f.rule));
    zf.forEach((f, i) => {
      const e = ef[i]!;
      expect(f.message, f.head).toMatch(CJK);
      expect(f.message, f.head).not.toBe(e.message);
      expect(f.fix === undefined, f.head).toBe(e.fix === undefined);
      if (f.fix !== undefined) {
        expect(f.fix, f.head).toMatch(CJK);
        expect(f.fix, f.head).not.toBe(e.fix);
      }
      // Severity words follow the language; the rule id does not.
      expect(f.head).toMatch(/ (错误|警告|提示|已豁免) [a-z-]+ /);
    });
    expect(ef.every((f) => / (error|warning|info|waived) [a-z-]+ /.test(f.head))).toBe(true);
    expect(zh.out).toMatch(/^共 \d+ 个条目：可发布 \d+，待发布 \d+，不予发布 \d+，已下线 \d+，已撤下 \d+$/m);
    expect(en.out).toMatch(/^\d+ entries: \d+ publishable, \d+ pending/m);
    // Codes stay as they are.
    expect(zh.out).toContain('[THRESHOLD_NOT_MET]');
  });

  test('SEALPRESS_LANG=en is --lang en; --lang wins over it', async () => {
    const byEnv = await runCli(['check', '--root', root, '--now', NOW], { SEALPRESS_LANG: 'en' });
    const byOption = await runCli(['check', '--root', root, '--now', NOW, '--lang', 'en'], CHINESE);
    expect(byEnv.out).toBe(byOption.out);
    const zh = await runCli(['check', '--root', root, '--now', NOW, '--lang', 'zh'], { SEALPRESS_LANG: 'en' });
    expect(zh.out).toContain('修改建议：');
  });

  test('an unknown language is a usage error', async () => {
    const r = await runCli(['check', '--root', root, '--now', NOW, '--lang', 'xx'], CHINESE);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--lang 应为以下之一：zh, en，实际为“xx” [USAGE]');
    const env = await runCli(['check', '--root', root, '--now', NOW], { SEALPRESS_LANG: 'fr' });
    expect(env.code).toBe(2);
    expect(env.err).toContain('SEALPRESS_LANG 应为以下之一：zh, en，实际为“fr”');
    const en = await runCli(['check', '--root', root, '--now', NOW, '--lang', 'xx'], { SEALPRESS_LANG: 'en' });
    expect(en.err).toContain('--lang must be one of zh, en, found "xx" [USAGE]');
  });

  test('an error that stops a command is said in the language too, with its code', async () => {
    const zh = await runCli(['check', '--root', root, '--now', 'yesterday'], CHINESE);
    expect(zh.code).toBe(2);
    expect(zh.err).toContain('sealpress check: --now 应为 ISO 8601 日期时间，实际为“yesterday” [USAGE]');
    expect(zh.err).toContain('运行 `sealpress check --help` 查看用法。');
    const en = await runCli(['check', '--root', root, '--now', 'yesterday', '--lang', 'en'], CHINESE);
    expect(en.err).toContain('sealpress check: --now must be an ISO 8601 date-time, found "yesterday" [USAGE]');
  });

  test('JSON and SARIF carry the chosen language; severities stay ASCII', async () => {
    const json = JSON.parse((await runCli(['check', '--root', root, '--now', NOW, '--format', 'json'], CHINESE)).out) as { entries: { findings: { severity: string; message: string; fix?: string }[] }[] };
    const all = json.entries.flatMap((e) => e.findings);
    expect(all.length).toBeGreaterThan(30);
    for (const f of all) {
      expect(f.message).toMatch(CJK);
      if (f.fix !== undefined) expect(f.fix).toMatch(CJK);
      expect(['error', 'warning', 'info']).toContain(f.severity);
    }
    const sarif = JSON.parse((await runCli(['check', '--root', root, '--now', NOW, '--format', 'sarif'], CHINESE)).out) as { runs: { tool: { driver: { rules: { id: string; fullDescription: { text: string }; help: { text: string } }[] } }; results: { level: string; message: { text: string } }[] }[] };
    for (const r of sarif.runs[0]!.results) expect(r.message.text).toMatch(CJK);
    // The rules' own words too: every rule of the gate's and the checks' catalogues has its Chinese.
    for (const r of sarif.runs[0]!.tool.driver.rules) {
      expect(r.fullDescription.text, r.id).toMatch(CJK);
      expect(r.help.text, r.id).toMatch(CJK);
    }
  });
});

describe('every finding of the demo gate run, in both languages', () => {
  let all: Diagnostic[];
  let gate: Extract<Awaited<ReturnType<typeof runGate>>, { ok: true }>;
  beforeAll(async () => {
    const result = await runGate({ root, now: DEMO_NOW, cache: false });
    if (!result.ok) throw new Error('the demo configuration is invalid');
    gate = result;
    all = [...gate.configDiagnostics, ...gate.plan.diagnostics, ...gate.plan.entries.flatMap((e) => e.findings)];
  }, 120_000);

  test('each has a Chinese message and fix, which carry every number, content/ path and code of the English', () => {
    expect(all.length).toBeGreaterThan(30);
    for (const d of all) expectBothLanguages(d);
  });

  test('the report says where its figures come from in Chinese (the page is Chinese); English when asked', async () => {
    const history = await loadHistory(root, gate.plan);
    const input = { group: gate.group, plan: gate.plan, now: DEMO_NOW, period: { from: '2026-01-01', to: '2026-11-27' }, history };
    const zh = buildReport(input).sources;
    expect(zh.git).toMatch(CJK);
    expect(zh.approvals).toMatch(/^审批时间取自发布关口已核验的记录；\d+ 个已发布条目有审批时间$/);
    expect(buildReport({ ...input, lang: 'en' }).sources.approvals).toMatch(/^approval times from the gate's verified records; \d+ published entries/);
  });
});

describe('hostile and broken entries, in both languages', () => {
  test('markup, links, references, front matter and the plan say it in Chinese too', async () => {
    const dir = `content/${MAIN}/tzgg`;
    const repo = makeRepo({
      [`${dir}/a.md`]: entry({ department: 'nope', publishAt: '2027-01-01', unpublishAt: '2026-12-01' }, '[点此](javascript:alert(1))\n\n<script>alert(1)</script>\n\n<img src="/x.png" onerror="x()">\n\n![图](./missing.png)\n\n![外](../../../../etc/passwd)\n'),
      [`${dir}/b.md`]: entry({ date: 'yesterday', extra: 'x' }),
      [`${dir}/c.md`]: '没有前置信息\n',
      [`${dir}/d.mdx`]: entry({}, 'import x from "y";\n\n{1 + 1}\n\n<Unknown />\n'),
      [`${dir}/Bad Name.md`]: entry({}),
    });
    try {
      const gate = await runGate({ root: repo.root, now: REPO_NOW, cache: false });
      if (!gate.ok) throw new Error('the fixture configuration is invalid');
      const all = [...gate.plan.diagnostics, ...gate.plan.entries.flatMap((e) => e.findings)];
      const rules = new Set(all.map((d) => d.rule));
      for (const rule of ['url-scheme', 'html-active', 'asset-missing', 'asset-hostile', 'department-unknown', 'date-order', 'frontmatter-invalid', 'frontmatter-missing', 'mdx-esm', 'mdx-expression', 'mdx-component-unknown', 'path-layout']) expect(rules, rule).toContain(rule);
      for (const d of all) expectBothLanguages(d);
    } finally {
      repo.cleanup();
    }
  });
});

describe('errors in both languages', () => {
  test('a key error keeps its Chinese when the command line wraps it, and its English on .message', () => {
    const wrapped = cliError(new TrustError('KEY_PASSPHRASE_WRONG', { zh: '口令无法打开 a.key.pem；请检查后重试', en: 'the passphrase does not open a.key.pem; check it and try again' })) as SealpressError;
    expect(wrapped.message).toBe('the passphrase does not open a.key.pem; check it and try again [KEY_PASSPHRASE_WRONG]');
    expect(errorText(wrapped, 'zh').message).toBe('口令无法打开 a.key.pem；请检查后重试 [KEY_PASSPHRASE_WRONG]');
    expect(errorText(wrapped, 'en').message).toBe(wrapped.message);
    // An error thrown in English only is printed in English in either language.
    const plain = new SealpressError('CONFIG_INVALID', 'plain', { fix: 'do this' });
    expect(errorText(plain, 'zh')).toEqual({ message: 'plain', fix: 'do this' });
  });
});
