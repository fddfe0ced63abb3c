/**
 * Verify the audit log: every line a canonical, self-consistent entry; seq
 * 1, 2, 3… with no gap, repeat or reordering; each `prev` the hash of the
 * entry before; each entry's time not before the previous entry's by more than
 * a skew (exactly the rule `appendAudit` enforces, so an honest log always
 * verifies). The first bad line is named with a stable code.
 *
 * An entry is handed to `onEntry` (what `audit show` prints) only once it is
 * confirmed: the next line's `prev` is its hash, or it is the last line of a
 * log that verified. An entry that nothing confirms could be a forgery the
 * following damage hides (a rewritten entry before a broken link, one of two
 * entries claiming the same place), so it is never shown as fact.
 *
 * The honest limit: a hash chain alone cannot tell a log whose tail was cut
 * off, or one rewritten wholesale with recomputed hashes, from a genuine one.
 * That is what release seals are for: each signed release manifest records the
 * head `{ seq, hash }` at signing time, and the log must still contain exactly
 * that entry. Entries after the last seal are protected only by the chain
 * until the next release seals them.
 *
 * Pure over bytes (`verifyAuditLog`); `verifyAuditFile` streams a file through
 * the same verifier in bounded memory, because the log grows forever.
 */
import { closeSync, readSync } from 'node:fs';
import { openRegularSync } from '../fs/index.ts';
import { GENESIS_PREV, MAX_LINE_BYTES, parseLine, type AuditEntry, type AuditHead } from './entry.ts';
import { SealpressError } from '../errors/index.ts';

export type AuditProblemCode =
  | 'AUDIT_MALFORMED'
  | 'AUDIT_NONCANONICAL'
  | 'AUDIT_EDITED'
  /** `prev` does not match the hash of the entry before: that entry was rewritten with a recomputed hash (or this one's prev was). */
  | 'AUDIT_CHAIN_BROKEN'
  /** Two entries claim the same seq and chain to the same predecessor: one was inserted (`lines` names both). */
  | 'AUDIT_INSERTED'
  /** An entry repeats the one before it byte for byte. */
  | 'AUDIT_DUPLICATE'
  /** seq jumps ahead and the missing entries are nowhere: deleted. */
  | 'AUDIT_GAP'
  /** seq out of order: the entries are all there, in another order. */
  | 'AUDIT_REORDERED'
  | 'AUDIT_TIME_BACKWARDS'
  /** The last line is incomplete, or the log ends before a sealed entry. */
  | 'AUDIT_TRUNCATED'
  /** The log's entry at a sealed seq is not the one the release sealed. */
  | 'AUDIT_SEAL_MISMATCH';

export interface AuditProblem {
  /** 1-based line of the log (for a truncation below a seal: one past the last line). */
  line: number;
  /** Every line the problem concerns, when it is more than one (two entries claiming the same seq). */
  lines?: number[];
  seq?: number;
  code: AuditProblemCode;
  problem: string;
}

/** A head recorded in a signed release manifest; `source` names it in messages (e.g. "release v12"). */
export interface AuditSeal extends AuditHead {
  source?: string;
}

export interface VerifyAuditOptions {
  seals?: readonly AuditSeal[];
  /** How far an entry's time may lie before the previous entry's (clocks of two machines, the lock's wait). Default 5 minutes, as appendAudit allows. */
  skewMs?: number;
  /**
   * Called with each entry that verified and is confirmed, in order (for `audit show`, which must not show a
   * tampered log as fact): an entry is handed on once the next line's prev is its hash, or at the end of a log
   * that verified. So it runs one line behind, and not at all for the entry before the first problem.
   */
  onEntry?: (entry: AuditEntry) => void;
}

export interface AuditVerifyResult {
  ok: boolean;
  /** Entries verified and confirmed before the first problem (all of them when ok): those handed to onEntry. */
  entries: number;
  /** The last of those entries; undefined for an empty log. */
  head?: AuditHead;
  firstBad?: AuditProblem;
  /** Seals found in the log (all of them when ok). */
  sealsMatched: number;
}

export const DEFAULT_SKEW_MS = 5 * 60_000;
/** After a seq jump, how many further lines are read to tell a deletion from a reordering. */
const LOOKAHEAD_LINES = 100_000;

interface Good {
  seq: number;
  hash: string;
  prev: string;
  line: number;
  atMs: number;
  entry: AuditEntry;
}

/** The verifier, fed one line at a time (without newlines). */
export class AuditChainVerifier {
  private line = 0;
  private count = 0;
  /** The last entry that passed its checks, held back until the next line confirms it. */
  private last: Good | undefined;
  /** The last entry handed on (confirmed). */
  private confirmed: AuditHead | undefined;
  private bad: AuditProblem | undefined;
  /** A problem whose exact nature the following lines decide. */
  private pending: { kind: 'jump'; from: number; to: number; problem: AuditProblem; seen: number } | { kind: 'twins'; a: Good; b: Good } | undefined;
  private readonly seals = new Map<number, AuditSeal>();
  private matched = 0;
  private readonly skew: number;

  constructor(private readonly options: VerifyAuditOptions = {}) {
    this.skew = options.skewMs ?? DEFAULT_SKEW_MS;
    for (const s of options.seals ?? []) {
      const known = this.seals.get(s.seq);
      // Two releases sealing different hashes at one seq cannot both be right; the log decides which.
      if (!known || known.hash === s.hash) this.seals.set(s.seq, s);
      else this.seals.set(s.seq, { ...s, source: `${known.source ?? 'a seal'} and ${s.source ?? 'another seal'} (which disagree)`, hash: `${known.hash}|${s.hash}` });
    }
  }

  /** Whether more lines can change the result. */
  get wantsMore(): boolean {
    if (this.pending) return true;
    return this.bad === undefined;
  }

  push(bytes: Uint8Array): void {
    this.line++;
    if (this.pending) return this.refine(bytes);
    if (this.bad) return;
    const parsed = parseLine(bytes);
    if (!parsed.ok) return this.fail({ line: this.line, ...(parsed.seq !== undefined ? { seq: parsed.seq } : {}), code: parsed.code, problem: parsed.problem });
    const e = parsed.entry;
    const here: Good = { seq: e.seq, hash: e.hash, prev: e.prev, line: this.line, atMs: parsed.atMs, entry: e };
    const last = this.last;
    const expected = (last?.seq ?? 0) + 1;
    if (e.seq === expected) {
      const wantPrev = last?.hash ?? GENESIS_PREV;
      if (e.prev !== wantPrev) {
        // The link between the previous entry and this one is broken; blame the earlier one, which is what an editor changes.
        if (!last) return this.fail({ line: this.line, seq: e.seq, code: 'AUDIT_CHAIN_BROKEN', problem: 'the first entry does not start the chain (prev is not 64 zeros): entries before it were removed or it was forged' });
        return this.fail({
          line: last.line,
          seq: last.seq,
          code: 'AUDIT_CHAIN_BROKEN',
          problem: `its hash is not the prev recorded by seq ${e.seq} (line ${this.line}): this entry was rewritten with a recomputed hash, or replaced`,
        });
      }
      // This line links to the held entry: that confirms it, whatever this line itself turns out to be.
      if (last) this.confirm(last);
    } else if (last && e.seq === last.seq) {
      if (e.hash === last.hash) return this.fail({ line: this.line, seq: e.seq, code: 'AUDIT_DUPLICATE', problem: `repeats line ${last.line} byte for byte` });
      if (e.prev === last.prev) {
        // Two entries chained to the same predecessor: the next line tells which one the chain continues from.
        this.pending = { kind: 'twins', a: last, b: here };
        return;
      }
      return this.fail({ line: this.line, seq: e.seq, code: 'AUDIT_REORDERED', problem: `seq ${e.seq} appears again (line ${last.line})` });
    } else if (e.seq < expected) {
      return this.fail({ line: this.line, seq: e.seq, code: 'AUDIT_REORDERED', problem: `seq ${e.seq} comes after seq ${expected - 1}: entries are out of order` });
    } else {
      const problem: AuditProblem = { line: this.line, seq: e.seq, code: 'AUDIT_GAP', problem: this.gapText(expected, e.seq) };
      this.pending = { kind: 'jump', from: expected, to: e.seq - 1, problem, seen: 0 };
      this.bad = problem;
      return;
    }
    // The previous entry only, as appendAudit checks (it reads the tail alone): honest appends from clocks a few
    // minutes apart each within the skew of the one before must verify, however far they drift in total.
    if (last && parsed.atMs < last.atMs - this.skew) {
      return this.fail({
        line: this.line,
        seq: e.seq,
        code: 'AUDIT_TIME_BACKWARDS',
        problem: `its time ${e.at} is ${Math.round((last.atMs - parsed.atMs) / 1000)} s before that of seq ${last.seq}, the entry before it; each entry is appended no earlier than the one before (allowed skew ${Math.round(this.skew / 1000)} s)`,
      });
    }
    const seal = this.seals.get(e.seq);
    if (seal) {
      if (seal.hash !== e.hash) return this.fail({ line: this.line, seq: e.seq, code: 'AUDIT_SEAL_MISMATCH', problem: `${seal.source ?? 'a release'} sealed seq ${e.seq} with hash ${seal.hash.slice(0, 16)}…, the log has ${e.hash.slice(0, 16)}…: the log was rewritten` });
      this.matched++;
    }
    this.last = here;
  }

  private confirm(g: Good): void {
    this.count++;
    this.confirmed = { seq: g.seq, hash: g.hash };
    this.options.onEntry?.(g.entry);
  }

  private gapText(from: number, to: number): string {
    return from === to - 1 ? `seq ${from} is missing before seq ${to}: the entry was deleted` : `seq ${from}–${to - 1} are missing before seq ${to}: ${to - from} entries were deleted`;
  }

  private fail(problem: AuditProblem): void {
    this.bad = problem;
  }

  /** Lines after a suspicious one, read only to name the problem precisely. */
  private refine(bytes: Uint8Array): void {
    const p = this.pending!;
    const parsed = parseLine(bytes);
    const seq = parsed.ok ? parsed.entry.seq : parsed.seq;
    if (p.kind === 'jump') {
      if (seq !== undefined && seq >= p.from && seq <= p.to) {
        this.bad = { ...p.problem, code: 'AUDIT_REORDERED', problem: `seq ${p.problem.seq} comes before seq ${seq} (line ${this.line}): entries are out of order` };
        this.pending = undefined;
      } else if (++p.seen >= LOOKAHEAD_LINES) this.pending = undefined;
      return;
    }
    this.pending = undefined;
    const next = parsed.ok ? parsed.entry : undefined;
    const forged = next?.prev === p.a.hash ? p.b : next?.prev === p.b.hash ? p.a : p.a;
    const known = next?.prev === p.a.hash || next?.prev === p.b.hash;
    this.bad = {
      line: forged.line,
      lines: [p.a.line, p.b.line],
      seq: forged.seq,
      code: 'AUDIT_INSERTED',
      problem: known
        ? `this entry was inserted: lines ${p.a.line} and ${p.b.line} both claim seq ${forged.seq} after seq ${forged.seq - 1}, and the chain continues from line ${forged === p.a ? p.b.line : p.a.line}`
        : `lines ${p.a.line} and ${p.b.line} both claim seq ${forged.seq} after seq ${forged.seq - 1}: one of them was inserted`,
    };
  }

  /** The input's last bytes when they do not end with a newline: a cut file or an interrupted write, whatever they hold. */
  pushIncomplete(bytes: Uint8Array): void {
    if (this.pending || this.bad) return this.push(bytes);
    this.line++;
    this.bad = { line: this.line, code: 'AUDIT_TRUNCATED', problem: 'the last line is incomplete (no newline): the log was cut, or a write was interrupted' };
  }

  finish(): AuditVerifyResult {
    if (this.pending?.kind === 'twins') {
      const t = this.pending;
      this.pending = undefined;
      // Nothing follows to tell which one the chain continues from: name the first line in doubt, and both.
      this.bad = {
        line: t.a.line,
        lines: [t.a.line, t.b.line],
        seq: t.a.seq,
        code: 'AUDIT_INSERTED',
        problem: `lines ${t.a.line} and ${t.b.line} both claim seq ${t.a.seq} after seq ${t.a.seq - 1}: one of them was inserted, and no later entry tells which; neither is shown as verified`,
      };
    }
    this.pending = undefined;
    // The end of the log confirms its last entry when no line is in doubt: nothing follows that could disown it.
    // (A seal beyond it says entries are missing after it, not that it is false.)
    if (!this.bad && this.last) this.confirm(this.last);
    if (!this.bad) {
      const head = this.last?.seq ?? 0;
      const beyond = [...this.seals.values()].filter((s) => s.seq > head).sort((a, b) => a.seq - b.seq)[0];
      if (beyond) {
        this.bad = {
          line: this.line + 1,
          seq: beyond.seq,
          code: 'AUDIT_TRUNCATED',
          problem: `${beyond.source ?? 'a release'} sealed the log at seq ${beyond.seq}, but it ends at seq ${head}: entries were removed from its end`,
        };
      }
    }
    return {
      ok: this.bad === undefined,
      entries: this.count,
      ...(this.confirmed ? { head: this.confirmed } : {}),
      ...(this.bad ? { firstBad: this.bad } : {}),
      sealsMatched: this.matched,
    };
  }
}

/** Verify the log's bytes. Pure. */
export function verifyAuditLog(bytes: Uint8Array, options: VerifyAuditOptions = {}): AuditVerifyResult {
  const v = new AuditChainVerifier(options);
  let start = 0;
  while (start < bytes.length && v.wantsMore) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) {
      v.pushIncomplete(bytes.subarray(start));
      return v.finish();
    }
    v.push(bytes.subarray(start, nl));
    start = nl + 1;
  }
  return v.finish();
}

const CHUNK = 1024 * 1024;

/**
 * Verify a log file in bounded memory: read in chunks, one line at a time.
 * Throws (ENOENT and the like) only when the file cannot be opened; refuses a
 * symlink, whose target an attacker could choose.
 */
export function verifyAuditFile(path: string, options: VerifyAuditOptions = {}): AuditVerifyResult {
  const { fd } = openRegularSync(path);
  try {
    const v = new AuditChainVerifier(options);
    const buf = Buffer.alloc(CHUNK);
    let carry: Buffer = Buffer.alloc(0);
    let tooLong = false;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      let data = carry.length > 0 ? Buffer.concat([carry, buf.subarray(0, n)]) : buf.subarray(0, n);
      let start = 0;
      for (let nl = data.indexOf(0x0a, start); nl >= 0 && v.wantsMore; nl = data.indexOf(0x0a, start)) {
        v.push(tooLong ? new Uint8Array(MAX_LINE_BYTES + 1) : data.subarray(start, nl));
        tooLong = false;
        start = nl + 1;
      }
      if (!v.wantsMore) return v.finish();
      data = data.subarray(start);
      // A line longer than any entry may be: keep only enough to report it, not the whole line.
      if (data.length > MAX_LINE_BYTES) {
        tooLong = true;
        carry = Buffer.alloc(0);
      } else carry = Buffer.from(data);
    }
    if (carry.length > 0 || tooLong) {
      v.pushIncomplete(tooLong ? new Uint8Array(MAX_LINE_BYTES + 1) : carry);
      return v.finish();
    }
    return v.finish();
  } finally {
    closeSync(fd);
  }
}

/**
 * The log verified as verifyAuditFile does, or 'missing' when there is none at
 * that path; any other failure to read it (a symlink, no permission) is a
 * configuration error naming the file.
 */
export function readAuditLog(log: string, options: VerifyAuditOptions): AuditVerifyResult | 'missing' {
  try {
    return verifyAuditFile(log, options);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    throw new SealpressError('CONFIG_INVALID', `cannot read the audit log ${log} (${code === 'ELOOP' ? 'it is a symlink' : (code ?? 'error')})`, { cause });
  }
}
