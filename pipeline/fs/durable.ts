/**
 * Durable, atomic file writes: the bytes go to a temporary file in a folder on
 * the same file system, are flushed to disk, then take their name in one step.
 * A reader (or a process killed half-way) sees the old file or the new one,
 * never a part. A file's data is durable after its fsync, its name only after
 * its folder's fsync: every function here does both.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fsyncSync, linkSync, openSync, promises as fs, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function tempName(dir: string): string {
  return join(dir, `.${randomBytes(8).toString('hex')}.tmp`);
}

/** fsync a folder, so that a rename or link in it survives a crash. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Create `path` with `bytes`, flushed; never replacing anything and never
 * writing through a link planted there (O_EXCL | O_NOFOLLOW). The caller syncs
 * the folder once its files are all written. `durable: false` skips the flush
 * (a transient file, such as a local upload source).
 */
export async function writeNewFile(path: string, bytes: Uint8Array, mode = 0o644, options: { durable?: boolean } = {}): Promise<void> {
  const handle = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    await handle.writeFile(bytes);
    if (options.durable !== false) await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Write `bytes` to a new temp file in `tmpDir` (flushed, with `mode`); returns its path. */
export async function writeTemp(tmpDir: string, bytes: Uint8Array, mode: number): Promise<string> {
  const tmp = tempName(tmpDir);
  const handle = await fs.open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.chmod(mode);
    await handle.sync();
  } catch (e) {
    await handle.close();
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  return tmp;
}

/**
 * Give a finished temp file its final name without ever replacing an existing
 * file: link() fails with EEXIST where rename() would overwrite. Returns false
 * when the name was already taken (the temp file is removed either way).
 */
export async function publishNoReplace(tmp: string, target: string, options: { deferDirSync?: Set<string> } = {}): Promise<boolean> {
  try {
    await fs.link(tmp, target);
    // The caller may collect the folders and sync each once (many objects land in the same 256 folders).
    if (options.deferDirSync) options.deferDirSync.add(dirname(target));
    else await syncDir(dirname(target));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Replace `target` atomically (temp in the same folder, fsync, rename). */
export async function writeFileAtomic(target: string, bytes: Uint8Array, mode = 0o644): Promise<void> {
  const tmp = await writeTemp(dirname(target), bytes, mode);
  try {
    await fs.rename(tmp, target);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDir(dirname(target));
}

// Synchronous twins, for small metadata files (release envelopes, trust documents, the seen-versions state).

export function syncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export function writeTempSync(tmpDir: string, bytes: Uint8Array, mode: number): string {
  const tmp = tempName(tmpDir);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeFileSync(fd, bytes);
    fchmodSync(fd, mode);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  return tmp;
}

export function publishNoReplaceSync(tmp: string, target: string): boolean {
  try {
    linkSync(tmp, target);
    syncDirSync(dirname(target));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function writeFileAtomicSync(target: string, bytes: Uint8Array, mode = 0o644): void {
  const tmp = writeTempSync(dirname(target), bytes, mode);
  try {
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  syncDirSync(dirname(target));
}
