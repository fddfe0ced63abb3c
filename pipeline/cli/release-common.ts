/**
 * What `publish`, `rollback`, `verify` and `watch` share at the command line:
 * the signer options, the audit log of a run, and how a library error of the
 * publication steps is printed and mapped to an exit code. Where the archive
 * and the verifier's memory live, and which CA a verifier trusts, are
 * decided in pipeline/publish/verifier.ts.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { demoReleaseKey, PublishError, RELEASE_CERT_ENV, RELEASE_KEY_ENV, signerFromPem, type AuditSink, type MirrorOutcome } from '../publish/index.ts';
import type { Signer } from '../trust/index.ts';
import { commandAuditSink } from './audit-hook.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';
import { keyStep, loadSigner, PASSPHRASE_ENV } from './passphrase.ts';

export const SIGNER_OPTIONS = {
  key: { type: 'string', multiple: true },
  cert: { type: 'string', multiple: true },
  'passphrase-file': { type: 'string', multiple: true },
} as const;

export const SIGNER_HELP = `  --key FILE             a release signer's encrypted private key (repeat for a
                         threshold above 1); else $${RELEASE_KEY_ENV} holds the
                         encrypted PEM text and $${RELEASE_CERT_ENV} the certificate (CI)
  --cert FILE            the certificate for each --key (default: .key.pem → .cert.pem)
  --passphrase-file FILE the passphrase for each --key (first line); else $${PASSPHRASE_ENV}`;

/** The audit log of a publication command: --audit-log, else $SEALPRESS_AUDIT_LOG or the repository's. */
export function auditSink(io: Io, values: { 'audit-log'?: string | undefined; now?: string | undefined }, root: string): ReturnType<typeof commandAuditSink> {
  return commandAuditSink(io, { root, now: values.now, log: values['audit-log'] === undefined ? undefined : resolve(values['audit-log']) });
}

/** Whole days → ms, for --expires-in. */
export function expiresIn(option: string | undefined, fallbackDays: number): number {
  const days = option === undefined ? fallbackDays : Number(option);
  if (!(Number.isFinite(days) && days > 0 && days <= 366)) throw new SealpressError('USAGE', `--expires-in must be a number of days from 0 to 366, found "${option}"`);
  return days * 86_400_000;
}

/**
 * The release signers: --key files; else the key in $SEALPRESS_RELEASE_KEY (CI
 * secrets); else, in the demo repository only, the demo's release key
 * (pipeline/publish/signers.ts, announced on stderr).
 */
export async function releaseSigners(
  values: { key?: string[] | undefined; cert?: string[] | undefined; 'passphrase-file'?: string[] | undefined },
  root: string,
  io: Io,
  release: { now: Date; expiresInMs: number; audit: AuditSink },
): Promise<Signer[]> {
  const keys = values.key ?? [];
  const certs = values.cert ?? [];
  const files = values['passphrase-file'] ?? [];
  if (certs.length > keys.length || files.length > keys.length) throw new SealpressError('USAGE', 'more --cert or --passphrase-file than --key options');
  if (keys.length > 0) {
    const out: Signer[] = [];
    for (const [i, key] of keys.entries()) {
      out.push((await loadSigner({ key, cert: certs[i], passphraseFile: files[i], option: '--key', passphraseOption: '--passphrase-file' }, io)).signer);
    }
    return out;
  }
  const envKey = process.env[RELEASE_KEY_ENV];
  if (envKey) {
    const certPem = process.env[RELEASE_CERT_ENV];
    if (!certPem) throw new SealpressError('USAGE', `$${RELEASE_KEY_ENV} is set but $${RELEASE_CERT_ENV} is not: give the release signer's certificate too`);
    const passphrase = process.env[PASSPHRASE_ENV];
    if (!passphrase) throw new SealpressError('USAGE', `$${RELEASE_KEY_ENV} holds an encrypted key: set $${PASSPHRASE_ENV} to its passphrase`);
    return [await keyStep(() => signerFromPem(envKey, certPem, passphrase, `$${RELEASE_KEY_ENV}`))];
  }
  const demo = await demoReleaseKey(root, { ...release, note: io.err });
  if (demo) return [await keyStep(() => signerFromPem(demo.keyPem, demo.certPem, demo.passphrase, demo.where))];
  throw new SealpressError('USAGE', `no release key: give --key FILE (the release signer's encrypted key) or set $${RELEASE_KEY_ENV} and $${RELEASE_CERT_ENV}`);
}

/** One line per mirror of a publish or rollback. */
export function printMirrors(io: Io, mirrors: readonly MirrorOutcome[]): void {
  for (const m of mirrors) {
    io.out(`mirror ${m.target}: ${!m.ok ? `FAILED: ${m.error}` : m.verified ? 'deployed and verified' : 'deployed (an rsync destination is not verified from here: run sealpress verify on its URL)'}`);
  }
}
