/**
 * `sealpress audit verify|show`: check the hash-chained audit log and read it.
 * A thin layer over pipeline/audit/. `show` verifies as it reads and stops at
 * the first bad entry: a tampered log is not shown as fact.
 */
import { resolve } from 'node:path';
import type { AuditFilter, ManifestOpener } from '../audit/index.ts';
import { SealpressError } from '../errors/index.ts';
import { auditBound, auditShow, auditVerify } from '../publish/index.ts';
import { command } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';

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

const AUDIT_OPTIONS = {
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
} as const;

const EXITS = { ok: EXIT.OK, broken: EXIT.REFUSED, missing: EXIT.CONFIG } as const;

export function audit(args: string[], io: Io, deps: AuditCliDeps = {}): Promise<number> {
  return command(AUDIT_HELP, AUDIT_OPTIONS, async ({ values, positionals }) => {
    const [sub, ...rest] = positionals;
    if (rest.length > 0 || (sub !== 'verify' && sub !== 'show')) throw new SealpressError('USAGE', 'audit takes one subcommand: verify or show');
    const read = { root: resolve(values.root ?? '.'), log: values.log === undefined ? undefined : resolve(values.log), archive: values.archive, state: values.state, trustAnchor: values['trust-anchor'], env: process.env, openManifest: deps.openManifest };
    if (sub === 'verify' && (values.site ?? values.entry ?? values.person ?? values.from ?? values.to ?? values.action)) throw new SealpressError('USAGE', 'the filters belong to `audit show`; verify checks the whole log');
    const filter: AuditFilter = {
      ...(values.site !== undefined ? { site: values.site } : {}),
      ...(values.entry !== undefined ? { entry: values.entry } : {}),
      ...(values.person !== undefined ? { person: values.person } : {}),
      ...(values.action !== undefined ? { action: values.action } : {}),
      ...(values.from !== undefined ? { from: auditBound('from', values.from) } : {}),
      ...(values.to !== undefined ? { to: auditBound('to', values.to) } : {}),
    };
    const r = sub === 'verify' ? auditVerify(read) : auditShow({ ...read, filter });
    if (values.json && r.json) io.out(JSON.stringify(r.json, null, 2));
    else if (!values.json) for (const line of r.lines) io.out(line);
    for (const p of r.problems) io.err(p);
    return EXITS[r.outcome];
  })(args, io);
}
