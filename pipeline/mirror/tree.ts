/**
 * Writing a complete release tree into a fresh folder: every file copied from
 * the content-addressed archive and hashed as it is written, the metadata
 * written into every site, everything fsynced. The folder is invisible to
 * readers until the caller switches to it, so a failure or a kill here leaves
 * only a staging folder that the next deploy removes.
 */
import { constants } from 'node:fs';
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { copyHashed, syncDir, writeNewFile } from '../fs/index.ts';
import { MirrorError } from './errors.ts';
import type { TreeFile, TreeLayout } from './layout.ts';
import { runPool } from './pool.ts';

/** Where the archive keeps the bytes of a given SHA-256 (the release archive's `objects/<2 hex>/<64 hex>`). */
export interface ObjectSource {
  objectPath(sha256: string): string;
}

export interface WrittenTree {
  files: number;
  bytes: number;
}

const CHUNK = 1 << 20;
const FILE_MODE = 0o644;
const DIR_MODE = 0o755;

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
    await output.sync();
  } finally {
    await Promise.all([input.close(), output.close()]);
  }
}

/** Builds the tree under `root`, which must exist and be empty. */
export async function writeTree(root: string, layout: TreeLayout, objects: ObjectSource, concurrency = 8): Promise<WrittenTree> {
  for (const dir of layout.dirs) await mkdir(confined(root, dir), { mode: DIR_MODE });
  const buffers = Array.from({ length: concurrency }, () => Buffer.allocUnsafe(CHUNK));
  await runPool(layout.files, concurrency, (file, worker) => copyObject(root, file, objects, buffers[worker]!));
  await runPool([...layout.meta], concurrency, ([path, bytes]) => writeNewFile(confined(root, path), bytes, FILE_MODE));
  // A file's data is durable after its fsync, its name only after its folder's fsync.
  await runPool([...layout.dirs.map((d) => confined(root, d)), root], concurrency, syncDir);
  let bytes = 0;
  for (const f of layout.files) bytes += f.size;
  for (const m of layout.meta.values()) bytes += m.length;
  return { files: layout.files.length + layout.meta.size, bytes };
}
