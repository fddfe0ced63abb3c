/**
 * Restoring a folder mirror to a verified release, byte for byte.
 *
 * Repair is never done file by file in the live tree (a reader would see a
 * half-repaired site): the whole release is staged again from the archive and
 * switched in atomically, exactly as a deploy does. The tampered tree stays in
 * the store as the "previous" tree until the next deploy prunes it. Unlike a
 * deploy, a restore links nothing from the tree it replaces: every file is a
 * new inode copied from the archive, so no repair ever writes into, or shares,
 * an inode of the tampered tree (tree.ts: the hard-link trade-off).
 *
 * A target that someone turned into a plain folder (files copied in by hand
 * over the symlink) is replaced only when sealpress's store is beside it, which
 * proves the path was a sealpress mirror. The folder is then moved aside,
 * untouched, to `<target>.tampered-<UTC time>` as evidence for the incident
 * report, and the link renamed in its place. Those are two renames: between
 * them (microseconds) the path does not exist and a reader gets "not found",
 * never a mix of trees. Without the store, the folder is refused
 * (TARGET_NOT_OURS): sealpress never moves files it has no claim to.
 */
import { MirrorError } from './errors.ts';
import { planTree } from './layout.ts';
import { installRelease, readTargetState, storeExists, storePaths, type ReleaseInput, type TargetState } from './folder.ts';
import { inspectFolder, inspectFolderMeta, type ModifiedFile } from './inspect.ts';

export interface RestoreOptions extends ReleaseInput {
  target: string;
  keep?: number;
  concurrency?: number;
  /** Clock for the evidence folder's name. */
  now?: Date;
}

export interface RestoreReport {
  target: string;
  version: number;
  /** False when the mirror already matched: nothing was written. */
  repaired: boolean;
  /** What the target was before: a sealpress mirror, absent, a plain folder… */
  found: TargetState['kind'];
  modified: ModifiedFile[];
  missing: string[];
  /** Removed from the served tree (they stay in the old tree or the evidence folder). */
  extra: string[];
  /** Metadata files (signed manifest, trust files) that were missing or different. */
  metadata: string[];
  /** Where a plain folder was moved, when one was replaced. */
  evidence: string | null;
  tree: string | null;
  ms: number;
}

const RESTORABLE_WITH_STORE = new Set<TargetState['kind']>(['absent', 'ours', 'empty-dir', 'plain-dir', 'foreign-link', 'other']);
const RESTORABLE_WITHOUT_STORE = new Set<TargetState['kind']>(['absent', 'empty-dir']);

function stamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

export async function restoreFolder(options: RestoreOptions): Promise<RestoreReport> {
  const started = performance.now();
  const { manifest } = options;
  const layout = planTree(manifest, options.envelopeBytes, options.trustFiles);
  const paths = storePaths(options.target);
  const state = await readTargetState(paths);

  let modified: ModifiedFile[] = [];
  let missing: string[] = [];
  let extra: string[] = [];
  let metadata: string[] = [];
  if (state.kind === 'absent' || state.kind === 'other') missing = manifest.files.map((f) => f.path);
  else {
    // A foreign link or a plain folder is inspected as it is, to report what the repair changes.
    const found = await inspectFolder(paths.target, manifest, { trustNames: Object.keys(options.trustFiles) }).catch((error: unknown) => {
      if (state.kind === 'foreign-link') return undefined; // a dangling link: everything is missing
      // A tree made unreadable (a folder without permission, names too deep to list) is repaired, not inspected:
      // whoever did it must not be able to stop the restore.
      if (error instanceof MirrorError && error.code === 'MIRROR_IO') return undefined;
      throw error;
    });
    if (found === undefined) missing = manifest.files.map((f) => f.path);
    else {
      ({ modified, missing, extra } = found);
      metadata = (await inspectFolderMeta(paths.target, manifest, options.envelopeBytes, options.trustFiles)).map((d) => d.path);
    }
  }
  const clean = modified.length === 0 && missing.length === 0 && extra.length === 0 && metadata.length === 0;
  if (clean && state.kind === 'ours') {
    return { target: paths.target, version: manifest.version, repaired: false, found: state.kind, modified, missing, extra, metadata, evidence: null, tree: null, ms: Math.round(performance.now() - started) };
  }

  const evidence = `${paths.target}.tampered-${stamp(options.now ?? new Date())}`;
  const done = await installRelease(paths, layout, options, {
    keep: Math.max(2, options.keep ?? 2),
    concurrency: options.concurrency ?? 8,
    replaceable: (await storeExists(paths)) ? RESTORABLE_WITH_STORE : RESTORABLE_WITHOUT_STORE,
    evidence,
    // Every file a fresh copy from the archive: the repaired tree shares no inode with the one that was tampered with.
    link: [],
  });
  const movedAside = done.replaced.kind === 'plain-dir' || done.replaced.kind === 'other';
  return {
    target: paths.target,
    version: manifest.version,
    repaired: true,
    found: done.replaced.kind,
    modified,
    missing,
    extra,
    metadata,
    evidence: movedAside ? evidence : null,
    tree: done.tree,
    ms: Math.round(performance.now() - started),
  };
}
