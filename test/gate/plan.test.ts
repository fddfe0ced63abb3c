import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { approveAll, entry, fixtureGroupPki, makeRepo, MAIN, type TestRepo } from '../helpers/repo.ts';

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());
// The throwaway keys are made once, here, not inside the first case's 5 s (a loaded 2-core machine takes longer).
beforeAll(async () => {
  const r = makeRepo();
  await fixtureGroupPki(r.root);
  r.cleanup();
}, 120_000);

const P = `content/${MAIN}/tzgg/x.md`;
async function statusAt(fields: Record<string, string>, now: string) {
  repo = makeRepo({ [P]: entry(fields) });
  await approveAll(repo);
  const result = await runGate({ root: repo.root, now: new Date(now) });
  if (!result.ok) throw new Error('config');
  const e = result.plan.entries[0]!;
  return { status: e.status, rules: e.findings.map((f) => f.rule) };
}

describe('embargo and take-down with a fixed clock, at the exact boundaries', () => {
  test.for([
    { name: 'publishAt one second ahead', fields: { publishAt: '2026-12-01T09:00:00+08:00' }, now: '2026-12-01T00:59:59Z', status: 'pending', rule: 'embargoed' },
    { name: 'publishAt reached', fields: { publishAt: '2026-12-01T09:00:00+08:00' }, now: '2026-12-01T01:00:00Z', status: 'publishable' },
    { name: 'publishAt as a date means 00:00 China time', fields: { publishAt: '2026-12-01' }, now: '2026-11-30T15:59:59Z', status: 'pending', rule: 'embargoed' },
    { name: 'publishAt date reached in China time', fields: { publishAt: '2026-12-01' }, now: '2026-11-30T16:00:00Z', status: 'publishable' },
    // (Before 2026-12-30, when the fixture's certificates expire unretired and their approvals stop counting.)
    { name: 'unpublishAt one second ahead', fields: { unpublishAt: '2026-12-21T18:00:00+08:00' }, now: '2026-12-21T09:59:59Z', status: 'publishable' },
    { name: 'unpublishAt reached', fields: { unpublishAt: '2026-12-21T18:00:00+08:00' }, now: '2026-12-21T10:00:00Z', status: 'unpublished', rule: 'unpublished' },
    { name: 'between publishAt and unpublishAt', fields: { publishAt: '2026-01-01', unpublishAt: '2027-01-01' }, now: '2026-11-01T00:00:00Z', status: 'publishable' },
    { name: 'a date in the future', fields: { date: '2026-12-02' }, now: '2026-12-01T00:00:00Z', status: 'pending', rule: 'embargoed' },
  ])('$name → $status', async ({ fields, now, status, rule }) => {
    const got = await statusAt(fields, now);
    expect(got.status).toBe(status);
    if (rule) expect(got.rules).toContain(rule);
    else expect(got.rules).toEqual([]);
  });

  test('a refused entry stays refused whatever the dates', async () => {
    expect((await statusAt({ disclosure: '不予公开', publishAt: '2030-01-01' }, '2026-01-01T00:00:00Z')).status).toBe('refused');
  });

  test('without trust material nothing is publishable, and the plan says approvals are not verified', async () => {
    repo = makeRepo({ [P]: entry({}) });
    const result = await runGate({ root: repo.root, now: new Date('2026-11-27T00:00:00Z') });
    if (!result.ok) throw new Error('config');
    expect(result.plan.approvals.verified).toBe(false);
    expect(result.plan.entries[0]).toMatchObject({ status: 'refused', findings: [{ rule: 'trust-invalid' }] });
  });

  test('with trust material and a signed approval the plan says approvals are verified', async () => {
    repo = makeRepo({ [P]: entry({}) });
    await approveAll(repo);
    const result = await runGate({ root: repo.root, now: new Date('2026-11-27T00:00:00Z') });
    expect(result.ok && result.plan.approvals.verified).toBe(true);
    expect(result.ok && result.plan.entries[0]?.status).toBe('publishable');
  });
});
