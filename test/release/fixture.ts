/**
 * Release fixtures: the test PKI of test/trust (a real CA, admins, approvers,
 * the release signer 陈静) plus a second release signer, a second certificate
 * of 陈静 (same person, other keyid) and an expired one, listed in a roster
 * the admins sign. Keys are generated at run time (2048 bits).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { buildManifest, RELEASE_TRUST_FILES, trustDigests, type ManifestInput, type ReleaseManifest, type ReleaseTrustFile } from '../../pipeline/release/index.ts';
import { generateSigningKeyAsync, issueCertificate, type Signer, type TrustFiles } from '../../pipeline/trust/index.ts';
import { GROUP, ISSUED, MAIN, makeTestPki, SUB, type TestPki } from '../trust/pki.ts';

export { GROUP, MAIN, SUB };
/** The verifier's clock (the test PKI's NOW): certificates valid 2026-09-01 → 2026-11-30. */
export const NOW = new Date('2026-10-01T02:00:00Z');
export const CREATED = '2026-10-01T01:00:00Z';
export const EXPIRES = '2026-10-08T01:00:00Z';

export interface ReleaseFixture {
  pki: TestPki;
  /** 陈静, the release signer of the test PKI. */
  chen: Signer;
  /** A second release signer, 林峰. */
  lin: Signer;
  /** 陈静's second current certificate (same key, other keyid). */
  chenB: Signer;
  /** 陈静's certificate of 2026-05-01, valid 30 days: expired at any createdAt here. */
  chenOld: Signer;
  /** An approver (张伟): a valid person without the release role. */
  approver: Signer;
  /** A certificate in 张伟's name from another CA with the same subject. */
  impostor: Signer;
  /** The five trust documents, with any of roster/policy/revocations re-signed from these payloads. */
  trustFiles(payloads?: { roster?: Record<string, unknown>; policy?: Record<string, unknown>; revocations?: Record<string, unknown> }): Record<ReleaseTrustFile, Uint8Array>;
  rosterPayload(): Record<string, unknown>;
  manifest(trust: Record<ReleaseTrustFile, Uint8Array>, overrides?: Partial<ManifestInput>): ReleaseManifest;
}

const KEY_OF: Record<ReleaseTrustFile, keyof TrustFiles> = {
  'ca.pem': 'ca',
  'root.dsse.json': 'root',
  'roster.dsse.json': 'roster',
  'policy.dsse.json': 'policy',
  'revocations.dsse.json': 'revocations',
};

/** `caUnit` marks the CA's subject (the demo's CA carries DEMO_CA_UNIT). */
export async function makeReleaseFixture(options: { caUnit?: string } = {}): Promise<ReleaseFixture> {
  const pki = await makeTestPki(options);
  const [linKeys] = await Promise.all([generateSigningKeyAsync(pki.bits)]);
  const lin = { id: 'p-linfeng', name: '林峰', department: 'bgs' };
  const linCert = issueCertificate({ ca: pki.ca, person: lin, publicKey: linKeys!.publicKey, now: ISSUED, days: 90 });
  const chenP = pki.people.chen;
  const chenPerson = { id: chenP.id, name: chenP.name, department: chenP.department };
  const chenB = issueCertificate({ ca: pki.ca, person: chenPerson, publicKey: chenP.publicKey, now: ISSUED, days: 80 });
  const chenOld = issueCertificate({ ca: pki.ca, person: chenPerson, publicKey: chenP.publicKey, now: new Date('2026-05-01T00:00:00Z'), days: 30 });

  const rosterPayload = () => {
    const people = pki.rosterPeople();
    const chen = people.find((p) => p.id === chenP.id) as { certificates: string[] };
    chen.certificates.push(chenB.fingerprint, chenOld.fingerprint);
    people.push({ ...lin, site: MAIN, roles: [{ role: 'release-signer', sites: '*', columns: '*', departments: '*' }], certificates: [linCert.fingerprint] });
    return pki.rosterPayload({ people });
  };
  const defaultRoster = pki.signDoc('roster', rosterPayload());

  const trustFiles: ReleaseFixture['trustFiles'] = (payloads = {}) => {
    const files = pki.files({
      roster: payloads.roster ? pki.signDoc('roster', payloads.roster) : defaultRoster,
      ...(payloads.policy ? { policy: pki.signDoc('policy', payloads.policy) } : {}),
      ...(payloads.revocations ? { revocations: pki.signDoc('revocations', payloads.revocations) } : {}),
    });
    const out = {} as Record<ReleaseTrustFile, Uint8Array>;
    for (const name of RELEASE_TRUST_FILES) out[name] = files[KEY_OF[name]]!;
    return out;
  };

  const manifest: ReleaseFixture['manifest'] = (trust, overrides = {}) =>
    buildManifest({
      version: 7,
      group: GROUP,
      createdAt: CREATED,
      expires: EXPIRES,
      trust: trustDigests(trust),
      sites: [
        { code: MAIN, name: '示例省税务局', domain: 'www.tax.example.gov.cn' },
        { code: SUB, name: '示例市税务局', domain: '19901000000.tax.example.gov.cn' },
      ],
      files: [
        { path: `${MAIN}/index.html`, size: 5, sha256: 'a'.repeat(64) },
        { path: `${SUB}/index.html`, size: 6, sha256: 'b'.repeat(64) },
      ],
      entries: [{ path: `content/${MAIN}/tzgg/notice.md`, site: MAIN, sha256: 'c'.repeat(64), approvals: ['d'.repeat(64)] }],
      ...overrides,
    });

  return {
    pki,
    chen: chenP.signer,
    lin: { key: linKeys!.privateKey, certPem: linCert.certPem },
    chenB: { key: chenP.key, certPem: chenB.certPem },
    chenOld: { key: chenP.key, certPem: chenOld.certPem },
    approver: pki.people.zhang.signer,
    impostor: pki.impostor.signer,
    trustFiles,
    rosterPayload,
    manifest,
  };
}

/** A temp folder with these files (paths with /), removed by cleanup(). */
export function tempTree(files: Record<string, string | Uint8Array> = {}): { dir: string; write(path: string, content: string | Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sealpress-release-'));
  const write = (path: string, content: string | Uint8Array) => {
    const abs = join(dir, ...path.split('/'));
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    return abs;
  };
  for (const [p, c] of Object.entries(files)) write(p, c);
  return { dir, write, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
