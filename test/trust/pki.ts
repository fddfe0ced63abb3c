/**
 * A throwaway PKI for tests, built in memory at run time: the group CA, three
 * security administrators, approvers, an office approver, a writer and a
 * release signer, plus the attacker's material (another CA with the same
 * subject, a key the CA never certified), and the signed trust documents.
 *
 * Keys are 2048-bit here (measured: RSA-3072 generation averages ~490 ms
 * against ~110 ms for 2048 on this machine, and a suite needs ~15 keys);
 * production keys are 3072 (generateSigningKey's default).
 */
import { createHash, type KeyObject } from 'node:crypto';
import type { ApprovalEntry, ApprovalItem } from '../../pipeline/approve/index.ts';
import {
  createGroupCa,
  generateSigningKeyAsync,
  issueCertificate,
  PAYLOAD_TYPES,
  signTrustDocument,
  verifyTrust,
  type GroupCa,
  type KeyPair,
  type Signer,
  type Trust,
  type TrustFiles,
} from '../../pipeline/trust/index.ts';

export const MAIN = '19900000000';
export const SUB = '19901000000';
export const GROUP = '国家税务总局示例省税务局网站群';
/** The gate's fixed clock in these tests. */
export const NOW = new Date('2026-10-01T02:00:00Z');
/** When the people's current certificates were issued (valid 90 days: until 2026-11-30). */
export const ISSUED = new Date('2026-09-01T00:00:00Z');
/** When the trust documents were signed. */
export const DOCS_SIGNED = '2026-09-15T00:00:00.000Z';
export const TEST_BITS = 2048;
/**
 * Setup takes ~1.3 s alone, but the suite's files build their PKI at the same
 * time on a shared machine; vitest's default 10 s hook timeout is too tight.
 */
export const PKI_SETUP_TIMEOUT = 60_000;

export type Grant = { role: string; sites: string[] | '*'; columns: string[] | '*'; departments: string[] | '*' };

export interface TestPerson {
  id: string;
  name: string;
  department: string;
  site: string;
  roles: Grant[];
  key: KeyObject;
  publicKey: KeyObject;
  certPem: string;
  fingerprint: string;
  signer: Signer;
  /** Fingerprints listed for the person in the default roster. */
  listed: string[];
}

interface PersonSpec {
  id: string;
  name: string;
  department: string;
  site: string;
  roles: Grant[];
}

const ALL = { sites: '*', columns: '*', departments: '*' } as const;

const SPECS = {
  admin1: { id: 'p-zhoumin', name: '周敏', department: 'bgs', site: MAIN, roles: [{ role: 'security-admin', ...ALL }] },
  admin2: { id: 'p-wugang', name: '吴刚', department: 'bgs', site: MAIN, roles: [{ role: 'security-admin', ...ALL }] },
  admin3: { id: 'p-zhengjie', name: '郑洁', department: 'bgs', site: MAIN, roles: [{ role: 'security-admin', ...ALL }] },
  /** Department approver of 政策法规科 at the main site. */
  zhang: { id: 'p-zhangwei', name: '张伟', department: 'zcfgk', site: MAIN, roles: [{ role: 'approver', sites: [MAIN], columns: '*', departments: ['zcfgk'] }] },
  /** Office approver (办公室), any site. */
  li: { id: 'p-liqiang', name: '李强', department: 'bgs', site: MAIN, roles: [{ role: 'office-approver', ...ALL }] },
  /** Approver at the sub-site, news columns only. */
  wang: { id: 'p-wangfang', name: '王芳', department: 'xczx', site: SUB, roles: [{ role: 'approver', sites: [SUB], columns: ['gzdt', 'jcdt'], departments: '*' }] },
  /** Approver of 纳税服务科 at the main site, any department's entries (but not the same department as zcfgk entries). */
  liu: { id: 'p-liuyang', name: '刘洋', department: 'nsfwk', site: MAIN, roles: [{ role: 'approver', sites: [MAIN], columns: '*', departments: '*' }] },
  /** Holds both approver and office-approver roles (for the matching test). */
  sun: {
    id: 'p-sunli',
    name: '孙丽',
    department: 'zcfgk',
    site: MAIN,
    roles: [
      { role: 'approver', sites: [MAIN], columns: '*', departments: ['zcfgk'] },
      { role: 'office-approver', ...ALL },
    ],
  },
  /** A writer: the author of the test entries (政策法规科 and 纳税服务科 at the main site, anything at the sub-site). */
  zhao: {
    id: 'p-zhaomin',
    name: '赵敏',
    department: 'zcfgk',
    site: MAIN,
    roles: [
      { role: 'writer', sites: [MAIN], columns: '*', departments: ['zcfgk', 'nsfwk'] },
      { role: 'writer', sites: [SUB], columns: '*', departments: '*' },
    ],
  },
  /** The release signer. */
  chen: { id: 'p-chenjing', name: '陈静', department: 'bgs', site: MAIN, roles: [{ role: 'release-signer', ...ALL }] },
} satisfies Record<string, PersonSpec>;

export type PersonName = keyof typeof SPECS;

export const DEFAULT_POLICY = {
  type: 'policy',
  version: 1,
  signedAt: DOCS_SIGNED,
  rules: [
    // 政策文件 on the main site: two distinct department approvers and the office.
    { match: { columns: ['zcwj'], siteKinds: ['main'] }, require: [{ role: 'approver', count: 2, sameSite: true }, { role: 'office-approver', count: 1 }] },
    // 信息公开: a department approver (same site, same department) and the office.
    { match: { categories: ['xxgk'] }, require: [{ role: 'approver', count: 1, sameDepartment: true, sameSite: true }, { role: 'office-approver', count: 1 }] },
    // A sub-site's news columns: one approver of that sub-site.
    { match: { siteKinds: ['sub'], columns: ['gzdt', 'jcdt'] }, require: [{ role: 'approver', count: 1, sameSite: true }] },
  ],
  default: { require: [{ role: 'approver', count: 1, sameSite: true }] },
};

export interface TestPki {
  bits: number;
  ca: GroupCa;
  caSigner: Signer;
  people: Record<PersonName, TestPerson>;
  admins: TestPerson[];
  /** A second current certificate of 张伟 (another key), listed in the roster. */
  zhang2: { certPem: string; fingerprint: string; signer: Signer };
  /** 张伟's earlier certificate: 2026-05-01 → 2026-05-31 (30 days), listed. */
  zhangOld: { certPem: string; fingerprint: string; signer: Signer; notBefore: Date; notAfter: Date };
  /** 张伟's next certificate: 2026-12-01 → 2027-03-01, listed. */
  zhangNext: { certPem: string; fingerprint: string; signer: Signer; notBefore: Date; notAfter: Date };
  /** A valid CA-issued certificate of 张伟 that the roster does NOT list. */
  zhangUnlisted: { certPem: string; fingerprint: string; signer: Signer };
  /** A second certificate of admin1 (for "one admin signs twice"). */
  admin1b: { certPem: string; fingerprint: string; signer: Signer };
  /** Attacker: another CA with the same subject, and a certificate from it in 张伟's name. */
  otherCa: GroupCa;
  impostor: { certPem: string; fingerprint: string; signer: Signer };
  /** Attacker: a key the CA never certified. */
  rogue: KeyPair;
  rootPayload(overrides?: Record<string, unknown>): Record<string, unknown>;
  rosterPayload(overrides?: { people?: unknown[] } & Record<string, unknown>): Record<string, unknown>;
  rosterPeople(): Record<string, unknown>[];
  policyPayload(overrides?: Record<string, unknown>): Record<string, unknown>;
  revocationsPayload(revoked?: unknown[], overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Sign a document with the first two admins (or the given signers). */
  signDoc(kind: 'roster' | 'policy' | 'revocations', payload: Record<string, unknown>, signers?: Signer[]): Uint8Array;
  /** The trust files, signed; any of them replaced by the given bytes. */
  files(overrides?: TrustFiles): TrustFiles;
  /** Verified trust from the default files with these payloads replaced; throws if not ok. */
  trust(payloads?: { roster?: Record<string, unknown>; policy?: Record<string, unknown>; revocations?: Record<string, unknown> }): Trust;
}

export async function makeTestPki(options: { bits?: number; caUnit?: string } = {}): Promise<TestPki> {
  const bits = options.bits ?? TEST_BITS;
  // All keys at once, in parallel on the libuv pool: generation dominates the setup time.
  const names = Object.keys(SPECS) as PersonName[];
  const pool = await Promise.all(Array.from({ length: names.length + 4 }, () => generateSigningKeyAsync(bits)));
  const nextKey = () => pool.pop()!;
  const ca = createGroupCa({ groupName: GROUP, days: 3650, now: new Date('2026-01-01T00:00:00Z'), key: nextKey(), ...(options.caUnit ? { unit: options.caUnit } : {}) });
  const caSigner: Signer = { key: ca.key, certPem: ca.certPem };
  const issue = (spec: PersonSpec, publicKey: KeyObject, now: Date, days: number, issuer: { certPem: string; key: KeyObject } = ca) =>
    issueCertificate({ ca: issuer, person: { id: spec.id, name: spec.name, department: spec.department }, publicKey, now, days });

  const people = {} as Record<PersonName, TestPerson>;
  for (const [name, spec] of Object.entries(SPECS) as [PersonName, PersonSpec][]) {
    const keys = nextKey();
    const cert = issue(spec, keys.publicKey, ISSUED, 90);
    people[name] = {
      ...spec,
      key: keys.privateKey,
      publicKey: keys.publicKey,
      certPem: cert.certPem,
      fingerprint: cert.fingerprint,
      signer: { key: keys.privateKey, certPem: cert.certPem },
      listed: [cert.fingerprint],
    };
  }
  const zhang = people.zhang;
  const zhang2Keys = nextKey();
  const zhang2Cert = issue(SPECS.zhang, zhang2Keys.publicKey, ISSUED, 90);
  const zhang2 = { certPem: zhang2Cert.certPem, fingerprint: zhang2Cert.fingerprint, signer: { key: zhang2Keys.privateKey, certPem: zhang2Cert.certPem } };
  const old = issue(SPECS.zhang, zhang.publicKey, new Date('2026-05-01T00:00:00Z'), 30);
  const zhangOld = { certPem: old.certPem, fingerprint: old.fingerprint, signer: { key: zhang.key, certPem: old.certPem }, notBefore: old.notBefore, notAfter: old.notAfter };
  const next = issue(SPECS.zhang, zhang.publicKey, new Date('2026-12-01T00:00:00Z'), 90);
  const zhangNext = { certPem: next.certPem, fingerprint: next.fingerprint, signer: { key: zhang.key, certPem: next.certPem }, notBefore: next.notBefore, notAfter: next.notAfter };
  const unlisted = issue(SPECS.zhang, zhang.publicKey, ISSUED, 60);
  const zhangUnlisted = { certPem: unlisted.certPem, fingerprint: unlisted.fingerprint, signer: { key: zhang.key, certPem: unlisted.certPem } };
  zhang.listed.push(zhang2.fingerprint, zhangOld.fingerprint, zhangNext.fingerprint);

  const admin1 = people.admin1;
  const a1b = issue(SPECS.admin1, admin1.publicKey, ISSUED, 80);
  const admin1b = { certPem: a1b.certPem, fingerprint: a1b.fingerprint, signer: { key: admin1.key, certPem: a1b.certPem } };

  const rogue = nextKey();
  const otherCa = createGroupCa({ groupName: GROUP, days: 3650, now: new Date('2026-01-01T00:00:00Z'), key: nextKey() });
  const imp = issue(SPECS.zhang, rogue.publicKey, ISSUED, 90, otherCa);
  const impostor = { certPem: imp.certPem, fingerprint: imp.fingerprint, signer: { key: rogue.privateKey, certPem: imp.certPem } };

  const admins = [people.admin1, people.admin2, people.admin3];
  const rootPayload = (overrides: Record<string, unknown> = {}) => ({
    type: 'root',
    version: 1,
    group: GROUP,
    securityAdmins: admins.map((a) => a.id),
    threshold: 2,
    expires: '2027-06-01T00:00:00Z',
    ...overrides,
  });
  const rosterPeople = () =>
    Object.values(people).map((p) => ({ id: p.id, name: p.name, department: p.department, site: p.site, roles: structuredClone(p.roles), certificates: [...p.listed] }));
  const rosterPayload = (overrides: Record<string, unknown> = {}) => ({ type: 'roster', version: 1, signedAt: DOCS_SIGNED, people: rosterPeople(), ...overrides });
  const policyPayload = (overrides: Record<string, unknown> = {}) => ({ ...structuredClone(DEFAULT_POLICY), ...overrides });
  const revocationsPayload = (revoked: unknown[] = [], overrides: Record<string, unknown> = {}) => ({ type: 'revocations', version: 1, signedAt: DOCS_SIGNED, revoked, ...overrides });
  const signDoc = (kind: 'roster' | 'policy' | 'revocations', payload: Record<string, unknown>, signers: Signer[] = [admins[0]!.signer, admins[1]!.signer]) =>
    signTrustDocument(payload, PAYLOAD_TYPES[kind], signers);

  const defaults: Required<TrustFiles> = {
    ca: new TextEncoder().encode(ca.certPem),
    root: signTrustDocument(rootPayload(), PAYLOAD_TYPES.root, [caSigner]),
    roster: signDoc('roster', rosterPayload()),
    policy: signDoc('policy', policyPayload()),
    revocations: signDoc('revocations', revocationsPayload()),
  };
  const files = (overrides: TrustFiles = {}): TrustFiles => ({ ...defaults, ...overrides });
  const trust: TestPki['trust'] = (payloads = {}) => {
    const result = verifyTrust(
      files({
        ...(payloads.roster ? { roster: signDoc('roster', payloads.roster) } : {}),
        ...(payloads.policy ? { policy: signDoc('policy', payloads.policy) } : {}),
        ...(payloads.revocations ? { revocations: signDoc('revocations', payloads.revocations) } : {}),
      }),
      { now: NOW, anchorFingerprint: ca.fingerprint },
    );
    if (!result.ok) throw new Error(`test trust does not verify: ${JSON.stringify(result.problems, null, 2)}`);
    return result.trust;
  };

  return {
    bits,
    ca,
    caSigner,
    people,
    admins,
    zhang2,
    zhangOld,
    zhangNext,
    zhangUnlisted,
    admin1b,
    otherCa,
    impostor,
    rogue,
    rootPayload,
    rosterPayload,
    rosterPeople,
    policyPayload,
    revocationsPayload,
    signDoc,
    files,
    trust,
  };
}

export const sha256 = (text: string | Uint8Array) => createHash('sha256').update(text).digest('hex');

/** An entry of the 信息公开 category (通知公告) at the main site, department 政策法规科, written by 赵敏. */
export function xxgkEntry(overrides: Partial<ApprovalEntry> = {}): ApprovalEntry {
  return {
    path: `content/${MAIN}/tzgg/2026-tax-notice.md`,
    site: MAIN,
    column: 'tzgg',
    category: 'xxgk',
    siteKind: 'main',
    department: 'zcfgk',
    author: '赵敏',
    digest: sha256('notice v1'),
    assets: [{ path: `content/${MAIN}/tzgg/files/notice.pdf`, digest: sha256('pdf v1') }],
    ...overrides,
  };
}

/** A news entry (工作动态) at the sub-site. */
export function subNewsEntry(overrides: Partial<ApprovalEntry> = {}): ApprovalEntry {
  return {
    path: `content/${SUB}/gzdt/2026-10-meeting.md`,
    site: SUB,
    column: 'gzdt',
    category: 'xczl',
    siteKind: 'sub',
    department: 'xczx',
    author: '赵敏',
    digest: sha256('news v1'),
    assets: [],
    ...overrides,
  };
}

/** What a signer signs about an entry. */
export function itemOf(entry: ApprovalEntry): ApprovalItem {
  return { path: entry.path, site: entry.site, column: entry.column, digest: entry.digest, assets: entry.assets.map((a) => ({ ...a })) };
}
