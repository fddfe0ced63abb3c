/**
 * Creating the group's trust material: the group CA, the first security
 * administrators (keys and certificates), and the five documents under
 * sites/trust/, verified as the gate would verify them before anything is
 * written. Keys first: if one cannot be written, the repository is untouched.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPROVALS_DIR, loadApprovalRecords, TRUST_DIR, TRUST_FILES } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { createGroupCa, defaultPolicy, isoInstant, issueCertificate, MAX_CA_DAYS, PAYLOAD_TYPES, signTrustDocument, verifyTrust, type Signer, type TrustFiles } from '../trust/index.ts';
import { generateKeys, prepareKeyDir, writeKeyFile, writeNewKeys, type NewKey } from './keyfiles.ts';
import { checkPersonFields, reportProblems } from './roster.ts';
import { keyStep, newPassphrase } from './signers.ts';
import { signDoc, writeTrustFiles, type ActOptions, type Refused } from './state.ts';

const DAY_MS = 86_400_000;

export interface InitOptions extends Omit<ActOptions, 'anchor'> {
  group: SiteGroup;
  /** The CA's name; by default the group's. */
  groupName?: string | undefined;
  /** The first administrators, each `ID:NAME:DEPARTMENT:SITE`. */
  admins: readonly string[];
  /** The passphrase file of the administrator at the same position. */
  adminPassphraseFiles: readonly string[];
  caPassphraseFile?: string | undefined;
  /** How many administrators must sign a trust document; by default 2. */
  threshold?: number | undefined;
  keyDir: string | undefined;
  /** Days the administrators' certificates live (at most 90). */
  days: number;
  /** Days until the root expires (the CA's end at the latest). */
  rootDays: number;
  /** Replace an existing root (every existing certificate and approval then stops counting). */
  force?: boolean | undefined;
  bits: number;
}

export interface InitResult {
  caFingerprint: string;
  group: string;
  threshold: number;
  securityAdmins: string[];
  adminCount: number;
  trustFiles: string[];
  keyFiles: string[];
  keyDir: string;
  certificatesUntil: string;
  rootExpires: string;
  /** Said after the result: approval records of the previous CA that stop counting. */
  warnings: string[];
}

interface AdminSpec {
  id: string;
  name: string;
  department: string;
  site: string;
}

function parseAdmin(text: string, group: SiteGroup, problems: string[]): AdminSpec | undefined {
  const parts = text.split(':');
  if (parts.length !== 4 || parts.some((p) => p.trim() === '')) {
    problems.push(`--admin ${text}: expected ID:NAME:DEPARTMENT:SITE, e.g. sa-1:王建国:bgs:${group.main}`);
    return undefined;
  }
  const [id, name, department, site] = parts.map((p) => p.trim()) as [string, string, string, string];
  const before = problems.length;
  checkPersonFields(group, id, name, department, site, problems);
  for (let i = before; i < problems.length; i++) problems[i] = `--admin ${text}: ${problems[i]!}`;
  return problems.length === before ? { id, name, department, site } : undefined;
}

export async function initTrust(options: InitOptions): Promise<InitResult | Refused> {
  const { root, now, group, notify } = options;
  const problems: string[] = [];
  const groupName = options.groupName ?? group.name;
  if (groupName.trim() === '') problems.push('--group-name is empty');
  const admins = options.admins.map((a) => parseAdmin(a, group, problems)).filter((a): a is AdminSpec => a !== undefined);
  if (options.admins.length < 2) problems.push('at least two --admin ID:NAME:DEPT:SITE are needed: one administrator alone could change the roster, policy and revocations');
  const ids = admins.map((a) => a.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`--admin ${id} is given twice`);
  const n = options.admins.length;
  const threshold = options.threshold ?? Math.min(2, n);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > Math.max(n, 1)) problems.push(`--threshold must be a whole number from 1 to the number of administrators (${n})`);
  if (options.adminPassphraseFiles.length > n) problems.push('more --admin-passphrase-file than --admin options');
  reportProblems(problems);

  const trustDir = join(root, TRUST_DIR);
  const existing = Object.values(TRUST_FILES).filter((f) => existsSync(join(trustDir, f)));
  if (existing.includes(TRUST_FILES.root) && !options.force) {
    return { refused: `sealpress keys init: ${TRUST_DIR}/ already has a root (${existing.join(', ')}); refusing to replace the group's trust material. Pass --force to start over with a new CA (every existing certificate and approval then stops counting).` };
  }
  const keyDir = prepareKeyDir(options.keyDir, root, notify, { mustBeEmpty: true });
  if (threshold === 1) notify('warning: with --threshold 1 one administrator alone can change the roster, policy and revocations');

  // Every passphrase first, so that nothing is generated for a run that cannot finish.
  const caPassphrase = await newPassphrase(options.passphrases, { what: 'the group CA key', file: options.caPassphraseFile, option: '--ca-passphrase-file' });
  const adminPassphrases: string[] = [];
  for (const [i, a] of admins.entries()) {
    adminPassphrases.push(await newPassphrase(options.passphrases, { what: `the key of ${a.name} (${a.id})`, file: options.adminPassphraseFiles[i], option: '--admin-passphrase-file' }));
  }

  const pairs = await generateKeys(admins.length + 1, options.bits, notify);
  const ca = await keyStep(() => createGroupCa({ groupName, days: MAX_CA_DAYS, now, key: pairs[0]! }));
  const newKeys: NewKey[] = admins.map((a, i) => {
    const pair = pairs[i + 1]!;
    const person = { id: a.id, name: a.name, department: a.department };
    const cert = issueCertificate({ ca: { certPem: ca.certPem, key: ca.key }, person, publicKey: pair.publicKey, now, days: options.days });
    return { person, key: pair.privateKey, cert, passphrase: adminPassphrases[i]!, base: a.id };
  });
  const signers: Signer[] = newKeys.map((k) => ({ key: k.key, certPem: k.cert.certPem }));
  const signedAt = now.toISOString();
  const expires = isoInstant(Math.min(now.getTime() + options.rootDays * DAY_MS, ca.cert.notAfter));
  const files: TrustFiles = {
    ca: new TextEncoder().encode(ca.certPem),
    root: await keyStep(() => signTrustDocument({ type: 'root', version: 1, group: groupName, securityAdmins: ids, threshold, expires }, PAYLOAD_TYPES.root, [{ key: ca.key, certPem: ca.certPem }])),
    roster: signDoc(
      'roster',
      {
        type: 'roster',
        version: 1,
        signedAt,
        people: admins.map((a, i) => ({ ...a, roles: [{ role: 'security-admin', sites: '*', columns: '*', departments: '*' }], certificates: [newKeys[i]!.cert.fingerprint] })),
      },
      signers,
    ),
    policy: signDoc('policy', defaultPolicy(group, signedAt), signers),
    revocations: signDoc('revocations', { type: 'revocations', version: 1, signedAt, revoked: [] }, signers),
  };
  const check = verifyTrust(files, { now, anchorFingerprint: ca.fingerprint });
  if (!check.ok) return { refused: 'sealpress keys init: the new trust material does not verify; nothing was written:', result: check };

  // Keys first: if one cannot be written, the repository is untouched.
  const caKeyPath = join(keyDir, 'ca.key.pem');
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  writeKeyFile(caKeyPath, ca.key, caPassphrase, root);
  writeFileSync(join(keyDir, 'ca.cert.pem'), ca.certPem, { flag: 'wx' });
  const keyFiles = [caKeyPath, join(keyDir, 'ca.cert.pem'), ...writeNewKeys(root, keyDir, newKeys)];
  mkdirSync(trustDir, { recursive: true });
  const written = writeTrustFiles(root, { ca: ca.certPem, root: files.root!, roster: files.roster!, policy: files.policy!, revocations: files.revocations! });
  // Real trust material is no longer the demo's: `sealpress demo` must not overwrite it.
  rmSync(join(trustDir, 'DEMO.md'), { force: true });
  const oldRecords = existsSync(join(root, APPROVALS_DIR)) ? loadApprovalRecords(root).records.length : 0;
  return {
    caFingerprint: ca.fingerprint,
    group: groupName,
    threshold,
    securityAdmins: ids,
    adminCount: admins.length,
    trustFiles: written,
    keyFiles,
    keyDir,
    certificatesUntil: isoInstant(newKeys[0]!.cert.notAfter.getTime()),
    rootExpires: expires,
    warnings: oldRecords > 0 ? [`warning: ${oldRecords} approval record(s) under ${APPROVALS_DIR}/ were signed under the previous CA and no longer count`] : [],
  };
}
