/**
 * A pending entry names the people on the roster who can still give what is
 * missing (the writers' loop): their roles cover the open slot, they have not
 * signed yet, and they did not write the entry. Fixed clock, throwaway keys.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { verifyApprovals, type ApprovalEntry, type ApprovalRecordFile } from '../../pipeline/approve/index.ts';
import type { Trust } from '../../pipeline/trust/index.ts';
import { makeTestPki, NOW, PKI_SETUP_TIMEOUT, subNewsEntry, xxgkEntry, type PersonName, type TestPki } from './pki.ts';
import { approve, submit } from './records.ts';

let pki: TestPki;
let trust: Trust;
beforeAll(async () => {
  pki = await makeTestPki();
  trust = pki.trust();
}, PKI_SETUP_TIMEOUT);

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
