/**
 * Regenerate the demo site group's trust material and approval records with
 * throwaway keys: three security administrators (2 of 3 sign the trust
 * documents), one writer per author named in the demo entries (a writer grant
 * for the sites and departments they write for), one approver per site and
 * department, an office approver and a release signer, certified by the demo's
 * CA; then the writers' submissions of the demo entries (half an hour before
 * the approvals) and the approvals. The people's private keys live only in memory and are dropped at
 * the end, except the release signer's: a fresh clone must be able to sign a
 * demo release, so that key is written encrypted under demo/keys/ with a
 * passphrase the README gives (DEMO_PASSPHRASE). So is the CA's key, so that
 * any clone can renew the demo's 90-day certificates under the same CA when
 * they lapse (pipeline/demo/renew.ts). It is demo material only: anyone can
 * read the passphrase, and the CA says so in its subject (DEMO_CA_UNIT).
 *
 * A few entries are deliberately left so that the gate has something to show:
 * one without any approval (pending), one 信息公开 entry with only its
 * department's approval (pending: the office approver has not signed), one
 * approved in an older version (refused: changed after approval), and one
 * withdrawn after publication (已过时).
 */
import type { KeyObject } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signApproval, type ApprovalItem } from '../approve/index.ts';
import { draftWaiver, signWaiver, type CheckFinding } from '../check/index.ts';
import { TRUST_DIR, TRUST_FILES, APPROVALS_DIR, WAIVERS_DIR } from '../load/index.ts';
import { sha256Hex } from '../fs/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { signDemoColumnChanges } from './column-changes.ts';
import type { Plan, PlanEntry } from '../plan/index.ts';
import { previousVersion } from '../review/versions.ts';
import { assetDigests } from '../validate/index.ts';
import {
  createGroupCa,
  generateSigningKeyAsync,
  inspectCertificate,
  TrustError,
  issueCertificate,
  PAYLOAD_TYPES,
  signTrustDocument,
  type KeyPair,
  type Signer,
  writeEncryptedKey,
} from '../trust/index.ts';

/** Where the demo's release key is kept, encrypted, and the passphrase that opens it (published in the README: demo only). */
export const DEMO_KEYS_DIR = 'demo/keys';
export const DEMO_RELEASE_KEY = `${DEMO_KEYS_DIR}/release-1.key.pem`;
export const DEMO_RELEASE_CERT = `${DEMO_KEYS_DIR}/release-1.cert.pem`;
/** The demo CA's key (its certificate is sites/trust/ca.pem): kept so that any clone can renew the demo's certificates. */
export const DEMO_CA_KEY = `${DEMO_KEYS_DIR}/ca.key.pem`;
export const DEMO_PASSPHRASE = 'sealpress-demo-passphrase';
/**
 * The organizational unit (OU) of the demo's CA certificate. A CA with it is
 * demo material whose key is public; `sealpress keys init` never sets it, and
 * it cannot be added to a real CA without changing the fingerprint verifiers pin.
 */
export const DEMO_CA_UNIT = 'sealpress 演示 DEMO：密钥公开，不得用于生产';
/** The demo CA lives ten years; the people's certificates 90 days (credentials change every three months). */
export const DEMO_CA_DAYS = 3650;
export const DEMO_CERT_DAYS = 90;

/** Entries the demo keeps from being fully approved, and how. */
/** The demo's planted tax-arrears notice: the law requires its first ID number to be published, so that one is waived. */
export const DEMO_WAIVED = { path: 'content/19900000000/tzgg/2026-11-tax-arrears-notice.md', rule: 'personal-id' } as const;

export const DEMO_HOLDS = {
  unapproved: 'content/19902000000/nszx/2026-09-export-refund-timing.md',
  departmentOnly: 'content/19901000000/zcwj/2026-06-urban-land-use-tax-grades.md',
  staleApproval: 'content/19903000000/bszn/2026-08-vehicle-purchase-tax-guide.md',
  withdrawn: 'content/19900000000/ssxc/2026-04-tax-publicity-month-launch.md',
} as const;

const BATCH = 500;

const NAMES = ['王建国', '刘春燕', '陈志强', '杨晓梅', '赵国华', '黄志明', '周丽华', '徐海波', '孙建平', '马丽萍', '朱永刚', '胡晓燕', '郭志远', '何丽君', '高建军', '林晓红', '罗建明', '梁晓静', '宋志华', '谢丽芳', '唐国庆', '韩建新', '冯丽娜', '董志刚', '萧晓琳', '程建华', '曹丽霞', '袁志勇', '邓晓丹', '傅建平'];

export interface DemoPerson {
  id: string;
  name: string;
  department: string;
  site: string;
  roles: { role: string; sites: string[] | '*'; columns: string[] | '*'; departments: string[] | '*' }[];
  keys: KeyPair;
  certPem?: string;
  fingerprint?: string;
}

/** Who wrote an entry: the demo's writers are named after the entries' author fields. */
export interface DemoAuthor {
  site: string;
  department: string;
  name: string;
}

export interface DemoPki {
  group: string;
  people: DemoPerson[];
  admins: DemoPerson[];
  /** The writers, by name (one person per author name, with a writer grant per site they write for). */
  writerOf: Map<string, DemoPerson>;
  office: DemoPerson;
  /** `<site>/<department>` → that department's approver. */
  approverOf: Map<string, DemoPerson>;
  caFingerprint: string;
  /** The CA's certificate and key (kept encrypted under demo/keys/ by writeDemoKeys). */
  ca: { certPem: string; key: KeyObject };
  /** The version of every trust document signed here (the approvals name the policy's). */
  version: number;
  /** The signed trust files, by name. */
  files: Record<keyof typeof TRUST_FILES, Uint8Array | string>;
  xxgk: string;
}

/** Build a CA, the people and the signed trust documents (the expensive part: key generation). */
export async function createDemoPki(options: {
  group: SiteGroup;
  /** `<site>/<department>` pairs that need an approver. */
  pairs: readonly string[];
  /** Names not to give approvers (the authors, so no one approves their own entry). */
  avoidNames: ReadonlySet<string>;
  /** The entries' authors: each name becomes a writer with a grant for those sites and departments. */
  authors: readonly DemoAuthor[];
  issuedAt: Date;
  bits?: number;
  /** Keep this CA (renewal): the people get new keys and certificates under it. Default: a new demo CA. */
  ca?: { certPem: string; key: KeyObject };
  /** The version of the trust documents signed (default 1): more than the last ones under the same CA, or verifiers refuse them as a rollback. */
  version?: number;
}): Promise<DemoPki> {
  const { group, issuedAt } = options;
  const bits = options.bits ?? 3072;
  const names = NAMES.filter((n) => !options.avoidNames.has(n));
  let extra = 0;
  // Large generated groups (the benchmark) outgrow the list: number the rest.
  const nextName = () => names.shift() ?? `审批员${++extra}`;
  const main = group.main;
  const keys = () => generateSigningKeyAsync(bits);
  const all = '*' as const;
  const people: DemoPerson[] = [];
  const admins = await Promise.all(
    ['sa-1', 'sa-2', 'sa-3'].map(async (id) => ({ id, name: nextName(), department: 'bgs', site: main, roles: [{ role: 'security-admin', sites: all, columns: all, departments: all }], keys: await keys() })),
  );
  people.push(...admins);
  const office: DemoPerson = { id: 'office-1', name: nextName(), department: 'bgs', site: main, roles: [{ role: 'office-approver', sites: all, columns: all, departments: all }], keys: await keys() };
  const release: DemoPerson = { id: 'release-1', name: nextName(), department: 'bgs', site: main, roles: [{ role: 'release-signer', sites: all, columns: all, departments: all }], keys: await keys() };
  people.push(office, release);
  // One approver for each site and department that has entries: each department answers for its columns.
  const approverOf = new Map<string, DemoPerson>();
  const pairs = [...new Set(options.pairs)].sort();
  const approverKeys = await Promise.all(pairs.map(() => keys()));
  pairs.forEach((pair, i) => {
    const [site, department] = pair.split('/') as [string, string];
    const person: DemoPerson = {
      id: `ap-${site.slice(3, 5)}-${department}`,
      name: nextName(),
      department,
      site,
      roles: [{ role: 'approver', sites: [site], columns: all, departments: [department] }],
      keys: approverKeys[i]!,
    };
    approverOf.set(pair, person);
    people.push(person);
  });

  // One writer per author name, so the entries' author fields name who submitted them.
  const scopes = new Map<string, Map<string, Set<string>>>();
  for (const a of options.authors) {
    if (a.name.trim() === '') continue;
    const sites = scopes.get(a.name) ?? new Map<string, Set<string>>();
    sites.set(a.site, (sites.get(a.site) ?? new Set()).add(a.department));
    scopes.set(a.name, sites);
  }
  const writerNames = [...scopes.keys()].sort();
  const writerKeys = await Promise.all(writerNames.map(() => keys()));
  const writerOf = new Map<string, DemoPerson>();
  writerNames.forEach((name, i) => {
    const sites = [...scopes.get(name)!].sort(([a], [b]) => (a < b ? -1 : 1));
    const [site, departments] = sites[0]!;
    const person: DemoPerson = {
      id: `wr-${String(i + 1).padStart(2, '0')}`,
      name,
      department: [...departments].sort()[0]!,
      site,
      roles: sites.map(([s, d]) => ({ role: 'writer', sites: [s], columns: all, departments: [...d].sort() })),
      keys: writerKeys[i]!,
    };
    writerOf.set(name, person);
    people.push(person);
  });

  const ca = options.ca
    ? { ...options.ca, fingerprint: fingerprintOf(options.ca.certPem) }
    : createGroupCa({ groupName: group.name, days: DEMO_CA_DAYS, now: issuedAt, key: await keys(), unit: DEMO_CA_UNIT, commonName: `${group.name} 演示审批 CA` });
  const version = options.version ?? 1;
  for (const p of people) {
    const cert = issueCertificate({ ca: { certPem: ca.certPem, key: ca.key }, person: { id: p.id, name: p.name, department: p.department }, publicKey: p.keys.publicKey, now: issuedAt, days: DEMO_CERT_DAYS });
    p.certPem = cert.certPem;
    p.fingerprint = cert.fingerprint;
  }
  const docTime = issuedAt.toISOString();
  const expires = new Date(issuedAt.getTime() + 5 * 365 * 86_400_000).toISOString();
  const adminSigners = admins.slice(0, 2).map(signerOf);
  const newsColumns = [...group.columns.values()].filter((c) => c.type === 'news').map((c) => c.id);
  const xxgk = group.categories.find((c) => c.name === '信息公开')?.id ?? 'xxgk';
  const files = {
    ca: ca.certPem,
    root: signTrustDocument({ type: 'root', version, group: group.name, securityAdmins: admins.map((a) => a.id), threshold: 2, expires }, PAYLOAD_TYPES.root, [{ key: ca.key, certPem: ca.certPem }]),
    roster: signTrustDocument(
      { type: 'roster', version, signedAt: docTime, people: people.map((p) => ({ id: p.id, name: p.name, department: p.department, site: p.site, roles: p.roles, certificates: [p.fingerprint!] })) },
      PAYLOAD_TYPES.roster,
      adminSigners,
    ),
    policy: signTrustDocument(
      {
        type: 'policy',
        version,
        signedAt: docTime,
        rules: [
          // 信息公开: the department that wrote it, and the office.
          {
            match: { categories: [xxgk] },
            require: [
              { role: 'approver', count: 1, sameDepartment: true, sameSite: true },
              { role: 'office-approver', count: 1, sameDepartment: false, sameSite: false },
            ],
          },
          // A sub-site's news: one approver of that sub-site.
          { match: { siteKinds: ['sub'], columns: newsColumns }, require: [{ role: 'approver', count: 1, sameDepartment: false, sameSite: true }] },
        ],
        default: { require: [{ role: 'approver', count: 1, sameDepartment: true, sameSite: true }] },
      },
      PAYLOAD_TYPES.policy,
      adminSigners,
    ),
    revocations: signTrustDocument({ type: 'revocations', version, signedAt: docTime, revoked: [] }, PAYLOAD_TYPES.revocations, adminSigners),
  };
  return { group: group.name, people, admins, writerOf, office, approverOf, caFingerprint: ca.fingerprint, ca: { certPem: ca.certPem, key: ca.key }, version, files, xxgk };
}

function signerOf(p: DemoPerson): Signer {
  return { key: p.keys.privateKey, certPem: p.certPem! };
}

/** Entries an approver may sign: those the gate refuses for no approval reason. */
export function approvableEntries(plan: Plan): PlanEntry[] {
  return plan.entries.filter((e) => e.frontMatter && e.digest && !e.findings.some((f) => f.severity === 'error' && !f.suppressed && !f.rule.startsWith('trust-') && !f.rule.startsWith('approval-')));
}

export function writeDemoTrust(repo: string, pki: DemoPki): void {
  const trustDir = join(repo, TRUST_DIR);
  mkdirSync(trustDir, { recursive: true });
  for (const [name, bytes] of Object.entries(pki.files)) writeFileSync(join(trustDir, TRUST_FILES[name as keyof typeof TRUST_FILES]), bytes);
}

/** The entry's writer: the one named in its author field if their grant covers it, else the first writer whose grant does. */
function writerFor(pki: DemoPki, e: PlanEntry): DemoPerson {
  const covers = (p: DemoPerson) => p.roles.some((g) => g.role === 'writer' && (g.sites === '*' || g.sites.includes(e.site)) && (g.departments === '*' || g.departments.includes(e.frontMatter!.department)));
  const named = pki.writerOf.get(e.frontMatter!.author);
  const writer = named && covers(named) ? named : [...pki.writerOf.values()].find(covers);
  if (!writer) throw new Error(`no demo writer for ${e.site}/${e.frontMatter!.department}`);
  return writer;
}

/** The digest of the entry's previous committed version, or (without git history) of a draft that never existed. */
function earlierDraft(repo: string, e: PlanEntry): string {
  return previousVersion(repo, e.path, e.digest!)?.sha256 ?? sha256Hex(`${e.digest}:earlier draft`);
}

/**
 * Sign the writers' submissions and the approvals of the plan's approvable
 * entries, one batch per writer and site and one per approver, into
 * content/_approvals/<site>/ (the office's batch, spanning sites, at the top).
 * The submissions are signed half an hour before the approvals. `holds` leaves
 * the demo's deliberate cases as described above (the stale case's writer
 * submitted the current version; its approver signed an earlier draft).
 */
export function signDemoApprovals(repo: string, pki: DemoPki, group: SiteGroup, plan: Plan, signedAt: Date, holds: Partial<typeof DEMO_HOLDS> = {}): string[] {
  const entries = approvableEntries(plan);
  const item = (e: PlanEntry, digest = e.digest!): ApprovalItem => ({ path: e.path, site: e.site, column: e.column, digest, assets: assetDigests(e.assets) });
  const batches = new Map<DemoPerson, ApprovalItem[]>();
  const add = (p: DemoPerson, i: ApprovalItem) => batches.set(p, [...(batches.get(p) ?? []), i]);
  // Per writer, per site: a damaged record is then held against one site only.
  const submissions = new Map<string, { writer: DemoPerson; items: ApprovalItem[] }>();
  for (const e of entries) {
    const writer = writerFor(pki, e);
    const key = `${writer.id}/${e.site}`;
    const batch = submissions.get(key) ?? { writer, items: [] };
    batch.items.push(item(e));
    submissions.set(key, batch);
  }
  for (const e of entries) {
    if (e.path === holds.unapproved) continue;
    const column = group.columns.get(e.column);
    const approver = pki.approverOf.get(`${e.site}/${e.frontMatter!.department}`);
    if (!approver) throw new Error(`no demo approver for ${e.site}/${e.frontMatter!.department}`);
    // The stale case: the approver signed an earlier draft of the entry (the version before the current one in git, so the desk can show what changed).
    add(approver, item(e, e.path === holds.staleApproval ? earlierDraft(repo, e) : e.digest!));
    if (column?.category === pki.xxgk && e.path !== holds.departmentOnly) add(pki.office, item(e));
  }
  const dir = join(repo, APPROVALS_DIR);
  rmSync(dir, { recursive: true, force: true });
  const stamp = signedAt.toISOString().slice(0, 10).replace(/-/g, '');
  const written: string[] = [];
  const write = (p: DemoPerson, items: ApprovalItem[], suffix: string, decision: 'approve' | 'withdraw' | 'submit', at: Date, reason?: string) => {
    // Records of one site sit in its folder, so a damaged record is held against that site only.
    const sites = new Set(items.map((i) => i.site));
    const file = `${APPROVALS_DIR}/${sites.size === 1 ? `${[...sites][0]}/` : ''}${stamp}-${p.id}${suffix}.json`;
    mkdirSync(join(repo, file, '..'), { recursive: true });
    writeFileSync(join(repo, file), signApproval({ entries: items, decision, ...(reason ? { reason } : {}), signer: signerOf(p), now: at, policyVersion: pki.version }));
    written.push(file);
  };
  // A record stays well under the gates' 1 MiB limit: at most BATCH entries each.
  const submittedAt = new Date(signedAt.getTime() - 1_800_000);
  for (const { writer, items } of submissions.values()) {
    for (let i = 0; i < items.length; i += BATCH) write(writer, items.slice(i, i + BATCH), `-submit${items.length > BATCH ? `-${i / BATCH + 1}` : ''}`, 'submit', submittedAt);
  }
  for (const [p, items] of batches) {
    for (let i = 0; i < items.length; i += BATCH) write(p, items.slice(i, i + BATCH), items.length > BATCH ? `-${i / BATCH + 1}` : '', 'approve', signedAt);
  }
  const withdrawn = entries.find((e) => e.path === holds.withdrawn);
  if (withdrawn) {
    const p = pki.approverOf.get(`${withdrawn.site}/${withdrawn.frontMatter!.department}`)!;
    write(p, [item(withdrawn)], '-withdraw', 'withdraw', new Date(signedAt.getTime() + 3600_000), '已过时');
  }
  return written.sort();
}

export interface RegenerateOptions {
  root: string;
  group: SiteGroup;
  /** The gate's plan of the demo content (approvals not yet considered). */
  plan: Plan;
  /** When the people's certificates are issued and the trust documents signed. */
  issuedAt: Date;
  /** When the approvals are signed. */
  signedAt: Date;
  bits?: number;
  /** Renew under this CA instead of making a new one (see createDemoPki). */
  ca?: { certPem: string; key: KeyObject };
  /** The trust documents' version (see createDemoPki). */
  version?: number;
}

export interface RegenerateResult {
  people: number;
  records: string[];
  caFingerprint: string;
  /** The throwaway PKI, keys included: gone once the caller drops it (tests keep an approver's key). */
  pki: DemoPki;
}

export async function regenerateDemoTrust(options: RegenerateOptions): Promise<RegenerateResult> {
  const { root: repo, group, plan } = options;
  const entries = approvableEntries(plan);
  const pki = await createDemoPki({
    group,
    pairs: entries.map((e) => `${e.site}/${e.frontMatter!.department}`),
    avoidNames: new Set(plan.entries.map((e) => e.frontMatter?.author).filter((a): a is string => !!a)),
    authors: entries.map((e) => ({ site: e.site, department: e.frontMatter!.department, name: e.frontMatter!.author })),
    issuedAt: options.issuedAt,
    ...(options.bits ? { bits: options.bits } : {}),
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.version ? { version: options.version } : {}),
  });
  writeDemoTrust(repo, pki);
  writeDemoKeys(repo, pki);
  const waivers = signDemoWaivers(repo, pki, plan, options.signedAt);
  const records = [...waivers, ...signDemoApprovals(repo, pki, group, plan, options.signedAt, DEMO_HOLDS)];
  records.push(...signDemoColumnChanges(repo, pki, group, options.signedAt));
  return { people: pki.people.length, records, caFingerprint: pki.caFingerprint, pki };
}

/**
 * Keep the release signer's key and certificate, so a fresh clone can sign demo
 * releases, and the CA's key, so it can renew the demo's certificates: both
 * encrypted with DEMO_PASSPHRASE, which is published.
 */
export function writeDemoKeys(repo: string, pki: DemoPki): void {
  const signer = pki.people.find((p) => p.roles.some((r) => r.role === 'release-signer'));
  if (!signer?.certPem) return;
  mkdirSync(join(repo, DEMO_KEYS_DIR), { recursive: true });
  writeEncryptedKey(join(repo, DEMO_RELEASE_KEY), signer.keys.privateKey, DEMO_PASSPHRASE, { repoRoot: repo, overwrite: true });
  writeFileSync(join(repo, DEMO_RELEASE_CERT), signer.certPem);
  writeEncryptedKey(join(repo, DEMO_CA_KEY), pki.ca.key, DEMO_PASSPHRASE, { repoRoot: repo, overwrite: true });
  writeFileSync(
    join(repo, DEMO_KEYS_DIR, 'README.md'),
    `# Demo keys: not for production

Made by \`sealpress demo\`. \`release-1.key.pem\` is the demo release signer's key and
\`ca.key.pem\` the key of the demo's CA (\`sites/trust/ca.pem\`, whose subject says DEMO).
Both are encrypted with the passphrase \`${DEMO_PASSPHRASE}\`, which the README
publishes: they protect nothing. They exist so that a fresh clone can sign and publish
the demo site group, and renew the demo's 90-day certificates when they lapse (on the
machine that runs the demo). A real site group makes its own with \`sealpress keys init\`
and never commits a private key.
`,
  );
}

function fingerprintOf(certPem: string): string {
  const inspected = inspectCertificate(certPem);
  if (!inspected.ok) throw new TrustError('INVALID_ARGUMENT', `the demo CA certificate: ${inspected.message}`);
  return inspected.cert.fingerprint;
}

/** Sign the demo's waiver: the first ID number of the planted tax-arrears notice (the second stays refused). */
export function signDemoWaivers(repo: string, pki: DemoPki, plan: Plan, signedAt: Date): string[] {
  rmSync(join(repo, WAIVERS_DIR), { recursive: true, force: true });
  const entry = plan.entries.find((e) => e.path === DEMO_WAIVED.path);
  const finding = entry?.findings.find((f) => f.rule === DEMO_WAIVED.rule);
  if (!entry?.digest || !finding) return [];
  const draft = draftWaiver(finding as unknown as CheckFinding, { id: 'demo-arrears-notice-1', digest: entry.digest, justification: '《税收征收管理法》第四十五条：欠税公告依法公开欠税人的身份信息', pinPosition: true });
  const file = `${WAIVERS_DIR}/demo-arrears-notice-1.json`;
  mkdirSync(join(repo, WAIVERS_DIR), { recursive: true });
  writeFileSync(join(repo, file), signWaiver({ draft, signer: signerOf(pki.admins[0]!), now: signedAt }));
  return [file];
}
