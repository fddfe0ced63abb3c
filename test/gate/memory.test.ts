/**
 * The gate with a release's memory (Trust model 10), as a table over one
 * approved repository: a remembered withdrawal whose record is present,
 * deleted, changed or replaced by a later one; trust versions remembered under
 * the same CA (a rollback) or another (a new trust domain). The CLI and the
 * archive end to end are in test/integration/approval-memory.test.ts.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, readdirSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signApproval } from '../../pipeline/approve/index.ts';
import type { DemoPki } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import type { ReleaseMemory } from '../../pipeline/release/index.ts';
import { APPROVED_AT, approvedRepo, entry, fixtureGroupPki, MAIN, NOW, type TestRepo } from '../helpers/repo.ts';

const X = `content/${MAIN}/gzdt/x.md`;
const W = `content/_approvals/${MAIN}/x-withdraw.json`;
const HOUR = 3_600_000;
const V1 = { root: 1, roster: 1, policy: 1, revocations: 1 };

let repo: TestRepo;
let pki: DemoPki;
let withdrawalBytes: Buffer;

function signX(decision: 'approve' | 'withdraw', at: Date): Uint8Array {
  const p = pki.approverOf.get(`${MAIN}/bgs`)!;
  const digest = createHash('sha256').update(readFileSync(join(repo.root, X))).digest('hex');
  return signApproval({ entries: [{ path: X, site: MAIN, column: 'gzdt', digest, assets: [] }], decision, signer: { key: p.keys.privateKey, certPem: p.certPem! }, now: at, policyVersion: 1 });
}

function memory(over: { ca?: string; trust?: typeof V1 } = {}): ReleaseMemory {
  return {
    version: 7,
    createdAt: NOW.toISOString(),
    caFingerprint: over.ca ?? pki.caFingerprint,
    ledger: {
      withdrawals: [{ entry: X, site: MAIN, signedAt: new Date(APPROVED_AT.getTime() + HOUR).toISOString(), signer: pki.approverOf.get(`${MAIN}/bgs`)!.id, record: W, sha256: createHash('sha256').update(withdrawalBytes).digest('hex') }],
      trust: over.trust ?? V1,
    },
  };
}

beforeAll(async () => {
  repo = await approvedRepo({ [X]: entry({}) });
  pki = await fixtureGroupPki(repo.root);
  withdrawalBytes = Buffer.from(signX('withdraw', new Date(APPROVED_AT.getTime() + HOUR)));
}, 120_000);
afterAll(() => repo?.cleanup());

/** The approved repository with the withdrawal record as signed, and no record added by a case. */
function reset(): void {
  for (const f of ['x-withdraw-again.json', 'x-again.json']) rmSync(join(repo.root, `content/_approvals/${MAIN}`, f), { force: true });
  repo.write(W, withdrawalBytes);
}

const missing = <T extends { message: string }>(d: readonly T[]): T[] => d.filter((x) => x.message.includes('[WITHDRAWAL_MISSING]'));

describe('a remembered withdrawal', () => {
  test.for([
    { name: 'present with its bytes: withdrawn, nothing missing', setup: () => repo.write(W, withdrawalBytes), status: 'withdrawn', missing: [] as string[] },
    { name: 'deleted: still withdrawn, the file is named', setup: () => rmSync(join(repo.root, W), { force: true }), status: 'withdrawn', missing: ['missing'] },
    {
      name: 'its file overwritten with an older approval of the entry: still withdrawn, the file is named as changed',
      setup: () => copyFileSync(join(repo.root, `content/_approvals/${MAIN}`, firstApproval()), join(repo.root, W)),
      status: 'withdrawn',
      missing: ['changed'],
    },
    {
      name: 'deleted, but a later withdrawal is present: withdrawn by it, nothing to restore',
      setup: () => {
        rmSync(join(repo.root, W), { force: true });
        repo.write(`content/_approvals/${MAIN}/x-withdraw-again.json`, signX('withdraw', new Date(APPROVED_AT.getTime() + 2 * HOUR)));
      },
      status: 'withdrawn',
      missing: [],
    },
    {
      name: 'deleted, then approved again after it: publishable, and the deletion is still reported',
      setup: () => {
        rmSync(join(repo.root, W), { force: true });
        repo.write(`content/_approvals/${MAIN}/x-again.json`, signX('approve', new Date(APPROVED_AT.getTime() + 3 * HOUR)));
      },
      status: 'publishable',
      missing: ['missing'],
    },
  ])('$name', async (c) => {
    reset();
    c.setup();
    const gate = await runGate({ root: repo.root, now: NOW, cache: false, memory: memory() });
    if (!gate.ok) throw new Error('config');
    expect(gate.plan.entries.find((e) => e.path === X)?.status).toBe(c.status);
    const found = missing(gate.plan.diagnostics);
    expect(found.map((d) => [d.file, d.severity, /this record file is (\w+)/.exec(d.message)?.[1]])).toEqual(c.missing.map((m) => [W, 'error', m]));
    // The next release remembers it whatever happened to the file.
    expect(gate.ledger?.withdrawals.some((w) => w.record === W)).toBe(true);
    // Without the memory, a deleted withdrawal is simply gone: the hole this closes.
    if (c.missing[0] === 'missing' && c.status === 'withdrawn') {
      const blind = await runGate({ root: repo.root, now: NOW, cache: false });
      expect(blind.ok && blind.plan.entries.find((e) => e.path === X)?.status).toBe('publishable');
    }
  });
});

function firstApproval(): string {
  const dir = join(repo.root, `content/_approvals/${MAIN}`);
  return readdirSync(dir).find((n) => n !== 'x-withdraw.json' && n.endsWith('.json'))!;
}

describe('remembered trust versions', () => {
  test('higher under the same CA: a rollback, every entry refused (TRUST_ROLLBACK)', async () => {
    reset();
    const gate = await runGate({ root: repo.root, now: NOW, cache: false, memory: memory({ trust: { ...V1, revocations: 2 } }) });
    if (!gate.ok) throw new Error('config');
    expect(gate.plan.entries.every((e) => e.status === 'refused' && e.findings[0]?.rule === 'trust-invalid')).toBe(true);
    const d = gate.plan.diagnostics.find((x) => x.message.includes('[TRUST_ROLLBACK]'))!;
    expect(d).toMatchObject({ file: 'sites/trust/revocations.dsse.json', severity: 'error' });
    // The memory is carried as it was: a refused run never lowers it.
    expect(gate.ledger?.trust.revocations).toBe(2);
  });

  test('under another CA (a new trust domain): versions are not compared, and the next release counts from the current ones; the withdrawals still hold', async () => {
    reset();
    const gate = await runGate({ root: repo.root, now: NOW, cache: false, memory: memory({ ca: 'ab'.repeat(32), trust: { root: 5, roster: 5, policy: 5, revocations: 5 } }) });
    if (!gate.ok) throw new Error('config');
    expect(gate.plan.diagnostics.some((x) => x.message.includes('TRUST_ROLLBACK'))).toBe(false);
    expect(gate.ledger?.trust).toEqual(V1);
    unlinkSync(join(repo.root, W));
    const after = await runGate({ root: repo.root, now: NOW, cache: false, memory: memory({ ca: 'ab'.repeat(32) }) });
    expect(after.ok && after.plan.entries.find((e) => e.path === X)?.status).toBe('withdrawn');
  });
});
