/**
 * Which certificates need renewing. Certificates live at most 90 days (the
 * rules: credentials change every three months), so renewal is routine and
 * the CLI warns two weeks ahead by default.
 */
import { inspectCertificate, type CertInfo } from './certs.ts';

const DAY_MS = 86_400_000;

export interface ExpiringCertificate {
  fingerprint: string;
  /** The person id (UID) and name (CN) on the certificate. */
  uid: string | undefined;
  name: string | undefined;
  notAfter: Date;
  /** Whole days left, rounded down; negative once expired. */
  daysLeft: number;
  expired: boolean;
}

/**
 * Certificates that expire within `days` of now (or have expired), soonest
 * first. Unreadable PEMs are skipped here; verification reports them.
 */
export function expiringSoon(certs: readonly (string | CertInfo)[], now: Date, days = 14): ExpiringCertificate[] {
  const t = now.getTime();
  const out: ExpiringCertificate[] = [];
  for (const c of certs) {
    let info: CertInfo;
    if (typeof c === 'string') {
      const inspected = inspectCertificate(c);
      if (!inspected.ok) continue;
      info = inspected.cert;
    } else info = c;
    const left = info.notAfter - t;
    if (left >= days * DAY_MS) continue;
    out.push({ fingerprint: info.fingerprint, uid: info.uid, name: info.name, notAfter: new Date(info.notAfter), daysLeft: Math.floor(left / DAY_MS), expired: left <= 0 });
  }
  return out.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
}
