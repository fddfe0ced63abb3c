/**
 * One entry of the audit log: what happened (gate run, approval, withdrawal,
 * waiver, release, deploy, verification, restore…), when, by whom, to which
 * sites and entries, and how it ended. The log is JSON Lines: each line is the
 * canonical JSON of one entry, so the bytes on disk are the bytes hashed
 * (STYLE 7: never re-serialise what is verified; a line that is not canonical
 * is itself a finding).
 *
 * Chaining: `hash` is the SHA-256 (lower-case hex) of the canonical JSON of the
 * entry without `hash`; `prev` is the previous entry's `hash` (64 zeros for the
 * first). Because `hash` is a function of every other field, chaining on it is
 * as strong as chaining on the previous line's bytes, and the head `{ seq, hash }`
 * is the very value a release manifest seals.
 *
 * Entries stay small (MAX_LINE_BYTES): a gate run over 10,000 entries records
 * counts, an approval of a large batch lists at most MAX_LISTED_ENTRIES paths
 * and the digest of the signed record that lists them all.
 */
import type { Text } from '../messages/text.ts';
import { SealpressError } from '../errors/index.ts';
import { canonicalJson, parseInstant, parseStrictJson } from '../trust/index.ts';
import { sha256Hex } from '../fs/index.ts';
import { chinaInstant } from '../util/dates.ts';

/** The actions the commands record; the log accepts any lower-case token so a newer tool's entries still verify. */
export const AUDIT_ACTIONS = ['gate', 'approve', 'withdraw', 'submit', 'reject', 'waive', 'release', 'deploy', 'verify', 'restore', 'rollback', 'incident', 'trust'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export const AUDIT_OUTCOMES = ['ok', 'refused', 'failed'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** What a command hands to `appendAudit`; seq, time and chain are added by the log. */
export interface AuditEvent {
  action: AuditAction | (string & {});
  /** Person id from a verified certificate, or 'ci'; absent when nobody was authenticated (a local `check`). */
  actor?: string;
  /** Site codes concerned. */
  sites?: string[];
  /** Repo-relative entry paths concerned (at most MAX_LISTED_ENTRIES). */
  entries?: string[];
  outcome: AuditOutcome | (string & {});
  /** Small facts: counts, the record written and its digest, the run's clock when it was set. */
  details?: Record<string, unknown>;
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  /** ISO instant with offset (China Standard Time), when the entry was appended. */
  at: string;
  prev: string;
  hash: string;
}

/** `{ seq, hash }` of the last entry: what a release manifest seals (ReleaseManifest.audit). */
export interface AuditHead {
  seq: number;
  hash: string;
}

export const GENESIS_PREV = '0'.repeat(64);
/** A line longer than this is refused when appending and reported when verifying (the tail is read in one piece). */
export const MAX_LINE_BYTES = 16 * 1024;
export const MAX_LISTED_ENTRIES = 100;
export const MAX_LISTED_SITES = 500;

/** Entries to list in an event: at most MAX_LISTED_ENTRIES, with the full count in details when cut. */
export function listedEntries(paths: readonly string[]): { entries: string[]; details: Record<string, unknown> } {
  const entries = [...new Set(paths)];
  return entries.length > MAX_LISTED_ENTRIES ? { entries: entries.slice(0, MAX_LISTED_ENTRIES), details: { entryCount: entries.length } } : { entries, details: {} };
}

/** The actor of a run nobody signed: CI when the environment says so ($CI), else none rather than a claim. */
export function unsignedActor(env: NodeJS.ProcessEnv): { actor?: string } {
  return env['CI'] ? { actor: 'ci' } : {};
}

const HEX64 = /^[0-9a-f]{64}$/;
const TOKEN = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_TEXT = 1024;

export type AuditErrorCode =
  /** The event breaks the entry format (action, outcome, sizes). */
  | 'AUDIT_EVENT_INVALID'
  /** The last line of the log cannot be read as an entry: appending would fork or extend a broken chain. */
  | 'AUDIT_TAIL_CORRUPT'
  /** Another process holds the log's lock beyond the timeout. */
  | 'AUDIT_LOCKED'
  /** The clock is behind the log's last entry by more than the skew. */
  | 'AUDIT_CLOCK'
  /** The log cannot be opened, read or written (permissions, a symlink, not a file). */
  | 'AUDIT_IO';

/** Errors of appending and reading the head; verification never throws for what it reads, it reports a problem. */
export class AuditError extends SealpressError<AuditErrorCode> {
  declare readonly file: string;

  constructor(code: AuditErrorCode, file: string, message: string | Text, options: { cause?: unknown } = {}) {
    super(code, message, { ...options, file });
    this.name = 'AuditError';
  }
}

/** SHA-256 over the canonical JSON of the entry without its `hash`. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = entry;
  return sha256Hex(canonicalJson(rest));
}

/** China Standard Time with its offset (util/dates.ts): the log is read by the office, in the time zone every site publishes in. */
export { chinaInstant };

/** The problems of an event, empty when it can be logged. */
export function eventProblems(event: AuditEvent): string[] {
  const problems: string[] = [];
  if (typeof event.action !== 'string' || !TOKEN.test(event.action)) problems.push(`action must be a lower-case token (${AUDIT_ACTIONS.join(', ')}…), found ${JSON.stringify(event.action)}`);
  if (typeof event.outcome !== 'string' || !TOKEN.test(event.outcome)) problems.push(`outcome must be a lower-case token (${AUDIT_OUTCOMES.join(', ')}…), found ${JSON.stringify(event.outcome)}`);
  if (event.actor !== undefined && (typeof event.actor !== 'string' || event.actor.length === 0 || event.actor.length > 128)) problems.push('actor must be a non-empty id of at most 128 characters');
  const list = (name: string, v: unknown, max: number) => {
    if (v === undefined) return;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.length === 0 || s.length > MAX_TEXT)) problems.push(`${name} must be a list of non-empty strings`);
    else if (v.length > max) problems.push(`${name} lists ${v.length} items; at most ${max} are recorded (record a count and the digest of the full list instead)`);
  };
  list('sites', event.sites, MAX_LISTED_SITES);
  list('entries', event.entries, MAX_LISTED_ENTRIES);
  if (event.details !== undefined && (typeof event.details !== 'object' || event.details === null || Array.isArray(event.details))) problems.push('details must be an object');
  return problems;
}

/** The entry that follows `previous` (undefined: the first), at `now`. Throws CANONICAL_INVALID for values JSON cannot carry. */
export function nextEntry(previous: AuditHead | undefined, event: AuditEvent, now: Date): AuditEntry {
  const body: Omit<AuditEntry, 'hash'> = {
    seq: (previous?.seq ?? 0) + 1,
    at: chinaInstant(now.getTime()),
    action: event.action,
    ...(event.actor !== undefined ? { actor: event.actor } : {}),
    ...(event.sites !== undefined ? { sites: [...event.sites] } : {}),
    ...(event.entries !== undefined ? { entries: [...event.entries] } : {}),
    outcome: event.outcome,
    ...(event.details !== undefined ? { details: event.details } : {}),
    prev: previous?.hash ?? GENESIS_PREV,
  };
  return { ...body, hash: entryHash(body) };
}

/** The line as stored: canonical JSON and a newline. */
export function entryLine(entry: AuditEntry): string {
  return `${canonicalJson(entry)}\n`;
}

export type LineProblemCode = 'AUDIT_MALFORMED' | 'AUDIT_NONCANONICAL' | 'AUDIT_EDITED';
export type ParsedLine = { ok: true; entry: AuditEntry; atMs: number } | { ok: false; code: LineProblemCode; problem: string; seq?: number };

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Read one line (without its newline) on its own: valid UTF-8, strict JSON,
 * the entry's shape, canonical bytes, and a hash that matches the content.
 * The chain (seq, prev) is the verifier's business.
 */
export function parseLine(bytes: Uint8Array): ParsedLine {
  if (bytes.length === 0) return { ok: false, code: 'AUDIT_MALFORMED', problem: 'empty line' };
  if (bytes.length > MAX_LINE_BYTES) return { ok: false, code: 'AUDIT_MALFORMED', problem: `the line is ${bytes.length} bytes; entries are at most ${MAX_LINE_BYTES}` };
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { ok: false, code: 'AUDIT_MALFORMED', problem: 'the line is not valid UTF-8' };
  }
  const json = parseStrictJson(text);
  if (!json.ok) return { ok: false, code: 'AUDIT_MALFORMED', problem: `not valid JSON: ${json.message}` };
  const v = json.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { ok: false, code: 'AUDIT_MALFORMED', problem: 'the line is not a JSON object' };
  const r = v as Record<string, unknown>;
  const seq = Number.isSafeInteger(r.seq) && (r.seq as number) >= 1 ? (r.seq as number) : undefined;
  const withSeq = seq === undefined ? {} : { seq };
  const shape: string[] = [];
  if (seq === undefined) shape.push('seq is not a positive whole number');
  const atMs = typeof r.at === 'string' ? parseInstant(r.at) : undefined;
  if (atMs === undefined) shape.push('at is not an ISO instant with an offset');
  if (typeof r.prev !== 'string' || !HEX64.test(r.prev)) shape.push('prev is not 64 lower-case hex digits');
  if (typeof r.hash !== 'string' || !HEX64.test(r.hash)) shape.push('hash is not 64 lower-case hex digits');
  shape.push(...eventProblems(r as unknown as AuditEvent));
  if (shape.length > 0) return { ok: false, code: 'AUDIT_MALFORMED', problem: shape.join('; '), ...withSeq };
  // Encoding cannot fail for a value the strict parser produced (no lone surrogates, finite numbers).
  if (canonicalJson(r) !== text) return { ok: false, code: 'AUDIT_NONCANONICAL', problem: 'the line is not in canonical JSON (keys sorted, no spaces): it was re-encoded or edited by hand', ...withSeq };
  const entry = r as unknown as AuditEntry;
  if (entryHash(entry) !== entry.hash) return { ok: false, code: 'AUDIT_EDITED', problem: 'the content does not match its hash: the entry was edited after it was written', ...withSeq };
  return { ok: true, entry, atMs: atMs! };
}
