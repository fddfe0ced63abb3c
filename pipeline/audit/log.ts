/**
 * The audit log on disk: where it lives, reading its head, appending to it.
 *
 * It is operational state kept beside the release archive, not committed
 * content: by default `<repo>/.sealpress/audit/log.jsonl`, or
 * $SEALPRESS_AUDIT_LOG, or an explicit path.
 *
 * Appending is O(1) in the size of the log: only the last line is read (for
 * seq and prev), never the whole file, because the log grows forever. Whole-log
 * checks are `sealpress audit verify`'s job.
 *
 * Two processes must not both read the same tail and each append a seq N+1
 * (a fork of the chain), so an append holds an exclusive lock: the file
 * `<log>.lock`, created with O_EXCL ('wx') and holding `pid host token time`.
 * A busy lock is retried until a timeout. A stale lock (its holder died) is
 * broken only when the holder's pid is on this host and no longer runs; a lock
 * held from another host (a shared volume), or one still empty (its creator
 * died between creating and writing it, or is about to write it: nobody can
 * tell which), is never broken automatically: the error names the file and its
 * holder, to be removed by hand once nobody writes.
 *
 * Only one process may ever believe it holds the lock, so breaking is
 * serialised behind a second lock, `<log>.lock.break` (also O_EXCL): under it
 * the lock is judged stale again and only then removed. That is safe because
 * a stale lock can leave only through a breaker (its holder is dead), and
 * breakers take turns, so the file judged is the file removed; nothing is ever
 * renamed aside or put back (which let a third process take the lock in
 * between, or brought a released lock back to life). A breaker holds the break
 * lock for a few system calls; if one dies there, the break lock is not broken
 * in turn (that would reopen the race): the error names it, to be removed by
 * hand. A fork that still slipped through (a lock removed by hand too early)
 * would be caught by verify (two entries with one seq).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { AuditError, entryLine, eventProblems, MAX_LINE_BYTES, nextEntry, parseLine, type AuditEntry, type AuditEvent, type AuditHead } from './entry.ts';
import { DEFAULT_SKEW_MS } from './verify.ts';

export const AUDIT_LOG_ENV = 'SEALPRESS_AUDIT_LOG';
export const DEFAULT_AUDIT_LOG = '.sealpress/audit/log.jsonl';

/** The log's path: the explicit one, else $SEALPRESS_AUDIT_LOG, else under the repository's .sealpress/. */
export function auditLogPath(root: string, explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env[AUDIT_LOG_ENV];
  return chosen ? chosen : join(root, DEFAULT_AUDIT_LOG);
}

/** The log of a repository when no explicit path is given: $SEALPRESS_AUDIT_LOG, else under its .sealpress/. */
export function defaultAuditLogPath(root: string): string {
  return auditLogPath(root);
}

const VERIFY_HINT = 'run `sealpress audit verify` to find the damage; nothing was appended';

function ioError(file: string, doing: string, cause: unknown): AuditError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'error';
  const why = code === 'ELOOP' ? 'it is a symlink; the audit log must be a plain file' : code;
  return new AuditError('AUDIT_IO', file, `cannot ${doing} the audit log ${file} (${why})`, { cause });
}

interface Tail {
  head: AuditHead;
  atMs: number;
}

/** Read and check the last line only. Undefined for a missing or empty log. */
function readTail(path: string): Tail | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError(path, 'open', cause);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new AuditError('AUDIT_IO', path, `the audit log ${path} is not a regular file`);
    if (stat.size === 0) return undefined;
    const want = Math.min(stat.size, MAX_LINE_BYTES + 1);
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, stat.size - want + got);
      if (n === 0) break;
      got += n;
    }
    if (got !== want) throw new AuditError('AUDIT_TAIL_CORRUPT', path, `the audit log ${path} changed size while its last line was read; ${VERIFY_HINT}`);
    if (buf[want - 1] !== 0x0a) throw new AuditError('AUDIT_TAIL_CORRUPT', path, `the last line of the audit log ${path} is incomplete (a cut file or an interrupted write); ${VERIFY_HINT}`);
    const before = buf.lastIndexOf(0x0a, want - 2);
    if (before < 0 && want < stat.size) throw new AuditError('AUDIT_TAIL_CORRUPT', path, `the last line of the audit log ${path} is longer than ${MAX_LINE_BYTES} bytes; ${VERIFY_HINT}`);
    const parsed = parseLine(buf.subarray(before + 1, want - 1));
    if (!parsed.ok) throw new AuditError('AUDIT_TAIL_CORRUPT', path, `the last line of the audit log ${path} is bad (${parsed.code}: ${parsed.problem}); ${VERIFY_HINT}`);
    return { head: { seq: parsed.entry.seq, hash: parsed.entry.hash }, atMs: parsed.atMs };
  } finally {
    closeSync(fd);
  }
}

/** The head `{ seq, hash }` of the log, reading only its last line; undefined when the log is missing or empty. Throws AUDIT_TAIL_CORRUPT. */
export function auditHead(logPath: string): AuditHead | undefined {
  return readTail(logPath)?.head;
}

export interface AppendOptions {
  /** How long to wait for another process's lock. Default 10 s. */
  lockTimeoutMs?: number;
  /** How far `now` may lie before the last entry's time. Default 5 minutes: verify holds each entry to the same rule against the one before it. */
  skewMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether the lock file is stale, and who holds it (for the message). */
function staleness(lockPath: string): { stale: boolean; holder: string } {
  let content: string;
  try {
    content = readFileSync(lockPath, 'utf8');
  } catch {
    return { stale: false, holder: 'a process that just released it' };
  }
  if (!content) return { stale: false, holder: 'a process that died before writing its pid into it, or is writing it now' };
  const [pid, host, , since] = content.split(' ');
  const n = Number(pid);
  const dead = host === hostname() && Number.isSafeInteger(n) && n > 0 && !alive(n);
  return { stale: dead, holder: `pid ${pid} on ${host} since ${since}${dead ? ' (no longer running)' : ''}` };
}

const lockToken = () => `${process.pid} ${hostname()} ${randomUUID()} ${new Date().toISOString()}`;

/**
 * Remove the lock if it is stale, holding the break lock: 'busy' when another process holds that (it is
 * breaking the same lock, or died doing so).
 */
function breakStale(lockPath: string): 'done' | 'busy' {
  const breakPath = `${lockPath}.break`;
  const token = lockToken();
  try {
    writeFileSync(breakPath, token, { flag: 'wx', mode: 0o600 });
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return 'busy';
    throw ioError(breakPath, 'lock', cause);
  }
  try {
    // Judged again under the break lock: another breaker may have removed the stale lock and a live process
    // taken a fresh one since we looked. What is judged stale now stays until we remove it: its holder is dead,
    // and every other breaker waits for the break lock.
    if (staleness(lockPath).stale) {
      try {
        unlinkSync(lockPath);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(lockPath, 'remove the stale lock of', cause);
      }
    }
  } finally {
    release(breakPath, token);
  }
  return 'done';
}

async function acquire(lockPath: string, timeoutMs: number): Promise<string> {
  const token = lockToken();
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lockPath, token, { flag: 'wx', mode: 0o600 });
      return token;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(lockPath, 'lock', cause);
    }
    const s = staleness(lockPath);
    if (s.stale && breakStale(lockPath) === 'done') continue;
    if (Date.now() >= deadline) {
      const breakPath = `${lockPath}.break`;
      if (s.stale && existsSync(breakPath)) {
        throw new AuditError(
          'AUDIT_LOCKED',
          breakPath,
          `the audit log's lock ${lockPath} is stale (held by ${s.holder}), but ${breakPath} says another process is breaking it: ${staleness(breakPath).holder}. If no sealpress command is running, remove ${breakPath} and run the command again`,
        );
      }
      throw new AuditError('AUDIT_LOCKED', lockPath, `the audit log is locked by ${s.holder} (${lockPath}); if no sealpress command is running there, remove that file and run the command again`);
    }
    // Jittered backoff, capped: appends are short, waiting long wastes the holder's release.
    await sleep(Math.min(50, 2 + attempt) * (0.5 + Math.random()));
  }
}

/** Remove our own lock file, never another's (ours may have been removed by hand and the lock taken since). */
function release(lockPath: string, token: string): void {
  try {
    if (readFileSync(lockPath, 'utf8') === token) unlinkSync(lockPath);
  } catch {
    /* already gone: nothing of ours to remove */
  }
}

/**
 * Append one entry, under the lock, with O_APPEND and fsync. Refuses (throws
 * AuditError) when the last line is corrupt (fail closed: appending would
 * extend or hide the damage), when `now` is behind the last entry by more
 * than the skew, or when the event breaks the format.
 */
export async function appendAudit(logPath: string, event: AuditEvent, now: Date, options: AppendOptions = {}): Promise<AuditEntry> {
  const problems = eventProblems(event);
  if (problems.length > 0) throw new AuditError('AUDIT_EVENT_INVALID', logPath, `the audit event cannot be logged: ${problems.join('; ')}`);
  const dir = dirname(logPath);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
  } catch (cause) {
    throw ioError(dir, 'create the folder of', cause);
  }
  const lockPath = `${logPath}.lock`;
  const token = await acquire(lockPath, options.lockTimeoutMs ?? 10_000);
  try {
    const tail = readTail(logPath);
    const skew = options.skewMs ?? DEFAULT_SKEW_MS;
    if (tail && now.getTime() < tail.atMs - skew) {
      throw new AuditError('AUDIT_CLOCK', logPath, `the clock (${now.toISOString()}) is behind the last audit entry (seq ${tail.head.seq}, ${new Date(tail.atMs).toISOString()}) by more than ${Math.round(skew / 1000)} s; fix the system clock. Nothing was appended`);
    }
    let entry: AuditEntry;
    let line: Buffer;
    try {
      entry = nextEntry(tail?.head, event, now);
      line = Buffer.from(entryLine(entry), 'utf8');
    } catch (cause) {
      throw new AuditError('AUDIT_EVENT_INVALID', logPath, `the audit event cannot be encoded: ${(cause as Error).message}`, { cause });
    }
    if (line.length - 1 > MAX_LINE_BYTES) throw new AuditError('AUDIT_EVENT_INVALID', logPath, `the audit entry would be ${line.length - 1} bytes; entries are at most ${MAX_LINE_BYTES} (keep details small)`);
    let fd: number;
    try {
      fd = openSync(logPath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
    } catch (cause) {
      throw ioError(logPath, 'open', cause);
    }
    try {
      if (!fstatSync(fd).isFile()) throw new AuditError('AUDIT_IO', logPath, `the audit log ${logPath} is not a regular file`);
      for (let off = 0; off < line.length; ) off += writeSync(fd, line, off, line.length - off);
      fsyncSync(fd);
    } catch (cause) {
      throw cause instanceof AuditError ? cause : ioError(logPath, 'write', cause);
    } finally {
      closeSync(fd);
    }
    // The first entry created the file: make its name durable too.
    if (!tail) syncDir(dir);
    return entry;
  } finally {
    release(lockPath, token);
  }
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* some file systems cannot fsync a folder; the entry itself is synced */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
