/**
 * The confidentiality and copyright checks as the gate applies them: findings
 * at exact positions refuse the entry; clean entries pass. (The rule catalogue's
 * examples and the labelled corpus are in test/check/.)
 */
import { afterEach, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { APPROVED_AT, approveAll, entry, fixtureGroupPki, makeRepo, MAIN, NOW, type TestRepo } from '../helpers/repo.ts';

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());

/** A resident ID number with a valid GB 11643 check digit. */
function residentId(body17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((n, d, i) => n + Number(d) * weights[i]!, 0);
  return body17 + '10X98765432'[sum % 11]!;
}
const fullWidth = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

async function judge(files: Record<string, string>) {
  repo = makeRepo(files);
  await approveAll(repo);
  const result = await runGate({ root: repo.root, now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.configDiagnostics));
  return result.plan.entries;
}

const P = `content/${MAIN}/tzgg/x.md`;

describe('the checks in the gate', () => {
  test('a checksum-valid ID number in full-width digits inside an HTML comment is refused at its position', async () => {
    const id = residentId('11010119900307123');
    const body = `正文第一段。\n\n<!-- 联系人身份证 ${fullWidth(id)} -->\n`;
    const [e] = await judge({ [P]: entry({}, body) });
    expect(e!.status).toBe('refused');
    const f = e!.findings.find((x) => x.rule === 'personal-id');
    expect(f, JSON.stringify(e!.findings)).toBeDefined();
    // Line 10 of the file: 7 front-matter lines, 正文, blank, the comment.
    // Column 13: after `<!-- ` (5) and 联系人身份证 and a space (7).
    expect(f).toMatchObject({ line: 10, column: 13, severity: 'error' });
    expect(f!.message).not.toContain(id);
  });

  test('a masked ID number passes', async () => {
    const [e] = await judge({ [P]: entry({}, '纳税人身份证号码：110101********1234。\n') });
    expect(e!.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(e!.status).toBe('publishable');
  });

  test('a reprint without its source is refused', async () => {
    const [e] = await judge({ [P]: entry({ reprint: '  author: 李明\n  title: 原题\n  url: https://example.com/a\n  permission: 经授权转载' }) });
    expect(e!.status).toBe('refused');
    expect(e!.findings.map((f) => f.rule).join(' ')).toMatch(/frontmatter-invalid|reprint-incomplete/);
  });

  test('text that says it is reprinted, without a reprint block, is refused', async () => {
    const [e] = await judge({ [P]: entry({}, '本文转自某某日报。\n\n正文。\n') });
    expect(e!.status).toBe('refused');
    expect(e!.findings.map((f) => f.rule)).toContain('reprint-undeclared');
  });

  test('a classification marking in a heading is refused; the word 秘密 in prose is not', async () => {
    const [marked] = await judge({ [P]: entry({}, '## 机密★5年\n\n正文。\n') });
    expect(marked!.findings.map((f) => f.rule)).toContain('secret-marking');
    repo!.cleanup();
    const [prose] = await judge({ [P]: entry({}, '保守国家秘密是每个公民的义务。\n') });
    expect(prose!.status).toBe('publishable');
  });

  test('personal data in an attachment refuses the entry that publishes it', async () => {
    const [e] = await judge({
      [P]: entry({ attachments: '  - { src: ./x/list.csv, title: 名单 }' }),
      [`content/${MAIN}/tzgg/x/list.csv`]: `姓名,手机\n张三,13812345678\n`,
    });
    expect(e!.status).toBe('refused');
    const f = e!.findings.find((x) => x.rule === 'personal-mobile');
    expect(f?.message).toMatch(/list\.csv/);
    expect(f?.line).toBe(8);
  });

  test('an unscannable attachment type is refused', async () => {
    const [e] = await judge({ [P]: entry({ attachments: '  - { src: ./x/a.docx, title: 文件 }' }), [`content/${MAIN}/tzgg/x/a.docx`]: 'PK\u0003\u0004' });
    expect(e!.findings.map((f) => f.rule)).toContain('attachment-unscannable');
  });
});

describe('waivers signed by a security administrator', () => {
  const id1 = residentId('11010119800101123');
  const id2 = residentId('11010119810202456');
  const notice = (ids: string[]) => entry({ title: '欠税公告' }, `根据《税收征收管理法》，现将欠税人公告如下：\n\n${ids.map((x) => `- 欠税人身份证号码：${x}`).join('\n')}\n`);

  async function waive(finding: { rule: string; file: string; line: number; column: number }, digest: string, signer: 'admin' | 'approver' = 'admin') {
    const { draftWaiver, signWaiver } = await import('../../pipeline/check/index.ts');
    const pki = await fixtureGroupPki(repo!.root);
    const person = signer === 'admin' ? pki.admins[0]! : pki.approverOf.get(`${MAIN}/bgs`)!;
    const draft = draftWaiver(finding as never, { id: `w-${finding.line}`, digest, justification: '欠税公告依法公开纳税人识别信息' });
    repo!.write(`content/_waivers/w-${finding.line}.json`, signWaiver({ draft, signer: { key: person.keys.privateKey, certPem: person.certPem! }, now: APPROVED_AT }));
  }

  test('a signed waiver lets exactly one finding through; a second ID in the entry still refuses it', async () => {
    const [before] = await judge({ [P]: notice([id1, id2]) });
    const ids = before!.findings.filter((f) => f.rule === 'personal-id');
    expect(ids).toHaveLength(2);
    await waive(ids[0]!, before!.digest!);
    await approveAll(repo!);
    const after = (await runGate({ root: repo!.root, now: NOW }));
    if (!after.ok) throw new Error('config');
    const e = after.plan.entries[0]!;
    const found = e.findings.filter((f) => f.rule === 'personal-id');
    expect(found.map((f) => !!f.suppressed)).toEqual([true, false]);
    expect(e.status).toBe('refused');
  });

  test('with every finding waived the entry is published; one changed byte ends the waiver', async () => {
    const [before] = await judge({ [P]: notice([id1]) });
    const f = before!.findings.find((x) => x.rule === 'personal-id')!;
    await waive(f, before!.digest!);
    await approveAll(repo!);
    let result = await runGate({ root: repo!.root, now: NOW });
    expect(result.ok && result.plan.entries[0]!.status).toBe('publishable');
    repo!.write(P, notice([id1]).replace('如下', '如下。'));
    result = await runGate({ root: repo!.root, now: NOW });
    if (!result.ok) throw new Error('config');
    expect(result.plan.entries[0]!.status).toBe('refused');
    expect(result.plan.diagnostics.map((d) => d.rule)).toContain('waiver-unused');
  });

  test('a waiver signed by an approver, not a security administrator, waives nothing', async () => {
    const [before] = await judge({ [P]: notice([id1]) });
    const f = before!.findings.find((x) => x.rule === 'personal-id')!;
    await waive(f, before!.digest!, 'approver');
    const result = await runGate({ root: repo!.root, now: NOW });
    if (!result.ok) throw new Error('config');
    expect(result.plan.entries[0]!.status).toBe('refused');
    expect(result.plan.diagnostics.find((d) => d.rule === 'waiver-invalid')?.message).toMatch(/not a security administrator/);
  });
});
