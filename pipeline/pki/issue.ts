/**
 * Issuing a person their key and certificate, and adding them to the roster
 * (a new version signed by the threshold of security administrators). For
 * someone already in the roster the certificate is added; name, department,
 * site and roles change only when given.
 */
import type { SiteGroup } from '../model/index.ts';
import { dutiesProblem, isoInstant, issueCertificate, parseRole, withPerson, type RoleGrant, type Trust } from '../trust/index.ts';
import { freshKeyName, generateKeys, prepareKeyDir, writeNewKeys } from './keyfiles.ts';
import { checkPersonFields, personRevoked, reportProblems, scopeIdsOf } from './roster.ts';
import { keyStep, newPassphrase, openAdmins, openCa, type AdminKeys } from './signers.ts';
import { readTrustState, signDoc, trustOrRefused, verifiedOrRefused, writeTrustFiles, type ActOptions, type Refused } from './state.ts';

export interface IssueOptions extends ActOptions {
  group: SiteGroup;
  id: string;
  name?: string | undefined;
  department?: string | undefined;
  site?: string | undefined;
  /** Grants in the role grammar (trust/roles.ts); none keeps an existing person's roles. */
  roles: readonly string[];
  caKey: { path: string | undefined; passphraseFile: string | undefined };
  admins: AdminKeys;
  /** The passphrase file for the new key. */
  passphraseFile?: string | undefined;
  keyDir: string | undefined;
  days: number;
  bits: number;
}

export interface IssueResult {
  id: string;
  name: string;
  department: string;
  site: string;
  /** The person was in the roster already: a new certificate, not a new person. */
  existing: boolean;
  fingerprint: string;
  notAfter: Date;
  /** The roles as the new roster lists them. */
  roles: RoleGrant[];
  rosterVersion: number;
  signers: string[];
  keyFiles: string[];
  trustFiles: string[];
  /** The base name of the key and certificate files (`<base>.key.pem`). */
  base: string;
  /** Said after the result. */
  warnings: string[];
}

export async function issueKeys(options: IssueOptions): Promise<IssueResult | Refused> {
  const { root, now, anchor, group, id, notify } = options;
  const state = readTrustState(root, now, anchor);
  const trust = trustOrRefused(state, 'issuing a certificate');
  if ('refused' in trust) return trust;

  const existing = trust.people.get(id);
  const revoked = personRevoked(trust, id, now);
  if (revoked) return revoked;
  const problems: string[] = [];
  const name = options.name ?? existing?.name;
  const department = options.department ?? existing?.department;
  const site = options.site ?? existing?.site;
  if (!existing) {
    for (const [option, v] of [['--name', name], ['--department', department], ['--site', site]] as const) if (v === undefined) problems.push(`${option} is required for a new person`);
    if (options.roles.length === 0) problems.push('--role is required for a new person (approver, office-approver, security-admin, release-signer or writer)');
  }
  checkPersonFields(group, id, name, department, site, problems);
  reportProblems(problems);
  const own = { site: site!, department: department! };
  const ids = scopeIdsOf(group);
  const grants = options.roles.map((r) => parseRole(r, own, ids, problems)).filter((g): g is RoleGrant => g !== undefined);
  const roles = grants.length > 0 ? grants : (existing?.roles ?? []);
  const duties = dutiesProblem(roles.map((g) => g.role));
  if (duties) problems.push(duties);
  reportProblems(problems);
  const keyDir = prepareKeyDir(options.keyDir, root, notify);

  const caKey = await openCa(options.caKey, trust.anchor.cert, options.passphrases);
  const admins = await openAdmins(options.admins, trust.root, options.passphrases);
  const person = { id, name: name!, department: department! };
  const passphrase = await newPassphrase(options.passphrases, { what: `the new key of ${person.name} (${id})`, file: options.passphraseFile, option: '--passphrase-file' });
  const [pair] = await generateKeys(1, options.bits, notify);
  const cert = await keyStep(() => issueCertificate({ ca: { certPem: trust.anchor.cert.pem, key: caKey }, person, publicKey: pair!.publicKey, now, days: options.days }));

  const payload = withPerson(state.files.roster!, now, { ...person, site: own.site, roles }, cert.fingerprint);
  const roster = signDoc('roster', payload, admins.map((a) => a.signer));
  const after = verifiedOrRefused(state, { roster }, now, anchor);
  if ('refused' in after) return after;

  const base = freshKeyName(keyDir, id, now);
  const keyFiles = writeNewKeys(root, keyDir, [{ person, key: pair!.privateKey, cert, passphrase, base }]);
  const written = writeTrustFiles(root, { roster });
  return {
    ...person,
    site: own.site,
    existing: existing !== undefined,
    fingerprint: cert.fingerprint,
    notAfter: cert.notAfter,
    roles: after.people.get(id)!.roles,
    rosterVersion: after.roster.version,
    signers: after.signedBy.roster,
    keyFiles,
    trustFiles: written,
    base,
    warnings: rootWarnings(trust, id, roles),
  };
}

/** A security-admin in the roster signs trust documents only once the root names them. */
function rootWarnings(trust: Trust, id: string, roles: readonly RoleGrant[]): string[] {
  if (!roles.some((g) => g.role === 'security-admin') || trust.root.securityAdmins.includes(id)) return [];
  return [`warning: ${id} holds security-admin in the roster, but the root does not name them: their signatures on trust documents count only once a new root names them`];
}

