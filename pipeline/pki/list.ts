/**
 * Who holds what: the verified roster, each person's roles and certificates
 * with their status at a time, and who must rotate soon. Certificates are
 * looked up in every public place they are kept (the roster holds
 * fingerprints only).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadApprovalRecords } from '../load/index.ts';
import { expiringSoon, inspectCertificate, isoInstant, parseEnvelope, revocationAt, validityAt, type CertInfo, type Revocation, type RosterPerson, type Trust, type TrustFiles, type TrustWarning } from '../trust/index.ts';
import { CERTS_DIR, readTrustState, type TrustState } from './state.ts';
import { chinaTime } from '../util/dates.ts';

const DAY_MS = 86_400_000;

export type CertStatus = 'valid' | 'EXPIRING' | 'expired' | 'not-yet-valid' | 'revoked' | 'unknown';

export interface ListedCertificate {
  fingerprint: string;
  status: CertStatus;
  notBefore?: string;
  notAfter?: string;
  daysLeft?: number;
  revoked?: { effective: string; reason: string; frozen: number };
}

export interface ListedPerson {
  person: RosterPerson;
  securityAdmin: boolean;
  revoked: Revocation | undefined;
  certificates: ListedCertificate[];
}

export interface ListOptions {
  root: string;
  now: Date;
  anchor?: string | undefined;
  /** A certificate expiring within this many days is EXPIRING. */
  warnDays: number;
  /** More folders to look for certificates in. */
  certDirs: readonly string[];
}

export type ListResult =
  | { ok: false; state: TrustState }
  | { ok: true; trust: Trust; people: ListedPerson[]; warnings: string[]; trustWarnings: TrustWarning[] };

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

export function listKeys(options: ListOptions): ListResult {
  const { root, now, warnDays } = options;
  const t = now.getTime();
  const state = readTrustState(root, now, options.anchor);
  if (!state.result.ok) return { ok: false, state };
  const trust = state.result.trust;
  const certs = collectCertificates(root, state.files, options.certDirs, new Set(trust.personByCertificate.keys()));

  const people = trust.roster.people.map((p) => {
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
    return { person: p, revoked: revocationAt(trust.revocationIndex, p.id, '', t), certificates: list };
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
          ? `${person.name} (${person.id}): the certificate ${e.fingerprint.slice(0, 16)} expired ${chinaTime(e.notAfter)}; they cannot sign until it is rotated (sealpress keys rotate --id ${person.id})`
          : `${person.name} (${person.id}): the certificate ${e.fingerprint.slice(0, 16)} expires ${chinaTime(e.notAfter)} (in ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'}); rotate it (sealpress keys rotate --id ${person.id})`,
      );
    }
  }
  return {
    ok: true,
    trust,
    people: people.map(({ person, revoked, certificates }) => ({ person, securityAdmin: trust.root.securityAdmins.includes(person.id), revoked, certificates: certificates.map(({ cert: _cert, ...c }) => c) })),
    warnings,
    trustWarnings: state.result.warnings,
  };
}

/** The listing as a program reads it (keys list --json). */
export function listJson(r: Extract<ListResult, { ok: true }>, now: Date): Record<string, unknown> {
  const { trust } = r;
  const people = r.people.map(({ person, securityAdmin, revoked, certificates }) => ({
    id: person.id,
    name: person.name,
    department: person.department,
    site: person.site,
    roles: person.roles,
    securityAdmin,
    ...(revoked ? { revoked: { effective: revoked.effective, reason: revoked.reason, frozen: revoked.frozen.length } } : {}),
    certificates,
  }));
  const anchor = { fingerprint: trust.anchor.fingerprint, pinned: trust.anchor.pinned };
  return { ok: true, now: now.toISOString(), anchor, rosterVersion: trust.roster.version, people, warnings: r.warnings, trustWarnings: r.trustWarnings };
}
