/**
 * `sealpress check --format sarif` passes Microsoft's SARIF validator
 * (`Sarif.Multitool validate`, from the dev dependency
 * @microsoft/sarif-multitool-linux) with no error and no warning: on the demo,
 * and on a repository with a finding of every kind (in an entry, in an
 * attachment at a place inside it, about a whole file, in the site group's
 * configuration). A log with an inverted region is validated alongside, to
 * show the validator is heard.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SarifLog } from '../../pipeline/check/index.ts';
import { xlsx } from '../../pipeline/demo/documents.ts';
import { runCli } from '../helpers/cli.ts';
import { DEMO_NOW, demoRoot } from '../helpers/demo.ts';
import { entry, MAIN, makeRepo, NOW, SUB, SUB_YAML, type TestRepo } from '../helpers/repo.ts';

const MULTITOOL = fileURLToPath(new URL('../../node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool', import.meta.url));
const ID = '11010519491231002X';
const ENTRY = `content/${MAIN}/tzgg/a.md`;

interface Verdict {
  rule: string;
  level: string;
  where: string;
}

let work: string;
const repos: TestRepo[] = [];
/** The validator's results, by the file they are about. */
let verdicts: Map<string, Verdict[]>;
const logs: Record<string, SarifLog> = {};

async function sarifOf(root: string, now: string): Promise<SarifLog> {
  const r = await runCli(['check', '--root', root, '--now', now, '--format', 'sarif', '--no-cache']);
  expect(r.code, r.err).not.toBe(3);
  return JSON.parse(r.out) as SarifLog;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sealpress-sarif-'));
  const findings = makeRepo({
    [ENTRY]: entry(
      { attachments: '  - { src: ./a/名单.xlsx, title: 名单 }\n  - { src: ./a/说明.txt, title: 说明 }\n  - { src: ./a/旧.doc, title: 旧文件 }' },
      '正文。\n\n联系人手机 13812345678。\n',
    ),
    [`content/${MAIN}/tzgg/a/名单.xlsx`]: xlsx({ sheets: [{ name: 'Sheet1', cells: { A1: '名单' } }, { name: 'Sheet2', state: 'hidden', cells: { C14: ID } }] }),
    // The match is on the attachment's first line, the reference on a later line of the entry: the inverted region of issue 13.
    [`content/${MAIN}/tzgg/a/说明.txt`]: `身份证号 ${ID}\n`,
    [`content/${MAIN}/tzgg/a/旧.doc`]: 'not really a Word file',
    [`content/${MAIN}/tzgg/Bad Name.md`]: entry({}),
  });
  const config = makeRepo({ [`sites/${SUB}/site.yaml`]: SUB_YAML.replace('columns: [tzgg, bszn, nszx, gzdt]', 'columns: [tzgg, 政策解读]') });
  repos.push(findings, config);
  logs['demo.sarif'] = await sarifOf(await demoRoot(), DEMO_NOW.toISOString());
  logs['findings.sarif'] = await sarifOf(findings.root, NOW.toISOString());
  logs['config.sarif'] = await sarifOf(config.root, NOW.toISOString());
  const inverted = structuredClone(logs['findings.sarif']);
  inverted.runs[0]!.results[0]!.locations[0]!.physicalLocation.region = { startLine: 9, startColumn: 3, endLine: 1, endColumn: 5 };
  logs['inverted.sarif'] = inverted;
  for (const [name, log] of Object.entries(logs)) writeFileSync(join(work, name), JSON.stringify(log, null, 2));

  // npm ci skips the package's postinstall, which makes the binary executable.
  chmodSync(MULTITOOL, statSync(MULTITOOL).mode | 0o100);
  const out = join(work, 'validation.sarif');
  execFileSync(MULTITOOL, ['validate', ...Object.keys(logs).map((n) => join(work, n)), '--output', out, '--log', 'ForceOverwrite'], {
    stdio: 'pipe',
    timeout: 120_000,
    // A .NET program: without this it needs the system's ICU library, which a minimal machine may lack.
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  const validation = JSON.parse(readFileSync(out, 'utf8')) as { runs: { invocations?: { executionSuccessful: boolean }[]; results?: { ruleId: string; level?: string; message: { arguments?: string[] }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  expect(validation.runs.flatMap((r) => r.invocations ?? []).every((i) => i.executionSuccessful)).toBe(true);
  verdicts = new Map(Object.keys(logs).map((n) => [n, []]));
  for (const r of validation.runs.flatMap((run) => run.results ?? [])) {
    const file = r.locations[0]!.physicalLocation.artifactLocation.uri.split('/').pop()!;
    // SARIF's default level is warning.
    verdicts.get(file)!.push({ rule: r.ruleId, level: r.level ?? 'warning', where: (r.message.arguments ?? []).join(' ') });
  }
}, 300_000);

afterAll(() => {
  for (const r of repos) r.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Microsoft\'s SARIF validator', () => {
  test.for(['demo.sarif', 'findings.sarif', 'config.sarif'])('%s: 0 errors, 0 warnings', (name) => {
    expect(verdicts.get(name)).toEqual([]);
  });

  test('it is heard: an inverted region is an error (SARIF1007)', () => {
    expect(verdicts.get('inverted.sarif')).toContainEqual(expect.objectContaining({ rule: 'SARIF1007', level: 'error' }));
  });

  test('the fixture holds a finding of every kind', () => {
    const results = logs['findings.sarif']!.runs[0]!.results;
    const of = (rule: string, text?: string) => results.filter((r) => r.ruleId === rule && (text === undefined || r.message.text.includes(text)));
    // In an entry: the span of the match, with its masked line.
    const [mobile] = of('personal-mobile');
    expect(mobile!.locations[0]!.physicalLocation.region).toMatchObject({ startLine: 14, startColumn: 7, endLine: 14, endColumn: 18, snippet: { text: '联系人手机 138****5678。' } });
    // In an attachment, at a place inside it: held against the entry's reference, the place a logical location.
    const [sheet] = of('personal-id', '名单.xlsx');
    expect(sheet!.locations[0]!.logicalLocations).toEqual([{ fullyQualifiedName: '名单.xlsx › Sheet2（隐藏） › C14', kind: 'member' }]);
    expect(sheet!.locations[0]!.physicalLocation.region).toEqual({ startLine: 8, startColumn: 12, endLine: 8, endColumn: 12 });
    // In a text attachment on its first line, referenced on a later line of the entry: a point at the reference.
    const [text] = of('personal-id', '说明.txt');
    expect(text!.locations[0]!.physicalLocation.region).toEqual({ startLine: 9, startColumn: 12, endLine: 9, endColumn: 12 });
    // About a whole file: the point at its start.
    const [layout] = of('path-layout');
    expect(layout!.locations[0]!.physicalLocation).toEqual({ artifactLocation: { uri: `content/${MAIN}/tzgg/Bad%20Name.md`, uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } });
    // An attachment refused whole (a legacy .doc), at the entry's reference to it.
    expect(of('attachment-unscannable', '旧.doc')[0]!.locations[0]!.physicalLocation.region).toEqual({ startLine: 10, startColumn: 12, endLine: 10, endColumn: 12 });
    // In the configuration.
    const config = logs['config.sarif']!.runs[0]!.results;
    expect(config.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.artifactLocation.uri])).toContainEqual(['config-invalid', `sites/${SUB}/site.yaml`]);
  });
});
