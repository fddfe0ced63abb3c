/**
 * `rollback --to VERSION`: publish an earlier release's content again as a new,
 * higher version, signed anew under today's trust documents. Verifiers never
 * see a version go backwards (their rollback protection stays on), and the
 * new manifest says which release it repeats (`rollbackOf`).
 *
 * The earlier release is checked first, at the time it was made: its
 * signature must have been valid then, so a forged archive entry is never
 * re-signed. Its files are taken from the archive by digest; none is rebuilt.
 */
import { PublishError } from './errors.ts';
import { deployMirror, type MirrorOutcome } from './mirrors.ts';
import { releaseFromArchive, signAndCheck, type TrustBytes } from './release.ts';
import { RELEASE_TRUST_FILES, trustDigests, verifyRelease, type ReleaseArchive } from '../release/index.ts';
import { isoInstant, type Signer } from '../trust/index.ts';
import type { AuditSink } from './audit.ts';

export interface RollbackOptions {
  archive: ReleaseArchive;
  to: number;
  signers: readonly Signer[];
  /** The trust documents in force now (the repository's sites/trust/). */
  trust: TrustBytes;
  now: Date;
  expiresInMs: number;
  anchorFingerprint?: string;
  mirrors: readonly string[];
  audit: AuditSink;
}

export interface RollbackSummary {
  ok: boolean;
  version: number;
  rollbackOf: number;
  files: number;
  signers: string[];
  mirrors: MirrorOutcome[];
}

export async function rollback(options: RollbackOptions): Promise<RollbackSummary> {
  const { archive, to, now } = options;
  if (!archive.versions().includes(to)) {
    throw new PublishError('ARCHIVE_MISSING', `release v${to} is not in the archive ${archive.dir} (it has ${archive.versions().join(', ') || 'none'})`, { fix: 'pick a version the archive holds, or restore the archive from its off-site copy' });
  }
  const old = await releaseFromArchive(archive, to);
  // Checked as of its own creation time: expired long ago, but it must have been genuinely signed.
  const checked = verifyRelease(old.envelope, old.trust, { now: new Date(old.manifest.createdAt), ...(options.anchorFingerprint ? { anchorFingerprint: options.anchorFingerprint } : {}) });
  if (!checked.ok) {
    throw new PublishError('RELEASE_REFUSED', `release v${to} in the archive does not verify: ${checked.problems.map((p) => `${p.message} [${p.code}]`).join('; ')}`, { fix: 'do not roll back to it; check the archive against its off-site copy' });
  }
  for (const f of checked.manifest.files) {
    if (!archive.has(f.sha256)) throw new PublishError('ARCHIVE_MISSING', `release v${to} lists ${f.path}, whose content ${f.sha256.slice(0, 12)}… is missing from the archive`, { fix: 'restore the archive from its off-site copy' });
  }
  const version = (archive.latest() ?? 0) + 1;
  const head = await options.audit.head();
  const { audit: _sealed, commit, ...kept } = checked.manifest;
  const manifest = {
    ...kept,
    ...(commit ? { commit } : {}),
    version,
    createdAt: isoInstant(now.getTime()),
    expires: isoInstant(now.getTime() + options.expiresInMs),
    rollbackOf: to,
    trust: trustDigests(options.trust),
    ...(head ? { audit: head } : {}),
  };
  const made = signAndCheck(manifest, { signers: options.signers, trust: options.trust, now, ...(options.anchorFingerprint ? { anchorFingerprint: options.anchorFingerprint } : {}) });
  for (const name of RELEASE_TRUST_FILES) archive.putBytes(options.trust[name]);
  archive.putRelease(version, made.envelope);
  await options.audit.record({ action: 'rollback', outcome: 'ok', actor: made.signers[0] ?? 'ci', details: { signers: made.signers, version, rollbackOf: to } });

  const mirrors: MirrorOutcome[] = [];
  for (const target of options.mirrors) {
    const outcome = await deployMirror({ target, archive, manifest: made.manifest, envelope: made.envelope, trust: options.trust });
    mirrors.push(outcome);
    await options.audit.record({ action: 'deploy', outcome: outcome.ok ? 'ok' : 'failed', details: { version, mirror: target, rollbackOf: to } });
  }
  return { ok: mirrors.every((m) => m.ok), version, rollbackOf: to, files: made.manifest.files.length, signers: made.signers, mirrors };
}
