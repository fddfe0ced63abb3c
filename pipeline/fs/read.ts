/**
 * Reading a file someone else controls (a writer's repository, a mirror, the
 * operational state beside the archive): never through a symlink, never more
 * than a cap, never blocking on a FIFO.
 *
 * The checks are made on the open descriptor (O_NOFOLLOW, then fstat), not on
 * the path before opening it: an lstat followed by a read by name lets a file
 * be swapped for a link, or grow, in between.
 *
 * Refusals are thrown as file-system errors, the way node:fs throws, so a
 * caller maps them like any other errno: `ELOOP` (a symlink), `EFTYPE` (not a
 * regular file: a folder, FIFO, device or socket), `EFBIG` (over the cap; the
 * error carries `size` and `limit`), and whatever the system says (ENOENT…).
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

export type FsRefusal = 'ELOOP' | 'EFTYPE' | 'EFBIG';

export interface FsError extends NodeJS.ErrnoException {
  path: string;
  /** For EFBIG: the file's size and the cap. */
  size?: number;
  limit?: number;
}

function refused(code: FsRefusal, path: string, message: string, extra: { size?: number; limit?: number } = {}): FsError {
  return Object.assign(new Error(`${code}: ${message}, open '${path}'`), { code, path, ...extra });
}

/** The errno of an error thrown by node:fs or by this module, if it has one. */
export function fsErrorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Why a read failed, in a few words a message can carry after the file's name. */
export function unreadableBecause(error: unknown): string {
  const code = fsErrorCode(error);
  const e = error as FsError;
  switch (code) {
    case 'ELOOP':
      return 'it is a symlink, which is never followed';
    case 'EFTYPE':
    case 'EISDIR':
      return 'it is not a regular file (a folder, FIFO, device or socket)';
    case 'EFBIG':
      return `it is ${e.size} bytes; the limit is ${e.limit}`;
    default:
      return code ?? (error as Error).message;
  }
}

/** Open a regular file for reading without following a link in its last component; returns the descriptor and its size. */
export function openRegularSync(path: string): { fd: number; size: number } {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refused('EFTYPE', path, 'not a regular file');
    return { fd, size: stat.size };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * The bytes of the regular file at `path`, at most `maxBytes` of them. A file
 * that grows past the cap while it is read is refused too (EFBIG): what is
 * returned is always the whole file as it was once.
 */
export function readCappedSync(path: string, maxBytes: number): Buffer {
  const { fd, size } = openRegularSync(path);
  try {
    if (size > maxBytes) throw refused('EFBIG', path, `${size} bytes, over the limit of ${maxBytes}`, { size, limit: maxBytes });
    // One byte more than the stated size: a file that grew since fstat is noticed, not cut.
    const buf = Buffer.allocUnsafe(size + 1);
    let got = 0;
    for (let n = 1; n > 0 && got < buf.length; got += n) n = readSync(fd, buf, got, buf.length - got, null);
    if (got > size) throw refused('EFBIG', path, `it grew past its ${size} bytes while it was read`, { size: got, limit: maxBytes });
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

/** readCappedSync's outcome as a value, for loaders that report a problem per file and go on. */
export type PlainRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; problem: 'missing' | 'not-plain' | 'too-large' | 'unreadable'; size?: number; detail: string; cause: unknown };

/** The bytes of a plain file (no link, no folder or device, at most `maxBytes`), or which of those it is not. */
export function readPlainSync(path: string, maxBytes: number): PlainRead {
  try {
    return { ok: true, bytes: readCappedSync(path, maxBytes) };
  } catch (cause) {
    const code = fsErrorCode(cause);
    const detail = unreadableBecause(cause);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: 'missing', detail, cause };
    if (code === 'ELOOP' || code === 'EFTYPE' || code === 'EISDIR') return { ok: false, problem: 'not-plain', detail, cause };
    if (code === 'EFBIG') return { ok: false, problem: 'too-large', size: (cause as FsError).size ?? maxBytes + 1, detail, cause };
    return { ok: false, problem: 'unreadable', detail, cause };
  }
}
