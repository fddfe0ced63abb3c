/**
 * `sealpress publish`: the whole job for CI in one command (gate, build,
 * index, manifest, sign, archive, deploy, verify), an exit code and a JSON
 * summary.
 */
import { resolve } from 'node:path';
import { siteDoneLine } from '../build/index.ts';
import { summarise } from '../plan/index.ts';
import { DEFAULT_EXPIRES_DAYS, publishJob, publishLines } from '../publish/index.ts';
import { command } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, printLeftOut, reportError } from './output.ts';
import { releaseJob, SIGNER_HELP, SIGNER_OPTIONS } from './release-common.ts';

export const PUBLISH_HELP = `Usage: sealpress publish [--mirror TARGET]... [--offsite TARGET]... [--archive DIR]
                        [--key FILE [--cert FILE] [--passphrase-file FILE]]...
                        [--expires-in DAYS] [--json] [--no-cache] [--trust-anchor FP]
                        [--audit-log FILE] [--root DIR] [--now ISO]

Gate the content, build every site with its search index, list every output
file in a release manifest (path, size, SHA-256; the entries and the digests
of their approval records; the trust documents), sign it with the
release-signer role, store every file in the content-addressed archive and its
off-site copies, deploy it atomically to each mirror, and verify each mirror
against the signed manifest. The version is one more than the archive's latest.

A mirror TARGET is a folder (the folder a web server serves; it becomes a
symlink to the current release tree, switched atomically) or rsync:DEST (any
rsync destination). A failure on one mirror is reported and leaves the others.

Options:
  --mirror TARGET        deploy to this mirror (repeatable)
  --offsite TARGET       copy the archive here too: a folder or rsync:DEST (repeatable)
  --archive DIR          the release archive (default: $SEALPRESS_ARCHIVE, else .sealpress/archive)
${SIGNER_HELP}
  --expires-in DAYS      how long verifiers accept the manifest (default ${DEFAULT_EXPIRES_DAYS}); publish
                         again before then, or mirrors are refused as frozen
  --json                 print the JSON summary on stdout
  --no-cache             parse every entry again and render every site again
  --trust-anchor FP      the CA fingerprint pinned from outside the repository
  --audit-log FILE       the audit log (default: $SEALPRESS_AUDIT_LOG, else .sealpress/audit/log.jsonl)
  --root DIR             the repository (default: the current folder)
  --now ISO              the run's clock (default: now)

The gate remembers what the archive's latest signed release remembers: every
withdrawal an earlier release saw stays in force when its record file is
deleted (WITHDRAWAL_MISSING names the file to restore), and a trust document
older than the one that release was gated under is refused (TRUST_ROLLBACK).
The new release carries that memory forward.

Exit codes: 0 published and every mirror verified, 1 the signed release would
not verify (e.g. the key has no release-signer role; nothing archived or
deployed), or a trust document was rolled back (TRUST_ROLLBACK), 2 usage,
configuration or key error, 3 the job failed (a build, or the archive could not
be read or written, or its latest release does not verify: MEMORY_UNVERIFIED),
4 released, but a mirror or an off-site copy failed (see the summary), 5 done,
but a step could not be recorded in the audit log.`;

export const publish = command(
  PUBLISH_HELP,
  {
    ...SIGNER_OPTIONS,
    mirror: { type: 'string', multiple: true },
    offsite: { type: 'string', multiple: true },
    archive: { type: 'string' },
    'expires-in': { type: 'string' },
    json: { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    'trust-anchor': { type: 'string' },
    'audit-log': { type: 'string' },
  },
  async ({ values }, io) => {
    const job = releaseJob(values, io, DEFAULT_EXPIRES_DAYS);
    const { audit } = job;
    if (job.mirrors.length === 0) io.err('note: no --mirror given: the release is built, signed and archived, and deployed nowhere');
    let result;
    try {
      result = await publishJob({
        ...job,
        offsite: (values.offsite ?? []).map((o) => (o.startsWith('rsync:') ? o : resolve(o))),
        ...(values['no-cache'] ? { cache: false } : {}),
        onProgress: (event) => {
          if (event.type === 'gate') {
            const c = summarise(event.plan);
            io.err(`gate: ${event.plan.entries.length} entries: ${c.publishable} publishable, ${c.pending} pending, ${c.refused} refused, ${c.unpublished} unpublished, ${c.withdrawn} withdrawn`);
            printLeftOut(io, event.plan);
          } else if (event.type === 'site-done') io.err(siteDoneLine(event));
          else if (event.type === 'step') io.err(event.message);
        },
      });
    } catch (error) {
      return audit.settle(reportError(io, 'publish', error));
    }
    if (!result.ok) return audit.settle(configInvalid(io, job.root, result.diagnostics, 'sealpress publish: the site group configuration (sites/) is invalid; fix the errors above. Nothing was published.'));
    const s = result.summary;
    if (values.json) io.out(JSON.stringify(s, null, 2));
    else for (const line of publishLines(s)) io.out(line);
    return audit.settle(s.ok ? EXIT.OK : EXIT.MIRROR);
  },
);
