/**
 * `sealpress audit verify|show` through main(), and the audit hooks of
 * check, approve and waive in a throwaway repository (the default log lands in
 * its .sealpress/, never in the project). Exit codes and the first bad entry's
 * name are asserted, not the wording around them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_AUDIT_LOG, entryLine, verifyAuditFile, type AuditEntry } from '../../pipeline/audit/index.ts';
import { audit } from '../../pipeline/cli/audit.ts';
import { SealpressError } from '../../pipeline/errors/index.ts';
import type { Io } from '../../pipeline/cli/output.ts';
import { RELEASE_PAYLOAD_TYPE } from '../../pipeline/release/manifest.ts';
import { canonicalBytes, signEnvelope, writeEncryptedKey } from '../../pipeline/trust/index.ts';
import { runCli } from '../helpers/cli.ts';
import { approveAll, entry, fixtureGroupPki, makeRepo, MAIN, SUB, type TestRepo } from '../helpers/repo.ts';
import { bytesOf, history, rehashed, tempDir } from './helpers.ts';

const N = 50;
const good = history(N);
let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir();
});
afterAll(() => tmp.cleanup());

/** A log file with these lines; the CLI gets it with --log. */
const logOf = (name: string, lines: readonly (string | Uint8Array)[]) => tmp.file(`${name}.jsonl`, bytesOf(lines));
const ENV = { SEALPRESS_AUDIT_LOG: undefined, CI: undefined };

/**
 * `sealpress audit …` in-process. Until main.ts registers the command (the
 * lead's step), it is called directly, with main()'s mapping of a thrown
 * SealpressError (USAGE, CONFIG_*) to exit 2; every other command goes through main().
 */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  if (args[0] !== 'audit') return runCli(args, ENV);
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
  const saved = process.env['SEALPRESS_AUDIT_LOG'];
  const savedState = process.env['SEALPRESS_STATE_DIR'];
  delete process.env['SEALPRESS_AUDIT_LOG'];
  // verify compares the archive with the verifier's memory of releases: never the real one under ~/.local/state.
  process.env['SEALPRESS_STATE_DIR'] = join(tmp.dir, 'state');
  try {
    const code = await audit(args.slice(1), io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } catch (error) {
    if (!(error instanceof SealpressError)) throw error;
    err.push(`sealpress audit: ${error.message} [${error.code}]`);
    return { code: 2, out: out.join('\n'), err: err.join('\n') };
  } finally {
    if (saved !== undefined) process.env['SEALPRESS_AUDIT_LOG'] = saved;
    if (savedState !== undefined) process.env['SEALPRESS_STATE_DIR'] = savedState;
    else delete process.env['SEALPRESS_STATE_DIR'];
  }
}

describe('sealpress audit verify', () => {
  test('an intact log: exit 0, the count and the head', async () => {
    const r = await run(['audit', 'verify', '--log', logOf('good', good.lines)]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`${N} entries, chain intact, head seq ${N} ${good.entries[N - 1]!.hash.slice(0, 16)}`);
    expect(r.out).toMatch(/not yet sealed by a release/);
  });

  test.for([
    { name: 'an edited entry', lines: good.lines.map((l, i) => (i === 11 ? l.replace('"outcome":"ok"', '"outcome":"no"') : l)), at: 'edited.jsonl:12 seq 12:', code: 'AUDIT_EDITED' },
    { name: 'a deleted entry', lines: good.lines.filter((_, i) => i !== 29), at: 'deleted.jsonl:30 seq 31:', code: 'AUDIT_GAP' },
    { name: 'a rewritten entry', lines: good.lines.map((l, i) => (i === 4 ? entryLine(rehashed(good.entries[4]!, { actor: 'mallory' })) : l)), at: 'rewritten.jsonl:5 seq 5:', code: 'AUDIT_CHAIN_BROKEN' },
  ])('$name: exit 1, naming FILE:LINE seq N and the code', async ({ name, lines, at, code }) => {
    const file = logOf(name.split(' ')[1]!, lines);
    const r = await run(['audit', 'verify', '--log', file]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(at);
    expect(r.err).toContain(`[${code}]`);
    const json = await run(['audit', 'verify', '--log', file, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, firstBad: { code } });
  });

  test('no log at that path: exit 2; a usage error: exit 2', async () => {
    expect((await run(['audit', 'verify', '--log', join(tmp.dir, 'none.jsonl')])).code).toBe(2);
    expect((await run(['audit', 'verify', '--site', MAIN, '--log', logOf('good2', good.lines)])).code).toBe(2);
    expect((await run(['audit', 'frobnicate'])).code).toBe(2);
  });
});

describe('sealpress audit verify --archive: release seals', () => {
  let archive: string;
  let envelope: (payload: Record<string, unknown>) => Uint8Array;
  beforeAll(async () => {
    const repo = makeRepo();
    const pki = await fixtureGroupPki(repo.root);
    repo.cleanup();
    const admin = pki.admins[0]!;
    // Really signed (by a throwaway key); the default reader does not check it, a verifier passed in would.
    envelope = (payload) => signEnvelope(RELEASE_PAYLOAD_TYPE, canonicalBytes(payload), [{ key: admin.keys.privateKey, certPem: admin.certPem! }]);
    archive = join(tmp.dir, 'archive');
    mkdirSync(join(archive, 'releases'), { recursive: true });
    const seal = (seq: number) => ({ seq, hash: good.entries[seq - 1]!.hash });
    writeFileSync(join(archive, 'releases', '0000000001.dsse.json'), envelope({ type: 'release', version: 1 }));
    writeFileSync(join(archive, 'releases', '0000000002.dsse.json'), envelope({ type: 'release', version: 2, audit: seal(20) }));
    writeFileSync(join(archive, 'releases', '0000000003.dsse.json'), envelope({ type: 'release', version: 3, audit: seal(45) }));
  }, 120_000);

  test('the whole log passes; its tail cut off or rewritten fails only against the seals', async () => {
    const ok = await run(['audit', 'verify', '--log', logOf('sealed', good.lines), '--archive', archive, '--root', tmp.dir]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/2 release seal\(s\) from 3 manifest\(s\) \(1 without one\), signatures not checked: all found/);
    // No CA at --root: the seals were read unchecked, and --json says so.
    const okJson = await run(['audit', 'verify', '--log', logOf('sealed-json', good.lines), '--archive', archive, '--root', tmp.dir, '--json']);
    expect(okJson.code, okJson.err).toBe(0);
    expect(JSON.parse(okJson.out)).toMatchObject({ ok: true, seals: 2, sealsVerified: false });

    const cut = logOf('cut', good.lines.slice(0, 40));
    expect((await run(['audit', 'verify', '--log', cut])).code).toBe(0);
    const r = await run(['audit', 'verify', '--log', cut, '--archive', archive, '--root', tmp.dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('cut.jsonl:41 seq 45: release v3 (0000000003.dsse.json) sealed the log at seq 45, but it ends at seq 40');
    expect(r.err).toContain('[AUDIT_TRUNCATED]');

    const rewritten = logOf('whole', history(N, (i) => Date.parse('2026-11-01T09:00:00+08:00') + i * 3600_000 + 7).lines);
    expect((await run(['audit', 'verify', '--log', rewritten])).code).toBe(0);
    const w = await run(['audit', 'verify', '--log', rewritten, '--archive', archive, '--root', tmp.dir]);
    expect(w.code).toBe(1);
    expect(w.err).toContain('whole.jsonl:20 seq 20:');
    expect(w.err).toContain('[AUDIT_SEAL_MISMATCH]');

    // show applies the seals too: the rewritten log is not displayed as verified past the first broken seal.
    const s = await run(['audit', 'show', '--log', rewritten, '--archive', archive, '--root', tmp.dir]);
    expect(s.code).toBe(1);
    expect(s.out).toMatch(/^\d+ of \d+ verified entries$/m);
    expect(Number(/of (\d+) verified entries/.exec(s.out)![1])).toBeLessThan(20);
  });

  test('a manifest that cannot be read, or that the verifier passed in refuses, fails closed', async () => {
    const broken = join(tmp.dir, 'archive-broken');
    mkdirSync(join(broken, 'releases'), { recursive: true });
    writeFileSync(join(broken, 'releases', '0000000001.dsse.json'), '{"payloadType":');
    const r = await run(['audit', 'verify', '--log', logOf('g3', good.lines), '--archive', broken, '--root', tmp.dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('0000000001.dsse.json');

    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
    const refusing = (_bytes: Uint8Array, file: string) => ({ ok: false as const, problem: `signature of ${file.slice(-20)} not valid [TEST_VERIFIER]` });
    expect(await audit(['verify', '--log', logOf('g4', good.lines), '--archive', archive, '--root', tmp.dir], io, { openManifest: refusing })).toBe(1);
    expect(err.join('\n')).toContain('[TEST_VERIFIER]');
  });
});

describe('sealpress audit show', () => {
  test('filters by site, person, action, entry and dates; --json gives the entries', async () => {
    const file = logOf('show', good.lines);
    const show = async (...args: string[]) => {
      const r = await run(['audit', 'show', '--log', file, '--json', ...args]);
      expect(r.code, r.err).toBe(0);
      return (JSON.parse(r.out) as { entries: AuditEntry[] }).entries.map((e) => e.seq);
    };
    expect(await show()).toHaveLength(N);
    expect(await show('--person', 'ap-bgs')).toEqual(good.entries.filter((e) => e.actor === 'ap-bgs').map((e) => e.seq));
    expect(await show('--site', SUB, '--action', 'approve')).toEqual(good.entries.filter((e) => e.action === 'approve' && e.sites?.includes(SUB)).map((e) => e.seq));
    expect(await show('--entry', `content/${MAIN}/tzgg/n7.md`)).toEqual([8, 10]);
    // Entries are one hour apart from 2026-11-01 09:00 (China time): the 2nd of November holds seq 16–39.
    expect(await show('--from', '2026-11-02', '--to', '2026-11-02')).toEqual(Array.from({ length: 24 }, (_, i) => 16 + i));
    expect(await show('--from', '2026-11-03T07:30:00+08:00')).toEqual([48, 49, 50]);
    const text = await run(['audit', 'show', '--log', file, '--person', 'sa-1']);
    expect(text.out).toMatch(/^\s+5 {2}2026-11-01T13:00:00\.000\+08:00 {2}waive/m);
    expect((await run(['audit', 'show', '--log', file, '--from', 'yesterday'])).code).toBe(2);
  });

  test('a broken log: only the entries confirmed before the damage, and exit 1', async () => {
    const file = logOf('show-broken', good.lines.map((l, i) => (i === 9 ? l.replace('"actor":"', '"actor":"x') : l)));
    const r = await run(['audit', 'show', '--log', file, '--json']);
    expect(r.code).toBe(1);
    // Entry 9 is only vouched for by line 10's prev, and line 10 was edited: 1–8 are shown, not 9.
    expect((JSON.parse(r.out) as { entries: AuditEntry[] }).entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.err).toContain('show-broken.jsonl:10 seq 10:');
  });

  test('an entry inserted before the genuine last one: neither shown, both lines named, exit 1', async () => {
    const last = good.entries[N - 1]!;
    const forged = entryLine(rehashed(last, { actor: 'mallory', details: { record: 'forged' } }));
    const file = logOf('show-twins', [...good.lines.slice(0, N - 1), forged, good.lines[N - 1]!]);
    const r = await run(['audit', 'show', '--log', file, '--json']);
    expect(r.code).toBe(1);
    const shownEntries = (JSON.parse(r.out) as { entries: AuditEntry[] }).entries;
    expect(shownEntries.map((e) => e.seq)).toEqual(good.entries.slice(0, N - 1).map((e) => e.seq));
    expect(shownEntries.some((e) => e.actor === 'mallory')).toBe(false);
    expect(r.err).toContain(`show-twins.jsonl:${N} seq ${N}: lines ${N} and ${N + 1} both claim seq ${N}`);
    expect(r.err).toContain('[AUDIT_INSERTED]');
  });
});

describe('the commands record what they did', () => {
  const NOW = '2026-11-27T12:00:00+08:00';
  const P = `content/${MAIN}/bszn/guide.md`;
  let repo: TestRepo;
  let keys: string;
  beforeAll(async () => {
    repo = makeRepo({ [P]: entry({ title: '办税指南' }), [`content/${SUB}/tzgg/x.md`]: entry({ title: '市局通知', department: 'nope' }) });
    // The demo's hold names its own entry; the fixture holds this one back the same way.
    await approveAll(repo, { unapproved: P } as unknown as Parameters<typeof approveAll>[1]);
    const pki = await fixtureGroupPki(repo.root);
    keys = mkdtempSync(join(tmpdir(), 'sealpress-audit-keys-'));
    process.env['SEALPRESS_PASSPHRASE'] = 'audit test passphrase';
    for (const [name, person] of [['main', pki.approverOf.get(`${MAIN}/bgs`)!], ['sub', pki.approverOf.get(`${SUB}/bgs`)!]] as const) {
      writeEncryptedKey(join(keys, `${name}.key.pem`), person.keys.privateKey, 'audit test passphrase', { repoRoot: repo.root });
      writeFileSync(join(keys, `${name}.cert.pem`), person.certPem!);
    }
  }, 120_000);
  afterAll(() => {
    repo.cleanup();
    rmSync(keys, { recursive: true, force: true });
    delete process.env['SEALPRESS_PASSPHRASE'];
  });

  test('check, a refused and a signed approval land in <repo>/.sealpress/audit/log.jsonl, as a valid chain', async () => {
    const log = join(repo.root, DEFAULT_AUDIT_LOG);
    const check = await run(['check', '--root', repo.root, '--now', NOW]);
    expect(check.code).toBe(1);
    const refused = await run(['approve', P, '--key', join(keys, 'sub.key.pem'), '--yes', '--root', repo.root, '--now', NOW]);
    expect(refused.code).toBe(1);
    const signed = await run(['approve', P, '--key', join(keys, 'main.key.pem'), '--yes', '--root', repo.root, '--now', NOW]);
    expect(signed.code, signed.err).toBe(0);

    expect(verifyAuditFile(log)).toMatchObject({ ok: true, entries: 3 });
    const entries = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as AuditEntry);
    expect(entries[0]).toMatchObject({ action: 'gate', outcome: 'refused', sites: [MAIN, SUB], details: { command: 'check', entries: 2, refused: 1, pending: 1, asOf: NOW } });
    expect(entries[0]!.actor).toBeUndefined();
    expect(entries[1]).toMatchObject({ action: 'approve', outcome: 'refused', entries: [P], sites: [MAIN] });
    const record = signed.out.match(/wrote (\S+)/)![1]!;
    expect(entries[2]).toMatchObject({ action: 'approve', outcome: 'ok', entries: [P], details: { record } });
    expect(entries[2]!.actor).toMatch(/\S/);

    const shown = await run(['audit', 'show', '--root', repo.root, '--entry', P, '--json']);
    expect((JSON.parse(shown.out) as { entries: AuditEntry[] }).entries.map((e) => e.outcome)).toEqual(['refused', 'ok']);
    expect((await run(['audit', 'verify', '--root', repo.root])).code).toBe(0);
  }, 120_000);

  test('$SEALPRESS_AUDIT_LOG moves the log; a damaged tail turns the run into exit 5 after its report', async () => {
    const elsewhere = join(tmp.dir, 'env.jsonl');
    const moved = await runCli(['check', '--root', repo.root, '--now', NOW, '--format', 'json'], { SEALPRESS_AUDIT_LOG: elsewhere });
    expect(moved.code).toBe(1);
    expect(verifyAuditFile(elsewhere)).toMatchObject({ ok: true, entries: 1 });

    writeFileSync(elsewhere, `${readFileSync(elsewhere, 'utf8')}{"seq":2}\n`);
    const before = readFileSync(elsewhere, 'utf8');
    const r = await runCli(['check', '--root', repo.root, '--now', NOW, '--format', 'json'], { SEALPRESS_AUDIT_LOG: elsewhere });
    expect(r.code).toBe(5);
    expect(JSON.parse(r.out)).toHaveProperty('summary');
    expect(r.err).toMatch(/NOT recorded in the audit log/);
    expect(r.err).toContain('[AUDIT_TAIL_CORRUPT]');
    expect(readFileSync(elsewhere, 'utf8')).toBe(before);
  }, 60_000);
});
