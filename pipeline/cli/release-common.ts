/**
 * What `publish`, `rollback`, `verify` and `watch` share at the command line:
 * the signer options and the options of a release job (pipeline/publish/job.ts),
 * and the audit log of a run. Where the archive and the
 * verifier's memory live, and which CA a verifier trusts, are decided in
 * pipeline/publish/verifier.ts; where the release signers' keys come from, in
 * pipeline/publish/signers.ts.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { auditRecorder, type ReleaseJobOptions } from '../publish/index.ts';
import { clock, trustAnchor } from './args.ts';
import type { Io } from './output.ts';
import { cliPassphrases } from './passphrase.ts';

export const SIGNER_OPTIONS = {
  key: { type: 'string', multiple: true },
  cert: { type: 'string', multiple: true },
  'passphrase-file': { type: 'string', multiple: true },
} as const;

/** The audit log of a publication command: --audit-log, else $SEALPRESS_AUDIT_LOG or the repository's. */
export function auditSink(io: Io, values: { 'audit-log'?: string | undefined; now?: string | undefined }, root: string): ReturnType<typeof auditRecorder> {
  return auditRecorder(io.err, { root, now: values.now, log: values['audit-log'] === undefined ? undefined : resolve(values['audit-log']), env: process.env });
}

/** Whole days → ms, for --expires-in. */
export function expiresIn(option: string | undefined, fallbackDays: number): number {
  const days = option === undefined ? fallbackDays : Number(option);
  if (!(Number.isFinite(days) && days > 0 && days <= 366)) throw new SealpressError('USAGE', { zh: `--expires-in 应为 0 到 366 之间的天数，实际为“${option}”`, en: `--expires-in must be a number of days from 0 to 366, found "${option}"` });
  return days * 86_400_000;
}

type ReleaseValues = ReleaseJobOptions['keys'] & { root?: string | undefined; now?: string | undefined; archive?: string | undefined; mirror?: string[] | undefined; 'expires-in'?: string | undefined; 'trust-anchor'?: string | undefined; 'audit-log'?: string | undefined };

/** The options of a release job (publish, rollback) from the command line: the same for both. */
export function releaseJob(values: ReleaseValues, io: Io, expiresInDays: number): ReleaseJobOptions & { audit: ReturnType<typeof auditRecorder> } {
  const root = resolve(values.root ?? '.');
  return {
    root,
    now: clock(values.now),
    keys: values,
    env: process.env,
    passphrases: cliPassphrases(io),
    archive: values.archive,
    trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor,
    mirrors: (values.mirror ?? []).map((m) => (m.startsWith('rsync:') ? m : resolve(m))),
    expiresInMs: expiresIn(values['expires-in'], expiresInDays),
    audit: auditSink(io, values, root),
    note: io.err,
  };
}
