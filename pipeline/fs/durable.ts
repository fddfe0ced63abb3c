/**
 * Durable, atomic file writes: the bytes go to a temporary file in a folder on
 * the same file system, are flushed to disk, then take their name in one step.
 * A reader (or a process killed half-way) sees the old file or the new one,
 * never a part. A file's data is durable after its fsync, its name only after
 * its folder's fsync: every function here does both.
 */
import { spawn } from 'node:child_process';
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

// Whole trees: thousands of files written without a flush each, then flushed at once before the tree is switched in.

/**
 * How flushTree made a tree durable: `syncfs`, one syncfs(2) of the tree's
 * file system (coreutils `sync --file-system`; Node has no binding for it);
 * `fsync`, an fsync of every file and folder, many at once on libuv's
 * thread pool.
 */
export type FlushMethod = 'syncfs' | 'fsync';

export interface FlushOptions {
  /** Default `syncfs` on Linux (falling back to `fsync` when `sync -f` cannot run or fails), `fsync` elsewhere. */
  method?: FlushMethod;
  /** `fsync`: flushes in flight (default 64; libuv runs 4 at a time unless UV_THREADPOOL_SIZE says otherwise, the rest queue). */
  concurrency?: number;
}

let syncfsUnavailable = process.platform !== 'linux';

/**
 * One syncfs(2) of the file system holding `path`: every dirty page and
 * inode of that file system written and its journal committed, the device's
 * cache flushed; since Linux 5.8 a write-back error on it is reported
 * (non-zero exit). Resolves false when it could not be done (no `sync`, an
 * old one without --file-system, an error): the caller then fsyncs each file,
 * which reports an error on its file again.
 */
function syncFileSystem(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('sync', ['--file-system', '--', path], { stdio: 'ignore', shell: false });
    child.on('error', () => {
      syncfsUnavailable = true;
      resolve(false);
    });
    child.on('close', (code) => resolve(code === 0));
  });
}

/** fsync every regular file and folder under `dir` (and `dir`), `concurrency` at a time off the main thread. */
export async function fsyncTree(dir: string, concurrency = 64): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  const paths = [...entries.filter((e) => e.isFile() || e.isDirectory()).map((e) => join(e.parentPath, e.name)), dir];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < paths.length) {
      const handle = await fs.open(paths[next++]!, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, paths.length)) }, worker));
}

/**
 * Make every file and folder under `dir`, written without a flush each, durable
 * at once: what must hold before the tree is switched in (renamed into place,
 * or a symlink pointed at it), so that after a power cut the name never leads
 * to a tree whose bytes were lost. Returns the method that did it.
 *
 * syncfs flushes the whole file system, other writers' dirty data included,
 * in one call; at 29,000 files it replaces 29,000 fsyncs, each of which costs
 * ext4 a journal commit or a device cache flush (test/bench/flush-bench.ts,
 * 29,000 pages of 7 KB freshly written on a busy 2-core machine: 63 s fsynced
 * one by one, 8.5 s 16 at a time, 5.7 s 64 at a time, 0.5 s by one syncfs).
 */
export async function flushTree(dir: string, options: FlushOptions = {}): Promise<FlushMethod> {
  const method = options.method ?? (syncfsUnavailable ? 'fsync' : 'syncfs');
  if (method === 'syncfs' && (await syncFileSystem(dir))) return 'syncfs';
  await fsyncTree(dir, options.concurrency);
  return 'fsync';
}
