/**
 * `sealpress submit`, `sealpress approve` and `sealpress withdraw`, end to end
 * through main(): a group made with `keys init` / `keys issue` (real 2048-bit
 * keys), entries whose author field says 张伟 and which the writer 孙丽
 * submits, and the gate (`check`) as the judge of every record. After each
 * refusal: exit 1 or 2, and no record written.
 */
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { entry, makeRepo, MAIN, SUB, type TestRepo } from '../helpers/repo.ts';

const T0 = '2026-11-01T09:00:00+08:00';
const at = (days: number) => new Date(Date.parse(T0) + days * 86_400_000).toISOString();
const PASS = 'correct horse battery staple';

const A = `content/${MAIN}/tzgg/a.md`; // 信息公开: department approver + office approver
const B = `content/${MAIN}/bszn/b.md`; // default rule: one approver of the site and department
const C = `content/${MAIN}/bszn/c.md`;
const X = `content/${SUB}/tzgg/x.md`;
const NEWS = `content/${SUB}/gzdt/news.md`; // a sub-site's news: one approver of that sub-site
const BAD = `content/${MAIN}/tzgg/bad.md`; // refused: unknown department

let repo: TestRepo;
let tmp: string;
let keyDir: string;
const key = (id: string) => join(keyDir, `${id}.key.pem`);

const run = runCli;

const inRepo = (now: string) => ['--root', repo.root, '--now', now];

interface SignJson {
  signed: boolean;
  record: string;
  entries: { path: string; before: string; status: string; summary: string }[];
  problems?: string[];
}
interface CheckJson {
  entries: { path: string; status: string; findings: { rule: string; severity: string; message: string }[] }[];
}

async function approveAs(id: string, paths: string[], now: string, extra: string[] = []) {
  const r = await run(['approve', ...paths, '--key', key(id), '--yes', '--json', ...inRepo(now), ...extra]);
  return { ...r, json: r.out ? (JSON.parse(r.out) as SignJson) : undefined };
}

async function submitAs(id: string, paths: string[], now: string) {
  const r = await run(['submit', ...paths, '--key', key(id), '--yes', '--json', ...inRepo(now)]);
  return { ...r, json: r.out ? (JSON.parse(r.out) as SignJson) : undefined };
}

async function status(now: string): Promise<Map<string, CheckJson['entries'][number]>> {
  const r = await run(['check', '--format', 'json', ...inRepo(now)]);
  return new Map((JSON.parse(r.out) as CheckJson).entries.map((e) => [e.path, e]));
}

function records(): string[] {
  const dir = join(repo.root, 'content/_approvals');
  if (!existsSync(dir)) return [];
  const walk = (d: string, rel: string): string[] => readdirSync(join(dir, d), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]));
  return walk('', '').sort();
}

beforeAll(async () => {
  Object.defineProperty(process.stdin, 'isTTY', { value: undefined, configurable: true });
  delete process.env.SEALPRESS_TRUST_ANCHOR;
  process.env.SEALPRESS_PASSPHRASE = PASS;
  repo = makeRepo({
    [A]: entry({ title: '关于调整办税服务厅工作时间的通知' }),
    [B]: entry({ title: '电子发票办理指南' }),
    [C]: entry({ title: '出口退税办理指南' }),
    [X]: entry({ title: '市局通知' }),
    [NEWS]: entry({ title: '市局税收宣传月', department: 'nsfwk' }),
    [BAD]: entry({ department: 'nope' }),
  });
  tmp = mkdtempSync(join(tmpdir(), 'sealpress-approve-'));
  keyDir = join(tmp, 'keys');
  const init = await run(['keys', 'init', '--admin', `sa-1:王建国:bgs:${MAIN}`, '--admin', `sa-2:刘春燕:bgs:${MAIN}`, '--key-dir', keyDir, '--bits', '2048', ...inRepo(T0)]);
  expect(init.code).toBe(0);
  const people = [
    ['ap-bgs', '赵国华', 'bgs', MAIN, 'approver'],
    ['office-1', '黄志明', 'bgs', MAIN, 'office-approver:sites=*;departments=*'],
    // The author of every test entry is 张伟: as approver, he must not approve them.
    ['p-zhangwei', '张伟', 'bgs', MAIN, 'approver'],
    ['ap-sub', '周丽华', 'nsfwk', SUB, 'approver:departments=*'],
    // The writer who submits the test entries.
    ['wr-sun', '孙丽', 'bgs', MAIN, 'writer:sites=*;departments=*'],
    // One person with both roles: whatever they submit, they may not approve.
    ['ap-dual', '钱进', 'bgs', MAIN, 'approver', 'writer'],
  ] as const;
  for (const [id, name, department, site, ...roles] of people) {
    const r = await run(['keys', 'issue', '--id', id, '--name', name, '--department', department, '--site', site, ...roles.flatMap((role) => ['--role', role]), '--ca-key', key('ca'), '--admin-key', key('sa-1'), '--admin-key', key('sa-2'), '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(0.05))]);
    expect(r.err).not.toMatch(/sealpress/);
    expect(r.code).toBe(0);
  }
}, 60_000);

afterAll(() => {
  delete process.env.SEALPRESS_PASSPHRASE;
  repo?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('approve first, publish after', () => {
  test('a new entry is pending (submission-pending, approval-pending)', async () => {
    const s = await status(at(1));
    expect(s.get(A)).toMatchObject({ status: 'pending', findings: [{ rule: 'submission-pending', severity: 'info' }, { rule: 'approval-pending', severity: 'info' }] });
    expect(s.get(A)!.findings[0]!.message).toMatch(/no writer has submitted this version/);
    expect(s.get(A)!.findings[1]!.message).toMatch(/needs 1 approver of department bgs at site 19900000000 and 1 office-approver/);
  });

  test('the writer submits the entries: one record, still pending approval', async () => {
    const r = await submitAs('wr-sun', [A, B, C, X, NEWS], at(1));
    expect(r.code).toBe(0);
    expect(r.json!.record).toMatch(/^content\/_approvals\/20261102-wr-sun-[0-9a-f]{8}-submit\.json$/);
    expect(r.json!.entries.every((e) => e.status === 'pending')).toBe(true);
    expect(r.err).toMatch(/^Submission of 5 entries by 孙丽 \(wr-sun\), writer/m);
    const s = await status(at(1));
    expect(s.get(A)!.findings.map((f) => f.rule)).toEqual(['approval-pending']);
    const record = JSON.parse(readFileSync(join(repo.root, r.json!.record), 'utf8')) as { payload: string };
    expect(JSON.parse(Buffer.from(record.payload, 'base64').toString('utf8'))).toMatchObject({ signer: 'wr-sun', decision: 'submit' });
  });

  test('the department approver signs: still pending, the office approver is needed', async () => {
    const r = await approveAs('ap-bgs', [A], at(1));
    expect(r.code).toBe(0);
    expect(r.json!.record).toMatch(new RegExp(`^content/_approvals/${MAIN}/20261102-ap-bgs-[0-9a-f]{8}\\.json$`));
    const submission = records().find((f) => f.endsWith('-submit.json'))!;
    expect(r.json!.entries).toMatchObject([{ path: A, before: 'pending', status: 'pending' }]);
    expect(r.json!.entries[0]!.summary).toMatch(/^still pending: needs 1 office-approver; approved so far by 赵国华/);
    // What the approver saw before signing (on stderr with --json).
    expect(r.err).toContain('关于调整办税服务厅工作时间的通知');
    expect(r.err).toMatch(/column {6}tzgg 通知公告 · 信息公开/);
    expect(r.err).toMatch(/author {6}张伟 · department bgs 办公室/);
    expect(r.err).toMatch(/submitted {3}孙丽 \(wr-sun\) on 2026-11-02, content\/_approvals\/20261102-wr-sun-[0-9a-f]{8}-submit\.json/);
    expect(r.err).toMatch(/digest {6}sha256 [0-9a-f]{16}…/);
    expect(r.err).toMatch(/checks {6}info approval-pending: needs 1 approver/);
    expect(records()).toEqual([r.json!.record.replace('content/_approvals/', ''), submission].sort());
  });

  test('the office approver signs: publishable', async () => {
    const r = await approveAs('office-1', [A], at(1.1));
    expect(r.code).toBe(0);
    expect(r.json!.entries[0]).toMatchObject({ status: 'publishable', summary: 'publishable' });
    expect((await status(at(1.2))).get(A)?.status).toBe('publishable');
    const text = await run(['check', ...inRepo(at(1.2))]);
    expect(text.out).toMatch(/approvals verified against policy v1, roster v7/);
  });

  test('one byte changed: refused (approval-stale); submitting and approving again works', async () => {
    appendFileSync(join(repo.root, A), '补充说明。\n');
    const s = (await status(at(2))).get(A)!;
    expect(s.status).toBe('refused');
    expect([...new Set(s.findings.map((f) => f.rule))]).toEqual(['approval-stale', 'submission-pending', 'approval-pending']);
    expect(s.findings.find((f) => f.rule === 'submission-pending')!.message).toMatch(/the entry changed after 孙丽 submitted it on 2026-11-02/);
    expect((await submitAs('wr-sun', [A], at(2))).code).toBe(0);
    const again = await approveAs('ap-bgs', [A], at(2));
    expect(again.code).toBe(0);
    expect(again.json!.entries[0]!.summary).toMatch(/^still pending: needs 1 office-approver.*\(approvals of earlier versions no longer count\)$/);
    const office = await approveAs('office-1', [A], at(2.1));
    expect(office.json!.entries[0]!.status).toBe('publishable');
  });

  test('one record for a batch: in the site folder, or at the top when it spans sites', async () => {
    const r = await approveAs('office-1', [X, A], at(2.2));
    expect(r.code).toBe(0);
    expect(r.json!.record).toMatch(/^content\/_approvals\/20261103-office-1-[0-9a-f]{8}\.json$/);
    expect(r.json!.entries.map((e) => [e.path, e.status])).toEqual([
      [X, 'pending'],
      [A, 'publishable'],
    ]);
    const record = JSON.parse(readFileSync(join(repo.root, r.json!.record), 'utf8')) as { payload: string; signatures: unknown[] };
    const payload = JSON.parse(Buffer.from(record.payload, 'base64').toString('utf8')) as { entries: { path: string }[]; signer: string; decision: string };
    expect(payload).toMatchObject({ signer: 'office-1', decision: 'approve', entries: [{ path: A }, { path: X }] });
    expect(record.signatures).toHaveLength(1);
  });
});

describe('refusals: exit 1 or 2, nothing signed', () => {
  test.for([
    { name: 'a submission by someone without a writer role', id: 'ap-bgs', paths: [B], message: /your roles do not let you submit it: 赵国华 holds approver, not writer.*keys issue --id ap-bgs --role writer/ },
    { name: 'a submission of an entry outside the writer\'s scope', id: 'ap-dual', paths: [NEWS], message: /your roles do not let you submit it: 钱进 is writer for sites 19900000000.*this entry is site 19901000000/ },
    { name: 'a submission of an entry refused for another reason', id: 'wr-sun', paths: [BAD], message: /refuses it for another reason than approval; fix that first, then submit: department-unknown/ },
  ])('submit: $name → exit 1', async ({ id, paths, message }) => {
    const before = records();
    const r = await submitAs(id, paths, at(3));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/sealpress submit: refused, nothing was signed/);
    expect(r.err).toMatch(message);
    expect(records()).toEqual(before);
  });

  test('an approver who submitted an entry cannot approve it; one who approved cannot submit it', async () => {
    const own = await submitAs('ap-dual', [C], at(3));
    expect(own.code).toBe(0);
    const before = records();
    const self = await approveAs('ap-dual', [C], at(3));
    expect(self.code).toBe(1);
    expect(self.err).toMatch(/submitted {3}孙丽 \(wr-sun\)[^\n]*\n {14}钱进 \(ap-dual\) on 2026-11-04/);
    expect(self.err).toMatch(/you \(钱进, ap-dual\) submitted it as its writer \(content\/_approvals\/.*-ap-dual-[0-9a-f]{8}-submit\.json, 2026-11-04\): nobody approves an entry they wrote, whatever its author field says/);
    expect(records()).toEqual(before);
    // The other way round: 钱进 approves B, then tries to submit it.
    expect((await approveAs('ap-dual', [B], at(3))).code).toBe(0);
    const after = records();
    const late = await submitAs('ap-dual', [B], at(3));
    expect(late.code).toBe(1);
    expect(late.err).toMatch(/you approved it \(content\/_approvals\/.*ap-dual.*\): a submission would make you its author/);
    expect(records()).toEqual(after);
  });

  test.for([
    { name: 'self-approval (the signer is the author)', id: 'p-zhangwei', paths: [B], message: /you \(张伟, p-zhangwei\) are its author .*nobody approves their own entry/ },
    { name: 'an approver of another site', id: 'ap-sub', paths: [B], message: /your roles do not cover it: 周丽华 is approver for sites 19901000000.*this entry is site 19900000000/ },
    { name: 'a sub-site entry for a main-site approver', id: 'ap-bgs', paths: [NEWS], message: /your roles do not cover it/ },
    { name: 'an office approver where the policy asks for an approver', id: 'office-1', paths: [B], message: /holds office-approver, not approver/ },
    { name: 'an entry refused for another reason', id: 'ap-bgs', paths: [BAD], message: /refuses it for another reason than approval: department-unknown/ },
    { name: 'one bad entry in a batch', id: 'ap-bgs', paths: [B, BAD], message: /bad\.md: the gate refuses it/ },
  ])('$name → exit 1', async ({ id, paths, message }) => {
    const before = records();
    const r = await approveAs(id, paths, at(3));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/refused, nothing was signed/);
    expect(r.err).toMatch(message);
    expect(r.json).toMatchObject({ signed: false });
    expect(records()).toEqual(before);
  });

  test('a refused record naming the entry must go first → exit 1', async () => {
    const junk = join(repo.root, 'content/_approvals', MAIN, 'junk.json');
    writeFileSync(junk, '{"payloadType": 1}');
    try {
      const before = records();
      const r = await approveAs('ap-bgs', [B], at(3));
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/a record that names it is refused, and keeps it refused until it is removed or replaced/);
      expect(records()).toEqual(before);
    } finally {
      rmSync(junk);
    }
  });

  test('a key that is not the certificate\'s → exit 2, as from publish', async () => {
    const before = records();
    const r = await run(['approve', B, '--key', key('ap-bgs'), '--cert', join(keyDir, 'office-1.cert.pem'), '--yes', ...inRepo(at(3))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/KEY_CERT_MISMATCH/);
    expect(records()).toEqual(before);
  });

  test('wrong passphrase, key readable by others, no --yes without a terminal, unknown entry → exit 2', async () => {
    const before = records();
    writeFileSync(join(tmp, 'wrong'), 'this is not it at all\n', { mode: 0o600 });
    const wrong = await run(['approve', B, '--key', key('ap-bgs'), '--passphrase-file', join(tmp, 'wrong'), '--yes', ...inRepo(at(3))]);
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/the passphrase does not open .*ap-bgs\.key\.pem; check it and try again \[KEY_PASSPHRASE_WRONG\]/);

    const exposed = join(tmp, 'exposed.key.pem');
    copyFileSync(key('ap-bgs'), exposed);
    copyFileSync(join(keyDir, 'ap-bgs.cert.pem'), join(tmp, 'exposed.cert.pem'));
    chmodSync(exposed, 0o644);
    const loose = await run(['approve', B, '--key', exposed, '--yes', ...inRepo(at(3))]);
    expect(loose.code).toBe(2);
    expect(loose.err).toMatch(/KEY_PERMISSIONS/);

    const noYes = await run(['approve', B, '--key', key('ap-bgs'), ...inRepo(at(3))]);
    expect(noYes.code).toBe(2);
    expect(noYes.err).toMatch(/pass --yes/);
    // The review is shown all the same: what --yes would sign (the entry, its title, its digest).
    expect(noYes.err).toContain(B);
    expect(noYes.err).toMatch(/title\s+\S/);
    expect(noYes.err).toMatch(/nothing was signed/);

    const noPass = await run(['approve', B, '--key', key('ap-bgs'), '--yes', ...inRepo(at(3))], { SEALPRESS_PASSPHRASE: undefined });
    expect(noPass.code).toBe(2);
    expect(noPass.err).toMatch(/give --passphrase-file FILE or set SEALPRESS_PASSPHRASE/);

    const unknown = await run(['approve', `content/${MAIN}/bszn/nope.md`, '--key', key('ap-bgs'), '--yes', ...inRepo(at(3))]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/not an entry the gate knows/);
    expect(records()).toEqual(before);
  });
});

describe('revocation has a date', () => {
  test('approvals signed before the effective time stay valid; later ones are refused', async () => {
    expect((await approveAs('ap-bgs', [B], at(4))).json!.entries[0]!.status).toBe('publishable');
    expect((await approveAs('ap-bgs', [C], at(6))).json!.entries[0]!.status).toBe('publishable');
    // Found out on day 7: the key was compromised from day 5.
    const revoke = await run(['keys', 'revoke', '--id', 'ap-bgs', '--reason', '密钥泄露', '--effective', at(5), '--admin-key', key('sa-1'), '--admin-key', key('sa-2'), ...inRepo(at(7))]);
    expect(revoke.code).toBe(0);
    const s = await status(at(7));
    expect(s.get(B)?.status).toBe('publishable');
    expect(s.get(C)).toMatchObject({ status: 'refused', findings: [{ rule: 'approval-invalid' }] });
    expect(s.get(C)!.findings[0]!.message).toMatch(/revoked from .* \(密钥泄露\)/);
    // And the command does not let a revoked signer sign at all.
    const before = records();
    const late = await approveAs('ap-bgs', [C], at(7));
    expect(late.code).toBe(1);
    expect(late.err).toMatch(/your signing rights were revoked from/);
    expect(records()).toEqual(before);
    // A new certificate would not help: the person is revoked, not a key.
    const roster = readFileSync(join(repo.root, 'sites/trust/roster.dsse.json'));
    const rotate = await run(['keys', 'rotate', '--id', 'ap-bgs', '--ca-key', key('ca'), '--admin-key', key('sa-1'), '--admin-key', key('sa-2'), '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(7))]);
    expect(rotate.code).toBe(1);
    expect(rotate.err).toMatch(/signing rights of ap-bgs were revoked .* a new certificate would never count/);
    expect(readFileSync(join(repo.root, 'sites/trust/roster.dsse.json'))).toEqual(roster);
  });
});

describe('withdraw', () => {
  test('a signed withdrawal takes a published entry off; the record is kept', async () => {
    expect((await status(at(8))).get(A)?.status).toBe('publishable');
    const r = await run(['withdraw', A, '--reason', '已过时', '--key', key('office-1'), '--yes', '--json', ...inRepo(at(8))]);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out) as SignJson;
    expect(json.record).toMatch(new RegExp(`^content/_approvals/${MAIN}/20261109-office-1-[0-9a-f]{8}-withdraw\\.json$`));
    expect(json.entries[0]).toMatchObject({ before: 'publishable', status: 'withdrawn' });
    expect(json.entries[0]!.summary).toMatch(/黄志明 withdrew this entry on 2026-11-09 \(已过时\)/);
    const s = await status(at(9));
    expect(s.get(A)?.status).toBe('withdrawn');
    expect(existsSync(join(repo.root, json.record))).toBe(true);

    const before = records();
    const again = await run(['withdraw', A, '--reason', '已过时', '--key', key('office-1'), '--yes', ...inRepo(at(9))]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already withdrawn/);
    const pending = await run(['withdraw', NEWS, '--reason', '错误发布', '--key', key('ap-sub'), '--yes', ...inRepo(at(9))]);
    expect(pending.code).toBe(1);
    expect(pending.err).toMatch(/not published/);
    const noReason = await run(['withdraw', B, '--key', key('office-1'), '--yes', ...inRepo(at(9))]);
    expect(noReason.code).toBe(2);
    expect(records()).toEqual(before);
  });
});
