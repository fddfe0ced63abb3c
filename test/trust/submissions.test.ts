/**
 * Who wrote an entry (issue 11): the writers' signed submissions, each code at
 * its boundary. The authors of an entry are the signers of every submission of
 * its path, any version; an author's approval is a self-approval whatever the
 * author field says; an entry is published only when its current bytes are
 * submitted. A fixed clock (NOW) and throwaway keys.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { decide, prepareRecords, verifyApprovals, type ApprovalCode, type ApprovalEntry, type ApprovalRecordFile, type ApprovalStatus } from '../../pipeline/approve/index.ts';
import { CLOCK_SKEW_MS, type Trust } from '../../pipeline/trust/index.ts';
import { MAIN, makeTestPki, NOW, PKI_SETUP_TIMEOUT, sha256, SUB, subNewsEntry, xxgkEntry, type TestPki } from './pki.ts';
import { approve, editPayload, resignWith, SIGNED, submit, SUBMITTED, withdraw } from './records.ts';

let pki: TestPki;
let trust: Trust;
/** The same roster, where 张伟 (approver of 政策法规科) also holds a writer grant for his department: one person, both roles. */
let dualTrust: Trust;
beforeAll(async () => {
  pki = await makeTestPki();
  trust = pki.trust();
  const people = pki.rosterPeople() as { id: string; roles: unknown[] }[];
  people.find((p) => p.id === 'p-zhangwei')!.roles.push({ role: 'writer', sites: [MAIN], columns: '*', departments: ['zcfgk'] });
  dualTrust = pki.trust({ roster: pki.rosterPayload({ people }) });
}, PKI_SETUP_TIMEOUT);

const ms = (d: Date | string, delta = 0) => new Date(new Date(d).getTime() + delta);
/** 通知公告 at the main site, 政策法规科, author field 赵敏: needs 1 department approver (张伟 or 孙丽) and the office (李强). */
const E = (overrides: Partial<ApprovalEntry> = {}) => xxgkEntry(overrides);
const V0 = () => E({ digest: sha256('notice v0') });
const codesOf = (r: { findings: { code: string }[] }) => [...new Set(r.findings.map((f) => f.code))];

interface Case {
  name: string;
  entry: () => ApprovalEntry;
  records: () => ApprovalRecordFile[];
  trust?: () => Trust;
  status: ApprovalStatus;
  codes: ApprovalCode[];
}

describe('submissions: the current bytes must be submitted by a writer', () => {
  const zhao = () => pki.people.zhao.signer;
  const zhang = () => pki.people.zhang.signer;
  const li = () => pki.people.li.signer;
  const approvals = (e: ApprovalEntry = E()) => [approve(zhang(), e), approve(li(), e)];

  test.for<Case>([
    { name: 'submitted by the writer and approved: publishable', entry: E, records: () => [submit(zhao(), E()), ...approvals()], status: 'approved', codes: [] },
    { name: 'approved but never submitted (SUBMISSION_MISSING)', entry: E, records: () => approvals(), status: 'pending', codes: ['SUBMISSION_MISSING'] },
    { name: 'neither submitted nor approved', entry: E, records: () => [], status: 'pending', codes: ['SUBMISSION_MISSING', 'THRESHOLD_NOT_MET'] },
    { name: 'submitted, not yet approved', entry: E, records: () => [submit(zhao(), E())], status: 'pending', codes: ['THRESHOLD_NOT_MET'] },
    { name: 'an earlier version submitted, the current one approved (SUBMISSION_STALE)', entry: E, records: () => [submit(zhao(), V0()), ...approvals()], status: 'pending', codes: ['SUBMISSION_STALE'] },
    {
      name: 'an asset swapped after the submission (SUBMISSION_STALE)',
      entry: () => E({ assets: [{ path: `content/${MAIN}/tzgg/files/notice.pdf`, digest: sha256('pdf SWAPPED') }] }),
      records: () => [submit(zhao(), E()), ...approvals(E({ assets: [{ path: `content/${MAIN}/tzgg/files/notice.pdf`, digest: sha256('pdf SWAPPED') }] }))],
      status: 'pending',
      codes: ['SUBMISSION_STALE'],
    },
    { name: 'the exact bytes submitted at another path do not follow the entry', entry: E, records: () => [submit(zhao(), E({ path: `content/${MAIN}/tzgg/copy.md` })), ...approvals()], status: 'pending', codes: ['SUBMISSION_MISSING'] },
    { name: 'an approval signed before the submission counts (both bind the same bytes)', entry: E, records: () => [submit(zhao(), E(), { at: ms(SIGNED, 3_600_000) }), ...approvals()], status: 'approved', codes: [] },
    {
      name: 'a submission does not withdraw: the writer submits the published bytes again',
      entry: E,
      records: () => [submit(zhao(), E()), ...approvals(), submit(zhao(), E(), { at: ms(SIGNED, 3_600_000) })],
      status: 'approved',
      codes: [],
    },
    { name: 'a writer cannot withdraw', entry: E, records: () => [submit(zhao(), E()), ...approvals(), withdraw(zhao(), E(), ms(SIGNED, 3_600_000))], status: 'refused', codes: ['APPROVAL_OUT_OF_SCOPE'] },
    {
      name: 'an approver edits an approved entry and approves the edit without a submission',
      entry: E,
      records: () => [submit(zhao(), V0()), ...approvals(V0()), approve(zhang(), E(), { at: ms(SIGNED, 3_600_000) }), approve(li(), E(), { at: ms(SIGNED, 3_600_000) })],
      status: 'pending',
      codes: ['SUBMISSION_STALE'],
    },
    { name: 'edited after approval and resubmitted, not approved again', entry: E, records: () => [submit(zhao(), V0()), ...approvals(V0()), submit(zhao(), E(), { at: ms(SIGNED, 3_600_000) })], status: 'refused', codes: ['APPROVAL_STALE', 'THRESHOLD_NOT_MET'] },
  ])('$name → $status', (c) => {
    const r = verifyApprovals(c.entry(), c.records(), c.trust?.() ?? trust, NOW);
    expect(r.status).toBe(c.status);
    expect(codesOf(r)).toEqual(c.codes);
    for (const f of r.findings) {
      expect(f.message).not.toBe('');
      expect(f.fix).not.toBe('');
    }
  });

  test('the findings say what is missing and how to fix it', () => {
    const missing = verifyApprovals(E(), approvals(), trust, NOW).findings[0]!;
    expect(missing).toMatchObject({ code: 'SUBMISSION_MISSING', file: E().path });
    expect(missing.message).toMatch(/no writer has submitted this version/);
    expect(missing.fix).toContain(`sealpress submit ${E().path}`);
    const older = submit(zhao(), V0());
    const stale = verifyApprovals(E(), [older, ...approvals()], trust, NOW).findings[0]!;
    expect(stale).toMatchObject({ code: 'SUBMISSION_STALE', file: older.file, message: 'the entry changed after 赵敏 submitted it on 2026-09-30: no writer has submitted this version' });
  });
});

describe('submissions: records that are refused', () => {
  const zhao = () => pki.people.zhao.signer;
  const withApprovals = (...r: ApprovalRecordFile[]) => [...r, approve(pki.people.zhang.signer, E()), approve(pki.people.li.signer, E())];

  test.for<Case>([
    { name: 'a submission by an approver without a writer role', entry: E, records: () => withApprovals(submit(zhao(), E()), submit(pki.people.liu.signer, E())), status: 'refused', codes: ['SUBMISSION_OUT_OF_SCOPE'] },
    // Refused, and its signer is an author all the same: their approval is a self-approval too (fail closed).
    { name: 'a submission by the office approver', entry: E, records: () => withApprovals(submit(pki.people.li.signer, E())), status: 'refused', codes: ['SUBMISSION_OUT_OF_SCOPE', 'APPROVAL_SELF'] },
    { name: 'a submission by the release signer', entry: E, records: () => withApprovals(submit(pki.people.chen.signer, E())), status: 'refused', codes: ['SUBMISSION_OUT_OF_SCOPE'] },
    { name: 'a writer outside their department (办公室 entry, grant for 政策法规科 and 纳税服务科)', entry: () => E({ department: 'bgs' }), records: () => [submit(zhao(), E({ department: 'bgs' }))], status: 'refused', codes: ['SUBMISSION_OUT_OF_SCOPE'] },
    {
      name: 'a writer outside their sites (grant removed for the sub-site)',
      entry: () => subNewsEntry(),
      records: () => [submit(zhao(), subNewsEntry()), approve(pki.people.wang.signer, subNewsEntry())],
      trust: () => {
        const people = pki.rosterPeople() as { id: string; roles: { role: string; sites: unknown }[] }[];
        const z = people.find((p) => p.id === 'p-zhaomin')!;
        z.roles = z.roles.filter((g) => !(Array.isArray(g.sites) && g.sites.includes(SUB)));
        return pki.trust({ roster: pki.rosterPayload({ people }) });
      },
      status: 'refused',
      codes: ['SUBMISSION_OUT_OF_SCOPE'],
    },
    { name: 'a forged submission (a key the CA never certified)', entry: E, records: () => withApprovals(resignWith(submit(zhao(), E()), pki.rogue.privateKey)), status: 'refused', codes: ['APPROVAL_SIGNATURE_INVALID'] },
    {
      name: 'a submission edited after signing (pointed at the current bytes)',
      entry: E,
      records: () => withApprovals(editPayload(submit(zhao(), V0()), (p) => ((p.entries as { digest: string }[])[0]!.digest = E().digest))),
      status: 'refused',
      codes: ['APPROVAL_SIGNATURE_INVALID'],
    },
    { name: 'a submission signed in the future', entry: E, records: () => withApprovals(submit(zhao(), E(), { at: ms(NOW, CLOCK_SKEW_MS + 1) })), status: 'refused', codes: ['APPROVAL_FUTURE'] },
    {
      name: 'a submission by a revoked writer',
      entry: E,
      records: () => withApprovals(submit(zhao(), E())),
      trust: () => pki.trust({ revocations: pki.revocationsPayload([{ person: 'p-zhaomin', effective: '2026-09-29T00:00:00Z', reason: '调离' }]) }),
      status: 'refused',
      codes: ['APPROVAL_REVOKED'],
    },
    { name: 'a submission naming this path in another column', entry: E, records: () => withApprovals(submit(zhao(), E({ column: 'zcwj' }))), status: 'refused', codes: ['APPROVAL_MOVED'] },
  ])('$name → $status', (c) => {
    const r = verifyApprovals(c.entry(), c.records(), c.trust?.() ?? trust, NOW);
    expect(r.status).toBe(c.status);
    expect(codesOf(r)).toEqual(c.codes);
  });

  test('the out-of-scope finding names the person and what they hold', () => {
    const r = verifyApprovals(E(), withApprovals(submit(zhao(), E()), submit(pki.people.liu.signer, E())), trust, NOW);
    expect(r.findings[0]?.message).toBe(`刘洋 may not submit this entry: 刘洋 holds approver, not writer, which a submission of this entry (site ${MAIN}, column tzgg, department zcfgk) needs`);
  });
});

describe('submissions: the authors are the submitters, not the author field', () => {
  // 张伟 holds both roles in dualTrust; the author field names his colleague 赵敏.
  const zhang = () => pki.people.zhang.signer;
  const li = () => pki.people.li.signer;
  const run = (records: ApprovalRecordFile[], entry = E()) => verifyApprovals(entry, records, dualTrust, NOW);

  test.for<{ name: string; records: () => ApprovalRecordFile[]; status: ApprovalStatus; codes: ApprovalCode[] }>([
    { name: 'the honest case: 赵敏 submits, 张伟 and 李强 approve', records: () => [submit(pki.people.zhao.signer, E()), approve(zhang(), E()), approve(li(), E())], status: 'approved', codes: [] },
    { name: 'self-approval after an author change: 张伟 submits, the author field says 赵敏, 张伟 approves', records: () => [submit(zhang(), E()), approve(zhang(), E()), approve(li(), E())], status: 'refused', codes: ['APPROVAL_SELF'] },
    {
      name: 'a co-author who submitted an earlier version approves the current one',
      records: () => [submit(zhang(), V0(), { at: ms(SUBMITTED, -86_400_000) }), submit(pki.people.zhao.signer, E()), approve(zhang(), E()), approve(li(), E())],
      status: 'refused',
      codes: ['APPROVAL_SELF'],
    },
    {
      name: 'a submission signed after the approval makes the approver an author',
      records: () => [submit(pki.people.zhao.signer, E()), approve(zhang(), E()), approve(li(), E()), submit(zhang(), E(), { at: ms(SIGNED, 3_600_000) })],
      status: 'refused',
      codes: ['APPROVAL_SELF'],
    },
    {
      name: 'an author whose own submission is refused (it names another column) is still an author',
      records: () => [submit(pki.people.zhao.signer, E()), submit(zhang(), E({ column: 'zcwj' })), approve(zhang(), E()), approve(li(), E())],
      status: 'refused',
      codes: ['APPROVAL_MOVED', 'APPROVAL_SELF'],
    },
  ])('$name → $status', (c) => {
    const r = run(c.records());
    expect(r.status).toBe(c.status);
    expect(codesOf(r)).toEqual(c.codes);
  });

  test('the self-approval finding says who submitted, which record and when', () => {
    const own = submit(zhang(), E());
    const r = run([own, approve(zhang(), E()), approve(li(), E())]);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]?.message).toBe(`张伟 (p-zhangwei) approved an entry they submitted as its writer (${own.file}, 2026-09-30): nobody approves an entry they wrote, whatever its author field says`);
  });

  test('a submitter who is an approver cannot be counted, whatever the author field says (generated author fields)', () => {
    // Any author string: a random one, the colleague's name, empty, or names joined by any separator.
    const names = ['赵敏', '李强', '刘洋', '王芳', 'p-zhaomin', ''];
    const separators = [',', '，', '、', ';', '；', '/', '|', '&', ' ', '（', '）'];
    const author = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(...names),
      fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 4 }).chain((parts) => fc.constantFrom(...separators).map((sep) => parts.join(sep))),
    );
    // The records are signed once; only the entry's author field varies (records bind bytes, not the field).
    const records = prepareRecords([submit(zhang(), E()), approve(zhang(), E()), approve(li(), E())], dualTrust);
    const coAuthor = prepareRecords([submit(zhang(), V0()), submit(pki.people.zhao.signer, E()), approve(zhang(), E()), approve(li(), E())], dualTrust);
    fc.assert(
      fc.property(author, (a) => {
        for (const prepared of [records, coAuthor]) {
          const r = decide(E({ author: a }), prepared, NOW);
          expect(r.status).toBe('refused');
          expect(r.signers).not.toContain('p-zhangwei');
          expect(r.findings.map((f) => f.code)).toContain('APPROVAL_SELF');
        }
      }),
      { numRuns: 300 },
    );
  });
});
