/**
 * `sealpress keys`: the approvers' PKI. The security administrators create the
 * group CA and themselves (init), issue people their key and certificate
 * (issue), renew them every three months (rotate), revoke them with an
 * effective date (revoke), and anyone can list who holds what (list).
 *
 * Every change of the roster or the revocations is a new version signed by
 * at least the root's threshold of administrators, and is verified as the gate
 * would verify it before anything is written: a command never leaves behind a
 * trust document the gate refuses, nor a key whose certificate is not listed.
 * Private keys are written encrypted (0600) to --key-dir, never under the
 * repository's content/ or sites/ (Trust model 8); certificates are public
 * and a copy of each is kept in sites/trust/certs/ so that `keys list` and CI
 * can see when they expire.
 */
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { hasErrors } from '../diagnostics/index.ts';
import { SealpressError } from '../errors/index.ts';
import { freezable, verifiedSignedRecords, type SignedKind, type SignedRecord } from '../gate/freeze.ts';
import { loadColumnChanges } from '../govern/index.ts';
import { APPROVALS_DIR, loadApprovalRecords, loadSignedRecords, loadSiteGroup, TRUST_DIR, TRUST_FILES, WAIVERS_DIR } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import {
  assertKeyPathAllowed,
  createGroupCa,
  DEFAULT_RSA_BITS,
  expiringSoon,
  generateSigningKeyAsync,
  inspectCertificate,
  isoInstant,
  issueCertificate,
  MAX_CA_DAYS,
  MAX_CERT_DAYS,
  MIN_RSA_BITS,
  normaliseFingerprint,
  parseEnvelope,
  parseInstant,
  keyMatches,
  PAYLOAD_TYPES,
  PERSON_ID,
  revocationAt,
  ROLES,
  signTrustDocument,
  validityAt,
  verifyTrust,
  writeEncryptedKey,
  type CertInfo,
  type IssuedCertificate,
  type Role,
  type RosterPerson,
  type Scope,
  type Signer,
  type Trust,
  type TrustFiles,
} from '../trust/index.ts';
import { clock, parse, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { printDiagnostics, type Io } from './output.ts';
import { keyStep, readNewPassphrase, unlockKey, type LoadedSigner } from './passphrase.ts';
import { ADMIN_OPTIONS, nextVersion, openAdmins, printTrustProblems, readTrustState, requireTrust, verifyWith, writeTrustFiles, writeWhole, type TrustState } from './trust.ts';

export const KEYS_HELP = `Usage: sealpress keys <init|issue|rotate|revoke|list> [options]

  sealpress keys init [--group-name NAME] --admin ID:NAME:DEPT:SITE (×N, N ≥ 2)
                      [--threshold K] --key-dir DIR [--days 90] [--root-days 1825] [--force]
      Create the group CA (RSA-3072, 10 years; named after --group-name, by
      default the name in sites/group.yaml) and the first security
      administrators (keys and 90-day certificates) in --key-dir; write
      sites/trust/ca.pem, root.dsse.json (signed by the CA key), and roster,
      policy (a default) and revocations (empty), signed by every new
      administrator. The threshold K defaults to 2. Refuses when sites/trust/
      already has a root, unless --force; --key-dir must be new or empty.
      Prints the CA fingerprint to pin in CI (SEALPRESS_TRUST_ANCHOR).

  sealpress keys issue --id ID --name NAME --department DEPT --site CODE
                       --role ROLE[:sites=..;columns=..;departments=..] (×N)
                       --ca-key FILE --admin-key FILE (×threshold) --key-dir DIR [--days ≤90]
      Generate a person's key (<id>.key.pem, encrypted, 0600) and certificate
      (<id>.cert.pem) in --key-dir and add them to the roster (a new version
      signed by the given administrators). For someone already in the roster
      the certificate is added; name, department, site and roles change only
      when given. Roles: approver, office-approver, security-admin,
      release-signer, writer. A scope lists ids separated by commas, or *;
      it defaults to the person's own site and department and every column
      (security-admin and release-signer: everything).

  sealpress keys rotate --id ID (×N) --ca-key FILE --admin-key FILE… --key-dir DIR
                        [--days ≤90] [--reason TEXT]
      A new key and certificate for people already in the roster (the normal
      act every three months: certificates live at most 90 days). The new
      fingerprint is added to the roster, and the old certificates are
      retired: revoked from now (reason --reason, default 密钥轮换) in a new
      revocations version that freezes the signed records they made which
      count now, so those stay valid after the certificates expire.
      (--revoke-old, which used to ask for this, is the default and accepted.)
      An administrator rotating their own key signs with the new one.

  sealpress keys revoke (--id ID | --cert FINGERPRINT) --reason TEXT [--effective ISO]
                        --admin-key FILE…
      A new revocations version: the person (every certificate) or one
      certificate is revoked from --effective (default now; never later than
      now). A revoked or expired key's claimed signing time proves nothing, so
      the revocation freezes, by digest, the signed records of that person or
      certificate that count as of --effective (approvals, withdrawals,
      waivers, column change requests under content/); those stay valid, and
      no other record of that key will ever count. It prints what it froze:
      review the list. Retiring an expired certificate this way (reason
      证书到期) keeps the records it signed while it was valid.

  sealpress keys list [--json] [--warn-days 14] [--certs DIR]…
      Verify the trust material and list the people: id, name, department,
      site, roles with their scope, and each certificate's fingerprint,
      notAfter and status (valid, EXPIRING within --warn-days, expired,
      revoked). Warns about people whose newest certificate expires soon.

Key and passphrase options:
  --key-dir DIR          where new keys and certificates are written; outside the
                         repository's content/ and sites/ (and best outside the repository)
  --ca-key FILE          the CA's encrypted key (keys init writes it as ca.key.pem)
  --admin-key FILE       a security administrator's key; its certificate is FILE with
                         .key.pem replaced by .cert.pem, or the --admin-cert at the
                         same position; repeat for each administrator who signs
  --admin-passphrase-file FILE  the passphrase of the --admin-key at the same
                         position (keys init: of the --admin at the same position)
  --ca-passphrase-file FILE     the CA key's passphrase
  --passphrase-file FILE the passphrase for the new key (rotate: one per --id, in order)
  Passphrases are never options themselves: each comes from its file (first
  line), else $SEALPRESS_PASSPHRASE, else the terminal (without echo). New
  passphrases need at least 12 characters.

Other options:
  --json                 machine-readable output (init, issue, rotate, revoke, list)
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
                         (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR             the repository (default: the current folder)
  --now ISO              the clock (default: now)

Exit codes: 0 done, 1 refused (the trust material does not verify, the
signatures would not meet the threshold, init over an existing root),
2 usage or configuration error (bad option, unknown site/column/department,
wrong passphrase, key readable by others, key path under content/ or sites/).`;

/** Public copies of the certificates, so that list and CI see expiry dates (the roster holds fingerprints only). */
export const CERTS_DIR = `${TRUST_DIR}/certs`;
const DAY_MS = 86_400_000;
/** The root expires: a stale root must not keep the gate trusting forever (TUF's freeze protection). */
const DEFAULT_ROOT_DAYS = 1825;
const NON_SCOPED: readonly Role[] = ['security-admin', 'release-signer'];

function usage(message: string): SealpressError {
  return new SealpressError('USAGE', message);
}

export async function keys(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      io.out(KEYS_HELP);
      return EXIT.OK;
    case 'init':
      return keysInit(rest, io);
    case 'issue':
      return keysIssue(rest, io);
    case 'rotate':
      return keysRotate(rest, io);
    case 'revoke':
      return keysRevoke(rest, io);
    case 'list':
      return keysList(rest, io);
    default:
      throw usage(`unknown subcommand "${sub}"; use init, issue, rotate, revoke or list`);
  }
}

// ---------------------------------------------------------------------------
// Shared pieces.

/** RSA key size: production 3072; a hidden --bits lets tests use 2048 (never fewer). */
function bitsOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_RSA_BITS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < MIN_RSA_BITS) throw usage(`--bits must be a whole number ≥ ${MIN_RSA_BITS}`);
  return n;
}

function daysOf(value: string | undefined, fallback: number, max: number, option: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usage(`${option} must be a whole number of days ≥ 1, found "${value}"`);
  // Certificates live at most 90 days: the rules require credentials to change every three months.
  if (n > max) throw usage(`${option} ${n} is longer than the ${max} days allowed${max === MAX_CERT_DAYS ? ' (the rules require credentials to change every three months)' : ''}`);
  return n;
}

function loadGroup(root: string, io: Io): SiteGroup | undefined {
  const config = loadSiteGroup(root);
  if (config.group && !hasErrors(config.diagnostics)) return config.group;
  printDiagnostics(io, root, config.diagnostics);
  io.err('sealpress: the site group configuration (sites/) is invalid; fix the errors above');
  return undefined;
}

/**
 * The key directory: created 0700 if missing; refused under content/ or sites/
 * (writeEncryptedKey checks again for each file). Inside the repository it is
 * allowed but warned about: it would be one `git add .` away from a commit.
 */
function prepareKeyDir(dir: string | undefined, root: string, io: Io, options: { mustBeEmpty?: boolean } = {}): string {
  if (dir === undefined) throw usage('--key-dir DIR is required: where the new private keys are written (outside the repository)');
  const abs = resolve(dir);
  // Checked on a file inside the folder, so that a link anywhere on the way is followed.
  assertAllowed(join(abs, 'probe.key.pem'), root);
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw usage(`--key-dir ${dir} is not a folder`);
    if (options.mustBeEmpty && readdirSync(abs).length > 0) throw usage(`--key-dir ${dir} is not empty; keys init writes a new CA and new keys into a fresh folder`);
  }
  const rel = relative(root, abs);
  if (!rel.startsWith('..') && !isAbsolute(rel)) io.err(`warning: --key-dir ${dir} is inside the repository; make sure it is never committed (keep keys outside the repository)`);
  return abs;
}

function assertAllowed(path: string, root: string): void {
  try {
    assertKeyPathAllowed(path, root);
  } catch (error) {
    throw new SealpressError('CONFIG_INVALID', `${(error as Error).message} [KEY_PATH_FORBIDDEN]`, { cause: error });
  }
}

/** `<id>.key.pem` when free, else `<id>-<YYYYMMDD>[-n].key.pem`: a key file is never overwritten. */
function freshKeyName(dir: string, id: string, now: Date): string {
  const free = (base: string) => !existsSync(join(dir, `${base}.key.pem`)) && !existsSync(join(dir, `${base}.cert.pem`));
  if (free(id)) return id;
  const stamp = isoInstant(now.getTime()).slice(0, 10).replaceAll('-', '');
  for (let n = 1; ; n++) {
    const base = n === 1 ? `${id}-${stamp}` : `${id}-${stamp}-${n}`;
    if (free(base)) return base;
  }
}

interface NewKey {
  person: { id: string; name: string; department: string };
  key: KeyObject;
  cert: IssuedCertificate;
  passphrase: string;
  base: string;
}

/** Write new keys (encrypted, 0600) and their certificates into the key dir, and a public copy of each certificate into the repository. */
function writeNewKeys(root: string, dir: string, keysToWrite: readonly NewKey[]): string[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written: string[] = [];
  for (const k of keysToWrite) {
    const keyPath = join(dir, `${k.base}.key.pem`);
    assertAllowed(keyPath, root);
    writeKeyFile(keyPath, k.key, k.passphrase, root);
    writeFileSync(join(dir, `${k.base}.cert.pem`), k.cert.certPem, { flag: 'wx' });
    written.push(keyPath, join(dir, `${k.base}.cert.pem`));
  }
  storeCertificates(root, keysToWrite.map((k) => ({ id: k.person.id, certPem: k.cert.certPem, fingerprint: k.cert.fingerprint })));
  return written;
}

function writeKeyFile(path: string, key: KeyObject, passphrase: string, root: string): void {
  // A key that cannot be written (KEY_EXISTS, KEY_PATH_FORBIDDEN, KEY_IO…) is the user's to fix: its code gives exit 2.
  writeEncryptedKey(path, key, passphrase, { repoRoot: root });
}

function storeCertificates(root: string, certs: readonly { id: string; certPem: string; fingerprint: string }[]): void {
  const dir = join(root, CERTS_DIR);
  mkdirSync(dir, { recursive: true });
  for (const c of certs) writeWhole(join(dir, `${c.id}-${c.fingerprint.slice(0, 16)}.pem`), c.certPem);
}

/** Generate the keys in parallel (libuv pool), with progress: RSA-3072 takes about half a second each. */
async function generateKeys(count: number, bits: number, io: Io) {
  io.err(`generating ${count} RSA-${bits} key${count === 1 ? '' : 's'}…`);
  return Promise.all(Array.from({ length: count }, () => generateSigningKeyAsync(bits)));
}

interface Grant {
  role: Role;
  sites: Scope;
  columns: Scope;
  departments: Scope;
}

const scopeText = (s: Scope) => (s === '*' ? 'all' : s.join(','));
export const grantText = (g: Grant) => (NON_SCOPED.includes(g.role) ? g.role : `${g.role} (sites ${scopeText(g.sites)}; columns ${scopeText(g.columns)}; departments ${scopeText(g.departments)})`);

/** Parse `ROLE[:sites=a,b;columns=x;departments=y]`, checking every id against the site group. */
function parseRole(text: string, own: { site: string; department: string }, group: SiteGroup, problems: string[]): Grant | undefined {
  const colon = text.indexOf(':');
  const role = (colon < 0 ? text : text.slice(0, colon)).trim();
  if (!(ROLES as readonly string[]).includes(role)) {
    problems.push(`--role ${text}: "${role}" is not a role; use one of ${ROLES.join(', ')}`);
    return undefined;
  }
  const wide = NON_SCOPED.includes(role as Role);
  const grant: Grant = { role: role as Role, sites: wide ? '*' : [own.site], columns: '*', departments: wide ? '*' : [own.department] };
  const departments = new Set([...group.sites.values()].flatMap((s) => s.departments.map((d) => d.id)));
  const rest = colon < 0 ? '' : text.slice(colon + 1);
  for (const part of rest.split(';').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (key !== 'sites' && key !== 'columns' && key !== 'departments') {
      problems.push(`--role ${text}: "${key}" is not a scope; use sites=, columns= or departments=`);
      continue;
    }
    if (value === '') {
      problems.push(`--role ${text}: ${key}= is empty; list ids separated by commas, or *`);
      continue;
    }
    if (value === '*') {
      grant[key] = '*';
      continue;
    }
    const ids = [...new Set(value.split(',').map((v) => v.trim()).filter(Boolean))];
    const known = key === 'sites' ? (id: string) => group.sites.has(id) : key === 'columns' ? (id: string) => group.columns.has(id) : (id: string) => departments.has(id);
    const unknown = ids.filter((id) => !known(id));
    if (unknown.length > 0) {
      const what = key === 'sites' ? 'site codes of the group' : key === 'columns' ? "columns of the group's column tree" : 'departments of any site';
      problems.push(`--role ${text}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not one of the' : 'are not'} ${what}`);
      continue;
    }
    grant[key] = ids;
  }
  return grant;
}

/** Separation of duties (Trust model 4): the people who run the PKI or sign releases do not approve content. */
function dutiesProblem(roles: readonly Role[]): string | undefined {
  const set = new Set(roles);
  if (set.has('security-admin') && set.size > 1) return `security-admin cannot be combined with ${[...set].filter((r) => r !== 'security-admin').join(', ')}: security administrators are separate from writers, approvers and the release signer`;
  if (set.has('release-signer') && (set.has('approver') || set.has('office-approver'))) return 'release-signer cannot be combined with an approver role: the release signer does not approve content';
  return undefined;
}

function checkPersonFields(group: SiteGroup, id: string | undefined, name: string | undefined, department: string | undefined, site: string | undefined, problems: string[]): void {
  if (id !== undefined && !PERSON_ID.test(id)) problems.push(`--id ${id}: a person id is 1–64 letters, digits, '.', '_' or '-'`);
  if (name !== undefined && name.trim() === '') problems.push('--name is empty');
  if (site !== undefined && !group.sites.has(site)) problems.push(`--site ${site} is not a site of the group (${[...group.sites.keys()].join(', ')})`);
  const s = site === undefined ? undefined : group.sites.get(site);
  if (s && department !== undefined && !s.departments.some((d) => d.id === department)) {
    problems.push(`--department ${department} is not a department of site ${site} (${s.departments.map((d) => d.id).join(', ')})`);
  }
}

function reportProblems(problems: readonly string[]): void {
  if (problems.length === 1) throw usage(problems[0]!);
  if (problems.length > 1) throw usage(`${problems.length} problems:\n  ${problems.join('\n  ')}`);
}

/** Open the CA key and check it is the key of sites/trust/ca.pem. */
async function openCa(path: string | undefined, passphraseFile: string | undefined, anchor: CertInfo, io: Io): Promise<KeyObject> {
  if (path === undefined) throw usage('--ca-key FILE is required: the CA key signs the new certificate');
  const key = await unlockKey(path, { what: `the group CA key (${path})`, file: passphraseFile, option: '--ca-passphrase-file' }, io);
  if (!keyMatches(key, anchor)) throw new SealpressError('CONFIG_INVALID', `${path} is not the key of the group CA in ${TRUST_DIR}/${TRUST_FILES.ca} [KEY_CERT_MISMATCH]`);
  return key;
}

/** Sign a document with the administrators; a schema problem is the caller's to fix (exit 2). */
function signDoc(kind: 'roster' | 'revocations' | 'policy', payload: Record<string, unknown>, signers: readonly Signer[]): Uint8Array {
  try {
    return signTrustDocument(payload, PAYLOAD_TYPES[kind], signers);
  } catch (error) {
    throw new SealpressError('CONFIG_INVALID', `the new ${kind} cannot be signed: ${(error as Error).message}`, { cause: error });
  }
}

/** The new documents verify as the gate would verify them, or the command stops here with nothing written. */
function verifiedOrRefused(io: Io, state: TrustState, changes: TrustFiles, now: Date, anchor: string | undefined): Trust | undefined {
  const result = verifyWith(state, changes, now, anchor);
  if (result.ok) return result.trust;
  io.err('sealpress: the new trust documents would not verify, so nothing was written:');
  printTrustProblems(io, result);
  return undefined;
}

type RawPerson = Record<string, unknown> & { id?: unknown; certificates?: unknown };

function rawPeople(payload: Record<string, unknown>): RawPerson[] {
  if (!Array.isArray(payload.people)) throw new SealpressError('CONFIG_INVALID', 'the roster payload has no people list');
  return payload.people as RawPerson[];
}

function addCertificate(person: RawPerson, fingerprint: string): void {
  const list = Array.isArray(person.certificates) ? (person.certificates as unknown[]) : [];
  person.certificates = [...list, fingerprint];
}

/**
 * A person whose signing rights are revoked (by id) stays revoked for every
 * certificate, so a new one would never count: say so instead of issuing it.
 */
function personRevoked(io: Io, trust: Trust, id: string, now: Date): boolean {
  const revoked = trust.revocationIndex.person.get(id);
  if (!revoked || revoked.effectiveMs > now.getTime()) return false;
  io.err(`sealpress keys: the signing rights of ${id} were revoked from ${revoked.effective} (${revoked.reason}); a new certificate would never count. A person who returns gets a new id.`);
  return true;
}

// ---------------------------------------------------------------------------
// keys init

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

/**
 * The default policy (the security administrators change it later by signing
 * a new version): 信息公开 needs the department that wrote it and the office;
 * a sub-site's news one approver of that sub-site; everything else one
 * approver of the entry's site and department ("each department answers for
 * its columns").
 */
export function defaultPolicy(group: SiteGroup, signedAt: string): Record<string, unknown> {
  const rules: Record<string, unknown>[] = [];
  const xxgk = group.categories.find((c) => c.name === '信息公开');
  if (xxgk) {
    rules.push({
      match: { categories: [xxgk.id] },
      require: [
        { role: 'approver', count: 1, sameDepartment: true, sameSite: true },
        { role: 'office-approver', count: 1, sameDepartment: false, sameSite: false },
      ],
    });
  }
  const news = [...group.columns.values()].filter((c) => c.type === 'news').map((c) => c.id);
  if (news.length > 0) rules.push({ match: { siteKinds: ['sub'], columns: news }, require: [{ role: 'approver', count: 1, sameDepartment: false, sameSite: true }] });
  return { type: 'policy', version: 1, signedAt, rules, default: { require: [{ role: 'approver', count: 1, sameDepartment: true, sameSite: true }] } };
}

async function keysInit(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    'group-name': { type: 'string' },
    admin: { type: 'string', multiple: true },
    'admin-passphrase-file': { type: 'string', multiple: true },
    'ca-passphrase-file': { type: 'string' },
    threshold: { type: 'string' },
    'key-dir': { type: 'string' },
    days: { type: 'string' },
    'root-days': { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
    bits: { type: 'string' },
  });
  if (values.help) {
    io.out(KEYS_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const bits = bitsOf(values.bits);
  const group = loadGroup(root, io);
  if (!group) return EXIT.CONFIG;

  const problems: string[] = [];
  const groupName = values['group-name'] ?? group.name;
  if (groupName.trim() === '') problems.push('--group-name is empty');
  const admins = (values.admin ?? []).map((a) => parseAdmin(a, group, problems)).filter((a): a is AdminSpec => a !== undefined);
  if ((values.admin ?? []).length < 2) problems.push('at least two --admin ID:NAME:DEPT:SITE are needed: one administrator alone could change the roster, policy and revocations');
  const ids = admins.map((a) => a.id);
  for (const id of new Set(ids.filter((id, i) => ids.indexOf(id) !== i))) problems.push(`--admin ${id} is given twice`);
  const n = (values.admin ?? []).length;
  const threshold = values.threshold === undefined ? Math.min(2, n) : Number(values.threshold);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > Math.max(n, 1)) problems.push(`--threshold must be a whole number from 1 to the number of administrators (${n})`);
  if ((values['admin-passphrase-file'] ?? []).length > n) problems.push('more --admin-passphrase-file than --admin options');
  const days = daysOf(values.days, MAX_CERT_DAYS, MAX_CERT_DAYS, '--days');
  const rootDays = daysOf(values['root-days'], DEFAULT_ROOT_DAYS, MAX_CA_DAYS, '--root-days');
  reportProblems(problems);

  const trustDir = join(root, TRUST_DIR);
  const existing = Object.values(TRUST_FILES).filter((f) => existsSync(join(trustDir, f)));
  if (existing.includes(TRUST_FILES.root) && !values.force) {
    io.err(`sealpress keys init: ${TRUST_DIR}/ already has a root (${existing.join(', ')}); refusing to replace the group's trust material. Pass --force to start over with a new CA (every existing certificate and approval then stops counting).`);
    return EXIT.REFUSED;
  }
  const keyDir = prepareKeyDir(values['key-dir'], root, io, { mustBeEmpty: true });
  if (threshold === 1) io.err('warning: with --threshold 1 one administrator alone can change the roster, policy and revocations');

  // Every passphrase first, so that nothing is generated for a run that cannot finish.
  const caPassphrase = await readNewPassphrase({ what: 'the group CA key', file: values['ca-passphrase-file'], option: '--ca-passphrase-file' }, io);
  const adminPassphrases: string[] = [];
  for (const [i, a] of admins.entries()) {
    adminPassphrases.push(await readNewPassphrase({ what: `the key of ${a.name} (${a.id})`, file: values['admin-passphrase-file']?.[i], option: '--admin-passphrase-file' }, io));
  }

  const pairs = await generateKeys(admins.length + 1, bits, io);
  const ca = await keyStep(() => createGroupCa({ groupName, days: MAX_CA_DAYS, now, key: pairs[0]! }));
  const newKeys: NewKey[] = admins.map((a, i) => {
    const pair = pairs[i + 1]!;
    const person = { id: a.id, name: a.name, department: a.department };
    const cert = issueCertificate({ ca: { certPem: ca.certPem, key: ca.key }, person, publicKey: pair.publicKey, now, days });
    return { person, key: pair.privateKey, cert, passphrase: adminPassphrases[i]!, base: a.id };
  });
  const signers: Signer[] = newKeys.map((k) => ({ key: k.key, certPem: k.cert.certPem }));
  const signedAt = now.toISOString();
  const expires = isoInstant(Math.min(now.getTime() + rootDays * DAY_MS, ca.cert.notAfter));
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
  if (!check.ok) {
    io.err('sealpress keys init: the new trust material does not verify; nothing was written:');
    printTrustProblems(io, check);
    return EXIT.REFUSED;
  }

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

  if (values.json) {
    io.out(JSON.stringify({ caFingerprint: ca.fingerprint, group: groupName, threshold, securityAdmins: ids, trustFiles: written, keyFiles, rootExpires: expires }, null, 2));
  } else {
    io.out(`created the group CA of ${groupName} and ${admins.length} security administrators (threshold ${threshold})`);
    io.out(`  wrote ${written.join(', ')}`);
    io.out(`  private keys (encrypted, 0600) and certificates in ${keyDir}:`);
    for (const f of keyFiles) io.out(`    ${f}`);
    io.out(`  certificates valid until ${isoInstant(newKeys[0]!.cert.notAfter.getTime())}; the root expires ${expires}`);
    io.out('');
    io.out(`CA fingerprint (SHA-256): ${ca.fingerprint}`);
    io.out('Pin it in CI, outside the repository, so that whoever can commit cannot swap the trust chain:');
    io.out(`  SEALPRESS_TRUST_ANCHOR=${ca.fingerprint}`);
    io.out('Keep ca.key.pem offline; give each administrator their own key; commit sites/trust/.');
  }
  if (oldRecords > 0) io.err(`warning: ${oldRecords} approval record(s) under ${APPROVALS_DIR}/ were signed under the previous CA and no longer count`);
  return EXIT.OK;
}

// ---------------------------------------------------------------------------
// keys issue

async function keysIssue(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    ...ADMIN_OPTIONS,
    id: { type: 'string' },
    name: { type: 'string' },
    department: { type: 'string' },
    site: { type: 'string' },
    role: { type: 'string', multiple: true },
    'ca-key': { type: 'string' },
    'ca-passphrase-file': { type: 'string' },
    'passphrase-file': { type: 'string' },
    'key-dir': { type: 'string' },
    days: { type: 'string' },
    json: { type: 'boolean' },
    bits: { type: 'string' },
  });
  if (values.help) {
    io.out(KEYS_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const anchor = trustAnchor(values['trust-anchor']).trustAnchor;
  const bits = bitsOf(values.bits);
  const days = daysOf(values.days, MAX_CERT_DAYS, MAX_CERT_DAYS, '--days');
  const group = loadGroup(root, io);
  if (!group) return EXIT.CONFIG;
  if (values.id === undefined) throw usage('--id ID is required');
  const state = readTrustState(root, now, anchor);
  const trust = requireTrust(io, state, 'issuing a certificate');
  if (typeof trust === 'number') return trust;

  const id = values.id;
  const existing = trust.people.get(id);
  if (personRevoked(io, trust, id, now)) return EXIT.REFUSED;
  const problems: string[] = [];
  const name = values.name ?? existing?.name;
  const department = values.department ?? existing?.department;
  const site = values.site ?? existing?.site;
  if (!existing) {
    for (const [option, v] of [['--name', name], ['--department', department], ['--site', site]] as const) if (v === undefined) problems.push(`${option} is required for a new person`);
    if ((values.role ?? []).length === 0) problems.push('--role is required for a new person (approver, office-approver, security-admin, release-signer or writer)');
  }
  checkPersonFields(group, id, name, department, site, problems);
  reportProblems(problems);
  const own = { site: site!, department: department! };
  const grants = (values.role ?? []).map((r) => parseRole(r, own, group, problems)).filter((g): g is Grant => g !== undefined);
  const roles = grants.length > 0 ? grants : (existing?.roles ?? []);
  const duties = dutiesProblem(roles.map((g) => g.role));
  if (duties) problems.push(duties);
  reportProblems(problems);
  const keyDir = prepareKeyDir(values['key-dir'], root, io);

  const caKey = await openCa(values['ca-key'], values['ca-passphrase-file'], trust.anchor.cert, io);
  const admins = await openAdmins(values, trust.root, io);
  const person = { id, name: name!, department: department! };
  const passphrase = await readNewPassphrase({ what: `the new key of ${person.name} (${id})`, file: values['passphrase-file'], option: '--passphrase-file' }, io);
  const [pair] = await generateKeys(1, bits, io);
  const cert = await keyStep(() => issueCertificate({ ca: { certPem: trust.anchor.cert.pem, key: caKey }, person, publicKey: pair!.publicKey, now, days }));

  const payload = nextVersion(state.files.roster!, now, (p) => {
    const people = rawPeople(p);
    const raw = people.find((x) => x.id === id);
    const fields = { id, name: person.name, department: person.department, site: own.site, roles: roles.map((g) => ({ role: g.role, sites: g.sites, columns: g.columns, departments: g.departments })) };
    if (raw) {
      Object.assign(raw, fields);
      addCertificate(raw, cert.fingerprint);
    } else people.push({ ...fields, certificates: [cert.fingerprint] });
  });
  const roster = signDoc('roster', payload, admins.map((a) => a.signer));
  const after = verifiedOrRefused(io, state, { roster }, now, anchor);
  if (!after) return EXIT.REFUSED;

  const base = freshKeyName(keyDir, id, now);
  const keyFiles = writeNewKeys(root, keyDir, [{ person, key: pair!.privateKey, cert, passphrase, base }]);
  const written = writeTrustFiles(root, { roster });
  const listed = after.people.get(id)!;
  if (values.json) {
    io.out(JSON.stringify({ id, fingerprint: cert.fingerprint, notAfter: cert.notAfter.toISOString(), roles: listed.roles, rosterVersion: after.roster.version, signers: after.signedBy.roster, keyFiles, trustFiles: written }, null, 2));
  } else {
    io.out(`${existing ? 'new certificate for' : 'issued'} ${person.name} (${id}), ${person.department} at ${own.site}: ${listed.roles.map(grantText).join('; ')}`);
    io.out(`  certificate ${cert.fingerprint} valid until ${isoInstant(cert.notAfter.getTime())}`);
    for (const f of keyFiles) io.out(`  wrote ${f}`);
    io.out(`  roster v${after.roster.version}, signed by ${after.signedBy.roster.join(', ')} (${written.join(', ')})`);
    io.out(`Give ${base}.key.pem and ${base}.cert.pem to ${person.name} in person; the passphrase separately.`);
  }
  if (roles.some((g) => g.role === 'security-admin') && !trust.root.securityAdmins.includes(id)) {
    io.err(`warning: ${id} holds security-admin in the roster, but the root does not name them: their signatures on trust documents count only once a new root names them`);
  }
  return EXIT.OK;
}

// ---------------------------------------------------------------------------
// keys rotate

async function keysRotate(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    ...ADMIN_OPTIONS,
    id: { type: 'string', multiple: true },
    'ca-key': { type: 'string' },
    'ca-passphrase-file': { type: 'string' },
    'passphrase-file': { type: 'string', multiple: true },
    'key-dir': { type: 'string' },
    days: { type: 'string' },
    'revoke-old': { type: 'boolean' },
    reason: { type: 'string' },
    json: { type: 'boolean' },
    bits: { type: 'string' },
  });
  if (values.help) {
    io.out(KEYS_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const anchor = trustAnchor(values['trust-anchor']).trustAnchor;
  const bits = bitsOf(values.bits);
  const days = daysOf(values.days, MAX_CERT_DAYS, MAX_CERT_DAYS, '--days');
  const ids = [...new Set(values.id ?? [])];
  if (ids.length === 0) throw usage('--id ID is required (repeat it to rotate several people at once)');
  if ((values['passphrase-file'] ?? []).length > ids.length) throw usage('more --passphrase-file than --id options');
  const group = loadGroup(root, io);
  if (!group) return EXIT.CONFIG;
  const state = readTrustState(root, now, anchor);
  const trust = requireTrust(io, state, 'rotating keys');
  if (typeof trust === 'number') return trust;
  const people = ids.map((id) => trust.people.get(id));
  const unknown = ids.filter((_, i) => !people[i]);
  if (unknown.length > 0) throw usage(`not in the roster: ${unknown.join(', ')} (use keys issue for a new person)`);
  if (ids.some((id) => personRevoked(io, trust, id, now))) return EXIT.REFUSED;
  const keyDir = prepareKeyDir(values['key-dir'], root, io);

  const caKey = await openCa(values['ca-key'], values['ca-passphrase-file'], trust.anchor.cert, io);
  const admins = await openAdmins(values, trust.root, io);
  const passphrases: string[] = [];
  for (const [i, p] of (people as RosterPerson[]).entries()) {
    passphrases.push(await readNewPassphrase({ what: `the new key of ${p.name} (${p.id})`, file: values['passphrase-file']?.[i], option: '--passphrase-file' }, io));
  }
  const pairs = await generateKeys(ids.length, bits, io);
  const newKeys: NewKey[] = [];
  for (const [i, p] of (people as RosterPerson[]).entries()) {
    const person = { id: p.id, name: p.name, department: p.department };
    const cert = await keyStep(() => issueCertificate({ ca: { certPem: trust.anchor.cert.pem, key: caKey }, person, publicKey: pairs[i]!.publicKey, now, days }));
    newKeys.push({ person, key: pairs[i]!.privateKey, cert, passphrase: passphrases[i]!, base: freshKeyName(keyDir, p.id, now) });
  }
  // An administrator rotating their own key signs with the new one, so that
  // --revoke-old does not cancel their own signature on these very documents.
  const signers: Signer[] = admins.map((a: LoadedSigner) => {
    const mine = newKeys.find((k) => k.person.id === a.cert.uid);
    return mine ? { key: mine.key, certPem: mine.cert.certPem } : a.signer;
  });

  const changes: TrustFiles = {};
  changes.roster = signDoc(
    'roster',
    nextVersion(state.files.roster!, now, (p) => {
      const raw = rawPeople(p);
      for (const k of newKeys) {
        const person = raw.find((x) => x.id === k.person.id);
        if (person) addCertificate(person, k.cert.fingerprint);
      }
    }),
    signers,
  );
  // The old certificates are retired, always: once one expires its records count only if a revocation froze them
  // (trust/signer.ts), so each is revoked from now with the records it signed that count now (--revoke-old is the default).
  const revokedNow: string[] = [];
  const retired: SignedRecord[] = [];
  const reason = values.reason?.trim() || '密钥轮换';
  const additions: Record<string, unknown>[] = [];
  const signedRecords = signedRecordsOf(root, group, trust);
  for (const p of people as RosterPerson[]) {
    for (const fp of p.certificates) {
      if (revocationAt(trust.revocationIndex, p.id, fp, now.getTime())) continue;
      const frozen = freezable(signedRecords, { certificate: fp }, now.getTime());
      additions.push({ certificate: fp, effective: now.toISOString(), reason, frozen: digestsOf(frozen) });
      revokedNow.push(fp);
      retired.push(...frozen);
    }
  }
  if (additions.length > 0) {
    changes.revocations = signDoc(
      'revocations',
      nextVersion(state.files.revocations!, now, (p) => {
        p.revoked = [...(Array.isArray(p.revoked) ? (p.revoked as unknown[]) : []), ...additions];
      }),
      signers,
    );
  }
  const after = verifiedOrRefused(io, state, changes, now, anchor);
  if (!after) return EXIT.REFUSED;

  const keyFiles = writeNewKeys(root, keyDir, newKeys);
  const written = writeTrustFiles(root, changes);
  if (values.json) {
    io.out(
      JSON.stringify(
        {
          rotated: newKeys.map((k) => ({ id: k.person.id, fingerprint: k.cert.fingerprint, notAfter: k.cert.notAfter.toISOString() })),
          revoked: revokedNow,
          frozenRecords: frozenSummary(retired),
          rosterVersion: after.roster.version,
          revocationsVersion: after.revocations.version,
          keyFiles,
          trustFiles: written,
        },
        null,
        2,
      ),
    );
  } else {
    for (const k of newKeys) io.out(`rotated ${k.person.name} (${k.person.id}): new certificate ${k.cert.fingerprint} valid until ${isoInstant(k.cert.notAfter.getTime())}`);
    for (const f of keyFiles) io.out(`  wrote ${f}`);
    io.out(`  roster v${after.roster.version}, signed by ${after.signedBy.roster.join(', ')}`);
    if (revokedNow.length > 0) {
      io.out(`  retired (revoked from ${now.toISOString()}, ${reason}): ${revokedNow.map((f) => f.slice(0, 16)).join(', ')} (revocations v${after.revocations.version})`);
      printFrozen(io, retired);
    } else io.out('  no old certificate to retire');
  }
  return EXIT.OK;
}

// ---------------------------------------------------------------------------
// keys revoke

async function keysRevoke(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, {
    ...ADMIN_OPTIONS,
    id: { type: 'string' },
    cert: { type: 'string' },
    reason: { type: 'string' },
    effective: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.help) {
    io.out(KEYS_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const anchor = trustAnchor(values['trust-anchor']).trustAnchor;
  if ((values.id === undefined) === (values.cert === undefined)) throw usage('give either --id ID (the person, every certificate) or --cert FINGERPRINT (one certificate)');
  const reason = values.reason?.trim();
  if (!reason) throw usage('--reason TEXT is required (why: 离职, 密钥泄露, …); it is kept in the signed list');
  if ([...reason].length > 500) throw usage('--reason has more than 500 characters');
  let effectiveMs = now.getTime();
  if (values.effective !== undefined) {
    const t = parseInstant(values.effective);
    if (t === undefined) throw usage(`--effective must be an ISO 8601 instant with seconds and a zone, e.g. 2026-11-27T09:00:00+08:00; found "${values.effective}"`);
    // Freezing happens now: a later effective time would leave the records signed in between neither frozen nor refused.
    if (t > now.getTime()) throw usage(`--effective ${values.effective} is later than now (${now.toISOString()}): a revocation freezes the records that count when it is signed, so it is signed when it takes effect; run this command at that time`);
    effectiveMs = t;
  }
  const group = loadGroup(root, io);
  if (!group) return EXIT.CONFIG;
  const state = readTrustState(root, now, anchor);
  const trust = requireTrust(io, state, 'revoking');
  if (typeof trust === 'number') return trust;

  const entry: Record<string, unknown> = { effective: isoInstant(effectiveMs), reason };
  let subject: string;
  let holder: RosterPerson | undefined;
  if (values.id !== undefined) {
    holder = trust.people.get(values.id);
    if (!holder) throw usage(`${values.id} is not in the roster`);
    entry.person = holder.id;
    subject = `${holder.name} (${holder.id}), every certificate`;
  } else {
    const fp = resolveFingerprint(values.cert!, trust);
    holder = trust.personByCertificate.get(fp);
    entry.certificate = fp;
    subject = `certificate ${fp} of ${holder ? `${holder.name} (${holder.id})` : 'nobody in the roster'}`;
  }
  const already = holder ? revocationAt(trust.revocationIndex, holder.id, (entry.certificate as string | undefined) ?? '', effectiveMs) : undefined;
  if (already && (entry.person === undefined || already.person !== undefined)) {
    io.out(`${subject} is already revoked from ${already.effective} (${already.reason}); nothing to do`);
    return EXIT.OK;
  }
  const frozen = freezable(signedRecordsOf(root, group, trust), entry.person !== undefined ? { person: entry.person as string } : { certificate: entry.certificate as string }, effectiveMs);
  entry.frozen = digestsOf(frozen);
  const admins = await openAdmins(values, trust.root, io);
  const revocations = signDoc(
    'revocations',
    nextVersion(state.files.revocations!, now, (p) => {
      p.revoked = [...(Array.isArray(p.revoked) ? (p.revoked as unknown[]) : []), entry];
    }),
    admins.map((a) => a.signer),
  );
  const after = verifiedOrRefused(io, state, { revocations }, now, anchor);
  if (!after) return EXIT.REFUSED;
  writeTrustFiles(root, { revocations });
  if (values.json) {
    io.out(JSON.stringify({ revoked: entry, frozenRecords: frozenSummary(frozen), revocationsVersion: after.revocations.version, signers: after.signedBy.revocations }, null, 2));
  } else {
    io.out(`revoked ${subject} from ${isoInstant(effectiveMs)} (${reason})`);
    io.out(`  revocations v${after.revocations.version}, signed by ${after.signedBy.revocations.join(', ')}`);
    printFrozen(io, frozen);
  }
  if (holder && trust.root.securityAdmins.includes(holder.id)) {
    const left = trust.root.securityAdmins.filter((a) => a !== holder.id && !after.revocationIndex.person.has(a));
    if (left.length < trust.root.threshold) io.err(`warning: only ${left.length} security administrator(s) remain unrevoked and the threshold is ${trust.root.threshold}: the CA key holder must sign a new root`);
  }
  return EXIT.OK;
}

/** A full fingerprint, or a unique prefix (≥ 12 hex digits, as `keys list` shows them) of one in the roster. */
function resolveFingerprint(text: string, trust: Trust): string {
  const full = normaliseFingerprint(text);
  if (full) return full;
  const prefix = text.trim().replaceAll(':', '').toLowerCase();
  if (!/^[0-9a-f]{12,63}$/.test(prefix)) throw usage(`--cert ${text} is not a SHA-256 fingerprint (64 hex digits, or a prefix of at least 12 as keys list shows)`);
  const hits = [...trust.personByCertificate.keys()].filter((fp) => fp.startsWith(prefix));
  if (hits.length !== 1) throw usage(`--cert ${text} ${hits.length === 0 ? 'matches no certificate in the roster' : `matches ${hits.length} certificates; give more digits`}`);
  return hits[0]!;
}

/** The repository's signed records, verified against the current trust as the gate verifies them (gate/freeze.ts). */
function signedRecordsOf(root: string, group: SiteGroup, trust: Trust): SignedRecord[] {
  return verifiedSignedRecords(
    { approvals: loadApprovalRecords(root).records, waivers: loadSignedRecords(root, WAIVERS_DIR).records, columnChanges: loadColumnChanges(root).records, group },
    trust,
  );
}

const digestsOf = (records: readonly SignedRecord[]): string[] => [...new Set(records.map((r) => r.digest))].sort();

const KIND_NAMES: Record<SignedKind, string> = { approval: 'approval record(s)', waiver: 'waiver(s)', 'column-change': 'column change request(s)' };

function frozenSummary(records: readonly SignedRecord[]): Record<SignedKind, number> & { files: string[] } {
  const count = (k: SignedKind) => records.filter((r) => r.kind === k).length;
  return { approval: count('approval'), waiver: count('waiver'), 'column-change': count('column-change'), files: [...new Set(records.map((r) => r.file))].sort() };
}

/** What a revocation froze, per kind, with the files: the administrators review them (a record planted after the effective time but dated before it would be among them). */
function printFrozen(io: Io, records: readonly SignedRecord[]): void {
  const summary = frozenSummary(records);
  const kinds = (Object.keys(KIND_NAMES) as SignedKind[]).map((k) => `${summary[k]} ${KIND_NAMES[k]}`).join(', ');
  io.out(`  froze ${kinds}: these stay valid; any other record of the revoked key is refused, whatever signing time it claims`);
  for (const f of summary.files) io.out(`    ${f}`);
  if (summary.files.length > 0) io.out('  review this list: a record the key signed after the effective time but dated before it would be frozen too');
}

// ---------------------------------------------------------------------------
// keys list

type CertStatus = 'valid' | 'EXPIRING' | 'expired' | 'not-yet-valid' | 'revoked' | 'unknown';

/** Certificates by fingerprint, from every public place they are kept. */
function collectCertificates(root: string, files: TrustFiles, extraDirs: readonly string[], wanted: ReadonlySet<string>): Map<string, CertInfo> {
  const found = new Map<string, CertInfo>();
  const take = (pem: string) => {
    const inspected = inspectCertificate(pem);
    if (inspected.ok && wanted.has(inspected.cert.fingerprint)) found.set(inspected.cert.fingerprint, inspected.cert);
  };
  const fromDir = (dir: string) => {
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.pem') && !n.endsWith('.key.pem'));
    } catch {
      return;
    }
    for (const n of names) {
      try {
        take(readFileSync(join(dir, n), 'utf8'));
      } catch {
        // An unreadable file is skipped: the list then shows that certificate as unknown.
      }
    }
  };
  fromDir(join(root, CERTS_DIR));
  for (const d of extraDirs) fromDir(resolve(d));
  const fromEnvelope = (bytes: Uint8Array) => {
    const parsed = parseEnvelope(bytes);
    if (parsed.ok) for (const s of parsed.envelope.signatures) if (!found.has(s.keyid)) take(s.cert);
  };
  for (const bytes of Object.values(files)) if (bytes) fromEnvelope(bytes);
  if ([...wanted].some((fp) => !found.has(fp))) for (const r of loadApprovalRecords(root).records) fromEnvelope(r.bytes);
  return found;
}

async function keysList(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, 'trust-anchor': { type: 'string' }, 'warn-days': { type: 'string' }, certs: { type: 'string', multiple: true } });
  if (values.help) {
    io.out(KEYS_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const t = now.getTime();
  const warnDays = values['warn-days'] === undefined ? 14 : Number(values['warn-days']);
  if (!Number.isInteger(warnDays) || warnDays < 0) throw usage('--warn-days must be a whole number ≥ 0');
  const state = readTrustState(root, now, trustAnchor(values['trust-anchor']).trustAnchor);
  if (!state.result.ok) {
    if (values.json) io.out(JSON.stringify({ ok: false, problems: state.result.problems, warnings: state.result.warnings }, null, 2));
    io.err(`sealpress keys list: the trust material in ${TRUST_DIR}/ does not verify; the gate refuses every entry until it does:`);
    printTrustProblems(io, state.result, state.unreadable);
    return EXIT.REFUSED;
  }
  const trust = state.result.trust;
  const wanted = new Set(trust.personByCertificate.keys());
  const certs = collectCertificates(root, state.files, values.certs ?? [], wanted);

  const people = trust.roster.people.map((p) => {
    const personRevoked = revocationAt(trust.revocationIndex, p.id, '', t);
    const list = p.certificates.map((fp) => {
      const c = certs.get(fp);
      const revoked = revocationAt(trust.revocationIndex, p.id, fp, t);
      let status: CertStatus;
      if (revoked) status = 'revoked';
      else if (!c) status = 'unknown';
      else {
        const v = validityAt(c, t);
        status = v === 'expired' ? 'expired' : v === 'not-yet-valid' ? 'not-yet-valid' : c.notAfter - t <= warnDays * DAY_MS ? 'EXPIRING' : 'valid';
      }
      return {
        fingerprint: fp,
        status,
        ...(c ? { notBefore: isoInstant(c.notBefore), notAfter: isoInstant(c.notAfter), daysLeft: Math.floor((c.notAfter - t) / DAY_MS) } : {}),
        ...(revoked ? { revoked: { effective: revoked.effective, reason: revoked.reason, frozen: revoked.frozen.length } } : {}),
        cert: c,
      };
    });
    return { person: p, revoked: personRevoked, certificates: list };
  });

  // Warn about people whose newest usable certificate expires soon: older certificates expiring is normal after a rotation.
  const warnings: string[] = [];
  for (const { person, revoked, certificates } of people) {
    if (revoked) continue;
    const usable = certificates.filter((c) => c.status !== 'revoked' && c.cert).map((c) => c.cert!);
    const newest = usable.sort((a, b) => b.notAfter - a.notAfter)[0];
    if (!newest) {
      if (certificates.some((c) => c.status === 'unknown')) warnings.push(`${person.name} (${person.id}): no certificate at hand to check its expiry (pass --certs DIR)`);
      continue;
    }
    for (const e of expiringSoon([newest], now, warnDays)) {
      warnings.push(
        e.expired
          ? `${person.name} (${person.id}): the certificate ${e.fingerprint.slice(0, 16)} expired ${e.notAfter.toISOString()}; they cannot sign until it is rotated (sealpress keys rotate --id ${person.id})`
          : `${person.name} (${person.id}): the certificate ${e.fingerprint.slice(0, 16)} expires ${e.notAfter.toISOString()} (in ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'}); rotate it (sealpress keys rotate --id ${person.id})`,
      );
    }
  }

  if (values.json) {
    io.out(
      JSON.stringify(
        {
          ok: true,
          now: now.toISOString(),
          anchor: { fingerprint: trust.anchor.fingerprint, pinned: trust.anchor.pinned },
          rosterVersion: trust.roster.version,
          people: people.map(({ person, revoked, certificates }) => ({
            id: person.id,
            name: person.name,
            department: person.department,
            site: person.site,
            roles: person.roles,
            securityAdmin: trust.root.securityAdmins.includes(person.id),
            ...(revoked ? { revoked: { effective: revoked.effective, reason: revoked.reason, frozen: revoked.frozen.length } } : {}),
            certificates: certificates.map(({ cert: _cert, ...c }) => c),
          })),
          warnings,
          trustWarnings: state.result.warnings,
        },
        null,
        2,
      ),
    );
    return EXIT.OK;
  }
  io.out(`roster v${trust.roster.version}: ${people.length} people (CA ${trust.anchor.fingerprint.slice(0, 16)}…${trust.anchor.pinned ? ', pinned' : ''}; ${now.toISOString()})`);
  for (const { person, revoked, certificates } of people) {
    io.out('');
    io.out(`${person.id}  ${person.name}  ${person.department} @ ${person.site}${revoked ? `  REVOKED from ${revoked.effective} (${revoked.reason}; ${revoked.frozen.length} record(s) frozen)` : ''}`);
    io.out(`  roles: ${person.roles.map(grantText).join('; ')}`);
    for (const c of certificates) {
      const until = c.notAfter ? `until ${c.notAfter.slice(0, 10)}` : 'certificate not at hand';
      const extra = c.revoked ? ` from ${c.revoked.effective} (${c.revoked.reason}; ${c.revoked.frozen} record(s) frozen)` : c.status === 'EXPIRING' ? ` (in ${c.daysLeft} days)` : '';
      io.out(`  cert ${c.fingerprint.slice(0, 16)}  ${until.padEnd(16)}  ${c.status}${extra}`);
    }
  }
  io.out('');
  for (const w of warnings) io.out(`warning: ${w}`);
  for (const w of state.result.warnings) io.out(`warning: ${w.file}: ${w.message} [${w.code}]`);
  return EXIT.OK;
}

