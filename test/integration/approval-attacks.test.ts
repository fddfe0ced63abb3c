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
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signApproval } from '../../pipeline/approve/index.ts';
import { buildSites } from '../../pipeline/build/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { bundleSite } from '../../pipeline/stage/index.ts';
import { TRUST_DIR, TRUST_FILES } from '../../pipeline/load/index.ts';
import { createGroupCa, generateSigningKey, issueCertificate, parseEnvelope, PAYLOAD_TYPES, signTrustDocument } from '../../pipeline/trust/index.ts';
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
    const f = e.findings.find((x) => x.message.endsWith(`[${code}]`));
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
