/** Select audit entries for `sealpress audit show`. Pure. */
import type { AuditEntry } from './entry.ts';

export interface AuditFilter {
  /** A site code: entries that name it among their sites. */
  site?: string;
  /** A repo-relative entry path; one ending in `/` selects every entry under that folder. */
  entry?: string;
  /** A person id: entries whose actor it is. */
  person?: string;
  /** Inclusive bounds on the entry's time. */
  from?: Date;
  to?: Date;
  action?: string;
}

/**
 * Gate runs record counts, not paths (a run over 10,000 entries stays one
 * small line), so `entry` finds the approvals, withdrawals and waivers of an
 * entry, not every gate run that judged it.
 */
export function filterAudit(entries: readonly AuditEntry[], filter: AuditFilter): AuditEntry[] {
  const want = filter.entry?.replace(/^\.\//, '');
  const from = filter.from?.getTime();
  const to = filter.to?.getTime();
  return entries.filter((e) => {
    if (filter.action !== undefined && e.action !== filter.action) return false;
    if (filter.person !== undefined && e.actor !== filter.person) return false;
    if (filter.site !== undefined && !(e.sites ?? []).includes(filter.site)) return false;
    if (want !== undefined && !(e.entries ?? []).some((p) => (want.endsWith('/') ? p.startsWith(want) : p === want))) return false;
    if (from !== undefined || to !== undefined) {
      const t = Date.parse(e.at);
      if (from !== undefined && t < from) return false;
      if (to !== undefined && t > to) return false;
    }
    return true;
  });
}
