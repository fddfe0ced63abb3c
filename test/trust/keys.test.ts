/**
 * The key-management library the CLI wraps: the CA, certificates (≤ 90 days,
 * the rules' three-month credential rotation), encrypted keys at rest, expiry
 * warnings, and the signing-side schema checks.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signApproval } from '../../pipeline/approve/index.ts';
import {
  createGroupCa,
  expiringSoon,
  generateSigningKey,
  inspectCertificate,
  issueCertificate,
  MAX_CERT_DAYS,
  PAYLOAD_TYPES,
  readEncryptedKey,
  signTrustDocument,
  writeEncryptedKey,
  type TrustErrorCode,
} from '../../pipeline/trust/index.ts';
import { GROUP, ISSUED, MAIN, makeTestPki, NOW, sha256, PKI_SETUP_TIMEOUT, type TestPki } from './pki.ts';

let pki: TestPki;
let repo: string;
let outside: string;
beforeAll(async () => {
  pki = await makeTestPki();
  repo = mkdtempSync(join(tmpdir(), 'sealpress-repo-'));
  outside = mkdtempSync(join(tmpdir(), 'sealpress-keys-'));
  mkdirSync(join(repo, 'content', MAIN), { recursive: true });
  mkdirSync(join(repo, 'sites', 'trust'), { recursive: true });
}, PKI_SETUP_TIMEOUT);
afterAll(() => {
  rmSync(repo, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

const code = (c: TrustErrorCode) => expect.objectContaining({ code: c });
const PASS = '正确的口令 correct horse';
const person = { id: 'p-test', name: '测试员', department: 'bgs' };

describe('certificates', () => {
  test('a person\'s certificate: subject, CA:false, random serial, exact validity, chains to the CA', () => {
    const issued = issueCertificate({ ca: pki.ca, person: { id: 'p-zhangwei', name: '张伟', department: '政策法规科' }, publicKey: pki.people.zhang.publicKey, now: new Date('2026-09-01T08:30:15.999Z'), days: 90 });
    const info = issued.cert;
    expect([info.name, info.uid, info.department, info.group]).toEqual(['张伟', 'p-zhangwei', '政策法规科', GROUP]);
    expect(info.isCa).toBe(false);
    expect(info.notBefore).toBe(Date.parse('2026-09-01T08:30:15Z'));
    expect(info.notAfter - info.notBefore).toBe(90 * 86_400_000);
    // 16 random bytes, first byte in 0x40–0x7f: positive and minimally DER-encoded.
    expect(info.serial).toMatch(/^[4-7][0-9a-f]{31}$/);
    const x = new X509Certificate(issued.certPem);
    expect(x.checkIssued(pki.ca.cert.x509) && x.verify(pki.ca.cert.publicKey)).toBe(true);
    expect(x.verify(pki.otherCa.cert.publicKey)).toBe(false);
    const again = issueCertificate({ ca: pki.ca, person, publicKey: pki.people.zhang.publicKey, now: ISSUED, days: 1 });
    expect(again.serial).not.toBe(issued.serial);
  });

  test('the CA: self-signed, CA:true, ten years at most', () => {
    expect(pki.ca.cert.isCa).toBe(true);
    expect(pki.ca.cert.x509.checkIssued(pki.ca.cert.x509)).toBe(true);
    expect(() => createGroupCa({ groupName: GROUP, days: 3651, now: NOW, key: generateSigningKey(2048) })).toThrow(code('CERT_VALIDITY_TOO_LONG'));
  });

  test.for<{ name: string; days: number; now?: Date; id?: string; error?: TrustErrorCode }>([
    { name: '90 days is allowed', days: MAX_CERT_DAYS },
    { name: '91 days is refused (credentials change every three months)', days: 91, error: 'CERT_VALIDITY_TOO_LONG' },
    { name: '0 days is refused', days: 0, error: 'INVALID_ARGUMENT' },
    { name: 'a fraction of a day is refused', days: 1.5, error: 'INVALID_ARGUMENT' },
    { name: 'outliving the CA is refused', days: 90, now: new Date('2035-12-01T00:00:00Z'), error: 'CERT_OUTLIVES_CA' },
    { name: 'a person id with a space is refused', days: 30, id: 'p zhang', error: 'INVALID_ARGUMENT' },
  ])('$name', ({ days, now, id, error }) => {
    const issue = () => issueCertificate({ ca: pki.ca, person: { ...person, id: id ?? person.id }, publicKey: pki.people.li.publicKey, now: now ?? ISSUED, days });
    if (error) expect(issue).toThrow(code(error));
    else expect(issue().cert.uid).toBe(person.id);
  });

  test('a private key cannot be certified; a CA key not matching the CA certificate is caught', () => {
    expect(() => issueCertificate({ ca: pki.ca, person, publicKey: pki.people.li.key, now: ISSUED, days: 30 })).toThrow(code('INVALID_ARGUMENT'));
    expect(() => issueCertificate({ ca: { certPem: pki.ca.certPem, key: pki.otherCa.key }, person, publicKey: pki.people.li.publicKey, now: ISSUED, days: 30 })).toThrow(code('KEY_CERT_MISMATCH'));
  });

  test('production defaults: RSA-3072 keys, for the CA and a person', () => {
    const t0 = performance.now();
    const ca = createGroupCa({ groupName: GROUP, days: 3650, now: new Date('2026-01-01T00:00:00Z') });
    const keys = generateSigningKey();
    const issued = issueCertificate({ ca, person, publicKey: keys.publicKey, now: ISSUED, days: 90 });
    expect([ca.cert.rsaBits, issued.cert.rsaBits]).toEqual([3072, 3072]);
    console.log(`RSA-3072: CA + one person (2 keys, 2 certificates) in ${(performance.now() - t0).toFixed(0)} ms`);
  }, 30_000);
});

describe('encrypted keys at rest', () => {
  test('written encrypted, mode 0600, read back with the passphrase', () => {
    const path = join(outside, 'zhang.key.pem');
    writeEncryptedKey(path, pki.people.zhang.key, PASS, { repoRoot: repo });
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('-----BEGIN ENCRYPTED PRIVATE KEY-----')).toBe(true);
    expect(text).not.toContain(PASS);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const key = readEncryptedKey(path, PASS);
    expect(key.export({ type: 'pkcs8', format: 'der' }).equals(pki.people.zhang.key.export({ type: 'pkcs8', format: 'der' }))).toBe(true);
  });

  test('a wrong passphrase gives a clear error, and the error does not echo the passphrase', () => {
    const path = join(outside, 'li.key.pem');
    writeEncryptedKey(path, pki.people.li.key, PASS, { repoRoot: repo });
    let error: unknown;
    try {
      readEncryptedKey(path, 'wrong passphrase!!');
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'KEY_PASSPHRASE_WRONG' });
    expect(String((error as Error).message)).not.toContain('wrong passphrase!!');
  });

  test.for([
    { name: 'under content/', at: () => join(repo, 'content', MAIN, 'key.pem') },
    { name: 'under sites/', at: () => join(repo, 'sites', 'trust', 'ca.key.pem') },
    { name: 'content/ itself', at: () => join(repo, 'content') },
    { name: 'under content/ through a folder that does not exist yet', at: () => join(repo, 'content', 'new', 'deep', 'key.pem') },
    {
      name: 'under content/ through a symlinked folder',
      at: () => {
        const link = join(outside, 'innocent-looking');
        if (!existsSync(link)) symlinkSync(join(repo, 'content'), link);
        return join(link, 'key.pem');
      },
    },
  ])('refuses to write a key $name', ({ at }) => {
    const path = at();
    expect(() => writeEncryptedKey(path, pki.people.li.key, PASS, { repoRoot: repo })).toThrow(code('KEY_PATH_FORBIDDEN'));
    expect(existsSync(join(repo, 'content', MAIN, 'key.pem'))).toBe(false);
  });

  test('refuses weak passphrases, public keys, and overwriting unless asked', () => {
    const path = join(outside, 'x.key.pem');
    expect(() => writeEncryptedKey(path, pki.people.li.key, 'short', { repoRoot: repo })).toThrow(code('KEY_PASSPHRASE_WEAK'));
    expect(() => writeEncryptedKey(path, pki.people.li.publicKey, PASS, { repoRoot: repo })).toThrow(code('INVALID_ARGUMENT'));
    writeEncryptedKey(path, pki.people.li.key, PASS, { repoRoot: repo });
    expect(() => writeEncryptedKey(path, pki.people.zhang.key, PASS, { repoRoot: repo })).toThrow(code('KEY_EXISTS'));
    writeEncryptedKey(path, pki.people.zhang.key, PASS, { repoRoot: repo, overwrite: true });
    expect(readEncryptedKey(path, PASS).export({ type: 'pkcs1', format: 'pem' })).toBe(pki.people.zhang.key.export({ type: 'pkcs1', format: 'pem' }));
  });

  test('refuses to read a key others can read, or a key that is not encrypted', () => {
    const open = join(outside, 'open.key.pem');
    writeEncryptedKey(open, pki.people.li.key, PASS, { repoRoot: repo });
    chmodSync(open, 0o644);
    expect(() => readEncryptedKey(open, PASS)).toThrow(code('KEY_PERMISSIONS'));
    const plain = join(outside, 'plain.key.pem');
    writeFileSync(plain, pki.people.li.key.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    expect(() => readEncryptedKey(plain, PASS)).toThrow(code('KEY_NOT_ENCRYPTED'));
    expect(() => readEncryptedKey(join(outside, 'missing.pem'), PASS)).toThrow(code('KEY_IO'));
    expect(() => createPrivateKey({ key: readFileSync(join(outside, 'zhang.key.pem'), 'utf8') })).toThrow();
  });
});

describe('expiry and signing-side checks', () => {
  test('expiringSoon lists what expires within the window, soonest first', () => {
    const soon = issueCertificate({ ca: pki.ca, person, publicKey: pki.people.li.publicKey, now: new Date('2026-09-01T00:00:00Z'), days: 40 });
    const now = new Date('2026-10-01T00:00:00Z');
    const list = expiringSoon([pki.people.zhang.certPem, soon.certPem, pki.zhangOld.certPem, 'garbage'], now);
    expect(list.map((c) => [c.fingerprint, c.daysLeft, c.expired])).toEqual([
      [pki.zhangOld.fingerprint, -123, true],
      [soon.fingerprint, 10, false],
    ]);
    expect(expiringSoon([pki.people.zhang.certPem], now, 60).length).toBe(0);
    expect(expiringSoon([pki.people.zhang.certPem], now, 61).map((c) => c.uid)).toEqual(['p-zhangwei']);
  });

  test('signTrustDocument refuses a payload that breaks its schema, or an unknown type', () => {
    expect(() => signTrustDocument(pki.policyPayload({ rules: 'none' }), PAYLOAD_TYPES.policy, [pki.admins[0]!.signer])).toThrow(code('DOCUMENT_INVALID'));
    expect(() => signTrustDocument(pki.policyPayload(), 'application/json', [pki.admins[0]!.signer])).toThrow(code('INVALID_ARGUMENT'));
    expect(() => signTrustDocument(pki.policyPayload({ signedAt: new Date() }), PAYLOAD_TYPES.policy, [pki.admins[0]!.signer])).toThrow(code('CANONICAL_INVALID'));
  });

  test('signApproval refuses bad paths and batches too large for the gate', () => {
    const item = { path: `content/${MAIN}/tzgg/../x.md`, site: MAIN, column: 'tzgg', digest: sha256('x'), assets: [] };
    expect(() => signApproval({ entries: [item], decision: 'approve', signer: pki.people.zhang.signer, now: NOW, policyVersion: 1 })).toThrow(code('DOCUMENT_INVALID'));
    const many = Array.from({ length: 5000 }, (_, i) => ({
      path: `content/${MAIN}/tzgg/entry-${i}.md`,
      site: MAIN,
      column: 'tzgg',
      digest: sha256(`e${i}`),
      assets: [{ path: `content/${MAIN}/tzgg/files/attachment-${i}.pdf`, digest: sha256(`a${i}`) }],
    }));
    expect(() => signApproval({ entries: many, decision: 'approve', signer: pki.people.zhang.signer, now: NOW, policyVersion: 1 })).toThrow(code('RECORD_TOO_LARGE'));
  });

  test('certificates carry what inspectCertificate reads back', () => {
    const info = inspectCertificate(pki.people.li.certPem);
    expect(info.ok && [info.cert.uid, info.cert.name, info.cert.fingerprint]).toEqual(['p-liqiang', '李强', pki.people.li.fingerprint]);
  });
});
