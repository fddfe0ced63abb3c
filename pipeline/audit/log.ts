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
 * (a fork of the chain), so an append holds the exclusive lock `<log>.lock`
 * (pipeline/fs/lock: its notes say why a lock is never renamed aside, and
 * which stale locks are broken). A fork that still slipped through (a lock
 * removed by hand too early) would be caught by verify (two entries with one
 * seq).
 */
import { closeSync, constants, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { acquireLock, fsErrorCode, openRegularSync, syncDirSync } from '../fs/index.ts';
import { AuditError, entryLine, eventProblems, MAX_LINE_BYTES, nextEntry, parseLine, type AuditEntry, type AuditEvent, type AuditHead } from './entry.ts';
import { DEFAULT_SKEW_MS } from './verify.ts';
import { chinaTime } from '../util/dates.ts';

export const AUDIT_LOG_ENV = 'SEALPRESS_AUDIT_LOG';
export const DEFAULT_AUDIT_LOG = '.sealpress/audit/log.jsonl';

/** The log's path: the explicit one, else $SEALPRESS_AUDIT_LOG of the environment given (never read from the process), else under the repository's .sealpress/. */
export function auditLogPath(root: string, explicit: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const chosen = explicit ?? env[AUDIT_LOG_ENV];
  return chosen ? chosen : join(root, DEFAULT_AUDIT_LOG);
}

const VERIFY_HINT = 'run `sealpress audit verify` to find the damage; nothing was appended';
const VERIFY_HINT_ZH = '请运行 `sealpress audit verify` 查找损坏之处；未追加任何记录';

function ioError(file: string, doing: string, cause: unknown): AuditError {
  const code = (cause as NodeJS.ErrnoException).code ?? 'error';
  const why = code === 'ELOOP' ? 'it is a symlink; the audit log must be a plain file' : code === 'EFTYPE' ? 'it is not a regular file' : code;
  const whyZh = code === 'ELOOP' ? '它是符号链接；审计日志必须是普通文件' : code === 'EFTYPE' ? '它不是普通文件' : code;
  const doingZh = ({ open: '打开', lock: '锁定', write: '写入', 'create the folder of': '创建' } as Record<string, string>)[doing] ?? doing;
  return new AuditError('AUDIT_IO', file, { zh: `无法${doingZh}审计日志 ${file}（${whyZh}）`, en: `cannot ${doing} the audit log ${file} (${why})` }, { cause });
}

interface Tail {
  head: AuditHead;
  atMs: number;
}

/** Read and check the last line only. Undefined for a missing or empty log. */
function readTail(path: string): Tail | undefined {
  let fd: number;
  let size: number;
  try {
    ({ fd, size } = openRegularSync(path));
  } catch (cause) {
    if (fsErrorCode(cause) === 'ENOENT') return undefined;
    throw ioError(path, 'open', cause);
  }
  try {
    if (size === 0) return undefined;
    const want = Math.min(size, MAX_LINE_BYTES + 1);
    const buf = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const n = readSync(fd, buf, got, want - got, size - want + got);
      if (n === 0) break;
      got += n;
    }
    if (got !== want) throw new AuditError('AUDIT_TAIL_CORRUPT', path, { zh: `读取审计日志 ${path} 的最后一行时其大小发生了变化；${VERIFY_HINT_ZH}`, en: `the audit log ${path} changed size while its last line was read; ${VERIFY_HINT}` });
    if (buf[want - 1] !== 0x0a) throw new AuditError('AUDIT_TAIL_CORRUPT', path, { zh: `审计日志 ${path} 的最后一行不完整（文件被截断或写入中断）；${VERIFY_HINT_ZH}`, en: `the last line of the audit log ${path} is incomplete (a cut file or an interrupted write); ${VERIFY_HINT}` });
    const before = buf.lastIndexOf(0x0a, want - 2);
    if (before < 0 && want < size) throw new AuditError('AUDIT_TAIL_CORRUPT', path, { zh: `审计日志 ${path} 的最后一行超过 ${MAX_LINE_BYTES} 字节；${VERIFY_HINT_ZH}`, en: `the last line of the audit log ${path} is longer than ${MAX_LINE_BYTES} bytes; ${VERIFY_HINT}` });
    const parsed = parseLine(buf.subarray(before + 1, want - 1));
    if (!parsed.ok) throw new AuditError('AUDIT_TAIL_CORRUPT', path, { zh: `审计日志 ${path} 的最后一行有误（${parsed.code}：${parsed.problem}）；${VERIFY_HINT_ZH}`, en: `the last line of the audit log ${path} is bad (${parsed.code}: ${parsed.problem}); ${VERIFY_HINT}` });
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

/** Take the log's lock, or say who holds it and what to remove by hand. */
async function lockLog(logPath: string, timeoutMs: number) {
  const got = await acquireLock(`${logPath}.lock`, { timeoutMs });
  if (got.ok) return got.lock;
  if (got.reason === 'io') throw ioError(got.file, 'lock', got.cause);
  if (got.reason === 'breaking') {
    throw new AuditError(
      'AUDIT_LOCKED',
      got.file,
      {
        zh: `审计日志的锁 ${got.lock} 已失效（持有者 ${got.lockHolder}），但 ${got.file} 表明另一个进程正在解除它：${got.holder}。如果没有 sealpress 命令在运行，请删除 ${got.file} 后重新运行命令`,
        en: `the audit log's lock ${got.lock} is stale (held by ${got.lockHolder}), but ${got.file} says another process is breaking it: ${got.holder}. If no sealpress command is running, remove ${got.file} and run the command again`,
      },
    );
  }
  throw new AuditError('AUDIT_LOCKED', got.file, { zh: `审计日志被 ${got.holder} 锁定（${got.file}）；如果那里没有 sealpress 命令在运行，请删除该文件后重新运行命令`, en: `the audit log is locked by ${got.holder} (${got.file}); if no sealpress command is running there, remove that file and run the command again` });
}

/**
 * Append one entry, under the lock, with O_APPEND and fsync. Refuses (throws
 * AuditError) when the last line is corrupt (fail closed: appending would
 * extend or hide the damage), when `now` is behind the last entry by more
 * than the skew, or when the event breaks the format.
 */
export async function appendAudit(logPath: string, event: AuditEvent, now: Date, options: AppendOptions = {}): Promise<AuditEntry> {
  const problems = eventProblems(event);
  if (problems.length > 0) throw new AuditError('AUDIT_EVENT_INVALID', logPath, { zh: `无法记录该审计事件：${problems.join('; ')}`, en: `the audit event cannot be logged: ${problems.join('; ')}` });
  const dir = dirname(logPath);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o750 });
  } catch (cause) {
    throw ioError(dir, 'create the folder of', cause);
  }
  const lock = await lockLog(logPath, options.lockTimeoutMs ?? 10_000);
  try {
    const tail = readTail(logPath);
    const skew = options.skewMs ?? DEFAULT_SKEW_MS;
    if (tail && now.getTime() < tail.atMs - skew) {
      throw new AuditError('AUDIT_CLOCK', logPath, { zh: `时钟（${chinaTime(now)}）比最后一条审计记录（序号 ${tail.head.seq}，${chinaTime(tail.atMs)}）慢了 ${Math.round(skew / 1000)} 秒以上；请校正系统时钟。未追加任何记录`, en: `the clock (${chinaTime(now)}) is behind the last audit entry (seq ${tail.head.seq}, ${chinaTime(tail.atMs)}) by more than ${Math.round(skew / 1000)} s; fix the system clock. Nothing was appended` });
    }
    let entry: AuditEntry;
    let line: Buffer;
    try {
      entry = nextEntry(tail?.head, event, now);
      line = Buffer.from(entryLine(entry), 'utf8');
    } catch (cause) {
      throw new AuditError('AUDIT_EVENT_INVALID', logPath, { zh: `无法编码该审计事件：${(cause as Error).message}`, en: `the audit event cannot be encoded: ${(cause as Error).message}` }, { cause });
    }
    if (line.length - 1 > MAX_LINE_BYTES) throw new AuditError('AUDIT_EVENT_INVALID', logPath, { zh: `该审计记录将有 ${line.length - 1} 字节；每条记录最多 ${MAX_LINE_BYTES} 字节（请精简细节）`, en: `the audit entry would be ${line.length - 1} bytes; entries are at most ${MAX_LINE_BYTES} (keep details small)` });
    let fd: number;
    try {
      fd = openSync(logPath, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o640);
    } catch (cause) {
      throw ioError(logPath, 'open', cause);
    }
    try {
      if (!fstatSync(fd).isFile()) throw new AuditError('AUDIT_IO', logPath, { zh: `审计日志 ${logPath} 不是普通文件`, en: `the audit log ${logPath} is not a regular file` });
      for (let off = 0; off < line.length; ) off += writeSync(fd, line, off, line.length - off);
      fsyncSync(fd);
    } catch (cause) {
      throw cause instanceof AuditError ? cause : ioError(logPath, 'write', cause);
    } finally {
      closeSync(fd);
    }
    // The first entry created the file: make its name durable too.
    if (!tail) {
      try {
        syncDirSync(dir);
      } catch {
        /* some file systems cannot fsync a folder; the entry itself is synced */
      }
    }
    return entry;
  } finally {
    lock.release();
  }
}

