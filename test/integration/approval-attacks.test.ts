/**
 * Ways to sneak an entry past the gate, end to end: each attack is applied to
 * a repository whose honest entries are properly approved; the gate must not
 * plan the attacked entry as publishable, the build must not publish anything
 * of it, and the trust state (sites/trust/, content/_approvals/) must be
 * exactly as before. Attacks on the trust documents themselves refuse every
 * entry. The record-level attack table (every code at its exact boundary) is
 * in test/trust/.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signApproval } from '../../pipeline/approve/index.ts';
import { buildSites } from '../../pipeline/build/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { bundleSite } from '../../pipeline/stage/index.ts';
import { TRUST_DIR, TRUST_FILES } from '../../pipeline/load/index.ts';
import { createGroupCa, generateSigningKey, issueCertificate, parseEnvelope, PAYLOAD_TYPES, readEncryptedKey, signTrustDocument } from '../../pipeline/trust/index.ts';
import { runCli } from '../helpers/cli.ts';
import { APPROVED_AT, approveAll, entry, fixtureGroupPki, ISSUED, makeRepo, MAIN, NOW, png, SUB, type TestRepo } from '../helpers/repo.ts';

const T = `content/${MAIN}/gzdt`;
const S = `content/${SUB}/gzdt`;

function treeDigest(root: string, dir: string): string {
  const h = createHash('sha256');
  const walk = (rel: string) => {
    if (!existsSync(join(root, rel))) return;
    for (const e of readdirSync(join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else h.update(p).update(readFileSync(join(root, p)));
    }
  };
  walk(dir);
  return h.digest('hex');
}

describe('attacks on single entries: none is published, the honest ones are', () => {
  let repo: TestRepo;
  let dist: string;
  const attacked = new Map<string, { status: string[]; rule: string }>();
  let trustBefore = '';
  let recordsBefore = '';
  let plan: Awaited<ReturnType<typeof runGate>>;

  beforeAll(async () => {
    repo = makeRepo({
      [`${T}/honest.md`]: entry({ title: '诚实的新闻' }, '正文。\n'),
      [`${T}/changed-after.md`]: entry({ title: '批准后被修改' }),
      [`${T}/asset-swapped.md`]: entry({ title: '图片被替换', images: '  - { src: ./asset-swapped/pic.png, alt: 图 }' }),
      [`${T}/asset-swapped/pic.png`]: png(8, 8),
      [`${T}/approved-here.md`]: entry({ title: '原路径批准' }, '独特的正文 A。\n'),
      [`${S}/sub-honest.md`]: entry({ title: '子站诚实新闻', department: 'nsfwk' }),
      [`${T}/edited-by-approver.md`]: entry({ title: '审批人改稿' }),
    });
    await approveAll(repo);
    const pki = await fixtureGroupPki(repo.root);
    const mainApprover = pki.approverOf.get(`${MAIN}/bgs`)!;
    const colleague = [...pki.writerOf.values()][0]!;
    // The main site's approver of 办公室 also holds a writer grant there (the roster allows both roles to one person).
    const roster = signTrustDocument(
      {
        type: 'roster',
        version: pki.version,
        signedAt: ISSUED.toISOString(),
        people: pki.people.map((p) => ({
          id: p.id,
          name: p.name,
          department: p.department,
          site: p.site,
          roles: p === mainApprover ? [...p.roles, { role: 'writer', sites: [MAIN], columns: '*', departments: ['bgs'] }] : p.roles,
          certificates: [p.fingerprint!],
        })),
      },
      PAYLOAD_TYPES.roster,
      pki.admins.slice(0, 2).map((a) => ({ key: a.keys.privateKey, certPem: a.certPem! })),
    );
    writeFileSync(join(repo.root, TRUST_DIR, TRUST_FILES.roster), roster);
    const signAs = (p: typeof mainApprover, decision: 'approve' | 'submit', paths: string[], now = APPROVED_AT) =>
      signApproval({ entries: paths.map((x) => item(x)), decision, signer: { key: p.keys.privateKey, certPem: p.certPem! }, now, policyVersion: 1 });

    // No record at all: written after the approvers signed.
    repo.write(`${T}/no-record.md`, entry({ title: '无人批准' }));
    attacked.set(`${T}/no-record.md`, { status: ['pending'], rule: 'approval-pending' });
    // One byte changed after approval.
    repo.write(`${T}/changed-after.md`, entry({ title: '批准后被修改' }, '正文！\n'));
    attacked.set(`${T}/changed-after.md`, { status: ['refused'], rule: 'approval-stale' });
    // The image swapped after approval.
    repo.write(`${T}/asset-swapped/pic.png`, png(8, 8, [0, 0, 0]));
    attacked.set(`${T}/asset-swapped.md`, { status: ['refused'], rule: 'approval-stale' });
    // The approved bytes copied to another path.
    copyFileSync(join(repo.root, `${T}/approved-here.md`), join(repo.root, `${T}/moved-copy.md`));
    attacked.set(`${T}/moved-copy.md`, { status: ['refused'], rule: 'approval-invalid' });

    const item = (path: string, column = 'gzdt', site = MAIN) => {
      const bytes = readFileSync(join(repo.root, path));
      return { path, site, column, digest: createHash('sha256').update(bytes).digest('hex'), assets: [] };
    };
    // Signed by a key the CA never certified: a look-alike CA with the same subject.
    repo.write(`${T}/forged.md`, entry({ title: '伪造批准' }));
    const fakeCa = createGroupCa({ groupName: '测试税务局网站群', days: 3650, now: new Date('2026-09-01T00:00:00Z'), key: generateSigningKey(2048) });
    const fakeKey = generateSigningKey(2048);
    const fakeCert = issueCertificate({ ca: { certPem: fakeCa.certPem, key: fakeCa.key }, person: { id: mainApprover.id, name: mainApprover.name, department: 'bgs' }, publicKey: fakeKey.publicKey, now: new Date('2026-10-01T00:00:00Z'), days: 90 });
    repo.write(`content/_approvals/${MAIN}/forged.json`, signApproval({ entries: [item(`${T}/forged.md`)], decision: 'approve', signer: { key: fakeKey.privateKey, certPem: fakeCert.certPem }, now: APPROVED_AT, policyVersion: 1 }));
    attacked.set(`${T}/forged.md`, { status: ['refused'], rule: 'approval-invalid' });
    // Self-approval: the approver wrote the entry.
    repo.write(`${T}/self.md`, entry({ title: '自己批准自己', author: mainApprover.name }));
    repo.write(`content/_approvals/${MAIN}/self.json`, signApproval({ entries: [item(`${T}/self.md`)], decision: 'approve', signer: { key: mainApprover.keys.privateKey, certPem: mainApprover.certPem! }, now: APPROVED_AT, policyVersion: 1 }));
    attacked.set(`${T}/self.md`, { status: ['refused'], rule: 'approval-invalid' });
    // Out of scope: the main site's approver signs a sub-site entry.
    repo.write(`${S}/out-of-scope.md`, entry({ title: '越权批准', department: 'bgs' }));
    repo.write(`content/_approvals/${SUB}/out-of-scope.json`, signApproval({ entries: [item(`${S}/out-of-scope.md`, 'gzdt', SUB)], decision: 'approve', signer: { key: mainApprover.keys.privateKey, certPem: mainApprover.certPem! }, now: APPROVED_AT, policyVersion: 1 }));
    attacked.set(`${S}/out-of-scope.md`, { status: ['refused'], rule: 'approval-invalid' });
    // A genuine record whose payload was edited after signing (an earlier date): the signature no longer matches.
    repo.write(`${T}/tampered.md`, entry({ title: '篡改记录' }));
    const genuine = signApproval({ entries: [item(`${T}/tampered.md`)], decision: 'approve', signer: { key: mainApprover.keys.privateKey, certPem: mainApprover.certPem! }, now: APPROVED_AT, policyVersion: 1 });
    const envelope = JSON.parse(Buffer.from(genuine).toString('utf8')) as { payload: string };
    const payload = Buffer.from(envelope.payload, 'base64').toString('utf8').replace(APPROVED_AT.toISOString(), '2026-10-19T00:00:00.000Z');
    expect(payload).toContain('2026-10-19');
    writeFileSync(join(repo.root, `content/_approvals/${MAIN}/tampered.json`), JSON.stringify({ ...envelope, payload: Buffer.from(payload).toString('base64') }));
    attacked.set(`${T}/tampered.md`, { status: ['refused'], rule: 'approval-invalid' });

    // Authorship (issue 11). Self-approval after an author change: the approver writes and submits the entry, puts a colleague in `author:`, and approves it.
    repo.write(`${T}/author-change.md`, entry({ title: '改署名后自批', author: colleague.name }));
    repo.write(`content/_approvals/${MAIN}/author-change-submit.json`, signAs(mainApprover, 'submit', [`${T}/author-change.md`], new Date(APPROVED_AT.getTime() - 3_600_000)));
    repo.write(`content/_approvals/${MAIN}/author-change.json`, signAs(mainApprover, 'approve', [`${T}/author-change.md`]));
    attacked.set(`${T}/author-change.md`, { status: ['refused'], rule: 'approval-invalid' });
    // An approver edits an approved entry's bytes and approves the edit; no writer submitted it.
    repo.write(`${T}/edited-by-approver.md`, entry({ title: '审批人改稿' }, '审批人改过的正文。\n'));
    repo.write(`content/_approvals/${MAIN}/edited-by-approver.json`, signAs(mainApprover, 'approve', [`${T}/edited-by-approver.md`]));
    attacked.set(`${T}/edited-by-approver.md`, { status: ['pending'], rule: 'submission-pending' });
    // A submission by someone without the writer role (the office approver), approved by the department's approver.
    repo.write(`${T}/no-writer.md`, entry({ title: '非撰稿人提交' }));
    repo.write(`content/_approvals/${MAIN}/no-writer-submit.json`, signAs(pki.office, 'submit', [`${T}/no-writer.md`]));
    repo.write(`content/_approvals/${MAIN}/no-writer.json`, signAs(mainApprover, 'approve', [`${T}/no-writer.md`]));
    attacked.set(`${T}/no-writer.md`, { status: ['refused'], rule: 'approval-invalid' });
    // A co-author: the approver submitted an earlier version, the writer the current one; the approver approves it.
    repo.write(`${T}/co-author.md`, entry({ title: '合写后自批' }, '初稿。\n'));
    repo.write(`content/_approvals/${MAIN}/co-author-draft.json`, signAs(mainApprover, 'submit', [`${T}/co-author.md`], new Date(APPROVED_AT.getTime() - 86_400_000)));
    repo.write(`${T}/co-author.md`, entry({ title: '合写后自批' }, '定稿。\n'));
    repo.write(`content/_approvals/${MAIN}/co-author-final.json`, signAs(colleague, 'submit', [`${T}/co-author.md`], new Date(APPROVED_AT.getTime() - 3_600_000)));
    repo.write(`content/_approvals/${MAIN}/co-author.json`, signAs(mainApprover, 'approve', [`${T}/co-author.md`]));
    attacked.set(`${T}/co-author.md`, { status: ['refused'], rule: 'approval-invalid' });

    trustBefore = treeDigest(repo.root, 'sites/trust');
    recordsBefore = treeDigest(repo.root, 'content/_approvals');
    plan = await runGate({ root: repo.root, now: NOW });
    dist = mkdtempSync(join(tmpdir(), 'sealpress-attack-dist-'));
    const built = await buildSites({ root: repo.root, now: NOW, distDir: dist });
    if (!built.ok) throw new Error('config');
  }, 240_000);

  afterAll(() => {
    repo?.cleanup();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  test('the tampered record is well-formed, so it is the signature check that refuses it', () => {
    const bytes = readFileSync(join(repo.root, `content/_approvals/${MAIN}/tampered.json`));
    expect(parseEnvelope(bytes).ok).toBe(true);
  });

  test.for([
    ...['no-record', 'changed-after', 'asset-swapped', 'moved-copy', 'forged', 'self', 'tampered', 'author-change', 'edited-by-approver', 'no-writer', 'co-author'].map((n) => `${T}/${n}.md`),
    `${S}/out-of-scope.md`,
  ])('%s is not publishable', (path) => {
    if (!plan.ok) throw new Error('config');
    const e = plan.plan.entries.find((x) => x.path === path)!;
    const expected = attacked.get(path)!;
    expect(expected.status).toContain(e.status);
    expect(e.findings.map((f) => f.rule).join(' ')).toContain(expected.rule);
    const slug = path.split('/').pop()!.replace('.md', '');
    for (const site of [MAIN, SUB]) expect(existsSync(join(dist, site, 'gzdt', slug)), `${site}/${slug}`).toBe(false);
    const home = readFileSync(join(dist, MAIN, 'index.html'), 'utf8') + readFileSync(join(dist, SUB, 'index.html'), 'utf8');
    // (The moved copy shares its title with the honest original, which is published.)
    if (!plan.plan.entries.some((x) => x.status === 'publishable' && x.frontMatter?.title === e.frontMatter!.title)) expect(home).not.toContain(e.frontMatter!.title);
  });

  test.for([
    ['author-change', 'APPROVAL_SELF', /submitted as its writer .*author-change-submit\.json/],
    ['co-author', 'APPROVAL_SELF', /submitted as its writer .*co-author-draft\.json/],
    ['no-writer', 'SUBMISSION_OUT_OF_SCOPE', /not writer/],
    ['edited-by-approver', 'SUBMISSION_STALE', /changed after .* submitted it/],
  ] as const)('%s: refused or held for who wrote it (%s)', ([name, code, message]) => {
    if (!plan.ok) throw new Error('config');
    const e = plan.plan.entries.find((x) => x.path === `${T}/${name}.md`)!;
    const f = e.findings.find((x) => x.code === code);
    expect(f?.message).toMatch(message);
    expect(e.approvals).toBeUndefined();
  });

  test('honest entries are published on their sites', () => {
    expect(existsSync(join(dist, MAIN, 'gzdt', 'honest', 'index.html'))).toBe(true);
    expect(existsSync(join(dist, MAIN, 'gzdt', 'approved-here', 'index.html'))).toBe(true);
    expect(existsSync(join(dist, SUB, 'gzdt', 'sub-honest', 'index.html'))).toBe(true);
  });

  test('the gate and the build changed nothing in the trust state', () => {
    expect(treeDigest(repo.root, 'sites/trust')).toBe(trustBefore);
    expect(treeDigest(repo.root, 'content/_approvals')).toBe(recordsBefore);
  });
});

describe('attacks on the trust documents refuse every entry', () => {
  const edit = (file: string, change: (payload: Record<string, unknown>) => void) => (repo: TestRepo) => {
    const path = join(repo.root, 'sites/trust', file);
    const env = JSON.parse(readFileSync(path, 'utf8')) as { payload: string };
    const payload = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Record<string, unknown>;
    change(payload);
    writeFileSync(path, JSON.stringify({ ...env, payload: Buffer.from(JSON.stringify(payload)).toString('base64') }));
  };
  test.for([
    { name: 'policy threshold lowered without the administrators', attack: edit('policy.dsse.json', (p) => { p['rules'] = []; }) },
    { name: 'a person added to the roster without the administrators', attack: edit('roster.dsse.json', (p) => { (p['people'] as unknown[]).push({ id: 'intruder', name: '入侵者', department: 'bgs', site: MAIN, roles: [{ role: 'approver', sites: '*', columns: '*', departments: '*' }], certificates: ['00'.repeat(32)] }); }) },
    { name: 'revocations emptied without the administrators', attack: edit('revocations.dsse.json', (p) => { p['version'] = 99; }) },
    { name: 'root threshold lowered', attack: edit('root.dsse.json', (p) => { p['threshold'] = 1; }) },
    { name: 'revocation list deleted', attack: (r: TestRepo) => rmSync(join(r.root, 'sites/trust/revocations.dsse.json')) },
    { name: 'roster signed by one administrator only', attack: (r: TestRepo) => {
      const path = join(r.root, 'sites/trust/roster.dsse.json');
      const env = JSON.parse(readFileSync(path, 'utf8')) as { signatures: unknown[] };
      writeFileSync(path, JSON.stringify({ ...env, signatures: env.signatures.slice(0, 1) }));
    } },
    { name: 'truncated policy file', attack: (r: TestRepo) => writeFileSync(join(r.root, 'sites/trust/policy.dsse.json'), readFileSync(join(r.root, 'sites/trust/policy.dsse.json')).subarray(0, 100)) },
  ])('$name', async ({ attack }) => {
    const repo = makeRepo({ [`${T}/a.md`]: entry({}), [`${S}/b.md`]: entry({ department: 'nsfwk' }) });
    try {
      await approveAll(repo);
      const ok = await runGate({ root: repo.root, now: NOW });
      expect(ok.ok && ok.plan.entries.every((e) => e.status === 'publishable')).toBe(true);
      attack(repo);
      const result = await runGate({ root: repo.root, now: NOW });
      if (!result.ok) throw new Error('config');
      expect(result.plan.entries.map((e) => e.status)).toEqual(['refused', 'refused']);
      expect(result.plan.entries[0]!.findings[0]!.rule).toBe('trust-invalid');
      expect(result.plan.diagnostics.some((d) => d.rule === 'trust-invalid' && d.file.startsWith('sites/trust/'))).toBe(true);
      // The renderer's only input holds nothing.
      for (const code of [MAIN, SUB]) expect(bundleSite(result.group, result.plan, code, 'publish').bundle.entries).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });

  test('a CA swapped for another one is refused when the anchor is pinned', async () => {
    const repo = makeRepo({ [`${T}/a.md`]: entry({}) });
    try {
      await approveAll(repo);
      const pinned = (await fixtureGroupPki(repo.root)).caFingerprint;
      expect((await runGate({ root: repo.root, now: NOW, trustAnchor: pinned })).ok).toBe(true);
      const other = createGroupCa({ groupName: '测试税务局网站群', days: 3650, now: new Date('2026-09-01T00:00:00Z'), key: generateSigningKey(2048) });
      writeFileSync(join(repo.root, 'sites/trust/ca.pem'), other.certPem);
      const result = await runGate({ root: repo.root, now: NOW, trustAnchor: pinned });
      if (!result.ok) throw new Error('config');
      expect(result.plan.entries[0]!.status).toBe('refused');
      expect(result.plan.diagnostics.map((d) => d.message).join('\n')).toMatch(/TRUST_ANCHOR_MISMATCH/);
    } finally {
      repo.cleanup();
    }
  });
});

/**
 * Back-dated signatures (Trust model 6 and 9), end to end with the project's
 * own CLI and real keys: a revoked or expired key can still sign, and writes
 * whatever signing time it likes. The gate must not let its claim decide: a
 * record of a retired key counts only if the revocation froze it.
 */
describe('back-dated signatures: a revoked or expired key cannot make a new approval count', () => {
  const T0 = '2026-11-01T09:00:00+08:00';
  const at = (days: number) => new Date(Date.parse(T0) + days * 86_400_000);
  const PASS = 'correct horse battery staple';
  const B = (n: string) => `content/${MAIN}/bszn/${n}.md`; // default rule: one approver of the site and department
  let repo: TestRepo;
  let tmp: string;
  let keyDir: string;
  const key = (id: string) => join(keyDir, `${id}.key.pem`);
  const inRepo = (now: Date, root = repo.root) => ['--root', root, '--now', now.toISOString()];
  const admins = () => ['--admin-key', key('sa-1'), '--admin-key', key('sa-2')];
  interface CheckJson {
    entries: { path: string; status: string; findings: { rule: string; message: string }[] }[];
    diagnostics: { rule: string; severity: string; file: string; message: string }[];
  }
  const check = async (now: Date, root = repo.root) => {
    const r = await runCli(['check', '--format', 'json', '--no-cache', ...inRepo(now, root)]);
    const json = JSON.parse(r.out) as CheckJson;
    return { json, of: (path: string) => json.entries.find((e) => e.path === path)! };
  };
  /** What the holder of a key can do without the CLI: sign any payload, with any signedAt. */
  const forge = (id: string, certFile: string, path: string, claimed: Date, root = repo.root) => {
    const bytes = readFileSync(join(root, path));
    const record = signApproval({
      entries: [{ path, site: MAIN, column: 'bszn', digest: createHash('sha256').update(bytes).digest('hex'), assets: [] }],
      decision: 'approve',
      signer: { key: readEncryptedKey(key(id), PASS), certPem: readFileSync(join(keyDir, certFile), 'utf8') },
      now: claimed,
      policyVersion: 1,
    });
    const file = `content/_approvals/${MAIN}/forged-${id}-${claimed.getTime()}.json`;
    writeFileSync(join(root, file), record);
    return file;
  };
  /** After a refusal: the gate wrote nothing into the trust state, and the entry is in no bundle. */
  const unchanged = async (now: Date, paths: string[]) => {
    const trust = treeDigest(repo.root, 'sites/trust');
    const result = await runGate({ root: repo.root, now, cache: false });
    if (!result.ok) throw new Error('config');
    const bundled = bundleSite(result.group, result.plan, MAIN, 'publish').bundle.entries.map((e) => e.source);
    for (const p of paths) expect(bundled).not.toContain(p);
    expect(treeDigest(repo.root, 'sites/trust')).toBe(trust);
  };

  beforeAll(async () => {
    Object.defineProperty(process.stdin, 'isTTY', { value: undefined, configurable: true });
    delete process.env.SEALPRESS_TRUST_ANCHOR;
    process.env.SEALPRESS_PASSPHRASE = PASS;
    repo = makeRepo(Object.fromEntries(['kept', 'backdated', 'short-kept', 'short-backdated'].map((n) => [B(n), entry({ title: `办税指南 ${n}` })])));
    tmp = mkdtempSync(join(tmpdir(), 'sealpress-backdate-'));
    keyDir = join(tmp, 'keys');
    expect((await runCli(['keys', 'init', '--admin', `sa-1:王建国:bgs:${MAIN}`, '--admin', `sa-2:刘春燕:bgs:${MAIN}`, '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(0))])).code).toBe(0);
    // 赵国华 holds a 90-day certificate; 钱志远 a 10-day one (it expires on day 10).
    for (const [id, name, days] of [['ap-bgs', '赵国华', '90'], ['ap-short', '钱志远', '10']] as const) {
      const r = await runCli(['keys', 'issue', '--id', id, '--name', name, '--department', 'bgs', '--site', MAIN, '--role', 'approver', '--days', days, '--ca-key', key('ca'), ...admins(), '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(0.05))]);
      expect(r.code).toBe(0);
    }
    // The writer 孙丽 submits every entry on day 1: each case then turns on the approvals alone.
    expect((await runCli(['keys', 'issue', '--id', 'wr-bgs', '--name', '孙丽', '--department', 'bgs', '--site', MAIN, '--role', 'writer', '--ca-key', key('ca'), ...admins(), '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(0.05))])).code).toBe(0);
    expect((await runCli(['submit', ...['kept', 'backdated', 'short-kept', 'short-backdated'].map(B), '--key', key('wr-bgs'), '--yes', ...inRepo(at(1))])).code).toBe(0);
    for (const [id, path] of [['ap-bgs', B('kept')], ['ap-short', B('short-kept')]] as const) {
      expect((await runCli(['approve', path, '--key', key(id), '--yes', ...inRepo(at(2))])).code).toBe(0);
    }
  }, 120_000);

  afterAll(() => {
    delete process.env.SEALPRESS_PASSPHRASE;
    repo?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('the gate warns ahead when a certificate whose records count expires within two weeks unretired', async () => {
    const { json, of } = await check(at(3));
    expect(of(B('short-kept')).status).toBe('publishable');
    const warning = json.diagnostics.find((d) => d.message.includes('CERT_EXPIRING_UNFROZEN'));
    expect(warning).toMatchObject({ rule: 'trust-warning', severity: 'warning' });
    expect(warning!.message).toMatch(/1 signed record\(s\) of 钱志远 \(ap-short\) count now, but their certificate [0-9a-f]{16}… expires/);
  });

  test('backdated by a revoked key: refused; the record frozen at the revocation still counts', async () => {
    const oldRevocations = readFileSync(join(repo.root, 'sites/trust/revocations.dsse.json'));
    // 赵国华 leaves on day 5: the revocation freezes the record he signed on day 2.
    const revoke = await runCli(['keys', 'revoke', '--id', 'ap-bgs', '--reason', '离职', ...admins(), ...inRepo(at(5))]);
    expect(revoke.code).toBe(0);
    expect(revoke.out).toMatch(/froze 1 approval record\(s\), 0 waiver\(s\), 0 column change request\(s\)/);
    // On day 6 he signs with his old key, claiming day 4, before the revocation.
    const forged = forge('ap-bgs', 'ap-bgs.cert.pem', B('backdated'), at(4));
    const { of } = await check(at(6));
    expect(of(B('kept')).status).toBe('publishable');
    expect(of(B('backdated')).status).toBe('refused');
    expect(of(B('backdated')).findings.map((f) => f.message).join('\n')).toMatch(/not among those frozen at the revocation.*\[APPROVAL_NOT_FROZEN\]/);
    await unchanged(at(6), [B('backdated')]);

    // He restores the old revocation list in a private copy: there, the forged record passes...
    const copy = mkdtempSync(join(tmpdir(), 'sealpress-private-'));
    try {
      cpSync(repo.root, copy, { recursive: true });
      writeFileSync(join(copy, 'sites/trust/revocations.dsse.json'), oldRevocations);
      expect((await check(at(6), copy)).of(B('backdated')).status).toBe('publishable');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    // ...but the gate reads the current list, and any claimed time is refused.
    for (const claimed of [at(1), at(4.99), at(5), at(5.5)]) {
      rmSync(join(repo.root, forged), { force: true });
      const again = forge('ap-bgs', 'ap-bgs.cert.pem', B('backdated'), claimed);
      expect((await check(at(6))).of(B('backdated')).status, claimed.toISOString()).toBe('refused');
      rmSync(join(repo.root, again));
    }
  });

  test('backdated by an expired key: refused; records frozen when the certificate was retired count', async () => {
    // Day 11: 钱志远's certificate expired on day 10 and nobody retired it. His day-2 record is refused now too (he was warned).
    const forged = forge('ap-short', 'ap-short.cert.pem', B('short-backdated'), at(8));
    let { of } = await check(at(11));
    expect(of(B('short-backdated')).status).toBe('refused');
    expect(of(B('short-backdated')).findings.map((f) => f.message).join('\n')).toMatch(/expired .*claimed signing time cannot be trusted.*\[APPROVAL_EXPIRED_UNFROZEN\]/);
    expect(of(B('short-kept')).status).toBe('refused');
    await unchanged(at(11), [B('short-backdated'), B('short-kept')]);

    // The reviewers remove the refused record; the administrators rotate his key, which retires the old certificate and freezes his day-2 record.
    rmSync(join(repo.root, forged));
    const rotate = await runCli(['keys', 'rotate', '--id', 'ap-short', '--ca-key', key('ca'), ...admins(), '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(12))]);
    expect(rotate.code).toBe(0);
    expect(rotate.out).toMatch(/retired \(revoked from .*, 密钥轮换\)/);
    expect(rotate.out).toMatch(/froze 1 approval record\(s\)/);
    ({ of } = await check(at(13)));
    expect(of(B('short-kept')).status).toBe('publishable');
    // Day 13: he signs with the expired key again, claiming day 8 (inside its validity): refused.
    forge('ap-short', 'ap-short.cert.pem', B('short-backdated'), at(8));
    ({ of } = await check(at(13)));
    expect(of(B('short-backdated')).status).toBe('refused');
    expect(of(B('short-kept')).status).toBe('publishable');
    await unchanged(at(13), [B('short-backdated')]);
  });

  test('keys revoke refuses an effective time in the future (exit 2), and writes nothing', async () => {
    const before = readFileSync(join(repo.root, 'sites/trust/revocations.dsse.json'));
    const r = await runCli(['keys', 'revoke', '--id', 'sa-2', '--reason', '离职', '--effective', at(30).toISOString(), ...admins(), ...inRepo(at(14))]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--effective .* is later than now/);
    expect(readFileSync(join(repo.root, 'sites/trust/revocations.dsse.json'))).toEqual(before);
  });
});
