/**
 * The demo's PDF, DOCX and XLSX attachments (pipeline/demo/attachments.ts):
 * the committed files are exactly what the generator writes, every one is
 * attached by its entry, and `sealpress check --format json` reports each
 * planted trap at its place inside the file while the clean ones publish.
 * That they download from the built site is checked where the demo is built
 * (build-demo.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import matter from 'gray-matter';
import { beforeAll, describe, expect, test } from 'vitest';
import { DEMO_DOCUMENTS, writeDemoDocuments } from '../../pipeline/demo/index.ts';
import { runCli } from '../helpers/cli.ts';
import { CHECKOUT, demoRoot } from '../helpers/demo.ts';

const NOW = '2026-11-27T12:00:00+08:00';

interface CheckJson {
  entries: { path: string; status: string; findings: { rule: string; severity: string; message: string; attachment?: string; location?: string }[] }[];
  summary: Record<string, number>;
}

let json: CheckJson;
let text: string;
let sarif: { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } }; logicalLocations?: { fullyQualifiedName: string }[] }[] }[] }[] };

beforeAll(async () => {
  const root = await demoRoot();
  const r = await runCli(['check', '--root', root, '--format', 'json', '--now', NOW]);
  json = JSON.parse(r.out) as CheckJson;
  text = (await runCli(['check', '--root', root, '--now', NOW])).out;
  sarif = JSON.parse((await runCli(['check', '--root', root, '--format', 'sarif', '--now', NOW])).out) as typeof sarif;
}, 120_000);

const byPath = (path: string) => json.entries.find((e) => e.path === path);
const CLEAN = DEMO_DOCUMENTS.filter((d) => d.expect.length === 0);
const TRAPS = DEMO_DOCUMENTS.filter((d) => d.expect.length > 0);

describe('the demo documents', () => {
  test('there are clean PDF, DOCX and XLSX files, and traps in those formats and in XLSM, OFD and ZIP', () => {
    const ext = (p: string) => posix.extname(p).slice(1);
    expect(new Set(CLEAN.map((d) => ext(d.path)))).toEqual(new Set(['pdf', 'docx', 'xlsx']));
    expect(new Set(TRAPS.map((d) => ext(d.path)))).toEqual(new Set(['pdf', 'docx', 'xlsx', 'xlsm', 'ofd', 'zip']));
  });

  // Issue 12's trap classes, each planted once, each reported by check --format json at its place in the file.
  test.for([
    { trap: 'an ID number in a hidden column', file: '值班安排.xlsx', finding: 'personal-id @ 值班表 › C3（隐藏列）' },
    { trap: 'a hidden sheet', file: '志愿者名单.xlsx', finding: 'personal-id @ 登记（隐藏） › C3' },
    { trap: 'a very hidden sheet', file: '值班安排.xlsx', finding: 'personal-mobile @ 通讯录（深度隐藏） › B2' },
    { trap: 'a cell note', file: '值班安排.xlsx', finding: 'personal-mobile @ 值班表 › B3 › 批注' },
    { trap: 'a defined name', file: '值班安排.xlsx', finding: 'personal-id @ 定义的名称 › 联系人' },
    { trap: 'a tracked deletion with a mobile', file: '检查工作安排.docx', finding: 'personal-mobile @ 修订（删除） › 第2段' },
    { trap: 'a comment with an ID number', file: '编制调整方案.docx', finding: 'personal-id @ 批注 › 第1条' },
    { trap: '内部资料 in a page header', file: '编制调整方案.docx', finding: 'internal-marking @ 页眉 › 第1段' },
    { trap: '秘密★ in a text box', file: '编制调整方案.docx', finding: 'secret-marking @ 文本框 › 第2段' },
    { trap: 'a fake redaction', file: '政策解读.pdf', finding: 'attachment-redaction @ 第1页（被遮盖）' },
    { trap: 'an ID number in PDF metadata', file: '青税发〔2026〕14号.pdf', finding: 'personal-id @ 属性 › 作者' },
    { trap: 'an embedded file', file: '政策解读.pdf', finding: 'personal-mobile @ 附件 › 名单.csv › 第2行' },
    { trap: 'a JavaScript open action', file: '政策解读.pdf', finding: 'attachment-active @ 文档脚本' },
    { trap: 'a macro-enabled file', file: '编制统计.xlsm', finding: 'attachment-active @ 宏（VBA） › xl/vbaProject.bin' },
    { trap: 'an OFD annotation', file: '临税通〔2026〕15号.ofd', finding: 'personal-mobile @ 第1页 › 注释（Stamp）' },
    { trap: 'an OFD custom property', file: '临税通〔2026〕15号.ofd', finding: 'personal-id @ 属性 › 自定义 › 经办人' },
    { trap: 'a ZIP member', file: '值班资料.zip', finding: 'personal-id @ 值班人员.xlsx › Sheet1 › C3' },
  ])('the demo shows $trap ($file › …) refused at its place', ({ file, finding }) => {
    const [rule, location] = finding.split(' @ ');
    const hits = json.entries.flatMap((e) => e.findings.filter((f) => f.attachment !== undefined && posix.basename(f.attachment) === file).map((f) => ({ entry: e, f })));
    const hit = hits.find(({ f }) => f.rule === rule && f.location === location && f.severity === 'error');
    expect(hit, JSON.stringify(hits.map(({ f }) => `${f.rule} @ ${f.location}`))).toBeDefined();
    expect(hit!.entry.status).toBe('refused');
  });

  test.for(DEMO_DOCUMENTS.map((d) => ({ ...d, name: posix.basename(d.path) })))('$name: the committed bytes are what the generator writes', (d) => {
    const built = d.build();
    expect(built.equals(d.build())).toBe(true);
    expect(built.equals(readFileSync(join(CHECKOUT, d.path)))).toBe(true);
  });

  test('sealpress demo --documents rewrites exactly the committed files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sealpress-demo-docs-'));
    try {
      const r = await runCli(['demo', '--documents', '--root', root]);
      expect(r.code).toBe(0);
      expect(writeDemoDocuments(root)).toEqual(DEMO_DOCUMENTS.map((d) => d.path));
      for (const d of DEMO_DOCUMENTS) expect(readFileSync(join(root, d.path)).equals(readFileSync(join(CHECKOUT, d.path))), d.path).toBe(true);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test.for(DEMO_DOCUMENTS.map((d) => ({ ...d, name: posix.basename(d.path) })))('$name is attached by its entry', (d) => {
    const fm = matter(readFileSync(join(CHECKOUT, d.entry), 'utf8')).data as { attachments?: { src: string }[] };
    const dir = posix.dirname(d.entry);
    expect(fm.attachments?.map((a) => posix.join(dir, a.src))).toContain(d.path);
  });

  test('the demo keeps its counts with the documents attached', () => {
    expect(json.summary).toEqual({ publishable: 44, pending: 3, refused: 9, unpublished: 1, withdrawn: 1 });
  });

  test.for(TRAPS.map((d) => ({ ...d, name: posix.basename(d.path) })))('check --format json reports the trap in $name at its place inside the file', (d) => {
    const e = byPath(d.entry)!;
    expect(e.status).toBe('refused');
    const inFile = e.findings.filter((f) => f.severity === 'error' && f.attachment === d.path).map((f) => `${f.rule} @ ${f.location}`);
    expect(inFile).toEqual(d.expect);
    // The text report names the entry's line that attaches the file, then the file and the place in it.
    const src = `./${posix.relative(posix.dirname(d.entry), d.path)}`;
    for (const e of d.expect) {
      const [rule, location] = e.split(' @ ');
      const line = text.split('\n').find((l) => /^\S+:\d+:\d+ error /.test(l) && l.startsWith(`${d.entry}:`) && l.includes(` error ${rule} ${src} › ${location}: `));
      expect(line, e).toBeDefined();
      // SARIF: the entry's line as the physical location, the place in the file as the logical one.
      const result = sarif.runs[0]!.results.find((r) => r.ruleId === rule && r.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName === `${posix.basename(d.path)} › ${location}`);
      expect(result?.locations[0]?.physicalLocation.artifactLocation.uri, e).toBe(d.entry);
      expect(result?.locations[0]?.physicalLocation.region?.startLine).toBeGreaterThan(1);
    }
  });

  test('the text report says each attachment finding\'s place once, and prints its excerpt as the file\'s text, not as the entry\'s line', () => {
    const lines = text.split('\n');
    const inFile = lines.flatMap((l, i) => (/^\S+\.mdx?:\d+:\d+ (?:error|warning) \S+ \.\/\S+/.test(l) ? [i] : []));
    expect(inFile.length).toBeGreaterThan(20);
    for (const i of inFile) {
      // No trailing "(content/…/file.docx:1:4)": the place is the one after the file name.
      expect(lines[i], lines[i]).not.toMatch(/\(content\/[^)]*:\d+:\d+\)$/);
      const next = lines[i + 1] ?? '';
      expect(next, `${lines[i]}\n${next}`).not.toMatch(/^\s+\d+ \| /);
    }
    expect(text).toContain('       文件中: ，手机136****5432');
    // JSON and the text report name the same place.
    for (const e of json.entries) for (const f of e.findings) if (f.attachment !== undefined && f.location !== undefined) expect(f.message.includes(`› ${f.location}: `), f.message).toBe(true);
  });

  test.for(CLEAN.map((d) => ({ ...d, name: posix.basename(d.path) })))('$name publishes with its entry, with no finding', (d) => {
    const e = byPath(d.entry)!;
    expect(e.status).toBe('publishable');
    expect(e.findings.filter((f) => f.attachment === d.path)).toEqual([]);
  });
});
