/**
 * The trust documents under sites/trust/ and their schemas. Each is the payload
 * of a DSSE envelope; these readers run only on bytes whose signature has been
 * verified, and collect every problem (STYLE 8). Required fields are strict;
 * unknown fields are ignored (they remain in the signed bytes), except inside
 * a policy rule's match and requirements and a role's scope: there an unknown
 * field is a condition this gate cannot enforce, and ignoring it would widen
 * the rule, so the document is refused (fail closed).
 */
import { normaliseFingerprint } from './certs.ts';
import { PERSON_ID, Reader, SHA256_HEX, SITE_CODE, SLUG_ID, type Json } from './schema.ts';

export const PAYLOAD_TYPES = {
  root: 'application/vnd.sealpress.root+json',
  roster: 'application/vnd.sealpress.roster+json',
  policy: 'application/vnd.sealpress.policy+json',
  revocations: 'application/vnd.sealpress.revocations+json',
  approval: 'application/vnd.sealpress.approval+json',
} as const;

export const ROLES = ['approver', 'office-approver', 'security-admin', 'release-signer', 'writer'] as const;
export type Role = (typeof ROLES)[number];
/** Only these roles approve content; a policy that asks for another role breaks separation of duties. */
export const APPROVER_ROLES = ['approver', 'office-approver'] as const;
export type ApproverRole = (typeof APPROVER_ROLES)[number];
export const SITE_KINDS = ['main', 'sub'] as const;
export type SiteKind = (typeof SITE_KINDS)[number];

/** A list of ids, or every one. */
export type Scope = readonly string[] | '*';

interface Signed {
  version: number;
  /** When the document was signed (ISO) and its time in ms. */
  signedAt: string;
  signedAtMs: number;
  /** Optional end of validity. */
  expires?: string;
  expiresMs?: number;
}

export interface RootDocument {
  type: 'root';
  version: number;
  group: string;
  securityAdmins: string[];
  threshold: number;
  expires: string;
  expiresMs: number;
}

export interface RoleGrant {
  role: Role;
  sites: Scope;
  columns: Scope;
  departments: Scope;
}

export interface RosterPerson {
  id: string;
  name: string;
  department: string;
  /** 11-digit code of the site the person belongs to. */
  site: string;
  roles: RoleGrant[];
  /** SHA-256 fingerprints (lower-case hex) of the person's certificates. */
  certificates: string[];
}

export interface RosterDocument extends Signed {
  type: 'roster';
  people: RosterPerson[];
}

export interface Requirement {
  role: ApproverRole;
  count: number;
  /** The approver must belong to the entry's department. */
  sameDepartment: boolean;
  /** The approver must belong to the entry's site. */
  sameSite: boolean;
}

export interface PolicyMatch {
  categories?: string[];
  columns?: string[];
  siteKinds?: SiteKind[];
  sites?: string[];
}

export interface PolicyRule {
  match: PolicyMatch;
  require: Requirement[];
}

/** How many distinct release signers a release manifest needs. */
export interface ReleasePolicy {
  threshold: number;
}

/** A policy without a `release` section asks for one release signer (the demo policy predates the field). */
export const DEFAULT_RELEASE_POLICY: Readonly<ReleasePolicy> = { threshold: 1 };

export interface PolicyDocument extends Signed {
  type: 'policy';
  rules: PolicyRule[];
  default: { require: Requirement[] };
  /** Always present once read: the document's `release` section, or DEFAULT_RELEASE_POLICY. */
  release: ReleasePolicy;
}

export interface Revocation {
  person?: string;
  certificate?: string;
  effective: string;
  effectiveMs: number;
  reason: string;
  /**
   * SHA-256 (lower-case hex) of the signed payload of each record of this
   * person or certificate that stays valid: frozen when the revocation was
   * made. A revoked key can still sign, and the time it writes into what it
   * signs is its own claim (Trust model 9), so after a revocation a record of
   * that key counts only if it is named here. A document without the field
   * froze nothing.
   */
  frozen: string[];
}

export interface RevocationsDocument extends Signed {
  type: 'revocations';
  revoked: Revocation[];
}

export type Read<T> = { ok: true; value: T } | { ok: false; problems: string[] };

function done<T>(r: Reader, value: T): Read<T> {
  return r.problems.length === 0 ? { ok: true, value } : fail(r);
}

function fail(r: Reader): { ok: false; problems: string[] } {
  return { ok: false, problems: r.problems.length ? r.problems : ['unreadable'] };
}

function signedFields(r: Reader, o: Json): Signed | undefined {
  const version = r.integer(o, 'version', '', 1);
  const signedAt = r.instant(o, 'signedAt', '');
  const expires = r.optionalInstant(o, 'expires', '');
  if (version === undefined || signedAt === undefined) return undefined;
  const s: Signed = { version, signedAt: signedAt.text, signedAtMs: signedAt.t };
  if (expires) {
    s.expires = expires.text;
    s.expiresMs = expires.t;
  }
  return s;
}

export function readRoot(value: unknown): Read<RootDocument> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return fail(r);
  r.literal(o, 'type', '', 'root');
  const version = r.integer(o, 'version', '', 1);
  const group = r.string(o, 'group', '', { max: 200 });
  const securityAdmins = r.stringList(o, 'securityAdmins', '', { pattern: PERSON_ID, hint: 'a person id', max: 100 });
  const threshold = r.integer(o, 'threshold', '', 1, 100);
  const expires = r.instant(o, 'expires', '');
  if (securityAdmins && threshold !== undefined && threshold > securityAdmins.length) {
    r.problem('threshold', `is ${threshold}, but only ${securityAdmins.length} security administrators are named: nothing could ever be signed`);
  }
  if (version === undefined || group === undefined || !securityAdmins || threshold === undefined || !expires) return fail(r);
  return done(r, { type: 'root', version, group, securityAdmins, threshold, expires: expires.text, expiresMs: expires.t });
}

function readScope(r: Reader, o: Json, key: string, at: string, pattern: RegExp, hint: string): Scope | undefined {
  if (o[key] === '*') return '*';
  if (typeof o[key] === 'string') {
    r.problem(`${at}.${key}`, 'must be "*" or a list');
    return undefined;
  }
  return r.stringList(o, key, at, { pattern, hint });
}

export function readRoster(value: unknown): Read<RosterDocument> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return fail(r);
  r.literal(o, 'type', '', 'roster');
  const signed = signedFields(r, o);
  const list = r.array(o, 'people', '', 1, 10_000);
  const people: RosterPerson[] = [];
  const ids = new Map<string, number>();
  const owners = new Map<string, string>();
  list?.forEach((p, i) => {
    const at = `people[${i}]`;
    const po = r.object(p, at);
    if (!po) return;
    const id = r.string(po, 'id', at, { pattern: PERSON_ID, hint: 'a person id (letters, digits, . _ -)' });
    const name = r.string(po, 'name', at, { max: 100 });
    const department = r.string(po, 'department', at, { pattern: SLUG_ID, hint: 'a department id' });
    const site = r.string(po, 'site', at, { pattern: SITE_CODE, hint: 'an 11-digit site code' });
    const roleList = r.array(po, 'roles', at, 1, 20);
    const roles: RoleGrant[] = [];
    roleList?.forEach((g, j) => {
      const gat = `${at}.roles[${j}]`;
      const go = r.object(g, gat);
      if (!go) return;
      r.onlyKnown(go, gat, ['role', 'sites', 'columns', 'departments']);
      const role = r.oneOf(go, 'role', gat, ROLES);
      const sites = readScope(r, go, 'sites', gat, SITE_CODE, 'an 11-digit site code');
      const columns = readScope(r, go, 'columns', gat, SLUG_ID, 'a column id');
      const departments = readScope(r, go, 'departments', gat, SLUG_ID, 'a department id');
      if (role && sites && columns && departments) roles.push({ role, sites, columns, departments });
    });
    const certList = r.array(po, 'certificates', at, 0, 100);
    const certificates: string[] = [];
    certList?.forEach((c, j) => {
      const fp = typeof c === 'string' ? normaliseFingerprint(c) : undefined;
      if (!fp) {
        r.problem(`${at}.certificates[${j}]`, 'is not a SHA-256 fingerprint (64 hex digits)');
        return;
      }
      // A certificate belongs to one person; listing it twice makes its holder ambiguous.
      const owner = owners.get(fp);
      if (owner !== undefined) r.problem(`${at}.certificates[${j}]`, `is already listed under ${owner}`);
      owners.set(fp, id ?? at);
      certificates.push(fp);
    });
    if (id !== undefined) {
      if (ids.has(id)) r.problem(`${at}.id`, `${id} is listed twice (also people[${ids.get(id)}])`);
      ids.set(id, i);
    }
    if (id && name && department && site && roleList && certList && roles.length === roleList.length) {
      people.push({ id, name, department, site, roles, certificates });
    }
  });
  if (!signed || !list) return fail(r);
  return done(r, { type: 'roster', ...signed, people });
}

function readRequirements(r: Reader, o: Json, at: string): Requirement[] | undefined {
  // A rule that requires nobody would publish without approval: refused, not read as "no approval needed".
  const list = r.array(o, 'require', at, 1, 10);
  if (!list) return undefined;
  const out: Requirement[] = [];
  list.forEach((q, i) => {
    const qat = `${at}.require[${i}]`;
    const qo = r.object(q, qat);
    if (!qo) return;
    r.onlyKnown(qo, qat, ['role', 'count', 'sameDepartment', 'sameSite']);
    const role = r.oneOf(qo, 'role', qat, APPROVER_ROLES);
    const count = r.integer(qo, 'count', qat, 1, 10);
    const sameDepartment = r.optionalBoolean(qo, 'sameDepartment', qat) ?? false;
    const sameSite = r.optionalBoolean(qo, 'sameSite', qat) ?? false;
    if (role && count !== undefined) out.push({ role, count, sameDepartment, sameSite });
  });
  return out.length === list.length ? out : undefined;
}

export function readPolicy(value: unknown): Read<PolicyDocument> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return fail(r);
  r.literal(o, 'type', '', 'policy');
  const signed = signedFields(r, o);
  const list = r.array(o, 'rules', '', 0, 1000);
  const rules: PolicyRule[] = [];
  list?.forEach((rule, i) => {
    const at = `rules[${i}]`;
    const ro = r.object(rule, at);
    if (!ro) return;
    const mo = r.object(ro.match, `${at}.match`);
    const require = readRequirements(r, ro, at);
    if (!mo) return;
    const match: PolicyMatch = {};
    const mat = `${at}.match`;
    r.onlyKnown(mo, mat, ['categories', 'columns', 'siteKinds', 'sites']);
    if (mo.categories !== undefined) {
      const v = r.stringList(mo, 'categories', mat, { pattern: SLUG_ID, hint: 'a category id' });
      if (v) match.categories = v;
    }
    if (mo.columns !== undefined) {
      const v = r.stringList(mo, 'columns', mat, { pattern: SLUG_ID, hint: 'a column id' });
      if (v) match.columns = v;
    }
    if (mo.sites !== undefined) {
      const v = r.stringList(mo, 'sites', mat, { pattern: SITE_CODE, hint: 'an 11-digit site code' });
      if (v) match.sites = v;
    }
    if (mo.siteKinds !== undefined) {
      const v = r.stringList(mo, 'siteKinds', mat, { pattern: /^(main|sub)$/, hint: '"main" or "sub"' });
      if (v) match.siteKinds = v as SiteKind[];
    }
    if (require) rules.push({ match, require });
  });
  const dflt = r.object(o.default, 'default');
  const defaultRequire = dflt ? readRequirements(r, dflt, 'default') : undefined;
  const release = readReleasePolicy(r, o);
  if (!signed || !list || !defaultRequire || !release) return fail(r);
  return done(r, { type: 'policy', ...signed, rules, default: { require: defaultRequire }, release });
}

function readReleasePolicy(r: Reader, o: Json): ReleasePolicy | undefined {
  if (o.release === undefined) return { ...DEFAULT_RELEASE_POLICY };
  const ro = r.object(o.release, 'release');
  if (!ro) return undefined;
  // An unknown key here could be a condition on releases (a second role, a scope); ignoring it would widen who may release.
  r.onlyKnown(ro, 'release', ['threshold']);
  const threshold = r.integer(ro, 'threshold', 'release', 1, 10);
  return threshold === undefined ? undefined : { threshold };
}

/** Records frozen by one revocation: a person who approved for years has thousands, never millions. */
const MAX_FROZEN = 200_000;

export function readRevocations(value: unknown): Read<RevocationsDocument> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return fail(r);
  r.literal(o, 'type', '', 'revocations');
  const signed = signedFields(r, o);
  const list = r.array(o, 'revoked', '', 0, 100_000);
  const revoked: Revocation[] = [];
  list?.forEach((v, i) => {
    const at = `revoked[${i}]`;
    const vo = r.object(v, at);
    if (!vo) return;
    const person = r.optionalString(vo, 'person', at, { pattern: PERSON_ID, hint: 'a person id' });
    let certificate: string | undefined;
    if (vo.certificate !== undefined) {
      certificate = typeof vo.certificate === 'string' ? normaliseFingerprint(vo.certificate) : undefined;
      if (!certificate) r.problem(`${at}.certificate`, 'is not a SHA-256 fingerprint (64 hex digits)');
    }
    if (vo.person === undefined && vo.certificate === undefined) r.problem(at, 'names neither a person nor a certificate');
    const effective = r.instant(vo, 'effective', at);
    const reason = r.string(vo, 'reason', at, { max: 500 });
    const frozen = vo.frozen === undefined ? [] : r.stringList(vo, 'frozen', at, { pattern: SHA256_HEX, hint: 'a SHA-256 digest (64 lower-case hex digits)', min: 0, max: MAX_FROZEN });
    if (!effective || reason === undefined || !frozen) return;
    const entry: Revocation = { effective: effective.text, effectiveMs: effective.t, reason, frozen };
    if (person !== undefined) entry.person = person;
    if (certificate !== undefined) entry.certificate = certificate;
    if (entry.person !== undefined || entry.certificate !== undefined) revoked.push(entry);
  });
  if (!signed || !list) return fail(r);
  return done(r, { type: 'revocations', ...signed, revoked });
}
