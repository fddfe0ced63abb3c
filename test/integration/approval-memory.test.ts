/**
 * Taking out is permanent (Trust model 10), end to end with real keys and the
 * CLI: the signed release remembers every withdrawal its gate saw and the
 * trust documents' versions, so deleting a withdrawal record ("deleted
 * withdrawal") or restoring an older revocation list ("deleted revocation")
 * does not bring anything back. Only a new valid approval signed after the
 * withdrawal does. A rollback release keeps the newest memory. After each
 * refusal: nothing archived, the mirror unchanged. The property at the end
 * runs random sequences of approve / withdraw / delete-a-record / release.
 */
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readFileSync, readlinkSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signApproval } from '../../pipeline/approve/index.ts';
import type { DemoPerson, DemoPki } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { loadMemory, makeRelease, readTrustBytes } from '../../pipeline/publish/index.ts';
import { archiveRelease, ReleaseArchive, unverifiedManifest, type ReleaseManifest } from '../../pipeline/release/index.ts';
import { PAYLOAD_TYPES, signTrustDocument } from '../../pipeline/trust/index.ts';
import { runCli } from '../helpers/cli.ts';
import { APPROVED_AT, approveAll, entry, fixtureGroupPki, ISSUED, makeRepo, MAIN, NOW, SUB, type TestRepo } from '../helpers/repo.ts';

const PASSPHRASE = 'release key passphrase for memory tests';
const X = `content/${MAIN}/gzdt/x.md`;
const Y = `content/${MAIN}/gzdt/y.md`;
const HOUR = 3_600_000;

let pki: DemoPki;
const signer = (p: DemoPerson) => ({ key: p.keys.privateKey, certPem: p.certPem! });
const releaseEnv = () => {
  const person = pki.people.find((p) => p.roles.some((r) => r.role === 'release-signer'))!;
  return {
    SEALPRESS_RELEASE_KEY: person.keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string,
    SEALPRESS_RELEASE_CERT: person.certPem!,
    SEALPRESS_PASSPHRASE: PASSPHRASE,
    SEALPRESS_TRUST_ANCHOR: undefined,
    SEALPRESS_ARCHIVE: undefined,
  };
};

function item(repo: TestRepo, path: string) {
  const [, site, column] = path.split('/') as [string, string, string];
  return { path, site, column, digest: createHash('sha256').update(readFileSync(join(repo.root, path))).digest('hex'), assets: [] };
}

/** Sign a record of `decision` on `path` by `person` at `at` into content/_approvals/<file>. */
function sign(repo: TestRepo, file: string, path: string, decision: 'approve' | 'withdraw' | 'submit', at: Date, person: DemoPerson): string {
  const rel = `content/_approvals/${file}`;
  repo.write(rel, signApproval({ entries: [item(repo, path)], decision, ...(decision === 'withdraw' ? { reason: '错误发布' } : {}), signer: signer(person), now: at, policyVersion: 1 }));
  return rel;
}

/** The fixture's writer, who submits every entry (an entry is published only when its bytes are submitted). */
const writer = () => pki.people.find((p) => p.roles.some((r) => r.role === 'writer'))!;

/** A repository whose entries are approved, with its archive and mirror paths (inside it). */
async function approvedGroup(files: Record<string, string>): Promise<{ repo: TestRepo; archive: string; mirror: string }> {
  const repo = makeRepo(files);
  await approveAll(repo);
  pki = await fixtureGroupPki(repo.root);
  return { repo, archive: join(repo.root, 'archive'), mirror: join(repo.root, 'mirror') };
}

function releaseOf(archiveDir: string, version: number): ReleaseManifest {
  const archive = new ReleaseArchive(archiveDir);
  const read = unverifiedManifest(archive.releaseEnvelope(version), { siteManifests: archive.siteManifestSource() });
  if (!read.ok) throw new Error(read.message);
  return read.manifest;
}
const published = (m: ReleaseManifest) => m.entries.map((e) => e.path);

describe('deleted withdrawal: the signed release remembers it', () => {
  let repo: TestRepo;
  let archive: string;
  let mirror: string;
  let withdrawal: string;
  let withdrawalSha: string;
  const now = (hours: number) => new Date(NOW.getTime() + hours * HOUR).toISOString();
  const publish = (hours: number, extra: string[] = []) => runCli(['publish', '--root', repo.root, '--now', now(hours), '--archive', archive, '--mirror', mirror, ...extra], releaseEnv());
  const check = (hours: number, archiveDir = archive) => runCli(['check', '--root', repo.root, '--now', now(hours), '--archive', archiveDir, '--format', 'json', '--no-cache'], { SEALPRESS_ARCHIVE: undefined, SEALPRESS_TRUST_ANCHOR: undefined });
  const statusOf = (out: string, path: string) => (JSON.parse(out) as { entries: { path: string; status: string }[] }).entries.find((e) => e.path === path)?.status;

  beforeAll(async () => {
    ({ repo, archive, mirror } = await approvedGroup({ [X]: entry({ title: '将被撤回的新闻' }), [Y]: entry({ title: '留在网站上的新闻' }, '另一条正文。\n') }));
  }, 120_000);

  afterAll(() => repo?.cleanup());

  test('v1 publishes X and Y; then X is withdrawn and v2 leaves it out and remembers the withdrawal', async () => {
    const first = await publish(0);
    expect(first.code, first.err).toBe(0);
    expect(published(releaseOf(archive, 1))).toEqual([X, Y]);
    expect(releaseOf(archive, 1).ledger).toEqual({ withdrawals: [], trust: { root: 1, roster: 1, policy: 1, revocations: 1 } });

    withdrawal = sign(repo, `${MAIN}/x-withdraw.json`, X, 'withdraw', new Date(NOW.getTime() + 1 * HOUR), pki.approverOf.get(`${MAIN}/bgs`)!);
    withdrawalSha = createHash('sha256').update(readFileSync(join(repo.root, withdrawal))).digest('hex');
    const second = await publish(2);
    expect(second.code, second.err).toBe(0);
    expect(second.out).toMatch(/memory of release v1/);
    const v2 = releaseOf(archive, 2);
    expect(published(v2)).toEqual([Y]);
    expect(v2.ledger?.withdrawals).toEqual([{ entry: X, site: MAIN, signedAt: new Date(NOW.getTime() + HOUR).toISOString(), signer: pki.approverOf.get(`${MAIN}/bgs`)!.id, record: withdrawal, sha256: withdrawalSha }]);
  }, 120_000);

  test('the record deleted: check with the archive keeps X withdrawn and names the missing file (WITHDRAWAL_MISSING); without a memory it cannot know', async () => {
    unlinkSync(join(repo.root, withdrawal));
    const r = await check(3);
    expect(r.code).toBe(1);
    expect(statusOf(r.out, X)).toBe('withdrawn');
    expect(statusOf(r.out, Y)).toBe('publishable');
    const report = JSON.parse(r.out) as { memory: { release: number }; diagnostics: { file: string; message: string; fix?: string; severity: string }[] };
    expect(report.memory.release).toBe(2);
    const missing = report.diagnostics.find((d) => d.message.includes('[WITHDRAWAL_MISSING]'))!;
    expect(missing).toMatchObject({ file: withdrawal, severity: 'error' });
    expect(missing.fix).toContain(`git checkout <commit> -- ${withdrawal}`);
    // A gate with no archive has nothing to remember: this is the hole the memory closes.
    const blind = await check(3, mkdtempSync(join(tmpdir(), 'sealpress-empty-archive-')));
    expect(statusOf(blind.out, X)).toBe('publishable');
    const text = await runCli(['check', '--root', repo.root, '--now', now(3), '--archive', archive, '--no-cache'], { SEALPRESS_ARCHIVE: undefined });
    expect(text.out).toMatch(/^memory: release v2 .*1 withdrawal\(s\) remembered/m);
  }, 60_000);

  test('rollback to v1 (which published X) is refused: the rollback\'s gate remembers too; nothing archived, the mirror unchanged', async () => {
    const before = readlinkSync(mirror);
    const r = await runCli(['rollback', '--to', '1', '--root', repo.root, '--now', now(4), '--archive', archive, '--mirror', mirror], releaseEnv());
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain(`${X} (withdrawn)`);
    expect(new ReleaseArchive(archive).latest()).toBe(2);
    expect(readlinkSync(mirror)).toBe(before);
  }, 60_000);

  test('publish again with the record still deleted: X stays out, the memory is carried to v3', async () => {
    const r = await publish(5);
    expect(r.code, r.err).toBe(0);
    const v3 = releaseOf(archive, 3);
    expect(published(v3)).toEqual([Y]);
    expect(v3.ledger?.withdrawals.map((w) => [w.record, w.sha256])).toEqual([[withdrawal, withdrawalSha]]);
  }, 120_000);

  test('a new approval signed after the withdrawal brings X back (v4); an approval signed before it does not', async () => {
    const approver = pki.approverOf.get(`${MAIN}/bgs`)!;
    const early = sign(repo, `${MAIN}/x-before.json`, X, 'approve', new Date(NOW.getTime() + 0.5 * HOUR), approver);
    expect(statusOf((await check(6)).out, X)).toBe('withdrawn');
    unlinkSync(join(repo.root, early));
    sign(repo, `${MAIN}/x-again.json`, X, 'approve', new Date(NOW.getTime() + 6 * HOUR), approver);
    const r = await publish(7);
    expect(r.code, r.err).toBe(0);
    expect(published(releaseOf(archive, 4))).toEqual([X, Y]);
  }, 120_000);

  test('rollback to v1 (no ledger entries) makes v5 with the newest memory: deleting the new approval takes X off again', async () => {
    expect(releaseOf(archive, 1).ledger?.withdrawals).toEqual([]);
    const r = await runCli(['rollback', '--to', '1', '--root', repo.root, '--now', now(8), '--archive', archive, '--mirror', mirror], releaseEnv());
    expect(r.code, r.err).toBe(0);
    const v5 = releaseOf(archive, 5);
    expect(v5.rollbackOf).toBe(1);
    expect(v5.ledger?.withdrawals.map((w) => w.record)).toEqual([withdrawal]);
    unlinkSync(join(repo.root, `content/_approvals/${MAIN}/x-again.json`));
    const after = await check(9);
    expect((JSON.parse(after.out) as { memory: { release: number } }).memory.release).toBe(5);
    expect(statusOf(after.out, X)).toBe('withdrawn');
  }, 120_000);

  test('an archive whose latest release does not verify is refused (fail closed): check and publish both exit 3, nothing published', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'sealpress-bad-archive-'));
    try {
      cpSync(archive, copy, { recursive: true });
      const latest = join(copy, 'releases', '0000000005.dsse.json');
      const env = JSON.parse(readFileSync(latest, 'utf8')) as { payload: string };
      const payload = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { ledger: { withdrawals: unknown[] } };
      payload.ledger.withdrawals = [];
      chmodSync(latest, 0o644);
      writeFileSync(latest, JSON.stringify({ ...env, payload: Buffer.from(JSON.stringify(payload)).toString('base64') }));
      const c = await check(10, copy);
      expect(c.code).toBe(3);
      expect(c.err).toContain('MEMORY_UNVERIFIED');
      const before = readlinkSync(mirror);
      const p = await runCli(['publish', '--root', repo.root, '--now', now(10), '--archive', copy, '--mirror', mirror], releaseEnv());
      expect(p.code, p.err).toBe(3);
      expect(p.err).toContain('MEMORY_UNVERIFIED');
      expect(new ReleaseArchive(copy).latest()).toBe(5);
      expect(readlinkSync(mirror)).toBe(before);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('deleted revocation: an older revocation list restored is a trust rollback', () => {
  let repo: TestRepo;
  let archive: string;
  let mirror: string;
  const Z = `content/${SUB}/gzdt/z.md`;

  beforeAll(async () => {
    ({ repo, archive, mirror } = await approvedGroup({ [X]: entry({}), [`content/${SUB}/gzdt/b.md`]: entry({ department: 'nsfwk' }) }));
  }, 120_000);

  afterAll(() => repo?.cleanup());

  test('published under revocations v2; v1 restored: publish and check refuse, nothing archived, the mirror unchanged', async () => {
    const revoked = pki.approverOf.get(`${SUB}/nsfwk`)!;
    const v1 = readFileSync(join(repo.root, 'sites/trust/revocations.dsse.json'));
    const effective = new Date(NOW.getTime() - 5 * 86_400_000);
    const v2 = signTrustDocument({ type: 'revocations', version: 2, signedAt: new Date(ISSUED.getTime() + 86_400_000).toISOString(), revoked: [{ person: revoked.id, effective: effective.toISOString(), reason: '调离' }] }, PAYLOAD_TYPES.revocations, pki.admins.slice(0, 2).map(signer));
    writeFileSync(join(repo.root, 'sites/trust/revocations.dsse.json'), v2);
    const first = await runCli(['publish', '--root', repo.root, '--now', NOW.toISOString(), '--archive', archive, '--mirror', mirror], releaseEnv());
    expect(first.code, first.err).toBe(0);
    expect(releaseOf(archive, 1).ledger?.trust.revocations).toBe(2);
    const mirrored = readlinkSync(mirror);

    // The revoked approver signs after the revocation, and the older list that did not revoke them is restored.
    repo.write(Z, entry({ title: '撤销后批准', department: 'nsfwk' }));
    sign(repo, `${SUB}/z-submit.json`, Z, 'submit', new Date(NOW.getTime() - 2 * 86_400_000), writer());
    sign(repo, `${SUB}/z.json`, Z, 'approve', new Date(NOW.getTime() - 86_400_000), revoked);
    writeFileSync(join(repo.root, 'sites/trust/revocations.dsse.json'), v1);

    const p = await runCli(['publish', '--root', repo.root, '--now', NOW.toISOString(), '--archive', archive, '--mirror', mirror], releaseEnv());
    expect(p.code).toBe(1);
    expect(p.err).toContain('[TRUST_ROLLBACK]');
    expect(p.err).toMatch(/revocations\.dsse\.json is version 1, older than version 2/);
    expect(new ReleaseArchive(archive).latest()).toBe(1);
    expect(readlinkSync(mirror)).toBe(mirrored);

    const c = await runCli(['check', '--root', repo.root, '--now', NOW.toISOString(), '--archive', archive, '--format', 'json', '--no-cache'], { SEALPRESS_ARCHIVE: undefined });
    expect(c.code).toBe(1);
    const report = JSON.parse(c.out) as { entries: { status: string; findings: { rule: string }[] }[]; diagnostics: { message: string }[] };
    expect(report.entries.map((e) => e.status)).toEqual(['refused', 'refused', 'refused']);
    expect(report.entries[0]!.findings[0]!.rule).toBe('trust-invalid');
    expect(report.diagnostics.some((d) => d.message.includes('[TRUST_ROLLBACK]'))).toBe(true);
    // Without the memory, the revoked approver's approval would count.
    const blind = await runCli(['check', '--root', repo.root, '--now', NOW.toISOString(), '--archive', mkdtempSync(join(tmpdir(), 'sealpress-empty-archive-')), '--format', 'json', '--no-cache'], { SEALPRESS_ARCHIVE: undefined });
    expect((JSON.parse(blind.out) as { entries: { path: string; status: string }[] }).entries.find((e) => e.path === Z)?.status).toBe('publishable');

    // The newest list restored: the gate passes again, and the approval signed after the revocation is refused.
    writeFileSync(join(repo.root, 'sites/trust/revocations.dsse.json'), v2);
    const fixed = await runCli(['check', '--root', repo.root, '--now', NOW.toISOString(), '--archive', archive, '--format', 'json', '--no-cache'], { SEALPRESS_ARCHIVE: undefined });
    const entries = (JSON.parse(fixed.out) as { entries: { path: string; status: string; findings: { message: string }[] }[] }).entries;
    expect(entries.find((e) => e.path === X)?.status).toBe('publishable');
    expect(entries.find((e) => e.path === Z)?.status).toBe('refused');
    expect(entries.find((e) => e.path === Z)?.findings.map((f) => f.message).join('\n')).toContain('APPROVAL_REVOKED');
  }, 180_000);
});

describe('property: an entry is published iff the latest withdrawal ever released (remembered or present) is older than a full set of approvals', () => {
  type Event = { kind: 'approve' } | { kind: 'withdraw' } | { kind: 'delete'; pick: number } | { kind: 'release' };
  const event: fc.Arbitrary<Event> = fc.oneof(
    { arbitrary: fc.constant({ kind: 'approve' as const }), weight: 2 },
    { arbitrary: fc.constant({ kind: 'withdraw' as const }), weight: 2 },
    { arbitrary: fc.nat(20).map((pick) => ({ kind: 'delete' as const, pick })), weight: 2 },
    { arbitrary: fc.constant({ kind: 'release' as const }), weight: 3 },
  );

  test('random sequences of approve / withdraw / delete a record / release', async () => {
    const base = makeRepo({ [X]: entry({}) });
    await approveAll(base);
    pki = await fixtureGroupPki(base.root);
    rmSync(join(base.root, 'content/_approvals'), { recursive: true, force: true });
    // The writer's submission stays: the sequences are about approvals and withdrawals.
    sign(base, `${MAIN}/x-submit.json`, X, 'submit', APPROVED_AT, writer());
    const approver = pki.approverOf.get(`${MAIN}/bgs`)!;
    const releaser = pki.people.find((p) => p.roles.some((r) => r.role === 'release-signer'))!;
    const empty = mkdtempSync(join(tmpdir(), 'sealpress-empty-tree-'));
    try {
      await fc.assert(
        // Every sequence ends with a release, so what happened last is judged.
        fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 12 }).map((list): Event[] => [...list, { kind: 'release' }]), async (events) => {
          const repo = makeRepo();
          cpSync(base.root, repo.root, { recursive: true });
          const archiveDir = join(repo.root, 'archive');
          try {
            // The model: records present (file → kind, time), withdrawals remembered by a release.
            const present = new Map<string, { kind: 'approve' | 'withdraw'; at: number }>();
            const remembered = new Map<string, number>();
            const expected = () => {
              const withdrawals = [...[...present.values()].filter((r) => r.kind === 'withdraw').map((r) => r.at), ...remembered.values()];
              const latest = Math.max(-Infinity, ...withdrawals);
              if ([...present.values()].some((r) => r.kind === 'approve' && r.at > latest)) return 'publishable';
              return withdrawals.length > 0 ? 'withdrawn' : 'pending';
            };
            const missingExpected = () => [...remembered].some(([file, at]) => !present.has(file) && ![...present.values()].some((r) => r.kind === 'withdraw' && r.at >= at));
            let t = APPROVED_AT.getTime();
            for (const [i, e] of events.entries()) {
              t += 60_000;
              if (e.kind === 'approve' || e.kind === 'withdraw') {
                const file = `${MAIN}/r${i}.json`;
                sign(repo, file, X, e.kind, new Date(t), approver);
                present.set(`content/_approvals/${file}`, { kind: e.kind, at: t });
              } else if (e.kind === 'delete') {
                const files = [...present.keys()];
                const file = files[e.pick % Math.max(1, files.length)];
                if (file === undefined) continue;
                unlinkSync(join(repo.root, file));
                present.delete(file);
              } else {
                const archive = new ReleaseArchive(archiveDir);
                const memory = await loadMemory(archive);
                const gate = await runGate({ root: repo.root, now: NOW, cache: false, ...(memory ? { memory } : {}) });
                if (!gate.ok) throw new Error('config');
                const status = gate.plan.entries.find((x) => x.path === X)?.status;
                expect(status).toBe(expected());
                expect(gate.plan.diagnostics.some((d) => d.message.includes('[WITHDRAWAL_MISSING]'))).toBe(missingExpected());
                const trust = readTrustBytes(repo.root);
                const made = await makeRelease({ treeDir: empty, group: gate.group, plan: gate.plan, trust, signers: [signer(releaser)], version: (archive.latest() ?? 0) + 1, now: NOW, expiresInMs: 86_400_000, files: [], ...(gate.ledger ? { ledger: gate.ledger } : {}) });
                await archiveRelease(archive, empty, made.manifest, made.envelope, trust);
                expect(made.manifest.entries.some((x) => x.path === X)).toBe(status === 'publishable');
                for (const [file, r] of present) if (r.kind === 'withdraw') remembered.set(file, r.at);
              }
            }
          } finally {
            repo.cleanup();
          }
        }),
        { numRuns: 40 },
      );
    } finally {
      base.cleanup();
      rmSync(empty, { recursive: true, force: true });
    }
  }, 300_000);
});

