/**
 * The one exclusive lock of sealpress (the audit log, the verifier's memory of
 * release versions, a folder mirror's deploys): a file beside what it guards,
 * holding `pid host token time`.
 *
 * It appears with its owner already written in it: the owner is written into a
 * draft (`<lock>.draft-<pid>-<host tag>-<random>`), then linked into place with
 * link(2), which fails if a lock exists. A process killed between creating and
 * writing a lock would otherwise leave an empty one that nobody could judge
 * stale (a mirror deploy is killed at any moment by design: test/mirror/kill).
 * Drafts of processes that died are removed by the next holder. (A file
 * system without hard links gets the lock created in place with O_EXCL.)
 *
 * A busy lock is retried until a timeout. A stale lock (its holder died) is
 * broken only when the holder's pid is on this host and no longer runs; a lock
 * held from another host (a shared volume), or one that is empty (written by
 * hand or by an older version), is never broken automatically: the outcome
 * names the file and its holder, to be removed by hand once nobody writes.
 *
 * Only one process may ever believe it holds the lock, so breaking is
 * serialised behind a second lock, `<lock>.break` (taken the same way): under
 * it the lock is judged stale again and only then removed. That is safe because
 * a stale lock can leave only through a breaker (its holder is dead), and
 * breakers take turns, so the file judged is the file removed; nothing is ever
 * renamed aside or put back (which let a third process take the lock in
 * between, or brought a released lock back to life). A breaker holds the break
 * lock for a few system calls; if one dies there, the break lock is not broken
 * in turn (that would reopen the race): the outcome names it, to be removed by
 * hand. (This rule was reviewed for the audit log, where a fork of the chain is
 * the failure; the other locks took it over from there.)
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { linkSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface LockOptions {
  /** How long to wait for a live holder. Default 10 s; 0 gives up at once. */
  timeoutMs?: number;
}

/** A held lock: release it once, in a finally. Releasing removes only our own lock file, never another's. */
export interface HeldLock {
  readonly file: string;
  release(): void;
}

/**
 * What acquiring gave: the lock, or why not. `held`: a live (or unjudgeable)
 * holder kept it past the timeout. `breaking`: the lock is stale, but its
 * break lock is held (another process is breaking it, or died doing so).
 * `io`: the lock could not be created or read.
 */
export type LockOutcome =
  | { ok: true; lock: HeldLock }
  | { ok: false; reason: 'held'; file: string; holder: string }
  | { ok: false; reason: 'breaking'; file: string; holder: string; lock: string; lockHolder: string }
  | { ok: false; reason: 'io'; file: string; cause: unknown };

const DEFAULT_TIMEOUT_MS = 10_000;
const DRAFT = '.draft-';

/** A few hex of the host name: enough to tell drafts of this host from a shared volume's others. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

class LockIo {
  constructor(
    readonly file: string,
    readonly cause: unknown,
  ) {}
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

interface Judged {
  exists: boolean;
  stale: boolean;
  holder: string;
}

/** Whether the lock file is stale, and who holds it (for the message). Accepts any whitespace between fields. */
function staleness(path: string): Judged {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch {
    return { exists: false, stale: false, holder: 'a process that just released it' };
  }
  const [pid, host, , since] = content.trim().split(/\s+/);
  if (!pid || !host) return { exists: true, stale: false, holder: 'nobody it names (it is empty: sealpress writes its locks whole, so it was made by hand or by another program)' };
  const n = Number(pid);
  const dead = host === hostname() && Number.isSafeInteger(n) && n > 0 && !pidAlive(n);
  return { exists: true, stale: dead, holder: `pid ${pid} on ${host}${since ? ` since ${since}` : ''}${dead ? ' (no longer running)' : ''}` };
}

// The time is for a reader of the file; nothing decides by it.
const lockToken = () => `${process.pid} ${hostname()} ${randomUUID()} ${new Date().toISOString()}`;

/** Create `path` holding `token`, atomically with its content. False when it exists. */
function create(path: string, token: string): boolean {
  const draft = `${path}${DRAFT}${process.pid}-${HOST_TAG}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(draft, token, { flag: 'wx', mode: 0o600 });
  } catch (cause) {
    throw new LockIo(draft, cause);
  }
  try {
    linkSync(draft, path);
    return true;
  } catch (cause) {
    if (errno(cause) === 'EEXIST') return false;
    if (NO_HARD_LINKS.has(errno(cause) ?? '')) return createInPlace(path, token);
    throw new LockIo(path, cause);
  } finally {
    try {
      unlinkSync(draft);
    } catch {
      /* removed by a sweep that judged us dead: pid reuse aside, nothing to do */
    }
  }
}

/** Where a file system has no hard links: O_EXCL in place (a kill between creating and writing leaves an empty lock, never broken automatically). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

function createInPlace(path: string, token: string): boolean {
  try {
    writeFileSync(path, token, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (cause) {
    if (errno(cause) === 'EEXIST') return false;
    throw new LockIo(path, cause);
  }
}

/** Remove our own lock file, never another's (ours may have been removed by hand and the lock taken since). */
function release(path: string, token: string): void {
  try {
    if (readFileSync(path, 'utf8') === token) unlinkSync(path);
  } catch {
    /* already gone: nothing of ours to remove */
  }
}

/**
 * Remove the lock if it is stale, holding the break lock: 'busy' when another process holds that (it is
 * breaking the same lock, or died doing so).
 */
function breakStale(path: string): 'done' | 'busy' {
  const breakPath = `${path}.break`;
  const token = lockToken();
  if (!create(breakPath, token)) return 'busy';
  try {
    // Judged again under the break lock: another breaker may have removed the stale lock and a live process
    // taken a fresh one since we looked. What is judged stale now stays until we remove it: its holder is dead,
    // and every other breaker waits for the break lock.
    if (staleness(path).stale) {
      try {
        unlinkSync(path);
      } catch (cause) {
        if (errno(cause) !== 'ENOENT') throw new LockIo(path, cause);
      }
    }
  } finally {
    release(breakPath, token);
  }
  return 'done';
}

/** Drafts left by processes of this host that died between writing and linking them. */
function sweepDrafts(path: string): void {
  const prefixes = [`${basename(path)}${DRAFT}`, `${basename(path)}.break${DRAFT}`];
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const prefix = prefixes.find((p) => name.startsWith(p));
    if (prefix === undefined) continue;
    const [pid, tag] = name.slice(prefix.length).split('-');
    const n = Number(pid);
    if (tag === HOST_TAG && Number.isSafeInteger(n) && n > 0 && !pidAlive(n)) {
      try {
        unlinkSync(join(dirname(path), name));
      } catch {
        /* another holder swept it */
      }
    }
  }
}

type Attempt = { kind: 'taken'; lock: HeldLock } | ({ kind: 'wait' } & Judged);

function attempt(path: string, token: string): Attempt {
  for (;;) {
    if (create(path, token)) {
      sweepDrafts(path);
      return { kind: 'taken', lock: { file: path, release: () => release(path, token) } };
    }
    const s = staleness(path);
    if (s.stale && breakStale(path) === 'done') continue;
    return { kind: 'wait', ...s };
  }
}

function refusal(path: string, last: Judged): LockOutcome {
  const breakPath = `${path}.break`;
  const breaking = last.stale ? staleness(breakPath) : undefined;
  if (breaking?.exists) {
    return { ok: false, reason: 'breaking', file: breakPath, holder: breaking.holder, lock: path, lockHolder: last.holder };
  }
  return { ok: false, reason: 'held', file: path, holder: last.holder };
}

function io(e: unknown): LockOutcome {
  if (e instanceof LockIo) return { ok: false, reason: 'io', file: e.file, cause: e.cause };
  throw e;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
// Jittered backoff, capped: a holder's work is short, and waiting long wastes its release.
const backoff = (n: number) => Math.min(50, 2 + n) * (0.5 + Math.random());

/** Take the lock `path`, waiting for a live holder up to the timeout. */
export async function acquireLock(path: string, options: LockOptions = {}): Promise<LockOutcome> {
  const token = lockToken();
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  try {
    for (let n = 0; ; n++) {
      const a = attempt(path, token);
      if (a.kind === 'taken') return { ok: true, lock: a.lock };
      if (Date.now() >= deadline) return refusal(path, a);
      await sleep(backoff(n));
    }
  } catch (e) {
    return io(e);
  }
}

/** acquireLock for synchronous callers (the verifier's small state file): the same rule, waiting by blocking. */
export function acquireLockSync(path: string, options: LockOptions = {}): LockOutcome {
  const token = lockToken();
  const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const cell = new Int32Array(new SharedArrayBuffer(4));
  try {
    for (let n = 0; ; n++) {
      const a = attempt(path, token);
      if (a.kind === 'taken') return { ok: true, lock: a.lock };
      if (Date.now() >= deadline) return refusal(path, a);
      Atomics.wait(cell, 0, 0, backoff(n));
    }
  } catch (e) {
    return io(e);
  }
}
