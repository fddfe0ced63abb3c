/**
 * `sealpress audit verify|show`: check the hash-chained audit log and read it.
 * A thin layer over pipeline/audit/. `show` verifies as it reads and stops at
 * the first bad entry: a tampered log is not shown as fact.
 */
import { resolve } from 'node:path';
import { auditLogPath, filterAudit, readAuditLog, type AuditEntry, type AuditFilter, type AuditVerifyResult, type ManifestOpener } from '../audit/index.ts';
import { SealpressError } from '../errors/index.ts';
import { checkAuditArchive, verifySealedLog, type ArchiveCheck } from '../publish/index.ts';
import { parseDateTime } from '../util/dates.ts';
import { parse } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';
import { shown } from './trust.ts';

export const AUDIT_HELP = `Usage: sealpress audit verify [--log FILE] [--archive DIR] [--state FILE] [--trust-anchor FP] [--json] [--root DIR]
       sealpress audit show [--site CODE] [--entry PATH] [--person ID] [--from DATE] [--to DATE]
                            [--action ACTION] [--log FILE] [--json] [--root DIR]

The audit log records every gate run, approval, withdrawal, waiver, release,
deploy, verification and restore, one JSON line each, each line carrying the
hash of the one before. It lives in .sealpress/audit/log.jsonl under the
repository (or $SEALPRESS_AUDIT_LOG, or --log FILE), beside the release archive.

  verify   Check every line: canonical JSON, seq 1, 2, 3… without gap, repeat
           or reordering, each entry's hash and its link to the previous one,
           each entry's time no more than 5 minutes before the previous one's
           (the rule appending enforces). Names the first bad entry as
           FILE:LINE seq N: what is wrong [CODE].
           A chain alone cannot see entries cut from its end or a log rewritten
           whole; each signed release seals the log's head: the heads recorded
           in the release archive's manifests (--archive DIR; for the
           repository's own log, $SEALPRESS_ARCHIVE or .sealpress/archive when
           it exists) must all be found in the log. A
           manifest counts as a seal only if the release role signed it (checked
           against the group CA of the checkout at --root, as of the time it was
           made); without a CA at hand they are read unchecked, and it says so
           (--json: sealsVerified).
           Deleting the newest manifests deletes their seals, so the archive
           must hold releases 1, 2, 3… up to its latest without a gap, and its
           latest must not be older than the latest release of the group this
           verifier has seen (--state; the memory \`sealpress verify\` keeps,
           read for the group CA of --root or $SEALPRESS_TRUST_ANCHOR). When the
           repository's archive has no releases/ but that memory knows releases
           of the group, the check fails too. The honest limit: a verifier that
           never saw a release cannot know it existed; verify from a machine
           that watches the mirrors (its state file), or keep an off-site copy
           of the archive.
  show     Print the entries (verified as they are read, against the same
           seals as verify), filtered. An entry is shown only once the next
           line confirms it (its prev) or it ends a log that verified: of two
           entries claiming one place, neither.

Options:
  --log FILE       the log (default: $SEALPRESS_AUDIT_LOG, else <root>/.sealpress/audit/log.jsonl)
  --archive DIR    the release archive whose manifests seal the log (verify)
  --state FILE     the versions this verifier has seen (verify; default:
                   $SEALPRESS_STATE_DIR or ~/.local/state/sealpress/seen-versions.json)
  --trust-anchor FP  the group CA's SHA-256 fingerprint, for checking the seals'
                   signatures outside a checkout (default: $SEALPRESS_TRUST_ANCHOR,
                   else the CA of --root)
  --site CODE      entries naming this site (gate runs name every site they judged)
  --entry PATH     entries naming this entry (content/<site>/<column>/<slug>.md), or
                   every entry under a folder when PATH ends with /; gate runs record
                   counts, not paths
  --person ID      entries whose actor is this person id (or ci)
  --from DATE      from this date or instant (a date alone: 00:00 China time)
  --to DATE        up to this date or instant (a date alone: the whole day)
  --action ACTION  gate, approve, withdraw, waive, release, deploy, verify, restore…
  --json           machine-readable output on stdout
  --root DIR       the repository (default: the current folder)

Codes: AUDIT_MALFORMED, AUDIT_NONCANONICAL, AUDIT_EDITED, AUDIT_CHAIN_BROKEN,
AUDIT_INSERTED, AUDIT_DUPLICATE, AUDIT_GAP, AUDIT_REORDERED, AUDIT_TIME_BACKWARDS,
AUDIT_TRUNCATED, AUDIT_SEAL_MISMATCH; for the archive: ARCHIVE_UNREADABLE,
AUDIT_SEAL_MISSING, AUDIT_STATE_UNREADABLE.

Exit codes: 0 the log verifies (show: entries printed), 1 the log is broken or a
release seal is not in it, or a release manifest of the archive cannot be read or
is missing, or the verifier's memory cannot be read, 2 usage error or no log at
that path.`;

export interface AuditCliDeps {
  /** Opens a release envelope for its seal; the default reads the payload without checking signatures. */
  openManifest?: ManifestOpener;
}

export async function audit(args: string[], io: Io, deps: AuditCliDeps = {}): Promise<number> {
  const { values, positionals } = parse(args, {
    log: { type: 'string' },
    archive: { type: 'string' },
    state: { type: 'string' },
    json: { type: 'boolean' },
    site: { type: 'string' },
    entry: { type: 'string' },
    person: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    action: { type: 'string' },
    'trust-anchor': { type: 'string' },
  });
  if (values.help) {
    io.out(AUDIT_HELP);
    return EXIT.OK;
  }
  const [sub, ...rest] = positionals;
  if (rest.length > 0 || (sub !== 'verify' && sub !== 'show')) throw new SealpressError('USAGE', 'audit takes one subcommand: verify or show');
  const root = resolve(values.root ?? '.');
  const log = auditLogPath(root, values.log === undefined ? undefined : resolve(values.log));
  const name = shown(root, log);
  const checkArchive = () => checkAuditArchive({ root, log: values.log, archive: values.archive, state: values.state, trustAnchor: values['trust-anchor'], env: process.env, openManifest: deps.openManifest });

  if (sub === 'verify') {
    if (values.site ?? values.entry ?? values.person ?? values.from ?? values.to ?? values.action) throw new SealpressError('USAGE', 'the filters belong to `audit show`; verify checks the whole log');
    const arch = checkArchive();
    if (arch.problems.length > 0) {
      // Fail closed: an unreadable or missing manifest may hold the seal that would show the damage.
      for (const p of arch.problems) io.err(`sealpress audit: ${shown(root, p.file)}: ${p.problem} [${p.code}]`);
      io.err(
        arch.problems.some((p) => p.code === 'AUDIT_SEAL_MISSING')
          ? 'sealpress audit: the log cannot be checked against the release archive: releases are missing, and a log cut back to an older seal would pass. Restore the archive from its off-site copy, or keep it as evidence and report an incident'
          : 'sealpress audit: the log cannot be checked against the release archive; fix or restore what is named above',
      );
      if (values.json) io.out(JSON.stringify({ ok: false, log: name, error: arch.problems[0]!.code, problems: arch.problems, sealsVerified: arch.sealsVerified }, null, 2));
      return EXIT.REFUSED;
    }
    const result = verifySealedLog(log, arch.seals);
    if (result === 'missing') {
      io.err(`sealpress audit: there is no audit log at ${name}; give --log FILE or set $SEALPRESS_AUDIT_LOG`);
      return EXIT.CONFIG;
    }
    return report(io, name, values.json, result, arch);
  }

  const filter: AuditFilter = {
    ...(values.site !== undefined ? { site: values.site } : {}),
    ...(values.entry !== undefined ? { entry: values.entry } : {}),
    ...(values.person !== undefined ? { person: values.person } : {}),
    ...(values.action !== undefined ? { action: values.action } : {}),
    ...(values.from !== undefined ? { from: bound('from', values.from) } : {}),
    ...(values.to !== undefined ? { to: bound('to', values.to) } : {}),
  };
  // The archive's seals apply to show as to verify: a log rewritten whole must not be shown as verified.
  const arch = checkArchive();
  for (const p of arch.problems) io.err(`warning: ${shown(root, p.file)}: ${p.problem} [${p.code}]; entries are checked by the chain alone (run \`sealpress audit verify\`)`);
  const all: AuditEntry[] = [];
  const result = readAuditLog(log, { onEntry: (e) => all.push(e), ...(arch.problems.length === 0 ? { seals: arch.seals } : {}) });
  if (result === 'missing') {
    io.err(`sealpress audit: there is no audit log at ${name}; give --log FILE or set $SEALPRESS_AUDIT_LOG`);
    return EXIT.CONFIG;
  }
  const shownEntries = filterAudit(all, filter);
  if (values.json) io.out(JSON.stringify({ ok: result.ok, log: name, entries: shownEntries, ...(result.firstBad ? { firstBad: result.firstBad } : {}) }, null, 2));
  else {
    for (const e of shownEntries) io.out(formatEntry(e));
    io.out(`${shownEntries.length} of ${result.entries} verified entries`);
  }
  if (!result.ok) {
    io.err(`sealpress audit: ${problemLine(name, result)}; entries from there on are not shown (run \`sealpress audit verify\`)`);
    return EXIT.REFUSED;
  }
  return EXIT.OK;
}

/** A --from/--to value as an instant; a date alone covers its whole day in China time. */
function bound(name: 'from' | 'to', text: string): Date {
  const iso = parseDateTime(text);
  if (!iso) throw new SealpressError('USAGE', `--${name} must be a date (YYYY-MM-DD) or an ISO date-time, found "${text}"`);
  const t = Date.parse(iso);
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text.trim());
  return new Date(name === 'to' && dateOnly ? t + 86_400_000 - 1 : t);
}

function problemLine(name: string, result: AuditVerifyResult): string {
  const bad = result.firstBad!;
  return `${name}:${bad.line}${bad.seq !== undefined ? ` seq ${bad.seq}` : ''}: ${bad.problem} [${bad.code}]`;
}

function report(io: Io, name: string, json: boolean | undefined, result: AuditVerifyResult, arch: ArchiveCheck): number {
  const { seals, sealNote } = arch;
  if (json) io.out(JSON.stringify({ log: name, ...result, seals: seals.length, sealsVerified: arch.sealsVerified }, null, 2));
  if (!result.ok) {
    io.err(`sealpress audit: ${problemLine(name, result)}`);
    io.err(`  ${result.entries} entries verified before it${sealNote ? `; ${sealNote}` : ''}. Restore the log from a backup, or keep it as evidence and report an incident.`);
    return EXIT.REFUSED;
  }
  if (!json) {
    const head = result.head ? `head seq ${result.head.seq} ${result.head.hash.slice(0, 16)}…` : 'empty';
    io.out(`${name}: ${result.entries} entries, chain intact, ${head}`);
    if (sealNote) io.out(`  ${sealNote}: all found in the log`);
    if (arch.memoryNote) io.out(`  ${arch.memoryNote}`);
    const lastSeal = Math.max(0, ...seals.map((s) => s.seq));
    if (result.head && result.head.seq > lastSeal) {
      io.out(`  entries ${lastSeal + 1}–${result.head.seq} are not yet sealed by a release: until then, only the chain protects them (a cut at the end or a consistent rewrite would not show)`);
    }
  }
  return EXIT.OK;
}

export function formatEntry(e: AuditEntry): string {
  const parts = [String(e.seq).padStart(6), e.at, e.action.padEnd(8), e.outcome.padEnd(7), e.actor ?? '-'];
  if (e.sites?.length) parts.push(e.sites.length > 3 ? `${e.sites.length} sites` : e.sites.join(','));
  if (e.entries?.length) parts.push(e.entries.join(' '));
  if (e.details && Object.keys(e.details).length > 0) parts.push(JSON.stringify(e.details));
  return parts.join('  ');
}
