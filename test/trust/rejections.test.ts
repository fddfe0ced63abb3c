/**
 * Rejections (驳回): a signed "no" with a reason, bound to the bytes it
 * rejects. It holds those bytes back whatever else is signed, until its own
 * signer approves the same bytes later; once the entry changes it is history.
 * A table of the cases that matter, then a model checked against random
 * sequences of approvals and rejections of the current and an older version.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { verifyApprovals, type ApprovalEntry, type ApprovalRecordFile } from '../../pipeline/approve/index.ts';
import type { Trust } from '../../pipeline/trust/index.ts';
import { makeTestPki, NOW, sha256, xxgkEntry, PKI_SETUP_TIMEOUT, type TestPki } from './pki.ts';
import { approve, SIGNED, signRawApproval, submit } from './records.ts';

let pki: TestPki;
let trust: Trust;
beforeAll(async () => {
  pki = await makeTestPki();
  trust = pki.trust();
}, PKI_SETUP_TIMEOUT);

const at = (minutes: number) => new Date(SIGNED.getTime() + minutes * 60_000);
const E = () => xxgkEntry();
const OLD = () => ({ ...xxgkEntry(), digest: sha256('notice v0') });
const reject = (who: 'zhang' | 'li' | 'wang', entry: ApprovalEntry, minutes: number, reason = '请补充政策依据') => approve(pki.people[who].signer, entry, { at: at(minutes), decision: 'reject', reason });
const judge = (records: ApprovalRecordFile[], entry = E()) => verifyApprovals(entry, [submit(pki.people.zhao.signer, entry), ...records], trust, NOW);
const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code).sort();

describe('rejections', () => {
  test('a rejection of the current bytes keeps the entry pending although both approvals are there, and says who, when and why', () => {
    const r = judge([approve(pki.people.zhang.signer, E(), { at: at(-30) }), approve(pki.people.li.signer, E(), { at: at(-20) }), reject('li', E(), -10)]);
    expect(r.status).toBe('pending');
    expect(codes(r)).toEqual(['APPROVAL_REJECTED']);
    expect(r.findings[0]!.message).toContain('李强');
    expect(r.findings[0]!.message).toContain('请补充政策依据');
    expect(r.findings[0]!.message).toMatch(/\+08:00/);
  });

  test('another approver\'s later approval does not overrule it; its own signer\'s later approval does', () => {
    // 张伟 (the department's approver) rejects; 李强 (the office) approves after him: still held back.
    const base = [reject('zhang', E(), -40), approve(pki.people.li.signer, E(), { at: at(-30) })];
    expect(judge(base).status).toBe('pending');
    expect(codes(judge(base))).toContain('APPROVAL_REJECTED');
    expect(judge([...base, approve(pki.people.zhang.signer, E(), { at: at(-20) })]).status).toBe('approved');
    // Approving first and rejecting after: the rejection stands.
    expect(judge([approve(pki.people.li.signer, E(), { at: at(-40) }), approve(pki.people.zhang.signer, E(), { at: at(-30) }), reject('zhang', E(), -20)]).status).toBe('pending');
  });

  test('a rejection of an earlier version is history: the changed entry is judged on its approvals', () => {
    const r = judge([reject('zhang', OLD(), -60), approve(pki.people.zhang.signer, E(), { at: at(-30) }), approve(pki.people.li.signer, E(), { at: at(-20) })]);
    expect(r.status).toBe('approved');
    expect(judge([reject('zhang', OLD(), -60)]).status).toBe('pending');
    expect(codes(judge([reject('zhang', OLD(), -60)]))).toEqual(['THRESHOLD_NOT_MET']);
  });

  test('a rejection by someone whose roles do not cover the entry is refused as out of scope', () => {
    const r = judge([reject('wang', E(), -10)]);
    expect(r.status).toBe('refused');
    expect(codes(r)).toEqual(['APPROVAL_OUT_OF_SCOPE']);
  });

  test('a rejection without a reason is malformed: the record is refused, not read as a silent no', () => {
    const payload = { type: 'approval', version: 1, decision: 'reject', signedAt: at(-10).toISOString(), policyVersion: 1, signer: pki.people.zhang.id, entries: [{ path: E().path, site: E().site, column: E().column, digest: E().digest, assets: [] }] };
    const r = judge([signRawApproval(payload, pki.people.zhang.signer, 'content/_approvals/no-reason.json')]);
    expect(r.status).toBe('refused');
    expect(codes(r)).toEqual(['APPROVAL_MALFORMED']);
  });
});

describe('the rejection model, over random histories', () => {
  type Act = { who: 'zhang' | 'li'; decision: 'approve' | 'reject'; current: boolean };
  // 张伟 fills the department's slot, 李强 the office's: the entry needs both.
  test('approved exactly when no rejection of these bytes stands and the approvals of these bytes fill both slots', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ who: fc.constantFrom<Act['who']>('zhang', 'li'), decision: fc.constantFrom<Act['decision']>('approve', 'reject'), current: fc.boolean() }), { maxLength: 6 }), (acts) => {
        // Each act one minute after the previous one, all before the gate's clock.
        const records = acts.map((a, i) => (a.decision === 'approve' ? approve(pki.people[a.who].signer, a.current ? E() : OLD(), { at: at(-60 + i) }) : reject(a.who, a.current ? E() : OLD(), -60 + i)));
        const r = judge(records);
        const standing = acts.some((a, i) => a.decision === 'reject' && a.current && !acts.some((b, j) => j > i && b.who === a.who && b.decision === 'approve' && b.current));
        const approvedNow = new Set(acts.filter((a) => a.decision === 'approve' && a.current).map((a) => a.who));
        const complete = approvedNow.has('li') && approvedNow.has('zhang');
        if (standing) {
          expect(r.status).toBe('pending');
          expect(codes(r)).toContain('APPROVAL_REJECTED');
        } else if (complete) expect(r.status).toBe('approved');
        else {
          expect(r.status).not.toBe('approved');
          expect(codes(r)).not.toContain('APPROVAL_REJECTED');
        }
      }),
      { numRuns: 150 },
    );
  });
});
