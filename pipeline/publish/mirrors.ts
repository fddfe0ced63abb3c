/**
 * Deploy one release to one mirror and check the result: a folder mirror is
 * switched atomically and then hashed against the manifest; an rsync
 * destination is written and switched as described in pipeline/mirror/. A
 * failure is returned, not thrown, so one mirror's trouble never stops the
 * others.
 */
import { deployToFolder, deployToRsync, inspectFolder, parseMirrorTarget, type TransferCounts } from '../mirror/index.ts';
import type { ReleaseArchive, ReleaseManifest } from '../release/index.ts';
import type { TrustBytes } from './release.ts';

export interface MirrorOutcome {
  target: string;
  kind: 'folder' | 'rsync';
  ok: boolean;
  error?: string;
  /** Folder mirrors: whether the deployed tree matched the manifest when hashed again. */
  verified?: boolean;
  problems?: { modified: string[]; missing: string[]; extra: string[] };
  /** How the files got there: copied from the archive (rsync: sent), or linked from the release the mirror served before. */
  transfer?: TransferCounts;
  ms: number;
  /** Folder mirrors: of `ms`, the deploy (tree written, flushed, switched) and the check of the deployed tree. */
  deployMs?: number;
  verifyMs?: number;
  /** Folder mirrors: of deployMs, removing the trees no longer kept. */
  pruneMs?: number;
}

export async function deployMirror(options: { target: string; archive: ReleaseArchive; manifest: ReleaseManifest; envelope: Uint8Array; trust: TrustBytes }): Promise<MirrorOutcome> {
  const started = performance.now();
  const { target, archive, manifest, envelope, trust } = options;
  let kind: MirrorOutcome['kind'] = 'folder';
  try {
    const parsed = parseMirrorTarget(target);
    kind = parsed.kind;
    const common = { manifest, envelopeBytes: envelope, trustFiles: trust, objects: archive };
    if (parsed.kind === 'rsync') {
      const { transfer } = await deployToRsync({ ...common, dest: parsed.dest });
      return { target, kind, ok: true, transfer, ms: Math.round(performance.now() - started) };
    }
    const { transfer, pruneMs } = await deployToFolder({ ...common, target: parsed.path });
    const deployMs = Math.round(performance.now() - started);
    const report = await inspectFolder(parsed.path, manifest);
    const verifyMs = Math.round(performance.now() - started) - deployMs;
    const problems = { modified: report.modified.map((m) => m.path), missing: report.missing, extra: report.extra };
    const verified = problems.modified.length + problems.missing.length + problems.extra.length === 0;
    return { target, kind, ok: verified, verified, ...(verified ? {} : { problems, error: 'the deployed tree does not match the manifest' }), transfer, ms: Math.round(performance.now() - started), deployMs, verifyMs, pruneMs };
  } catch (error) {
    return { target, kind, ok: false, error: (error as Error).message, ms: Math.round(performance.now() - started) };
  }
}
