/**
 * Writing a complete release tree into a fresh folder: every file taken from
 * the content-addressed archive and hashed as it is written, the metadata
 * written into every site, then the whole tree flushed to disk at once
 * (flushTree: one syncfs of its file system, not an fsync per file and
 * folder). The folder is invisible to readers until the caller switches to
 * it, so a failure or a kill here leaves only a staging folder that the next
 * deploy removes, and a power cut after the switch finds the tree's bytes.
 *
 * Incremental deploys. Given the tree the target served until now
 * (`previous`) and the files its manifest lists, a file listed there with the
 * same path and SHA-256 is taken from it instead of from the archive (when
 * that manifest cannot be read, any file there of the same path and size is
 * tried): a reflink first (a copy
 * that shares blocks until either side is written: its own inode, so the two
 * trees stay independent), else a hard link (the same inode), else a copy of
 * the archive object. A method the file system refuses (reflink on ext4 or
 * tmpfs, a link across file systems) is not tried again for this tree. The
 * metadata files the release writes into every site are taken the same way
 * when the previous tree has them with the same bytes (the trust documents,
 * an unchanged site's manifest), except the release document, which names
 * the release and so is always written.
 *
 * A file of the previous tree may have been altered in place since it was
 * deployed. Each taken file is therefore hashed after it is linked, through
 * its new name (so the bytes checked are those of the very inode now in the
 * tree), and must be a regular file of the manifest's size and SHA-256, owned
 * by this process's user, with no write bit for others and no execute bit;
 * otherwise its name is removed and the archive object copied instead (a
 * metadata file written from the release's bytes), and the path is counted as
 * `refused` (not a metadata file). A tampered page is never carried forward.
 * The previous manifest is read from the mirror, unverified: it only chooses
 * which files to try, so a forged one can cost links, never admit a file.
 * Archive objects are never linked, only read: a page tampered on a mirror
 * cannot reach the archive that restores it.
 *
 * The trade-off of hard links: the new tree and the previous one share the
 * inode, so a page altered in place later, through either tree, changes both
 * (a reflink or a copy does not). The exposure is the same as an alteration of
 * the served tree itself: `verify` reports it, and `verify --restore` stages a
 * tree of fresh copies from the archive (restore never links) and switches to
 * it, so a repair never writes into a shared inode. Pruning an old tree only
 * unlinks names: a file still linked from a newer tree keeps its data.
 */
import { closeSync, constants, copyFileSync, fstatSync, linkSync, lstatSync, mkdirSync, readSync } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, sep } from 'node:path';
import { copyHashed, flushTree, openRegularSync, sha256Hex, writeNewFile } from '../fs/index.ts';
import { MANIFEST_FILE } from '../release/manifest.ts';
import { MirrorError } from './errors.ts';
import type { TreeFile, TreeLayout } from './layout.ts';
import { runPool } from './pool.ts';

/** Where the archive keeps the bytes of a given SHA-256 (the release archive's `objects/<2 hex>/<64 hex>`). */
export interface ObjectSource {
  objectPath(sha256: string): string;
}

/** How an unchanged file is taken from the previous tree, in the order tried. */
export type LinkMethod = 'reflink' | 'hardlink';
export const LINK_METHODS: readonly LinkMethod[] = ['reflink', 'hardlink'];

/** What every deploy reports, to a folder or over rsync. */
export interface DeployReportBase {
  version: number;
  /** The tree (folder) or release (rsync) the target pointed to before, when it was ours. */
  previous: string | null;
  files: number;
  bytes: number;
  /** How many files were copied, reflinked or hard-linked from the previous tree (and refused there). */
  transfer: TransferCounts;
  ms: number;
  /** Store entries removed (old trees, leftovers of killed runs). */
  removed: string[];
}

/** How the files of a tree were written; the three counts add up to `files`. */
export interface TransferCounts {
  /** Written from the archive's bytes, or (metadata files) from the release's. */
  copied: number;
  /** Cloned from the previous tree (shared blocks, own inode); pages, and metadata files that did not change. */
  reflinked: number;
  /** Hard links to the previous tree's files (same inode). */
  hardlinked: number;
  /**
   * Folder mirrors: files left in place in an older tree the deploy took as its
   * start (folder.ts, "recycling"), each checked as a linked file is. Absent
   * when no tree was recycled.
   */
  kept?: number;
  /**
   * Folder mirrors: files of the previous tree that its manifest lists as
   * unchanged but that failed the check (missing, not a regular file, other
   * size, bytes, mode or owner: altered in place, or damaged) and were copied
   * instead. Without a readable
   * previous manifest, a changed page of the same size counts here too. Not
   * known for rsync (it sends a file that differs, whatever made it differ).
   */
  refused?: number;
}

export interface PreviousTree {
  dir: string;
  /** Path → SHA-256 of the files its manifest lists; undefined when that manifest could not be read. */
  files?: ReadonlyMap<string, string>;
}

export interface WriteTreeOptions {
  concurrency?: number;
  /** The tree the target served until now: its unchanged files are linked, not copied. */
  previous?: PreviousTree | null;
  /** Link methods to try, in order (default LINK_METHODS); [] copies every file. */
  link?: readonly LinkMethod[];
  /** Flush the finished tree to disk (flushTree; default true). Off only for a tree that is a transient upload source (rsync). */
  durable?: boolean;
  /**
   * The root is an older tree taken as the start (folder.ts): these files of
   * the layout are already there and checked, and every folder of the layout
   * that exists is a folder. Nothing else is in the root.
   */
  kept?: ReadonlySet<string>;
}

export interface WrittenTree {
  files: number;
  bytes: number;
  transfer: TransferCounts;
}

const CHUNK = 1 << 20;
const FILE_MODE = 0o644;
export const DIR_MODE = 0o755;

/** join() under root, refusing anything that lands outside it (layout already refuses `..`; this is the second lock). */
export function confined(root: string, rel: string): string {
  const abs = join(root, rel);
  if (!abs.startsWith(root + sep)) throw new MirrorError('MANIFEST_UNSAFE', `${JSON.stringify(rel)} would be written outside ${root}; refused.`, { file: rel });
  return abs;
}

async function copyObject(root: string, file: TreeFile, objects: ObjectSource, buffer: Buffer): Promise<void> {
  const source = objects.objectPath(file.sha256);
  let input: FileHandle;
  try {
    input = await open(source, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'OBJECT_MISSING' : 'MIRROR_IO';
    throw new MirrorError(code, `${file.path}: archive object ${source} cannot be read (${(cause as Error).message}). Replicate the archive from its off-site copy, or rebuild the release.`, { cause, file: source });
  }
  // O_EXCL: the staging folder is fresh, so an existing entry (or a planted symlink) means someone else is writing here.
  let output: FileHandle;
  try {
    output = await open(confined(root, file.path), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, FILE_MODE);
  } catch (error) {
    await input.close();
    throw error;
  }
  try {
    // Never read more than size + 1 bytes: a corrupt object may be huge.
    const { sha256: digest, size: total } = await copyHashed(input, output, { maxBytes: file.size, buffer });
    if (total !== file.size || digest !== file.sha256) {
      const what = total > file.size ? 'is larger than' : total !== file.size ? `has ${total} bytes, not` : 'does not hash to';
      throw new MirrorError('OBJECT_CORRUPT', `${file.path}: archive object ${source} ${what} the manifest's ${total !== file.size ? `${file.size} bytes` : 'SHA-256'}. The archive is damaged: restore it from the off-site copy (nothing was switched).`, { file: source });
    }
  } finally {
    await Promise.all([input.close(), output.close()]);
  }
}

/** Errors by which a file system says it cannot do a method at all: the method is not tried again in this tree. */
const UNSUPPORTED = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EPERM', 'ENOTTY']);
// Set-id, sticky, write for group or others, execute for anyone: a page never has them.
const ODD_MODE = 0o7133;

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Whether the file now at `path` is a regular file with the manifest's size and SHA-256, ours, with a plain mode. */
export function holdsExactly(path: string, file: TreeFile, buffer: Buffer, uid: number | undefined): boolean {
  let fd: number;
  try {
    ({ fd } = openRegularSync(path));
  } catch {
    return false;
  }
  try {
    const st = fstatSync(fd);
    if (st.size !== file.size || (st.mode & ODD_MODE) !== 0 || (uid !== undefined && st.uid !== uid)) return false;
    const hash = createHash('sha256');
    let size = 0;
    for (;;) {
      // Never more than one byte past the expected size; a short read of a regular file is its end (one read for a page, not two).
      const want = Math.min(buffer.length, file.size + 1 - size);
      const n = readSync(fd, buffer, 0, want, null);
      size += n;
      if (size > file.size) return false;
      hash.update(buffer.subarray(0, n));
      if (n < want) break;
    }
    return size === file.size && hash.digest('hex') === file.sha256;
  } finally {
    closeSync(fd);
  }
}

interface Reuse {
  previous: PreviousTree;
  methods: LinkMethod[];
  uid: number | undefined;
  counts: TransferCounts;
}

/**
 * Takes `file` from the previous tree when it is there unchanged; returns
 * false when the caller must copy it from the archive. A metadata file
 * (`meta`: a trust document or site manifest, which no manifest lists) is
 * tried whenever the previous tree has one of its size, and one that differs
 * is written, not counted as refused.
 */
async function reuseFile(root: string, file: TreeFile, reuse: Reuse, buffer: Buffer, meta = false): Promise<boolean> {
  const listed = meta ? undefined : reuse.previous.files?.get(file.path);
  if (!meta && (listed !== undefined ? listed !== file.sha256 : reuse.previous.files !== undefined)) return false; // changed, or new
  const from = confined(reuse.previous.dir, file.path);
  // A file the previous manifest lists as this one, but removed, replaced by a link or another type, or resized there, is refused.
  const refuse = (): false => {
    if (listed !== undefined) reuse.counts.refused = (reuse.counts.refused ?? 0) + 1;
    return false;
  };
  let st;
  try {
    st = lstatSync(from);
  } catch {
    return refuse(); // a new path (without a previous manifest), or gone from the previous tree: copied
  }
  if (!st.isFile() || st.size !== file.size) return refuse();
  const to = confined(root, file.path);
  for (const method of [...reuse.methods]) {
    try {
      // EXCL: the staging folder is fresh, so an existing entry means someone else is writing here.
      // Synchronous: a tree is tens of thousands of these, and the file is hashed synchronously right after.
      if (method === 'reflink') copyFileSync(from, to, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
      else linkSync(from, to);
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'EEXIST') throw error;
      if (code !== undefined && UNSUPPORTED.has(code)) reuse.methods = reuse.methods.filter((m) => m !== method);
      continue;
    }
    if (!holdsExactly(to, file, buffer, reuse.uid)) {
      await unlink(to);
      if (!meta) reuse.counts.refused = (reuse.counts.refused ?? 0) + 1;
      return false;
    }
    if (method === 'reflink') {
      // The clone is a new inode of this tree: its mode is set here (its block map is flushed with the tree).
      const handle = await open(to, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        await handle.chmod(FILE_MODE);
      } finally {
        await handle.close();
      }
      reuse.counts.reflinked++;
    } else reuse.counts.hardlinked++; // the data was flushed when the previous tree was written; the new name is flushed with the tree
    return true;
  }
  return false;
}

/** Builds the tree under `root`, which must exist and be empty. */
export async function writeTree(root: string, layout: TreeLayout, objects: ObjectSource, options: WriteTreeOptions = {}): Promise<WrittenTree> {
  const concurrency = options.concurrency ?? 8;
  const durable = options.durable ?? true;
  // Synchronous, like the links below: thousands of calls, each cheaper than a trip through the thread pool.
  const kept = options.kept;
  for (const dir of layout.dirs) {
    try {
      mkdirSync(confined(root, dir), { mode: DIR_MODE });
    } catch (error) {
      // A recycled tree has the folder already (the sweep left only folders of the layout as folders).
      if (kept === undefined || errnoOf(error) !== 'EEXIST') throw error;
    }
  }
  const buffers = Array.from({ length: concurrency }, () => Buffer.allocUnsafe(CHUNK));
  const counts: TransferCounts = { copied: 0, reflinked: 0, hardlinked: 0, refused: 0, ...(kept ? { kept: 0 } : {}) };
  const methods = [...(options.link ?? LINK_METHODS)];
  const reuse: Reuse | undefined =
    options.previous && methods.length > 0 ? { previous: options.previous, methods, uid: process.getuid?.(), counts } : undefined;
  await runPool(layout.files, concurrency, async (file, worker) => {
    if (kept?.has(file.path)) {
      counts.kept!++;
      return;
    }
    if (reuse !== undefined && reuse.methods.length > 0 && (await reuseFile(root, file, reuse, buffers[worker]!))) return;
    await copyObject(root, file, objects, buffers[worker]!);
    counts.copied++;
  });
  // Trust documents and an unchanged site's manifest are the same bytes as in the previous tree: linked like a page.
  // The release document names this release, so it is always new.
  await runPool([...layout.meta], concurrency, async ([path, bytes], worker) => {
    const linkable = reuse !== undefined && reuse.methods.length > 0 && !path.endsWith(`/${MANIFEST_FILE}`);
    if (linkable && (await reuseFile(root, { path, size: bytes.length, sha256: sha256Hex(bytes) }, reuse, buffers[worker]!, true))) return;
    await writeNewFile(confined(root, path), bytes, FILE_MODE, { durable: false });
    counts.copied++;
  });
  // Nothing above was flushed on its own: the whole tree is, once, before the caller switches to it.
  if (durable) await flushTree(root);
  let bytes = 0;
  for (const f of layout.files) bytes += f.size;
  for (const m of layout.meta.values()) bytes += m.length;
  return { files: layout.files.length + layout.meta.size, bytes, transfer: counts };
}
