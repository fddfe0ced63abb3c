/**
 * The signing desk called as a library, without the command line: who may
 * sign what (the approval queue and the reasons a batch is refused), and a
 * signature written through it that the gate then counts. Real 2048-bit keys
 * from the fixture group's PKI; the gate's clock is fixed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoPerson, DemoPki } from '../../pipeline/demo/index.ts';
import { approvalEntry, runGate } from '../../pipeline/gate/index.ts';
import { approvalEntryOf, refusalEvent, reviewQueue, reviewSigning, signReview, writeSigned, type SigningReview } from '../../pipeline/sign/index.ts';
import { inspectCertificate, type CertInfo } from '../../pipeline/trust/index.ts';
import { approveAll, entry, fixtureGroupPki, MAIN, makeRepo, NOW, SUB, type TestRepo } from '../helpers/repo.ts';

const HELD = `content/${MAIN}/bszn/held.md`; // default rule: one approver of the main site; nobody approved it
const HALF = `content/${MAIN}/tzgg/half.md`; // 信息公开: the department approver signed, the office has not
const DONE = `content/${MAIN}/bszn/done.md`; // approved
const NEWS = `content/${SUB}/gzdt/news.md`; // the sub-site's, approved

let repo: TestRepo;
let pki: DemoPki;

const certOf = (p: DemoPerson): CertInfo => {
  const inspected = inspectCertificate(p.certPem!);
  if (!inspected.ok) throw new Error(inspected.message);
  return inspected.cert;
};
const mainApprover = () => pki.approverOf.get(`${MAIN}/bgs`)!;
const subApprover = () => pki.approverOf.get(`${SUB}/nsfwk`)!;
const writer = () => pki.writerOf.get('张伟')!;

async function queueOf(p: DemoPerson): Promise<string[]> {
  const q = await reviewQueue({ root: repo.root, now: NOW, cert: certOf(p) });
  if (q.kind !== 'queue') throw new Error(`no queue: ${q.kind}`);
  return q.entries.map((e) => e.path).sort();
}

async function review(p: DemoPerson, paths: string[]): Promise<SigningReview> {
  const r = await reviewSigning({ root: repo.root, now: NOW, decision: 'approve', paths, cert: certOf(p) });
  if (r.kind !== 'review') throw new Error(`no review: ${r.kind}`);
  return r;
}

beforeAll(async () => {
  repo = makeRepo({
    [HELD]: entry({ title: '待审批的办税指南' }),
    [HALF]: entry({ title: '只经部门审批的通知' }),
    [DONE]: entry({ title: '已审批的办税指南' }),
    [NEWS]: entry({ title: '市局动态', department: 'nsfwk' }),
  });
  await approveAll(repo, { unapproved: HELD, departmentOnly: HALF } as unknown as Parameters<typeof approveAll>[1]);
  pki = await fixtureGroupPki(repo.root);
}, 120_000);
afterAll(() => repo.cleanup());

describe('the approval queue', () => {
  test('the main site approver sees the entry nobody approved, not the one they already signed nor what is published', async () => {
    expect(await queueOf(mainApprover())).toEqual([HELD]);
  });

  test('the office approver sees the 信息公开 entry still missing the office, not one that needs a department approver', async () => {
    expect(await queueOf(pki.office)).toEqual([HALF]);
  });

  test('a sub-site approver sees nothing of the main site', async () => {
    expect(await queueOf(subApprover())).toEqual([]);
  });

  test('the writer, who holds no approver role and wrote the entries, sees nothing', async () => {
    expect(await queueOf(writer())).toEqual([]);
  });
});

describe('reviewing a batch', () => {
  test('outside the signer\'s scope: refused with the reason, nothing to sign', async () => {
    const r = await review(subApprover(), [HELD]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(new RegExp(`^${HELD}: your roles do not cover it`));
    const event = refusalEvent(r);
    expect(event).toMatchObject({ action: 'approve', actor: subApprover().id, outcome: 'refused', entries: [HELD], sites: [MAIN] });
  });

  test('the writer who submitted the entry cannot approve it', async () => {
    const r = await review(writer(), [HELD]);
    expect(r.problems.some((p) => p.includes('submitted it as its writer'))).toBe(true);
  });

  test('an unknown entry is a usage error naming it', async () => {
    await expect(review(mainApprover(), [`content/${MAIN}/bszn/nope.md`])).rejects.toThrow(/not an entry the gate knows: content\/19900000000\/bszn\/nope\.md/);
  });

  test('the review shows what is signed: title, digest, and what the policy needs', async () => {
    const r = await review(mainApprover(), [HELD]);
    expect(r.problems).toEqual([]);
    const text = r.lines.join('\n');
    expect(text).toContain('title       待审批的办税指南');
    expect(text).toMatch(/digest {6}sha256 [0-9a-f]{16}…/);
    expect(text).toContain('policy      needs 1 approver (same site, same department) [policy v1, default rule]');
  });
});

describe('signing through the library', () => {
  test('an approval written by writeSigned is counted by the gate: the entry is publishable and leaves the queue', async () => {
    const r = await review(mainApprover(), [HELD]);
    const ready = { ...r, person: r.person! };
    const signed = await writeSigned(ready, signReview(ready, { key: mainApprover().keys.privateKey, certPem: mainApprover().certPem! }));
    expect(existsSync(join(repo.root, signed.record))).toBe(true);
    expect(signed.record).toMatch(new RegExp(`^content/_approvals/${MAIN}/\\d{8}-${mainApprover().id}-[0-9a-f]{8}\\.json$`));
    expect(signed.entries).toEqual([expect.objectContaining({ path: HELD, before: 'pending', status: 'publishable', line: 'publishable' })]);
    expect(signed.event).toMatchObject({ action: 'approve', actor: mainApprover().id, outcome: 'ok', details: { record: signed.record } });
    expect(signed.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(repo.root, signed.record)).length).toBeGreaterThan(0);
    expect(await queueOf(mainApprover())).toEqual([]);
    expect(await queueOf(pki.office)).toEqual([HALF]);
  });
});

test('the gate and the signing desk build the same approval entry (one definition)', async () => {
  const gate = await runGate({ root: repo.root, now: NOW, cache: false });
  if (!gate.ok) throw new Error('config');
  const e = gate.plan.entries.find((x) => x.path === NEWS)!;
  const ae = approvalEntryOf(e, gate.group);
  expect(ae).toEqual(approvalEntry({ ...e, frontMatter: e.frontMatter!, digest: e.digest! }, gate.group));
  expect(ae).toMatchObject({ path: NEWS, site: SUB, column: 'gzdt', category: 'xczl', siteKind: 'sub', department: 'nsfwk', author: '张伟', digest: e.digest });
  const { frontMatter: _unread, ...unreadable } = e;
  expect(approvalEntryOf(unreadable, gate.group)).toBeUndefined();
});
