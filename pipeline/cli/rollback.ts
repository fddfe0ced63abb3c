/**
 * `sealpress rollback --to VERSION`: publish an earlier release's content again
 * as a new, higher version, signed anew (verifiers never see a version go
 * backwards), and deploy it to the mirrors.
 */
import { SealpressError } from '../errors/index.ts';
import { DEFAULT_EXPIRES_DAYS, rollbackJob, rollbackLines } from '../publish/index.ts';
import { command } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, reportError } from './output.ts';
import { releaseJob, SIGNER_HELP, SIGNER_OPTIONS } from './release-common.ts';

export const ROLLBACK_HELP = `Usage: sealpress rollback --to VERSION [--mirror TARGET]... [--archive DIR]
                         [--key FILE [--cert FILE] [--passphrase-file FILE]]...
                         [--expires-in DAYS] [--json] [--trust-anchor FP]
                         [--audit-log FILE] [--root DIR] [--now ISO]

Publish the files of release VERSION from the archive again, as a new release
whose version is one more than the archive's latest, signed anew under the
trust documents in sites/trust/ (the manifest records \`rollbackOf\`). The old
release is checked first: genuinely signed at the time it was made, by a key
not revoked since, and publishing no entry that has been withdrawn or taken
down since (the gate is run as of now to know). Its files are taken from the
archive by digest; nothing is rebuilt. The new release remembers at least what
the archive's latest release remembers (withdrawals, trust versions): the gate's
memory never goes back with the content.

Options:
  --to VERSION           the release whose content to publish again
  --mirror TARGET        deploy to this mirror (repeatable; a folder or rsync:DEST)
  --archive DIR          the release archive (default: $SEALPRESS_ARCHIVE, else .sealpress/archive)
${SIGNER_HELP}
  --expires-in DAYS      how long verifiers accept the manifest (default ${DEFAULT_EXPIRES_DAYS})
  --json                 print the JSON summary on stdout
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
  --audit-log FILE       the audit log (default: .sealpress/audit/log.jsonl)
  --root DIR             the repository (default: the current folder)
  --now ISO              the run's clock (default: now)

Exit codes: 0 published and every mirror verified, 1 the old or the new
release does not verify (nothing published), 2 usage or key error, 3 the
archive cannot be read or does not hold that release (ARCHIVE_MISSING), 4
published, but a mirror failed, 5 done, but a step could not be recorded in
the audit log.`;

export const rollback = command(
  ROLLBACK_HELP,
  {
    ...SIGNER_OPTIONS,
    to: { type: 'string' },
    mirror: { type: 'string', multiple: true },
    archive: { type: 'string' },
    'expires-in': { type: 'string' },
    json: { type: 'boolean' },
    'trust-anchor': { type: 'string' },
    'audit-log': { type: 'string' },
  },
  async ({ values }, io) => {
    const to = Number(values.to);
    if (values.to === undefined || !Number.isInteger(to) || to < 1) throw new SealpressError('USAGE', `--to VERSION is required: a release version (a whole number from 1), found "${values.to ?? ''}"`);
    const job = releaseJob(values, io, DEFAULT_EXPIRES_DAYS);
    let result;
    try {
      result = await rollbackJob({ ...job, to });
    } catch (error) {
      return job.audit.settle(reportError(io, 'rollback', error));
    }
    if (!result.ok) return job.audit.settle(configInvalid(io, job.root, result.diagnostics, 'sealpress rollback: the site group configuration (sites/) is invalid; fix the errors above. Nothing was published.'));
    const { summary } = result;
    if (values.json) io.out(JSON.stringify(summary, null, 2));
    else for (const line of rollbackLines(summary)) io.out(line);
    return job.audit.settle(summary.ok ? EXIT.OK : EXIT.MIRROR);
  },
);
