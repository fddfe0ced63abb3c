/**
 * `sealpress keys` and `sealpress trust`, end to end through main() on a
 * throwaway repository, with real keys (2048-bit through the hidden --bits,
 * to keep the suite fast) and real signatures. After every refusal the test
 * checks that the trusted state did not change.
 */
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inspectCertificate } from '../../pipeline/trust/index.ts';
import { runCli } from '../helpers/cli.ts';
import { entry, makeRepo, MAIN, SUB, type TestRepo } from '../helpers/repo.ts';

const T0 = '2026-11-01T09:00:00+08:00';
const T0_MS = Date.parse(T0);
const DAY = 86_400_000;
const at = (days: number) => new Date(T0_MS + days * DAY).toISOString();
const PASS = 'correct horse battery staple';

let repo: TestRepo;
let tmp: string;
let keyDir: string;
const pass = (name: string) => join(tmp, `pass-${name}`);
const key = (name: string) => join(keyDir, `${name}.key.pem`);

const run = runCli;

/** The admin options for the given administrators, each with its own passphrase file. */
const admins = (...ids: string[]) => ids.flatMap((id) => ['--admin-key', key(id), '--admin-passphrase-file', pass(id)]);
const ca = () => ['--ca-key', key('ca'), '--ca-passphrase-file', pass('ca')];
const inRepo = (now: string) => ['--root', repo.root, '--now', now];
const trustBytes = (name: string, root = repo.root) => readFileSync(join(root, 'sites/trust', name));

interface ListJson {
  ok: boolean;
  people: { id: string; roles: unknown[]; securityAdmin: boolean; certificates: { fingerprint: string; status: string; notAfter?: string }[] }[];
  warnings: string[];
}
interface VerifyJson {
  ok: boolean;
  anchor: { fingerprint: string };
  root: { threshold: number; securityAdmins: string[] };
  roster: { version: number; signers: string[]; people: number };
  revocations: { version: number; revoked: number };
}

function issue(id: string, name: string, roles: string[], extra: string[] = [], now = at(0.1)) {
  return run(
    ['keys', 'issue', '--id', id, '--name', name, '--department', 'bgs', '--site', MAIN, ...roles.flatMap((r) => ['--role', r]), ...ca(), ...admins('sa-1', 'sa-2'), '--key-dir', keyDir, '--bits', '2048', ...inRepo(now), ...extra],
    { SEALPRESS_PASSPHRASE: `${PASS} of ${id}` },
  );
}

let initJson: { caFingerprint: string; threshold: number; keyFiles: string[] };

beforeAll(async () => {
  // Deterministic: these tests never have a terminal to prompt on.
  Object.defineProperty(process.stdin, 'isTTY', { value: undefined, configurable: true });
  delete process.env.SEALPRESS_PASSPHRASE;
  delete process.env.SEALPRESS_TRUST_ANCHOR;
  repo = makeRepo({ [`content/${MAIN}/tzgg/a.md`]: entry({}), [`content/${SUB}/bszn/b.md`]: entry({ department: 'nsfwk' }) });
  tmp = mkdtempSync(join(tmpdir(), 'sealpress-keys-'));
  keyDir = join(tmp, 'keys');
  for (const name of ['ca', 'sa-1', 'sa-2', 'sa-3']) writeFileSync(pass(name), `${PASS} of ${name}\nignored second line\n`, { mode: 0o600 });
  const r = await run([
    'keys', 'init', '--group-name', '测试税务局网站群',
    '--admin', `sa-1:王建国:bgs:${MAIN}`, '--admin-passphrase-file', pass('sa-1'),
    '--admin', `sa-2:刘春燕:bgs:${MAIN}`, '--admin-passphrase-file', pass('sa-2'),
    '--admin', `sa-3:陈志强:bgs:${MAIN}`, '--admin-passphrase-file', pass('sa-3'),
    '--ca-passphrase-file', pass('ca'), '--key-dir', keyDir, '--bits', '2048', '--json', ...inRepo(T0),
  ]);
  expect(r.err).not.toMatch(/error/i);
  expect(r.code).toBe(0);
  initJson = JSON.parse(r.out);
  // The passphrase file holds the passphrase of each person.
  for (const id of ['ap-bgs', 'office-1', 'sa-1-new']) writeFileSync(pass(id), `${PASS} of ${id}\n`, { mode: 0o600 });
}, 60_000);

afterAll(() => {
  repo?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('keys init', () => {
  test('creates the CA, the administrators and the signed trust documents', async () => {
    const caPem = trustBytes('ca.pem').toString('utf8');
    const caCert = inspectCertificate(caPem);
    expect(caCert.ok && caCert.cert.fingerprint).toBe(initJson.caFingerprint);
    expect(caCert.ok && caCert.cert.isCa && caCert.cert.notAfter - caCert.cert.notBefore).toBe(3650 * DAY);
    expect(initJson.threshold).toBe(2);
    for (const name of ['ca', 'sa-1', 'sa-2', 'sa-3']) {
      expect(statSync(key(name)).mode & 0o777).toBe(0o600);
      expect(readFileSync(key(name), 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    }
    const v = await run(['trust', 'verify', '--json', ...inRepo(at(0.05))]);
    expect(v.code).toBe(0);
    const json = JSON.parse(v.out) as VerifyJson;
    expect(json).toMatchObject({ ok: true, anchor: { fingerprint: initJson.caFingerprint }, root: { threshold: 2, securityAdmins: ['sa-1', 'sa-2', 'sa-3'] }, roster: { version: 1, signers: ['sa-1', 'sa-2', 'sa-3'], people: 3 } });
    // The default policy: 信息公开 needs its department and the office; sub-site news one approver of that site.
    const policy = JSON.parse((await run(['trust', 'show', 'policy', ...inRepo(at(0.05))])).out) as { rules: { match: Record<string, unknown>; require: { role: string }[] }[] };
    expect(policy.rules.map((r) => [r.match, r.require.map((q) => q.role)])).toEqual([
      [{ categories: ['xxgk'] }, ['approver', 'office-approver']],
      [{ siteKinds: ['sub'], columns: ['gzdt'] }, ['approver']],
    ]);
  });

  test('prints the CA fingerprint and says to pin it', async () => {
    const r = await run(['keys', 'init', '--help']);
    expect(r.out).toMatch(/SEALPRESS_TRUST_ANCHOR/);
  });

  test('refuses to replace an existing root; --force still needs a fresh key dir', async () => {
    const before = trustBytes('root.dsse.json');
    const args = ['keys', 'init', '--admin', `x-1:甲:bgs:${MAIN}`, '--admin', `x-2:乙:bgs:${MAIN}`, '--bits', '2048', ...inRepo(at(1))];
    const again = await run([...args, '--key-dir', join(tmp, 'other')], { SEALPRESS_PASSPHRASE: PASS });
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already has a root/);
    const forced = await run([...args, '--key-dir', keyDir, '--force'], { SEALPRESS_PASSPHRASE: PASS });
    expect(forced.code).toBe(2);
    expect(forced.err).toMatch(/not empty/);
    expect(trustBytes('root.dsse.json')).toEqual(before);
    expect(existsSync(join(tmp, 'other'))).toBe(false);
  });

  test.for([
    { name: 'under content/', dir: (root: string) => join(root, 'content', 'keys') },
    { name: 'under sites/', dir: (root: string) => join(root, 'sites', 'keys') },
    {
      name: 'through a link into content/',
      dir: (root: string) => {
        const link = join(tmp, 'link-to-content');
        if (!existsSync(link)) symlinkSync(join(root, 'content'), link);
        return join(link, 'keys');
      },
    },
  ])('refuses a key dir $name, and writes nothing', async ({ dir }) => {
    const fresh = makeRepo();
    try {
      const target = dir(fresh.root);
      const r = await run(['keys', 'init', '--admin', `x-1:甲:bgs:${MAIN}`, '--admin', `x-2:乙:bgs:${MAIN}`, '--key-dir', target, '--bits', '2048', '--root', fresh.root, '--now', T0], { SEALPRESS_PASSPHRASE: PASS });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/KEY_PATH_FORBIDDEN/);
      expect(existsSync(target)).toBe(false);
      expect(existsSync(join(fresh.root, 'sites/trust'))).toBe(false);
    } finally {
      fresh.cleanup();
    }
  });

  test.for([
    { name: 'one administrator', admins: [`x-1:甲:bgs:${MAIN}`], extra: [], message: /at least two --admin/ },
    { name: 'a malformed --admin', admins: [`x-1:甲:bgs`, `x-2:乙:bgs:${MAIN}`], extra: [], message: /ID:NAME:DEPARTMENT:SITE/ },
    { name: 'a department the site does not have', admins: [`x-1:甲:nsfwk:${MAIN}`, `x-2:乙:bgs:${MAIN}`], extra: [], message: /not a department of site/ },
    { name: 'an unknown site', admins: [`x-1:甲:bgs:12345678901`, `x-2:乙:bgs:${MAIN}`], extra: [], message: /not a site of the group/ },
    { name: 'a threshold above the administrators', admins: [`x-1:甲:bgs:${MAIN}`, `x-2:乙:bgs:${MAIN}`], extra: ['--threshold', '3'], message: /--threshold/ },
    { name: 'certificates longer than 90 days', admins: [`x-1:甲:bgs:${MAIN}`, `x-2:乙:bgs:${MAIN}`], extra: ['--days', '91'], message: /three months/ },
    { name: 'keys under 2048 bits', admins: [`x-1:甲:bgs:${MAIN}`, `x-2:乙:bgs:${MAIN}`], extra: ['--bits', '1024'], message: /--bits/ },
  ])('usage error (exit 2) for $name', async ({ admins: list, extra, message }) => {
    const fresh = makeRepo();
    try {
      const r = await run(['keys', 'init', ...list.flatMap((a) => ['--admin', a]), '--key-dir', join(tmp, 'never'), '--root', fresh.root, '--now', T0, ...extra], { SEALPRESS_PASSPHRASE: PASS });
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(existsSync(join(fresh.root, 'sites/trust'))).toBe(false);
      expect(existsSync(join(tmp, 'never'))).toBe(false);
    } finally {
      fresh.cleanup();
    }
  });
});

describe('keys issue and keys list', () => {
  test('issues an approver and an office approver; list shows them', async () => {
    const a = await issue('ap-bgs', '赵国华', ['approver'], ['--json']);
    expect(a.err).not.toMatch(/sealpress/);
    expect(a.code).toBe(0);
    const issued = JSON.parse(a.out) as { fingerprint: string; rosterVersion: number; signers: string[] };
    expect(issued).toMatchObject({ rosterVersion: 2, signers: ['sa-1', 'sa-2'] });
    expect(statSync(key('ap-bgs')).mode & 0o777).toBe(0o600);
    expect(inspectCertificate(readFileSync(join(keyDir, 'ap-bgs.cert.pem'), 'utf8'))).toMatchObject({ ok: true, cert: { fingerprint: issued.fingerprint, uid: 'ap-bgs', name: '赵国华' } });
    const o = await issue('office-1', '黄志明', ['office-approver:sites=*;departments=*']);
    expect(o.code).toBe(0);

    const list = await run(['keys', 'list', '--json', ...inRepo(at(1))]);
    expect(list.code).toBe(0);
    const json = JSON.parse(list.out) as ListJson;
    const byId = new Map(json.people.map((p) => [p.id, p]));
    expect(byId.get('ap-bgs')).toMatchObject({ roles: [{ role: 'approver', sites: [MAIN], columns: '*', departments: ['bgs'] }], certificates: [{ fingerprint: issued.fingerprint, status: 'valid', notAfter: new Date(Math.floor((T0_MS + 0.1 * DAY) / 1000) * 1000 + 90 * DAY).toISOString() }] });
    expect(byId.get('office-1')).toMatchObject({ roles: [{ role: 'office-approver', sites: '*', columns: '*', departments: '*' }] });
    expect(byId.get('sa-1')).toMatchObject({ securityAdmin: true, roles: [{ role: 'security-admin' }] });
    expect(json.warnings).toEqual([]);

    const text = await run(['keys', 'list', ...inRepo(at(1))]);
    expect(text.out).toMatch(/ap-bgs {2}赵国华 {2}bgs @ 19900000000/);
    expect(text.out).toContain('approver (sites 19900000000; columns all; departments bgs)');
    expect(text.out).toContain(`cert ${issued.fingerprint.slice(0, 16)}`);
  });

  test('warns about certificates that expire within 14 days (--now)', async () => {
    const soon = JSON.parse((await run(['keys', 'list', '--json', ...inRepo(at(80))])).out) as ListJson;
    expect(soon.people.find((p) => p.id === 'ap-bgs')?.certificates[0]?.status).toBe('EXPIRING');
    expect(soon.warnings.find((w) => w.includes('ap-bgs'))).toMatch(/expires .* \(in 10 days\); rotate it \(sealpress keys rotate --id ap-bgs\)/);
    const text = await run(['keys', 'list', ...inRepo(at(80))]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^warning: 赵国华 \(ap-bgs\): the certificate [0-9a-f]{16} expires/m);
    const later = JSON.parse((await run(['keys', 'list', '--json', ...inRepo(at(91))])).out) as ListJson;
    expect(later.people.find((p) => p.id === 'ap-bgs')?.certificates[0]?.status).toBe('expired');
    expect(later.warnings.find((w) => w.includes('ap-bgs'))).toMatch(/expired/);
  });

  test.for([
    { name: 'an unknown role', args: ['--id', 'p-x', '--name', '甲', '--department', 'bgs', '--site', MAIN, '--role', 'boss'], message: /"boss" is not a role/ },
    { name: 'a site outside the group', args: ['--id', 'p-x', '--name', '甲', '--department', 'bgs', '--site', '12345678901', '--role', 'approver'], message: /not a site of the group/ },
    { name: 'a department the site does not have', args: ['--id', 'p-x', '--name', '甲', '--department', 'nsfwk', '--site', MAIN, '--role', 'approver'], message: /not a department of site/ },
    { name: 'a scope with an unknown column', args: ['--id', 'p-x', '--name', '甲', '--department', 'bgs', '--site', MAIN, '--role', 'approver:columns=tzgg,nope'], message: /nope is not one of the columns/ },
    { name: 'a scope with an unknown site', args: ['--id', 'p-x', '--name', '甲', '--department', 'bgs', '--site', MAIN, '--role', 'approver:sites=19999999999'], message: /site codes of the group/ },
    { name: 'a scope key that does not exist', args: ['--id', 'p-x', '--name', '甲', '--department', 'bgs', '--site', MAIN, '--role', 'approver:regions=*'], message: /"regions" is not a scope/ },
    { name: 'security-admin with approver (separation of duties)', args: ['--id', 'p-x', '--name', '甲', '--department', 'bgs', '--site', MAIN, '--role', 'security-admin', '--role', 'approver'], message: /security-admin cannot be combined/ },
    { name: 'a new person without roles', args: ['--id', 'p-x', '--name', '甲', '--department', 'bgs', '--site', MAIN], message: /--role is required/ },
    { name: 'a certificate longer than 90 days', args: ['--id', 'p-x', '--name', '甲', '--department', 'bgs', '--site', MAIN, '--role', 'approver', '--days', '91'], message: /three months/ },
  ])('issue refuses $name (exit 2), the roster unchanged', async ({ args, message }) => {
    const before = trustBytes('roster.dsse.json');
    const r = await run(['keys', 'issue', ...args, ...ca(), ...admins('sa-1', 'sa-2'), '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(1))], { SEALPRESS_PASSPHRASE: PASS });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(trustBytes('roster.dsse.json')).toEqual(before);
    expect(existsSync(key('p-x'))).toBe(false);
  });

  test('issue needs the threshold of security administrators', async () => {
    const before = trustBytes('roster.dsse.json');
    const base = ['keys', 'issue', '--id', 'p-y', '--name', '乙', '--department', 'bgs', '--site', MAIN, '--role', 'writer', ...ca(), '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(1))];
    const one = await run([...base, ...admins('sa-1')], { SEALPRESS_PASSPHRASE: PASS });
    expect(one.code).toBe(2);
    expect(one.err).toMatch(/2 security administrator key\(s\) must sign/);
    const twice = await run([...base, ...admins('sa-1', 'sa-1')], { SEALPRESS_PASSPHRASE: PASS });
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/given twice/);
    const approver = await run([...base, ...admins('sa-1'), '--admin-key', key('ap-bgs'), '--admin-passphrase-file', pass('ap-bgs')], { SEALPRESS_PASSPHRASE: PASS });
    expect(approver.code).toBe(2);
    expect(approver.err).toMatch(/not a security administrator named by the root/);
    expect(trustBytes('roster.dsse.json')).toEqual(before);
    expect(existsSync(key('p-y'))).toBe(false);
  });

  test('a wrong passphrase, a key others can read, or no passphrase at all: exit 2 with a stable code', async () => {
    const before = trustBytes('roster.dsse.json');
    const base = ['keys', 'issue', '--id', 'p-z', '--name', '丙', '--department', 'bgs', '--site', MAIN, '--role', 'writer', '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(1))];
    writeFileSync(join(tmp, 'wrong'), 'not the passphrase at all\n', { mode: 0o600 });
    const wrong = await run([...base, ...ca(), '--admin-key', key('sa-1'), '--admin-passphrase-file', join(tmp, 'wrong'), ...admins('sa-2')], { SEALPRESS_PASSPHRASE: PASS });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/the passphrase does not open .*sa-1\.key\.pem.*\[KEY_PASSPHRASE_WRONG\]/);
    expect(wrong.err).not.toContain(`${PASS} of sa-1`);

    const exposed = join(tmp, 'exposed');
    rmSync(exposed, { recursive: true, force: true });
    cpSync(keyDir, exposed, { recursive: true });
    chmodSync(join(exposed, 'sa-2.key.pem'), 0o644);
    const loose = await run([...base, ...ca(), ...admins('sa-1'), '--admin-key', join(exposed, 'sa-2.key.pem'), '--admin-passphrase-file', pass('sa-2')], { SEALPRESS_PASSPHRASE: PASS });
    expect(loose.code).toBe(2);
    expect(loose.err).toMatch(/can be read by other users; run chmod 600 .*\[KEY_PERMISSIONS\]/);

    const none = await run([...base, '--ca-key', key('ca'), ...admins('sa-1', 'sa-2')], { SEALPRESS_PASSPHRASE: undefined });
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/--ca-passphrase-file FILE or set SEALPRESS_PASSPHRASE \(stdin is not a terminal/);

    const weak = await run([...base, ...ca(), ...admins('sa-1', 'sa-2')], { SEALPRESS_PASSPHRASE: 'short' });
    expect(weak.code).toBe(2);
    expect(weak.err).toMatch(/KEY_PASSPHRASE_WEAK/);

    const wrongCa = await run([...base, '--ca-key', key('sa-3'), '--ca-passphrase-file', pass('sa-3'), ...admins('sa-1', 'sa-2')], { SEALPRESS_PASSPHRASE: PASS });
    expect(wrongCa.code).toBe(2);
    expect(wrongCa.err).toMatch(/not the key of the group CA .*\[KEY_CERT_MISMATCH\]/);
    expect(trustBytes('roster.dsse.json')).toEqual(before);
    expect(existsSync(key('p-z'))).toBe(false);
  });
});

describe('trust sign, show and verify', () => {
  test('a countersignature raises the signer count', async () => {
    const signers = async () => (JSON.parse((await run(['trust', 'verify', '--json', ...inRepo(at(2))])).out) as VerifyJson).roster.signers;
    expect(await signers()).toEqual(['sa-1', 'sa-2']);
    const r = await run(['trust', 'sign', 'roster', ...admins('sa-3'), '--yes', ...inRepo(at(2))]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/"type": "roster"/);
    expect(r.out).toMatch(/3 signature\(s\) count \(sa-1, sa-2, sa-3\)/);
    expect(await signers()).toEqual(['sa-1', 'sa-2', 'sa-3']);

    const before = trustBytes('roster.dsse.json');
    const again = await run(['trust', 'sign', 'roster', ...admins('sa-3'), '--yes', ...inRepo(at(2))]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/has already signed/);
    const notAdmin = await run(['trust', 'sign', 'roster', '--admin-key', key('ap-bgs'), '--admin-passphrase-file', pass('ap-bgs'), '--yes', ...inRepo(at(2))]);
    expect(notAdmin.code).toBe(1);
    expect(notAdmin.err).toMatch(/not a security administrator/);
    const noYes = await run(['trust', 'sign', 'roster', ...admins('sa-1'), ...inRepo(at(2))]);
    expect(noYes.code).toBe(2);
    expect(noYes.err).toMatch(/pass --yes/);
    expect(trustBytes('roster.dsse.json')).toEqual(before);
  });

  test('show prints the verified payload; verify prints versions, signers and the anchor', async () => {
    const roster = JSON.parse((await run(['trust', 'show', 'roster', ...inRepo(at(2))])).out) as { type: string; people: { id: string }[] };
    expect(roster.type).toBe('roster');
    expect(roster.people.map((p) => p.id)).toEqual(['sa-1', 'sa-2', 'sa-3', 'ap-bgs', 'office-1']);
    const text = await run(['trust', 'verify', ...inRepo(at(2))]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`CA           ${initJson.caFingerprint}`);
    expect(text.out).toMatch(/NOT pinned: set SEALPRESS_TRUST_ANCHOR/);
    expect(text.out).toMatch(/roster {7}v3, signed .* by sa-1, sa-2, sa-3; 5 people/);
    const pinned = await run(['trust', 'verify', '--trust-anchor', initJson.caFingerprint, ...inRepo(at(2))]);
    expect(pinned.out).toContain('pinned from outside the repository');
    const wrongPin = await run(['trust', 'verify', '--trust-anchor', 'ab'.repeat(32), ...inRepo(at(2))]);
    expect(wrongPin.code).toBe(1);
    expect(wrongPin.out).toMatch(/TRUST_ANCHOR_MISMATCH/);
  });
});

describe('keys rotate and revoke', () => {
  test('rotate adds a certificate and retires the old ones from now (--revoke-old, the default, is still accepted)', async () => {
    const list = async (now: string) => JSON.parse((await run(['keys', 'list', '--json', ...inRepo(now)])).out) as ListJson;
    const old = (await list(at(3))).people.find((p) => p.id === 'ap-bgs')!.certificates[0]!.fingerprint;
    const r = await run(['keys', 'rotate', '--id', 'ap-bgs', '--passphrase-file', pass('ap-bgs'), '--revoke-old', ...ca(), ...admins('sa-1', 'sa-2'), '--key-dir', keyDir, '--bits', '2048', '--json', ...inRepo(at(3))]);
    expect(r.code).toBe(0);
    const rotated = JSON.parse(r.out) as { rotated: { fingerprint: string }[]; revoked: string[]; keyFiles: string[] };
    expect(rotated.revoked).toEqual([old]);
    // The old key is kept: a new file name, never an overwrite.
    expect(rotated.keyFiles[0]).toMatch(/ap-bgs-20261104\.key\.pem$/);
    expect(existsSync(key('ap-bgs'))).toBe(true);
    const person = (await list(at(3.5))).people.find((p) => p.id === 'ap-bgs')!;
    expect(person.certificates.map((c) => [c.fingerprint, c.status])).toEqual([
      [old, 'revoked'],
      [rotated.rotated[0]!.fingerprint, 'valid'],
    ]);
    const v = JSON.parse((await run(['trust', 'verify', '--json', ...inRepo(at(3.5))])).out) as VerifyJson;
    expect(v.revocations).toMatchObject({ version: 2, revoked: 1 });
  });

  test('an administrator rotating their own key signs with the new one; the old certificate is retired without being asked', async () => {
    const r = await run(['keys', 'rotate', '--id', 'sa-1', '--passphrase-file', pass('sa-1-new'), ...ca(), ...admins('sa-1', 'sa-2'), '--key-dir', keyDir, '--bits', '2048', ...inRepo(at(4))]);
    expect(r.err).not.toMatch(/would not verify/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/retired \(revoked from .*, 密钥轮换\): [0-9a-f]{16}/);
    expect(r.out).toMatch(/froze 0 approval record\(s\), 0 waiver\(s\), 0 column change request\(s\)/);
    const listed = await run(['keys', 'list', ...inRepo(at(4.05))]);
    expect(listed.out).toMatch(/revoked from .* \(密钥轮换; 0 record\(s\) frozen\)/);
    const v = JSON.parse((await run(['trust', 'verify', '--json', ...inRepo(at(4.1))])).out) as VerifyJson;
    expect(v.ok).toBe(true);
    expect(v.roster.signers).toEqual(['sa-1', 'sa-2']);
    // The old key of sa-1 is revoked: it no longer counts toward the threshold.
    const before = trustBytes('revocations.dsse.json');
    const stale = await run(['keys', 'revoke', '--id', 'office-1', '--reason', '测试', ...admins('sa-1', 'sa-2'), ...inRepo(at(4.2))]);
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/would not verify[\s\S]*TRUST_THRESHOLD_NOT_MET/);
    expect(trustBytes('revocations.dsse.json')).toEqual(before);
  });

  test('revoke by certificate prefix, with an effective time; an unknown person is a usage error', async () => {
    const fp = (JSON.parse((await run(['keys', 'list', '--json', ...inRepo(at(5))])).out) as ListJson).people.find((p) => p.id === 'office-1')!.certificates[0]!.fingerprint;
    const unknown = await run(['keys', 'revoke', '--id', 'nobody', '--reason', '离职', ...admins('sa-2', 'sa-3'), ...inRepo(at(5))]);
    expect(unknown.code).toBe(2);
    const badTime = await run(['keys', 'revoke', '--cert', fp, '--reason', '离职', '--effective', '2026-11-10', ...admins('sa-2', 'sa-3'), ...inRepo(at(5))]);
    expect(badTime.code).toBe(2);
    expect(badTime.err).toMatch(/--effective must be an ISO 8601 instant/);
    // Freezing happens when the revocation is signed, so it is signed when it takes effect.
    const before = trustBytes('revocations.dsse.json');
    const later = await run(['keys', 'revoke', '--cert', fp, '--reason', '离职', '--effective', at(6), ...admins('sa-2', 'sa-3'), ...inRepo(at(5))]);
    expect(later.code).toBe(2);
    expect(later.err).toMatch(/--effective .* is later than now .* signed when it takes effect/);
    expect(trustBytes('revocations.dsse.json')).toEqual(before);
    const r = await run(['keys', 'revoke', '--cert', fp.slice(0, 16), '--reason', '密钥泄露', '--effective', '2026-11-05T12:00:00+08:00', ...admins('sa-2', 'sa-3'), ...inRepo(at(5))]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`revoked certificate ${fp} of 黄志明 (office-1) from 2026-11-05T04:00:00.000Z (密钥泄露)`);
    const office = (JSON.parse((await run(['keys', 'list', '--json', ...inRepo(at(5))])).out) as ListJson).people.find((p) => p.id === 'office-1')!;
    expect(office.certificates[0]!.status).toBe('revoked');
  });
});

describe('hand-edited trust documents', () => {
  test.for([
    {
      name: 'policy: the office approval dropped from 信息公开',
      file: 'policy.dsse.json',
      edit: (p: Record<string, unknown>) => {
        (p.rules as { require: unknown[] }[])[0]!.require.pop();
      },
    },
    {
      name: 'roster: an approver made office approver',
      file: 'roster.dsse.json',
      edit: (p: Record<string, unknown>) => {
        (p.people as { id: string; roles: unknown[] }[]).find((x) => x.id === 'ap-bgs')!.roles.push({ role: 'office-approver', sites: '*', columns: '*', departments: '*' });
      },
    },
  ])('$name: the gate refuses everything (trust-invalid)', async ({ file, edit }) => {
    const copy = mkdtempSync(join(tmpdir(), 'sealpress-edit-'));
    try {
      cpSync(repo.root, copy, { recursive: true });
      const path = join(copy, 'sites/trust', file);
      const envelope = JSON.parse(readFileSync(path, 'utf8')) as { payload: string };
      const payload = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Record<string, unknown>;
      edit(payload);
      envelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
      writeFileSync(path, JSON.stringify(envelope, null, 2));

      const check = await run(['check', '--format', 'json', '--no-cache', '--root', copy, '--now', at(5)]);
      expect(check.code).toBe(1);
      const json = JSON.parse(check.out) as { entries: { status: string; findings: { rule: string }[] }[] };
      expect(json.entries.length).toBe(2);
      for (const e of json.entries) {
        expect(e.status).toBe('refused');
        expect(e.findings.map((f) => f.rule)).toContain('trust-invalid');
      }
      const list = await run(['keys', 'list', '--root', copy, '--now', at(5)]);
      expect(list.code).toBe(1);
      expect(list.err).toMatch(/does not verify[\s\S]*TRUST_SIGNATURE_INVALID/);
      expect((await run(['trust', 'verify', '--root', copy, '--now', at(5)])).code).toBe(1);
      expect((await run(['trust', 'show', 'policy', '--root', copy, '--now', at(5)])).code).toBe(1);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('secrets stay out of the repository', () => {
  test('no private key anywhere under the repository; every key in the key dir is encrypted and 0600', () => {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
    for (const f of walk(repo.root)) expect(readFileSync(f, 'utf8'), f).not.toMatch(/PRIVATE KEY/);
    const keys = walk(keyDir).filter((f) => f.endsWith('.key.pem'));
    expect(keys.length).toBeGreaterThanOrEqual(8);
    for (const f of keys) {
      expect(statSync(f).mode & 0o777).toBe(0o600);
      expect(readFileSync(f, 'utf8')).toMatch(/^-----BEGIN ENCRYPTED PRIVATE KEY-----/);
    }
    // Certificates are public: a copy of each is in sites/trust/certs/.
    const certs = readdirSync(join(repo.root, 'sites/trust/certs'));
    expect(certs.length).toBeGreaterThanOrEqual(7);
  });

  test('issue refuses a key dir under sites/', async () => {
    const before = trustBytes('roster.dsse.json');
    const r = await run(['keys', 'issue', '--id', 'p-w', '--name', '丁', '--department', 'bgs', '--site', MAIN, '--role', 'writer', ...ca(), ...admins('sa-2', 'sa-3'), '--key-dir', join(repo.root, 'sites', 'keys'), '--bits', '2048', ...inRepo(at(6))], { SEALPRESS_PASSPHRASE: PASS });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/KEY_PATH_FORBIDDEN/);
    expect(existsSync(join(repo.root, 'sites', 'keys'))).toBe(false);
    expect(trustBytes('roster.dsse.json')).toEqual(before);
  });
});

describe('help', () => {
  test.for(['keys', 'approve', 'withdraw', 'trust'])('%s --help documents usage and exit codes', async (command) => {
    const r = await run([command, '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: sealpress ${command}`));
    expect(r.out).toMatch(/Exit codes: 0 .*, 1 .*2 usage/s);
  });

  test('an unknown subcommand is a usage error', async () => {
    expect((await run(['keys', 'frobnicate'])).code).toBe(2);
    expect((await run(['trust', 'frobnicate'])).code).toBe(2);
  });
});
