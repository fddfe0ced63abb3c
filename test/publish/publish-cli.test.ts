/**
 * `sealpress publish` on a small group: whose key signs a release (a key from
 * the holder: a key file, or the CI secret in the environment; never one
 * without the release-signer role: then nothing is published, no release in
 * the archive, no mirror created), and one failing mirror among several.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { DemoPerson } from '../../pipeline/demo/index.ts';
import { appendAudit } from '../../pipeline/audit/index.ts';
import { runCli } from '../helpers/cli.ts';
import { approvedRepo, entry, fixtureGroupPki, MAIN, NOW, SUB, writePersonKey, type TestRepo } from '../helpers/repo.ts';

const PASSPHRASE = 'release key passphrase for tests';
let repo: TestRepo;
let keys: string;
let people: DemoPerson[];

function keyFiles(person: DemoPerson): { key: string; cert: string } {
  const key = join(keys, `${person.id}.key.pem`);
  return existsSync(key) ? { key, cert: join(keys, `${person.id}.cert.pem`) } : writePersonKey(keys, person.id, person, PASSPHRASE, repo.root);
}

const holding = (role: string) => people.find((p) => p.roles.some((r) => r.role === role))!;
const run = (args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(['publish', '--root', repo.root, '--now', NOW.toISOString(), '--archive', join(repo.root, 'archive'), ...args], { SEALPRESS_RELEASE_KEY: undefined, SEALPRESS_RELEASE_CERT: undefined, SEALPRESS_PASSPHRASE: undefined, ...env });

beforeAll(async () => {
  repo = await approvedRepo({ [`content/${MAIN}/tzgg/a.md`]: entry({}), [`content/${SUB}/tzgg/b.md`]: entry({ title: '子站通知' }) });
  people = (await fixtureGroupPki(repo.root)).people;
  keys = mkdtempSync(join(tmpdir(), 'sealpress-keys-'));
  writeFileSync(join(keys, 'passphrase'), `${PASSPHRASE}\n`, { mode: 0o600 });
}, 120_000);

afterAll(() => {
  repo.cleanup();
  rmSync(keys, { recursive: true, force: true });
});

describe('the release signer', () => {
  test.for([
    { name: 'an approver', role: 'approver' },
    { name: 'a security administrator', role: 'security-admin' },
    { name: 'the office approver', role: 'office-approver' },
  ])('$name cannot sign a release: exit 1 before anything is built, nothing archived, no mirror', async (c) => {
    const { key } = keyFiles(holding(c.role));
    const mirror = join(repo.root, `mirror-${c.role}`);
    const r = await run(['--key', key, '--passphrase-file', join(keys, 'passphrase'), '--mirror', mirror]);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain('RELEASE_SIGNER_NOT_AUTHORISED');
    expect(existsSync(mirror)).toBe(false);
    expect(existsSync(join(repo.root, 'archive', 'releases')) ? readdirSync(join(repo.root, 'archive', 'releases')) : []).toEqual([]);
    expect(existsSync(join(repo.root, 'dist'))).toBe(false);
  });

  test('the release signer\'s key from the environment (CI secrets) publishes and the mirror verifies', async () => {
    const person = holding('release-signer');
    const keyPem = person.keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string;
    const mirror = join(repo.root, 'mirror-ci');
    const r = await run(['--mirror', mirror, '--json'], { SEALPRESS_RELEASE_KEY: keyPem, SEALPRESS_RELEASE_CERT: person.certPem!, SEALPRESS_PASSPHRASE: PASSPHRASE });
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ version: 1, signers: [person.id], entries: { publishable: 2 } });
    const v = await runCli(['verify', mirror, '--root', repo.root, '--state', join(keys, 'state.json'), '--now', NOW.toISOString()]);
    expect(v.code, v.out).toBe(0);
  }, 60_000);

  test('a mirror that fails is reported (exit 4) and the other mirrors are deployed and verified', async () => {
    const person = holding('release-signer');
    const keyPem = person.keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string;
    // Someone else's web root: sealpress must not touch it.
    const foreign = join(repo.root, 'someone-elses-site');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'index.html'), '<h1>another site</h1>');
    const good = join(repo.root, 'mirror-good');
    const r = await run(['--mirror', foreign, '--mirror', good, '--json'], { SEALPRESS_RELEASE_KEY: keyPem, SEALPRESS_RELEASE_CERT: person.certPem!, SEALPRESS_PASSPHRASE: PASSPHRASE });
    expect(r.code, r.err).toBe(4);
    const summary = JSON.parse(r.out) as { ok: boolean; mirrors: { target: string; ok: boolean; error?: string }[] };
    expect(summary.ok).toBe(false);
    expect(summary.mirrors.map((m) => [m.target, m.ok])).toEqual([
      [foreign, false],
      [good, true],
    ]);
    expect(summary.mirrors[0]!.error).toMatch(/not|refus/i);
    expect(readdirSync(foreign)).toEqual(['index.html']);
    expect(readFileSync(join(foreign, 'index.html'), 'utf8')).toBe('<h1>another site</h1>');
    const v = await runCli(['verify', good, '--root', repo.root, '--state', join(keys, 'state.json'), '--now', NOW.toISOString()]);
    expect(v.code, v.out).toBe(0);
  }, 60_000);

  test('rollback refuses to bring back an entry withdrawn since, and publishes nothing', async () => {
    const person = holding('release-signer');
    const env = { SEALPRESS_RELEASE_KEY: person.keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string, SEALPRESS_RELEASE_CERT: person.certPem!, SEALPRESS_PASSPHRASE: PASSPHRASE };
    const versions = () => readdirSync(join(repo.root, 'archive', 'releases')).length;
    const before = versions();
    expect(before).toBeGreaterThan(0);
    // The approver of the main site's 办公室 withdraws a.md (错误发布).
    const approver = people.find((p) => p.department === 'bgs' && p.roles.some((r) => r.role === 'approver' && r.sites !== '*' && r.sites.includes(MAIN)))!;
    const { key } = keyFiles(approver);
    const later = new Date(NOW.getTime() + 60_000).toISOString();
    const w = await runCli(['withdraw', `content/${MAIN}/tzgg/a.md`, '--reason', '错误发布', '--key', key, '--passphrase-file', join(keys, 'passphrase'), '--yes', '--root', repo.root, '--now', later]);
    expect(w.code, w.err).toBe(0);
    const r = await runCli(['rollback', '--to', '1', '--root', repo.root, '--now', new Date(NOW.getTime() + 120_000).toISOString(), '--archive', join(repo.root, 'archive')], env);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toContain(`content/${MAIN}/tzgg/a.md (withdrawn)`);
    expect(versions()).toBe(before);
  });

  test('a step the audit log refuses to record: the job is still done, then exit 5 says it went unrecorded', async () => {
    const person = holding('release-signer');
    const env = { SEALPRESS_RELEASE_KEY: person.keys.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSPHRASE }) as string, SEALPRESS_RELEASE_CERT: person.certPem!, SEALPRESS_PASSPHRASE: PASSPHRASE };
    // A log whose last entry is dated 2030: appending now would make its time go backwards, so every append is refused.
    const log = join(keys, 'future.jsonl');
    await appendAudit(log, { action: 'gate', outcome: 'ok' }, new Date('2030-01-01T00:00:00Z'));
    const mirror = join(repo.root, 'mirror-unrecorded');
    const r = await run(['--mirror', mirror, '--audit-log', log], env);
    expect(r.code, r.err).toBe(5);
    expect(r.err).toMatch(/was NOT recorded in the audit log/);
    const v = await runCli(['verify', mirror, '--root', repo.root, '--state', join(keys, 'state.json'), '--now', NOW.toISOString(), '--audit-log', log]);
    expect(v.code).toBe(5);
    expect(v.out).toMatch(/^OK /m);
  }, 60_000);

  test('an unencrypted key in the environment is refused before anything is built', async () => {
    const person = holding('release-signer');
    const plain = person.keys.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const r = await run(['--mirror', join(repo.root, 'mirror-plain')], { SEALPRESS_RELEASE_KEY: plain, SEALPRESS_RELEASE_CERT: person.certPem!, SEALPRESS_PASSPHRASE: PASSPHRASE });
    expect(r.code).toBe(2);
    expect(r.err).toContain('KEY_NOT_ENCRYPTED');
    expect(existsSync(join(repo.root, 'mirror-plain'))).toBe(false);
  });
});
