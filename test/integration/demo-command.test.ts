/**
 * `sealpress demo` as library calls on a small group: it never writes into
 * trust material that is not the demo's, refuses to keep a CA it does not
 * have, and otherwise makes trust material and records that the gate accepts.
 * Throwaway 2048-bit keys; the gate's clock is fixed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_MARKER, holdsRealTrust, regenerateDemo } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { TRUST_DIR } from '../../pipeline/load/index.ts';
import { entry, MAIN, makeRepo, NOW, type TestRepo } from '../helpers/repo.ts';

const P = `content/${MAIN}/bszn/guide.md`;
const ISSUED = new Date('2026-11-01T09:00:00+08:00');
const SIGNED = new Date('2026-11-20T10:00:00+08:00');
let repo: TestRepo;

beforeAll(() => {
  repo = makeRepo({ [P]: entry({ title: '办税指南' }) });
});
afterAll(() => repo.cleanup());

test('trust material without the demo marker is real: nothing here may write into it', () => {
  const other = makeRepo();
  try {
    expect(holdsRealTrust(other.root)).toBe(false);
    mkdirSync(join(other.root, TRUST_DIR), { recursive: true });
    writeFileSync(join(other.root, TRUST_DIR, 'ca.pem'), 'a real CA\n');
    expect(holdsRealTrust(other.root)).toBe(true);
    writeFileSync(join(other.root, TRUST_DIR, DEMO_MARKER), '# demo\n');
    expect(holdsRealTrust(other.root)).toBe(false);
  } finally {
    other.cleanup();
  }
});

test('keeping a demo CA that is not there is refused; a new one makes material the gate accepts', async () => {
  expect(await regenerateDemo({ root: repo.root, issuedAt: ISSUED, signedAt: SIGNED, bits: 2048, newCa: false })).toEqual({ problem: 'no-ca' });
  expect(existsSync(join(repo.root, TRUST_DIR))).toBe(false);

  const made = await regenerateDemo({ root: repo.root, issuedAt: ISSUED, signedAt: SIGNED, bits: 2048, newCa: true });
  if ('problem' in made) throw new Error(made.problem);
  expect(made.caFingerprint).toMatch(/^[0-9a-f]{64}$/);
  expect(made.records.length).toBeGreaterThan(0);
  expect(existsSync(join(repo.root, TRUST_DIR, DEMO_MARKER))).toBe(true);
  const gate = await runGate({ root: repo.root, now: NOW, cache: false });
  if (!gate.ok) throw new Error('config');
  expect(gate.plan.entries.find((e) => e.path === P)?.status).toBe('publishable');
}, 120_000);
