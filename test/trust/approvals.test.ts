/**
 * The approval attack table: each case names what it attacks, and asserts the
 * exact status and the finding codes. A fixed clock (NOW) and throwaway keys.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  decide,
  maxMatching,
  prepareRecords,
  verifyApprovals,
  type ApprovalCode,
  type ApprovalEntry,
  type ApprovalRecordFile,
  type ApprovalStatus,
} from '../../pipeline/approve/index.ts';
import { CLOCK_SKEW_MS, inspectCertificate, type Trust } from '../../pipeline/trust/index.ts';
import { itemOf, MAIN, makeTestPki, NOW, sha256, SUB, subNewsEntry, xxgkEntry, PKI_SETUP_TIMEOUT, type PersonName, type TestPki } from './pki.ts';
import { approve, editPayload, frozenDigest, resignWith, SIGNED, signRawApproval, submit, withdraw } from './records.ts';

let pki: TestPki;
let trust: Trust;
beforeAll(async () => {
  pki = await makeTestPki();
  trust = pki.trust();
}, PKI_SETUP_TIMEOUT);

const ms = (d: Date | string, delta = 0) => new Date(new Date(d).getTime() + delta);
const E = () => xxgkEntry();
/** 政策文件 at the main site: two distinct approvers and the office. */
const ZCWJ = () => xxgkEntry({ path: `content/${MAIN}/zcwj/2026-policy.md`, column: 'zcwj', digest: sha256('policy v1'), assets: [] });

interface Case {
  name: string;
  entry: () => ApprovalEntry;
  records: () => ApprovalRecordFile[];
  trust?: () => Trust;
  now?: Date;
  status: ApprovalStatus;
  codes: ApprovalCode[];
  signers?: string[];
}

/** The writer 赵敏 submitted the entry's current bytes: each case then judges the approvals alone (the submission cases say otherwise). */
const submitted = (entry: ApprovalEntry) => submit(pki.people.zhao.signer, entry);

function run(c: Pick<Case, 'entry' | 'records' | 'trust' | 'now'>) {
  const entry = c.entry();
  return verifyApprovals(entry, [submitted(entry), ...c.records()], c.trust?.() ?? trust, c.now ?? NOW);
}

const codesOf = (r: { findings: { code: string }[] }) => [...new Set(r.findings.map((f) => f.code))];

describe('approvals: the happy paths', () => {
  test.for<Case>([
    { name: 'department approver and office approver (2 of 2)', entry: E, records: () => [approve(pki.people.zhang.signer, E()), approve(pki.people.li.signer, E())], status: 'approved', codes: [], signers: ['p-liqiang', 'p-zhangwei'] },
    { name: 'a sub-site news entry, one approver of that sub-site', entry: () => subNewsEntry(), records: () => [approve(pki.people.wang.signer, subNewsEntry())], status: 'approved', codes: [], signers: ['p-wangfang'] },
    {
      name: 'two distinct approvers and the office for 政策文件',
      entry: ZCWJ,
      records: () => [approve(pki.people.zhang.signer, ZCWJ()), approve(pki.people.liu.signer, ZCWJ()), approve(pki.people.li.signer, ZCWJ())],
      status: 'approved',
      codes: [],
    },
    {
      name: 'overlapping roles are matched, not assigned greedily (孙丽 holds approver and office-approver)',
      entry: E,
      records: () => [approve(pki.people.sun.signer, E()), approve(pki.people.zhang.signer, E())],
      status: 'approved',
      codes: [],
      signers: ['p-sunli', 'p-zhangwei'],
    },
    {
      name: 'an approval of an older version, superseded by a complete approval of the current one',
      entry: E,
      records: () => {
        const old = E();
        old.digest = sha256('notice v0');
        return [approve(pki.people.zhang.signer, old, { at: ms(SIGNED, -86_400_000) }), approve(pki.people.zhang.signer, E()), approve(pki.people.li.signer, E())];
      },
      status: 'approved',
      codes: [],
    },
    { name: 'a record signed within the allowed clock skew', entry: E, records: () => [approve(pki.people.zhang.signer, E(), { at: ms(NOW, CLOCK_SKEW_MS) }), approve(pki.people.li.signer, E())], status: 'approved', codes: [] },
    { name: 'an author whose name merely contains the approver\'s name', entry: () => xxgkEntry({ author: '张伟华' }), records: () => [approve(pki.people.zhang.signer, xxgkEntry({ author: '张伟华' })), approve(pki.people.li.signer, E())], status: 'approved', codes: [] },
  ])('$name → $status', (c) => {
    const r = run(c);
    expect(r.status).toBe(c.status);
    expect(codesOf(r)).toEqual(c.codes);
    if (c.signers) expect(r.signers).toEqual(c.signers);
  });

  test('the approval time reported is that of the last approval that counted', () => {
    const later = ms(SIGNED, 3_600_000);
    const r = decide(E(), prepareRecords([submitted(E()), approve(pki.people.zhang.signer, E()), approve(pki.people.li.signer, E(), { at: later })], trust), NOW);
    expect(r.status).toBe('approved');
    expect(r.approvedAtMs).toBe(later.getTime());
  });

  test('a batch approval of several entries: records verified once, every entry decided', () => {
    const entries = ['a', 'b', 'c'].map((s) => xxgkEntry({ path: `content/${MAIN}/tzgg/${s}.md`, digest: sha256(s) }));
    const other = xxgkEntry({ path: `content/${MAIN}/tzgg/d.md`, digest: sha256('d') });
    const records = [submit(pki.people.zhao.signer, entries), approve(pki.people.zhang.signer, entries), approve(pki.people.li.signer, entries)];
    const prepared = prepareRecords(records, trust);
    expect(prepared.records.every((r) => r.problem === undefined)).toBe(true);
    // Both batch records counted for every entry: a release names them by digest.
    const files = records.slice(1).map((r) => r.file).sort();
    for (const e of entries) expect(decide(e, prepared, NOW)).toEqual({ status: 'approved', signers: ['p-liqiang', 'p-zhangwei'], findings: [], records: files, approvedAtMs: SIGNED.getTime() });
    expect(decide(other, prepared, NOW).status).toBe('pending');
  });

  test('pending says what is missing', () => {
    const r = run({ entry: E, records: () => [approve(pki.people.zhang.signer, E())] });
    expect(r.status).toBe('pending');
    expect(r.findings[0]?.message).toBe('needs 1 office-approver; approved so far by 张伟; who can approve it: 李强 (p-liqiang), 孙丽 (p-sunli)');
    const none = run({ entry: E, records: () => [] });
    expect(none.findings[0]?.message).toBe(`needs 1 approver of department zcfgk at site ${MAIN} and 1 office-approver; who can approve it: 李强 (p-liqiang), 孙丽 (p-sunli), 张伟 (p-zhangwei)`);
  });
});

describe('approvals: the attack table', () => {
  const zhang = () => pki.people.zhang.signer;
  const li = () => pki.people.li.signer;
  const revokedTrust = (revoked: unknown[] | (() => unknown[])) => () => pki.trust({ revocations: pki.revocationsPayload(typeof revoked === 'function' ? revoked() : revoked) });
  const withLi = (r: ApprovalRecordFile) => [r, approve(li(), E())];
  /** 张伟 leaves (his record frozen), and his certificate is revoked a second later, freezing it or not. */
  const personAndCertRevoked = (certFreezes: boolean) =>
    revokedTrust(() => {
      const frozen = [frozenDigest(approve(zhang(), E()))];
      return [
        { person: 'p-zhangwei', effective: ms(SIGNED, 1000).toISOString(), reason: '调离', frozen },
        { certificate: pki.people.zhang.fingerprint, effective: ms(SIGNED, 2000).toISOString(), reason: '密钥遗失', frozen: certFreezes ? frozen : [] },
      ];
    });
  /** At 2027-01-01 李娜's and the writer 赵敏's certificates have expired: retired on time, with their records frozen. */
  const liRetired = revokedTrust(() => [
    { certificate: pki.people.li.fingerprint, effective: '2026-11-01T00:00:00Z', reason: '密钥轮换', frozen: [frozenDigest(approve(li(), E()))] },
    { certificate: pki.people.zhao.fingerprint, effective: '2026-11-01T00:00:00Z', reason: '密钥轮换', frozen: [frozenDigest(submitted(E()))] },
  ]);

  test.for<Case>([
    { name: 'no record', entry: E, records: () => [], status: 'pending', codes: ['THRESHOLD_NOT_MET'] },
    { name: 'only the department approver', entry: E, records: () => [approve(zhang(), E())], status: 'pending', codes: ['THRESHOLD_NOT_MET'] },
    {
      name: 'record for an older version of the entry',
      entry: E,
      records: () => [approve(zhang(), xxgkEntry({ digest: sha256('notice v0') })), approve(li(), E())],
      status: 'refused',
      codes: ['APPROVAL_STALE', 'THRESHOLD_NOT_MET'],
    },
    {
      name: 'asset swapped after approval',
      entry: () => xxgkEntry({ assets: [{ path: `content/${MAIN}/tzgg/files/notice.pdf`, digest: sha256('pdf SWAPPED') }] }),
      records: () => [approve(zhang(), E()), approve(li(), E())],
      status: 'refused',
      codes: ['APPROVAL_STALE', 'THRESHOLD_NOT_MET'],
    },
    {
      name: 'asset added after approval',
      entry: () => xxgkEntry({ assets: [...E().assets, { path: `content/${MAIN}/tzgg/files/extra.png`, digest: sha256('png') }] }),
      records: () => [approve(zhang(), E()), approve(li(), E())],
      status: 'refused',
      codes: ['APPROVAL_STALE', 'THRESHOLD_NOT_MET'],
    },
    { name: 'asset removed after approval', entry: () => xxgkEntry({ assets: [] }), records: () => [approve(zhang(), E()), approve(li(), E())], status: 'refused', codes: ['APPROVAL_STALE', 'THRESHOLD_NOT_MET'] },
    { name: 'signature by a key the CA never certified (approver\'s certificate attached)', entry: E, records: () => withLi(resignWith(approve(zhang(), E()), pki.rogue.privateKey)), status: 'refused', codes: ['APPROVAL_SIGNATURE_INVALID'] },
    {
      name: 'payload edited after signing (old approval pointed at the new digest)',
      entry: E,
      records: () => withLi(editPayload(approve(zhang(), xxgkEntry({ digest: sha256('notice v0') })), (p) => ((p.entries as { digest: string }[])[0]!.digest = E().digest))),
      status: 'refused',
      codes: ['APPROVAL_SIGNATURE_INVALID'],
    },
    { name: 'certificate from another CA with the same subject', entry: E, records: () => withLi(approve(pki.impostor.signer, E())), status: 'refused', codes: ['APPROVAL_CERT_UNTRUSTED'] },
    { name: 'certificate issued by the CA but not listed in the roster', entry: E, records: () => withLi(approve(pki.zhangUnlisted.signer, E())), status: 'refused', codes: ['APPROVAL_CERT_UNTRUSTED'] },
    {
      name: 'roster lists the certificate under the wrong person',
      entry: E,
      records: () => withLi(approve(zhang(), E())),
      trust: () => {
        const people = pki.rosterPeople() as { id: string; certificates: string[] }[];
        const z = people.find((p) => p.id === 'p-zhangwei')!;
        z.certificates = z.certificates.filter((f) => f !== pki.people.zhang.fingerprint);
        people.find((p) => p.id === 'p-liuyang')!.certificates.push(pki.people.zhang.fingerprint);
        return pki.trust({ roster: pki.rosterPayload({ people }) });
      },
      status: 'refused',
      codes: ['APPROVAL_CERT_UNTRUSTED'],
    },
    {
      name: 'record claims another signer than its certificate',
      entry: E,
      records: () => {
        const r = approve(zhang(), E());
        const payload = JSON.parse(new TextDecoder().decode(Buffer.from(JSON.parse(new TextDecoder().decode(r.bytes)).payload, 'base64'))) as Record<string, unknown>;
        payload.signer = 'p-liuyang';
        return withLi(signRawApproval(payload, zhang(), r.file));
      },
      status: 'refused',
      codes: ['APPROVAL_CERT_UNTRUSTED'],
    },
    { name: 'expired certificate: signed exactly at notAfter', entry: E, records: () => withLi(approve(pki.zhangOld.signer, E(), { at: pki.zhangOld.notAfter })), status: 'refused', codes: ['APPROVAL_CERT_EXPIRED'] },
    {
      name: 'expired certificate (expired by the gate\'s clock), signed 1 ms before notAfter, not frozen: the claimed time proves nothing',
      entry: E,
      records: () => withLi(approve(pki.zhangOld.signer, E(), { at: ms(pki.zhangOld.notAfter, -1) })),
      status: 'refused',
      codes: ['APPROVAL_EXPIRED_UNFROZEN'],
    },
    {
      name: 'expired certificate, signed 1 ms before notAfter, frozen when it was retired: valid',
      entry: E,
      records: () => withLi(approve(pki.zhangOld.signer, E(), { at: ms(pki.zhangOld.notAfter, -1) })),
      trust: revokedTrust(() => [{ certificate: pki.zhangOld.fingerprint, effective: '2026-06-01T00:00:00Z', reason: '证书到期', frozen: [frozenDigest(approve(pki.zhangOld.signer, E(), { at: ms(pki.zhangOld.notAfter, -1) }))] }]),
      status: 'approved',
      codes: [],
    },
    {
      name: 'expired certificate, frozen by a revocation of the person: valid',
      entry: E,
      records: () => withLi(approve(pki.zhangOld.signer, E(), { at: ms(pki.zhangOld.notAfter, -1) })),
      trust: revokedTrust(() => [{ person: 'p-zhangwei', effective: '2026-09-20T00:00:00Z', reason: '调离', frozen: [frozenDigest(approve(pki.zhangOld.signer, E(), { at: ms(pki.zhangOld.notAfter, -1) }))] }]),
      status: 'approved',
      codes: [],
    },
    {
      name: 'expired certificate, another record of it frozen, this one not',
      entry: E,
      records: () => withLi(approve(pki.zhangOld.signer, E(), { at: ms(pki.zhangOld.notAfter, -1) })),
      trust: revokedTrust(() => [{ certificate: pki.zhangOld.fingerprint, effective: '2026-06-01T00:00:00Z', reason: '证书到期', frozen: [frozenDigest(approve(pki.zhangOld.signer, E(), { at: ms(pki.zhangOld.notAfter, -2) }))] }]),
      status: 'refused',
      codes: ['APPROVAL_NOT_FROZEN'],
    },
    {
      name: 'not-yet-valid certificate: signed 1 ms before notBefore',
      entry: E,
      now: new Date('2027-01-01T00:00:00Z'),
      records: () => withLi(approve(pki.zhangNext.signer, E(), { at: ms(pki.zhangNext.notBefore, -1) })),
      trust: liRetired,
      status: 'refused',
      codes: ['APPROVAL_CERT_NOT_YET_VALID'],
    },
    {
      name: 'not-yet-valid certificate: signed exactly at notBefore is valid',
      entry: E,
      now: new Date('2027-01-01T00:00:00Z'),
      records: () => withLi(approve(pki.zhangNext.signer, E(), { at: pki.zhangNext.notBefore })),
      trust: liRetired,
      status: 'approved',
      codes: [],
    },
    { name: 'person revoked before signing', entry: E, records: () => withLi(approve(zhang(), E())), trust: revokedTrust([{ person: 'p-zhangwei', effective: '2026-09-29T00:00:00Z', reason: '调离' }]), status: 'refused', codes: ['APPROVAL_REVOKED'] },
    { name: 'person revoked exactly at the signing time', entry: E, records: () => withLi(approve(zhang(), E())), trust: revokedTrust([{ person: 'p-zhangwei', effective: SIGNED.toISOString(), reason: '调离' }]), status: 'refused', codes: ['APPROVAL_REVOKED'] },
    {
      name: 'person revoked 1 s after signing, the record frozen at the revocation: the approval stands',
      entry: E,
      records: () => withLi(approve(zhang(), E())),
      trust: revokedTrust(() => [{ person: 'p-zhangwei', effective: ms(SIGNED, 1000).toISOString(), reason: '调离', frozen: [frozenDigest(approve(zhang(), E()))] }]),
      status: 'approved',
      codes: [],
    },
    {
      name: 'person revoked 1 s after signing, the record not frozen (back-dated by the revoked key?): refused',
      entry: E,
      records: () => withLi(approve(zhang(), E())),
      trust: revokedTrust([{ person: 'p-zhangwei', effective: ms(SIGNED, 1000).toISOString(), reason: '调离' }]),
      status: 'refused',
      codes: ['APPROVAL_NOT_FROZEN'],
    },
    {
      name: 'person and certificate both revoked: frozen by the person\'s revocation only is not enough',
      entry: E,
      records: () => withLi(approve(zhang(), E())),
      trust: personAndCertRevoked(false),
      status: 'refused',
      codes: ['APPROVAL_NOT_FROZEN'],
    },
    {
      name: 'person and certificate both revoked, frozen by both: valid',
      entry: E,
      records: () => withLi(approve(zhang(), E())),
      trust: personAndCertRevoked(true),
      status: 'approved',
      codes: [],
    },
    {
      name: 'person revoked before signing: a frozen list naming the record does not save it',
      entry: E,
      records: () => withLi(approve(zhang(), E())),
      trust: revokedTrust(() => [{ person: 'p-zhangwei', effective: ms(SIGNED, -1000).toISOString(), reason: '调离', frozen: [frozenDigest(approve(zhang(), E()))] }]),
      status: 'refused',
      codes: ['APPROVAL_REVOKED'],
    },
    {
      name: 'certificate revoked before signing (key lost)',
      entry: E,
      records: () => withLi(approve(zhang(), E())),
      trust: revokedTrust(() => [{ certificate: pki.people.zhang.fingerprint, effective: '2026-09-20T00:00:00Z', reason: '密钥遗失' }]),
      status: 'refused',
      codes: ['APPROVAL_REVOKED'],
    },
    {
      name: 'another certificate of the same person revoked: this one still counts',
      entry: E,
      records: () => withLi(approve(zhang(), E())),
      trust: revokedTrust(() => [{ certificate: pki.zhang2.fingerprint, effective: '2026-09-20T00:00:00Z', reason: '密钥遗失' }]),
      status: 'approved',
      codes: [],
    },
    { name: 'out of scope: site (a sub-site approver on a main-site entry)', entry: E, records: () => withLi(approve(pki.people.wang.signer, E())), status: 'refused', codes: ['APPROVAL_OUT_OF_SCOPE'] },
    {
      name: 'out of scope: column (a sub-site news approver on 办税指南)',
      entry: () => subNewsEntry({ path: `content/${SUB}/bszn/guide.md`, column: 'bszn', category: 'bsfw' }),
      records: () => [approve(pki.people.wang.signer, subNewsEntry({ path: `content/${SUB}/bszn/guide.md`, column: 'bszn', category: 'bsfw' }))],
      status: 'refused',
      codes: ['APPROVAL_OUT_OF_SCOPE'],
    },
    {
      name: 'out of scope: department (role scope covers 政策法规科 only)',
      entry: () => xxgkEntry({ department: 'nsfwk' }),
      records: () => [approve(zhang(), xxgkEntry({ department: 'nsfwk' })), approve(li(), xxgkEntry({ department: 'nsfwk' }))],
      status: 'refused',
      codes: ['APPROVAL_OUT_OF_SCOPE'],
    },
    { name: 'out of scope: department (policy requires the same department)', entry: E, records: () => withLi(approve(pki.people.liu.signer, E())), status: 'refused', codes: ['APPROVAL_OUT_OF_SCOPE'] },
    { name: 'out of scope: a writer signs', entry: E, records: () => withLi(approve(pki.people.zhao.signer, E())), status: 'refused', codes: ['APPROVAL_OUT_OF_SCOPE'] },
    { name: 'out of scope: the release signer signs', entry: E, records: () => withLi(approve(pki.people.chen.signer, E())), status: 'refused', codes: ['APPROVAL_OUT_OF_SCOPE'] },
    { name: 'out of scope: a security administrator signs', entry: E, records: () => withLi(approve(pki.people.admin1.signer, E())), status: 'refused', codes: ['APPROVAL_OUT_OF_SCOPE'] },
    { name: 'self-approval by name', entry: () => xxgkEntry({ author: '张伟' }), records: () => [approve(zhang(), E()), approve(li(), E())], status: 'refused', codes: ['APPROVAL_SELF'] },
    { name: 'self-approval by id', entry: () => xxgkEntry({ author: 'p-zhangwei' }), records: () => [approve(zhang(), E()), approve(li(), E())], status: 'refused', codes: ['APPROVAL_SELF'] },
    { name: 'self-approval: one of several authors', entry: () => xxgkEntry({ author: '赵敏、张伟' }), records: () => [approve(zhang(), E()), approve(li(), E())], status: 'refused', codes: ['APPROVAL_SELF'] },
    { name: 'self-approval: name with spaces and full-width form', entry: () => xxgkEntry({ author: ' 张伟（政策法规科） ' }), records: () => [approve(zhang(), E()), approve(li(), E())], status: 'refused', codes: ['APPROVAL_SELF'] },
    { name: 'self-approval cannot be ruled out: no author', entry: () => xxgkEntry({ author: '' }), records: () => [approve(zhang(), E()), approve(li(), E())], status: 'refused', codes: ['APPROVAL_SELF'] },
    { name: 'one signer counted twice: two records by the same person', entry: ZCWJ, records: () => [approve(zhang(), ZCWJ()), approve(zhang(), ZCWJ(), { at: ms(SIGNED, 60_000) }), approve(li(), ZCWJ())], status: 'pending', codes: ['THRESHOLD_NOT_MET'] },
    { name: 'one signer counted twice: two certificates of the same person', entry: ZCWJ, records: () => [approve(zhang(), ZCWJ()), approve(pki.zhang2.signer, ZCWJ()), approve(li(), ZCWJ())], status: 'pending', codes: ['THRESHOLD_NOT_MET'] },
    {
      name: 'one signer counted twice: the same record file given twice',
      entry: ZCWJ,
      records: () => {
        const r = approve(zhang(), ZCWJ());
        return [r, { ...r, file: r.file.replace('.dsse', '-copy.dsse') }, approve(li(), ZCWJ())];
      },
      status: 'pending',
      codes: ['THRESHOLD_NOT_MET'],
    },
    { name: 'one person with two roles fills one slot only', entry: E, records: () => [approve(pki.people.sun.signer, E())], status: 'pending', codes: ['THRESHOLD_NOT_MET'] },
    {
      name: 'record moved to another entry\'s path (same bytes, another place)',
      entry: () => xxgkEntry({ path: `content/${MAIN}/tzgg/copied-here.md` }),
      records: () => [approve(zhang(), E()), approve(li(), E())],
      status: 'refused',
      codes: ['APPROVAL_MOVED', 'THRESHOLD_NOT_MET'],
    },
    {
      name: 'record names this path in another site and column',
      entry: E,
      records: () => {
        const moved = { ...itemOf(E()), site: SUB, column: 'gzdt' };
        const r = approve(zhang(), E());
        const payload = JSON.parse(Buffer.from(JSON.parse(new TextDecoder().decode(r.bytes)).payload, 'base64').toString('utf8')) as Record<string, unknown>;
        payload.entries = [moved];
        return withLi(signRawApproval(payload, zhang(), r.file));
      },
      status: 'refused',
      codes: ['APPROVAL_MOVED'],
    },
    { name: 'record signed in the future (beyond the clock skew)', entry: E, records: () => withLi(approve(zhang(), E(), { at: ms(NOW, CLOCK_SKEW_MS + 1) })), status: 'refused', codes: ['APPROVAL_FUTURE'] },
    { name: 'record cites a newer policy than the repository holds (rollback)', entry: E, records: () => withLi(approve(zhang(), E(), { policyVersion: 2 })), status: 'refused', codes: ['APPROVAL_POLICY_AHEAD'] },
    { name: 'stale approval and no current one', entry: E, records: () => [approve(zhang(), xxgkEntry({ digest: sha256('v0') }))], status: 'refused', codes: ['APPROVAL_STALE', 'THRESHOLD_NOT_MET'] },
  ])('$name → $status', (c) => {
    const r = run(c);
    expect(r.status).toBe(c.status);
    expect(codesOf(r)).toEqual(c.codes);
    for (const f of r.findings) {
      expect(f.message).not.toBe('');
      expect(f.fix).not.toBe('');
    }
  });

  test('the stale finding says who approved, when, and what to do', () => {
    const r = run({ entry: E, records: () => [approve(pki.people.zhang.signer, xxgkEntry({ digest: sha256('v0') }))] });
    expect(r.findings[0]).toMatchObject({ code: 'APPROVAL_STALE', message: 'the entry changed after 张伟 approved it on 2026-09-30' });
    expect(r.findings[0]?.fix).toMatch(/new approval/);
  });
});

describe('withdrawals', () => {
  const zhang = () => pki.people.zhang.signer;
  const li = () => pki.people.li.signer;
  test.for<Case>([
    { name: 'withdrawn after approval', entry: E, records: () => [approve(zhang(), E()), approve(li(), E()), withdraw(li(), E(), ms(SIGNED, 3_600_000))], status: 'withdrawn', codes: ['APPROVAL_WITHDRAWN'] },
    {
      name: 'approved again after the withdrawal',
      entry: E,
      records: () => [approve(zhang(), E()), approve(li(), E()), withdraw(li(), E(), ms(SIGNED, 3_600_000)), approve(zhang(), E(), { at: ms(SIGNED, 7_200_000) }), approve(li(), E(), { at: ms(SIGNED, 7_200_000) })],
      status: 'approved',
      codes: [],
    },
    {
      name: 'only one approver signs again after the withdrawal',
      entry: E,
      records: () => [approve(zhang(), E()), approve(li(), E()), withdraw(li(), E(), ms(SIGNED, 3_600_000)), approve(zhang(), E(), { at: ms(SIGNED, 7_200_000) })],
      status: 'withdrawn',
      codes: ['APPROVAL_WITHDRAWN'],
    },
    { name: 'withdrawn, then edited: still withdrawn, not stale', entry: () => xxgkEntry({ digest: sha256('v2') }), records: () => [approve(zhang(), E()), approve(li(), E()), withdraw(zhang(), E(), ms(SIGNED, 60_000))], status: 'withdrawn', codes: ['APPROVAL_WITHDRAWN'] },
    { name: 'withdrawal by someone without an approver role in scope', entry: E, records: () => [approve(zhang(), E()), approve(li(), E()), withdraw(pki.people.chen.signer, E(), ms(SIGNED, 60_000))], status: 'refused', codes: ['APPROVAL_OUT_OF_SCOPE'] },
    {
      name: 'forged withdrawal',
      entry: E,
      records: () => [approve(zhang(), E()), approve(li(), E()), resignWith(withdraw(li(), E(), ms(SIGNED, 60_000)), pki.rogue.privateKey)],
      status: 'refused',
      codes: ['APPROVAL_SIGNATURE_INVALID'],
    },
  ])('$name → $status', (c) => {
    const r = run(c);
    expect(r.status).toBe(c.status);
    expect(codesOf(r)).toEqual(c.codes);
  });

  test('the withdrawal finding names who, when and why', () => {
    const r = run({ entry: E, records: () => [withdraw(li(), E(), ms(SIGNED, 3_600_000), '错误发布')] });
    expect(r.findings[0]?.message).toBe('李强 withdrew this entry on 2026-09-30 (错误发布): it is taken off the site');
  });
});

describe('matching', () => {
  test.for([
    { name: 'greedy trap: A fits both slots, B only the first', candidates: [[0, 1], [0]], slots: 2, size: 2 },
    { name: 'two people for one slot', candidates: [[0], [0]], slots: 2, size: 1 },
    { name: 'nobody', candidates: [], slots: 2, size: 0 },
    { name: 'chain of displacements', candidates: [[0, 1], [1, 2], [0]], slots: 3, size: 3 },
  ])('$name', ({ candidates, slots, size }) => {
    expect(maxMatching(candidates, slots).size).toBe(size);
  });
});

describe('back-dated signatures: any claimed time on a record of a revoked or expired key (property)', () => {
  const DAY = 86_400_000;
  const FROM = new Date('2026-04-01T00:00:00Z').getTime();
  test('a record counts iff it is inside its certificate\'s validity and, once any revocation covers it, frozen and signed before it; an expired certificate\'s record iff frozen', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('current', 'expired'),
        fc.constantFrom('none', 'person', 'certificate'),
        fc.boolean(),
        fc.integer({ min: FROM, max: NOW.getTime() + 30 * DAY }),
        fc.nat(),
        (which, revokedAs, frozen, effectiveMs, pick) => {
          const { signer, certPem } = which === 'current' ? pki.people.zhang : pki.zhangOld;
          const info = inspectCertificate(certPem);
          if (!info.ok) throw new Error(info.message);
          const cert = { signer, fp: info.cert.fingerprint, nb: info.cert.notBefore, na: info.cert.notAfter };
          // The instants a forger would aim at (validity ends, the effective time), ±1 ms, or anything in between.
          const marks = [cert.nb, cert.na, effectiveMs, FROM, NOW.getTime()];
          const span = NOW.getTime() - FROM;
          const s = Math.min(NOW.getTime(), Math.max(FROM, [...marks, FROM + (pick % span)][pick % 6]! + ((pick >> 3) % 3) - 1));
          const record = approve(cert.signer, E(), { at: new Date(s) });
          const revocation = { ...(revokedAs === 'person' ? { person: 'p-zhangwei' } : { certificate: cert.fp }), effective: new Date(effectiveMs).toISOString(), reason: '调离', frozen: frozen ? [frozenDigest(record)] : [] };
          const t = revokedAs === 'none' ? trust : pki.trust({ revocations: pki.revocationsPayload([revocation]) });
          const r = verifyApprovals(E(), [submitted(E()), record, approve(pki.people.li.signer, E())], t, NOW);
          const inside = cert.nb <= s && s < cert.na;
          const counts = inside && (revokedAs === 'none' ? NOW.getTime() < cert.na : frozen && s < effectiveMs);
          expect(r.status, `${which} ${revokedAs} frozen=${frozen} signedAt=${new Date(s).toISOString()} effective=${new Date(effectiveMs).toISOString()}`).toBe(counts ? 'approved' : 'refused');
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * A pending entry names the people on the roster who can still give what is
 * missing (the writers' loop): their roles cover the open slot, they have not
 * signed yet, and they did not write the entry.
 */
function pending(entry: ApprovalEntry, signed: PersonName[], extra: ApprovalRecordFile[] = []) {
  const records = [submit(pki.people.zhao.signer, entry), ...signed.map((who) => approve(pki.people[who].signer, entry)), ...extra];
  const result = verifyApprovals(entry, records, trust, NOW);
  const threshold = result.findings.find((f) => f.code === 'THRESHOLD_NOT_MET');
  return { status: result.status, ids: threshold?.approvers?.map((p) => p.id), message: threshold?.message ?? '' };
}

describe('a pending entry names who can approve it', () => {
  // 信息公开 at the main site, 政策法规科, author 赵敏: one approver of that department (张伟, 孙丽) and the office (李强, 孙丽).
  test.for<{ name: string; entry: () => ApprovalEntry; signed: PersonName[]; ids: string[] }>([
    { name: 'nobody signed: every person who can fill a slot (not 刘洋: his grant covers every department, the rule wants the entry\'s own)', entry: () => xxgkEntry(), signed: [], ids: ['p-liqiang', 'p-sunli', 'p-zhangwei'] },
    { name: 'the department approved: those who can give the office approval', entry: () => xxgkEntry(), signed: ['zhang'], ids: ['p-liqiang', 'p-sunli'] },
    { name: 'the office approved: the department approvers', entry: () => xxgkEntry(), signed: ['li'], ids: ['p-sunli', 'p-zhangwei'] },
    { name: 'an approver named in the author field is not offered', entry: () => xxgkEntry({ author: '赵敏、张伟' }), signed: ['li'], ids: ['p-sunli'] },
    { name: "a sub-site's news: its own approver only", entry: () => subNewsEntry(), signed: [], ids: ['p-wangfang'] },
  ])('$name', ({ entry, signed, ids }) => {
    const r = pending(entry(), signed);
    expect(r.status).toBe('pending');
    expect(r.ids).toEqual(ids);
    for (const id of ids) expect(r.message).toContain(id);
  });

  test('with no author named, nobody can approve, and the message says so', () => {
    const r = pending(xxgkEntry({ author: '' }), []);
    expect(r.ids).toEqual([]);
    expect(r.message).toContain('nobody on the roster can approve it now');
  });
});
