/**
 * The PKI's acts called as a library, without the command line: a review
 * desk or a script gives the repository, the clock, a passphrase source and
 * a sink for progress, and gets results back. Real keys (2048-bit to keep
 * the suite fast), a throwaway repository, a fixed clock.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SealpressError } from '../../pipeline/errors/index.ts';
import { loadSiteGroup } from '../../pipeline/load/index.ts';
import type { SiteGroup } from '../../pipeline/model/index.ts';
import { initTrust, issueKeys, readTrustState, revokeKey, type InitResult, type Passphrases, type Refused } from '../../pipeline/pki/index.ts';
import { defaultPolicy, storedPayload, withPerson, withRevocations, type Trust } from '../../pipeline/trust/index.ts';
import { makeRepo, MAIN, type TestRepo } from '../helpers/repo.ts';

const T0 = new Date('2026-11-01T01:00:00Z');
const T1 = new Date('2026-11-02T01:00:00Z');
const PASS = 'correct horse battery staple';

let repo: TestRepo;
let keyDir: string;
let group: SiteGroup;
let init: InitResult;
const asked: string[] = [];
const notes: string[] = [];
/** A hand-written passphrase source: what a web form would be, recording what it was asked for. */
const passphrases: Passphrases = {
  existing: async (r) => (asked.push(`existing: ${r.what}`), PASS),
  fresh: async (r) => (asked.push(`fresh: ${r.what}`), PASS),
};
const act = (now = T0) => ({ root: repo.root, now, anchor: init.caFingerprint, passphrases, notify: (t: string) => notes.push(t) });
const admins = () => ({ 'admin-key': [join(keyDir, 'sa-1.key.pem'), join(keyDir, 'sa-2.key.pem')] });
const ca = () => ({ path: join(keyDir, 'ca.key.pem'), passphraseFile: undefined });
const trustAt = (now = T0): Trust => {
  const state = readTrustState(repo.root, now, init.caFingerprint);
  if (!state.result.ok) throw new Error(state.result.problems.map((p) => p.message).join('; '));
  return state.result.trust;
};
const rosterBytes = () => readFileSync(join(repo.root, 'sites/trust/roster.dsse.json'));
function done<T extends object>(result: T | Refused): T {
  if ('refused' in result) throw new Error(result.refused);
  return result;
}

beforeAll(async () => {
  repo = makeRepo();
  keyDir = join(mkdtempSync(join(tmpdir(), 'sealpress-pki-')), 'keys');
  group = loadSiteGroup(repo.root).group!;
  const result = await initTrust({
    root: repo.root,
    now: T0,
    passphrases,
    notify: (t) => notes.push(t),
    group,
    admins: [`sa-1:王建国:bgs:${MAIN}`, `sa-2:刘春燕:bgs:${MAIN}`],
    adminPassphraseFiles: [],
    keyDir,
    days: 90,
    rootDays: 1825,
    bits: 2048,
  });
  init = done(result);
}, 60_000);

afterAll(() => {
  repo?.cleanup();
  if (keyDir) rmSync(join(keyDir, '..'), { recursive: true, force: true });
});

describe('initTrust', () => {
  test('creates trust material the gate verifies: two administrators, threshold 2, the default policy', () => {
    const trust = trustAt();
    expect(trust.anchor.pinned).toBe(true);
    expect(trust.root.securityAdmins).toEqual(['sa-1', 'sa-2']);
    expect(trust.root.threshold).toBe(2);
    expect(trust.signedBy.roster).toEqual(['sa-1', 'sa-2']);
    expect(storedPayload(readFileSync(join(repo.root, 'sites/trust/policy.dsse.json')))).toEqual(defaultPolicy(group, T0.toISOString()));
    // Passphrases came from the source it was given, each asked once, before any key was generated.
    expect(asked).toEqual(['fresh: the group CA key', 'fresh: the key of 王建国 (sa-1)', 'fresh: the key of 刘春燕 (sa-2)']);
    expect(notes).toContain('generating 3 RSA-2048 keys…');
    for (const f of init.keyFiles.filter((f) => f.endsWith('.key.pem'))) expect(statSync(f).mode & 0o777).toBe(0o600);
  });
});

describe('issueKeys and revokeKey', () => {
  test('issues an approver from the role grammar: the roster lists the grant and the certificate', async () => {
    const r = done(await issueKeys({ ...act(), group, id: 'ap-1', name: '张伟', department: 'bgs', site: MAIN, roles: ['approver:columns=tzgg'], caKey: ca(), admins: admins(), keyDir, days: 90, bits: 2048 }));
    expect(r.roles).toEqual([{ role: 'approver', sites: [MAIN], columns: ['tzgg'], departments: ['bgs'] }]);
    const person = trustAt().people.get('ap-1');
    expect(person?.certificates).toEqual([r.fingerprint]);
    expect(trustAt().roster.version).toBe(2);
    expect(existsSync(join(keyDir, 'ap-1.key.pem'))).toBe(true);
  });

  test('refuses duties that must be held apart before asking for any passphrase; nothing is written', async () => {
    const before = { roster: rosterBytes(), keys: readdirSync(keyDir).sort(), asked: asked.length };
    const attempt = issueKeys({ ...act(), group, id: 'mixed', name: '甲', department: 'bgs', site: MAIN, roles: ['security-admin', 'approver'], caKey: ca(), admins: admins(), keyDir, days: 90, bits: 2048 });
    await expect(attempt).rejects.toSatisfy((e) => e instanceof SealpressError && e.code === 'USAGE' && /security-admin cannot be combined with approver/.test(e.message));
    expect(rosterBytes()).toEqual(before.roster);
    expect(readdirSync(keyDir).sort()).toEqual(before.keys);
    expect(asked.length).toBe(before.asked);
  });

  test('a weak new passphrase is refused whatever its source, before a key is generated', async () => {
    const weak: Passphrases = { existing: passphrases.existing, fresh: async () => 'short' };
    const before = { roster: rosterBytes(), notes: notes.length };
    const attempt = issueKeys({ ...act(), passphrases: weak, group, id: 'ap-2', name: '李娜', department: 'bgs', site: MAIN, roles: ['writer'], caKey: ca(), admins: admins(), keyDir, days: 90, bits: 2048 });
    await expect(attempt).rejects.toThrow(/the passphrase for the new key of 李娜 \(ap-2\) has fewer than 12 characters \[KEY_PASSPHRASE_WEAK\]/);
    expect(notes.slice(before.notes).some((n) => n.startsWith('generating'))).toBe(false);
    expect(rosterBytes()).toEqual(before.roster);
  });

  test('revokes a person from a time, once; a revoked person is not issued a new certificate', async () => {
    const r = done(await revokeKey({ ...act(T1), group, subject: { id: 'ap-1' }, reason: '调离', effective: '2026-11-01T12:00:00Z', admins: admins() }));
    expect(r.already).toBeUndefined();
    expect(r.entry).toEqual({ effective: '2026-11-01T12:00:00.000Z', reason: '调离', person: 'ap-1', frozen: [] });
    expect(trustAt(T1).revocationIndex.person.get('ap-1')?.reason).toBe('调离');
    expect(trustAt(T1).revocations.version).toBe(2);

    const again = done(await revokeKey({ ...act(T1), group, subject: { id: 'ap-1' }, reason: '调离', admins: admins() }));
    expect(again.already).toEqual({ subject: '张伟 (ap-1), every certificate', effective: '2026-11-01T12:00:00.000Z', reason: '调离' });
    expect(trustAt(T1).revocations.version).toBe(2);

    const reissue = await issueKeys({ ...act(T1), group, id: 'ap-1', roles: [], caKey: ca(), admins: admins(), keyDir, days: 90, bits: 2048 });
    expect('refused' in reissue && reissue.refused).toMatch(/signing rights of ap-1 were revoked from 2026-11-01T12:00:00.000Z/);
  });

  test('a revocation effective later than now is refused: the records signed in between would be neither frozen nor refused', async () => {
    const attempt = revokeKey({ ...act(T0), group, subject: { id: 'sa-2' }, reason: '离职', effective: '2026-12-01T00:00:00Z', admins: admins() });
    await expect(attempt).rejects.toThrow(/is later than now/);
  });
});

describe('editing a stored document', () => {
  test('withPerson: version + 1, signed now, the person updated and the certificate added; everyone else unchanged', () => {
    const stored = storedPayload(rosterBytes()) as { version: number; people: { id: string; certificates: string[] }[] };
    const next = withPerson(rosterBytes(), T1, { id: 'ap-1', name: '张伟伟', department: 'bgs', site: MAIN, roles: [] }, 'ab'.repeat(32)) as typeof stored;
    expect(next.version).toBe(stored.version + 1);
    expect((next as unknown as { signedAt: string }).signedAt).toBe(T1.toISOString());
    const was = stored.people.find((p) => p.id === 'ap-1')!;
    expect(next.people.find((p) => p.id === 'ap-1')).toEqual({ id: 'ap-1', name: '张伟伟', department: 'bgs', site: MAIN, roles: [], certificates: [...was.certificates, 'ab'.repeat(32)] });
    expect(next.people.filter((p) => p.id !== 'ap-1')).toEqual(stored.people.filter((p) => p.id !== 'ap-1'));
  });

  test('withRevocations: earlier revocations are kept, the new ones come after them', () => {
    const bytes = readFileSync(join(repo.root, 'sites/trust/revocations.dsse.json'));
    const stored = storedPayload(bytes) as { revoked: unknown[] };
    const entry = { certificate: 'cd'.repeat(32), effective: T1.toISOString(), reason: '密钥轮换', frozen: [] };
    expect((withRevocations(bytes, T1, [entry]) as typeof stored).revoked).toEqual([...stored.revoked, entry]);
  });

  test('a stored file that is not a signed envelope is refused with what is wrong', () => {
    expect(() => storedPayload(new TextEncoder().encode('{"payloadType":1}'))).toThrow(/the envelope cannot be read/);
  });
});
