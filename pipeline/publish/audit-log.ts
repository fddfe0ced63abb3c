/**
 * Reading the audit log for a person: `auditVerify` checks the whole chain
 * against the release archive's seals; `auditShow` prints the entries that
 * verified, filtered. Each returns its outcome, the JSON a program reads, the
 * lines a person reads and the problems (for stderr), so that every shell
 * shows the same thing. A tampered log is not shown as fact: show verifies as
 * it reads and stops at the first bad entry.
 */
import { auditLogPath, filterAudit, readAuditLog, type AuditEntry, type AuditFilter, type AuditVerifyResult } from '../audit/index.ts';
import { SealpressError } from '../errors/index.ts';
import { shown } from '../pki/state.ts';
import { parseDateTime } from '../util/dates.ts';
import { checkAuditArchive, verifySealedLog, type ArchiveCheck, type AuditArchiveOptions } from './seals.ts';

/** ok: the log verifies; broken: it does not, or the archive cannot vouch for it; missing: no log at that path. */
export interface AuditReading {
  outcome: 'ok' | 'broken' | 'missing';
  /** The machine-readable result (undefined: nothing to print). */
  json?: Record<string, unknown>;
  /** What a person reads (without --json). */
  lines: string[];
  /** Problems and warnings, for stderr. */
  problems: string[];
}

function missing(name: string): AuditReading {
  return { outcome: 'missing', lines: [], problems: [`sealpress audit: there is no audit log at ${name}; give --log FILE or set $SEALPRESS_AUDIT_LOG`] };
}

function problemLine(name: string, result: AuditVerifyResult): string {
  const bad = result.firstBad!;
  return `${name}:${bad.line}${bad.seq !== undefined ? ` seq ${bad.seq}` : ''}: ${bad.problem} [${bad.code}]`;
}

/** Check every line of the log, and that every seal of the release archive is found in it. */
export function auditVerify(o: AuditArchiveOptions): AuditReading {
  const { root } = o;
  const name = shown(root, auditLogPath(root, o.log, o.env));
  const arch = checkAuditArchive(o);
  if (arch.problems.length > 0) {
    // Fail closed: an unreadable or missing manifest may hold the seal that would show the damage.
    const problems = arch.problems.map((p) => `sealpress audit: ${shown(root, p.file)}: ${p.problem} [${p.code}]`);
    problems.push(
      arch.problems.some((p) => p.code === 'AUDIT_SEAL_MISSING')
        ? 'sealpress audit: the log cannot be checked against the release archive: releases are missing, and a log cut back to an older seal would pass. Restore the archive from its off-site copy, or keep it as evidence and report an incident'
        : 'sealpress audit: the log cannot be checked against the release archive; fix or restore what is named above',
    );
    return { outcome: 'broken', json: { ok: false, log: name, error: arch.problems[0]!.code, problems: arch.problems, sealsVerified: arch.sealsVerified }, lines: [], problems };
  }
  const result = verifySealedLog(auditLogPath(root, o.log, o.env), arch.seals);
  if (result === 'missing') return missing(name);
  return sealedReading(name, result, arch);
}

function sealedReading(name: string, result: AuditVerifyResult, arch: ArchiveCheck): AuditReading {
  const { seals, sealNote } = arch;
  const json = { log: name, ...result, seals: seals.length, sealsVerified: arch.sealsVerified };
  if (!result.ok) {
    const problems = [problemLine(name, result), `  ${result.entries} entries verified before it${sealNote ? `; ${sealNote}` : ''}. Restore the log from a backup, or keep it as evidence and report an incident.`];
    return { outcome: 'broken', json, lines: [], problems: problems.map((p, i) => (i === 0 ? `sealpress audit: ${p}` : p)) };
  }
  const head = result.head ? `head seq ${result.head.seq} ${result.head.hash.slice(0, 16)}…` : 'empty';
  const lines = [`${name}: ${result.entries} entries, chain intact, ${head}`];
  if (sealNote) lines.push(`  ${sealNote}: all found in the log`);
  if (arch.memoryNote) lines.push(`  ${arch.memoryNote}`);
  const lastSeal = Math.max(0, ...seals.map((s) => s.seq));
  if (result.head && result.head.seq > lastSeal) {
    lines.push(`  entries ${lastSeal + 1}–${result.head.seq} are not yet sealed by a release: until then, only the chain protects them (a cut at the end or a consistent rewrite would not show)`);
  }
  return { outcome: 'ok', json, lines, problems: [] };
}

/** The entries that verified (against the same seals as auditVerify), filtered. */
export function auditShow(o: AuditArchiveOptions & { filter: AuditFilter }): AuditReading {
  const { root } = o;
  const log = auditLogPath(root, o.log, o.env);
  const name = shown(root, log);
  // The archive's seals apply to show as to verify: a log rewritten whole must not be shown as verified.
  const arch = checkAuditArchive(o);
  const problems = arch.problems.map((p) => `warning: ${shown(root, p.file)}: ${p.problem} [${p.code}]; entries are checked by the chain alone (run \`sealpress audit verify\`)`);
  const all: AuditEntry[] = [];
  const result = readAuditLog(log, { onEntry: (e) => all.push(e), ...(arch.problems.length === 0 ? { seals: arch.seals } : {}) });
  if (result === 'missing') return { ...missing(name), problems: [...problems, ...missing(name).problems] };
  const entries = filterAudit(all, o.filter);
  const json = { ok: result.ok, log: name, entries, ...(result.firstBad ? { firstBad: result.firstBad } : {}) };
  const lines = [...entries.map(formatEntry), `${entries.length} of ${result.entries} verified entries`];
  if (!result.ok) problems.push(`sealpress audit: ${problemLine(name, result)}; entries from there on are not shown (run \`sealpress audit verify\`)`);
  return { outcome: result.ok ? 'ok' : 'broken', json, lines, problems };
}

/** One entry on one line: seq, time, action, outcome, actor, sites, entries, details. */
export function formatEntry(e: AuditEntry): string {
  const parts = [String(e.seq).padStart(6), e.at, e.action.padEnd(8), e.outcome.padEnd(7), e.actor ?? '-'];
  if (e.sites?.length) parts.push(e.sites.length > 3 ? `${e.sites.length} sites` : e.sites.join(','));
  if (e.entries?.length) parts.push(e.entries.join(' '));
  if (e.details && Object.keys(e.details).length > 0) parts.push(JSON.stringify(e.details));
  return parts.join('  ');
}

/** A --from/--to value as an instant; a date alone covers its whole day in China time. */
export function auditBound(name: 'from' | 'to', text: string): Date {
  const iso = parseDateTime(text);
  if (!iso) throw new SealpressError('USAGE', { zh: `--${name} 应为日期（YYYY-MM-DD）或 ISO 日期时间，实际为“${text}”`, en: `--${name} must be a date (YYYY-MM-DD) or an ISO date-time, found "${text}"` });
  const t = Date.parse(iso);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
  return new Date(name === 'to' && dateOnly ? t + 86_400_000 - 1 : t);
}

/** The filters of `audit show` as given (text): site, entry, person, action, and the --from/--to bounds. */
export interface AuditFilterText {
  site?: string | undefined;
  entry?: string | undefined;
  person?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The filter of those given (a --from/--to as an instant: auditBound); none given, every entry. */
export function auditFilter(t: AuditFilterText): AuditFilter {
  return {
    ...(t.site !== undefined ? { site: t.site } : {}),
    ...(t.entry !== undefined ? { entry: t.entry } : {}),
    ...(t.person !== undefined ? { person: t.person } : {}),
    ...(t.action !== undefined ? { action: t.action } : {}),
    ...(t.from !== undefined ? { from: auditBound('from', t.from) } : {}),
    ...(t.to !== undefined ? { to: auditBound('to', t.to) } : {}),
  };
}

/** `audit verify` or `audit show`: verify checks the whole log, so filters given to it are a usage error; show reads what the filters select. */
export function auditRead(sub: 'verify' | 'show', o: AuditArchiveOptions, filters: AuditFilterText): AuditReading {
  if (sub === 'show') return auditShow({ ...o, filter: auditFilter(filters) });
  if (Object.values(filters).some((v) => v !== undefined)) throw new SealpressError('USAGE', { zh: '筛选条件只用于 `audit show`；verify 检查整个日志', en: 'the filters belong to `audit show`; verify checks the whole log' });
  return auditVerify(o);
}
