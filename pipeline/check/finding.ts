/**
 * Findings of the check stage, and how they become the gate's diagnostics.
 *
 * A finding never carries the matched value: only its SHA-256 (what a waiver
 * names) and, for personal data and secrets, a masked form in the message and
 * the excerpt. Logs, JSON and SARIF output therefore never echo an ID number
 * or a key back.
 */
import type { Diagnostic, Severity, Span } from '../diagnostics/index.ts';
import type { CheckRuleId } from './rules.ts';
import type { Text } from '../messages/text.ts';
import { sha256Hex } from '../fs/index.ts';

export interface CheckFinding extends Required<Span> {
  rule: CheckRuleId;
  severity: Severity;
  /** Repo-relative path of the file the finding is about ('' when the caller gave none). */
  file: string;
  /** 1-based line and column (UTF-16 code units) of the first character of the match in the original text. */
  line: number;
  column: number;
  /** 1-based line and column just after the last character of the match (exclusive, as SARIF's endColumn). */
  endLine: number;
  endColumn: number;
  /** The same span as UTF-16 offsets into the text that was scanned. */
  offset: number;
  endOffset: number;
  /**
   * Where inside an attachment the match is, as a writer finds it there
   * (`Sheet2（隐藏） › C14`, `修订（删除） › 第12段`, `属性 › 作者`); line and
   * column then count within that place. Absent for entries and text files,
   * whose lines are the file's own.
   */
  location?: string;
  /** The finding comes from this run's circumstances (a reading time limit), not the file: never cached. */
  transient?: true;
  /** What was found (masked), why it is refused, in English. */
  message: string;
  /** What to do, in English. */
  fix: string;
  /** The message and the fix in Chinese. */
  zh: { message: string; fix: string };
  /** The line of the finding, with every sensitive value on it masked. */
  excerpt?: string;
  /** SHA-256 (hex) of the normalised matched value: what a waiver names. */
  fingerprint: string;
  /** Set by applyWaivers on the findings a verified waiver covers. */
  suppressed?: { waiver: string; justification: string };
}

/** A match before positions, excerpts and fingerprints are computed. */
export interface Hit {
  rule: CheckRuleId;
  severity: Severity;
  /** Original offsets (exclusive end). */
  start: number;
  end: number;
  /** Normalised matched value (digits of a number, the address, the term…). */
  value: string;
  message: Text;
  fix: Text;
  /** Masked display of the value; set when the value must not be echoed (personal data, secrets). */
  mask?: string;
}

export { sha256Hex };

/** The fingerprint a waiver names: SHA-256 of the normalised value, UTF-8. */
export function fingerprintValue(value: string): string {
  return sha256Hex(value);
}

/** Keep `head` and `tail` characters, stars in between (at least 4). */
export function maskMiddle(value: string, head: number, tail: number): string {
  if (value.length <= head + tail) return '*'.repeat(Math.max(4, value.length));
  return value.slice(0, head) + '*'.repeat(Math.max(4, value.length - head - tail)) + value.slice(value.length - tail);
}

export function maskEmail(address: string): string {
  const at = address.indexOf('@');
  if (at <= 0) return maskMiddle(address, 1, 0);
  return `${address[0]}***${address.slice(at)}`;
}

/**
 * A gate diagnostic with what a check finding adds: the end of the span, the
 * masked excerpt (print it instead of reading the line from the file, which
 * would echo the unmasked value), the fingerprint and the waiver.
 */
export interface CheckDiagnostic extends Diagnostic {
  endLine: number;
  endColumn: number;
  excerpt?: string;
  fingerprint: string;
  suppressed?: { waiver: string; justification: string };
}

/** The gate's diagnostic for a finding (the check stage's rules are in CHECK_RULES). */
export function toDiagnostic(f: CheckFinding): CheckDiagnostic {
  const d: CheckDiagnostic = { rule: f.rule, severity: f.severity, file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: f.message, zh: { message: f.zh.message }, fingerprint: f.fingerprint };
  if (f.fix) {
    d.fix = f.fix;
    d.zh.fix = f.zh.fix;
  }
  if (f.excerpt !== undefined) d.excerpt = f.excerpt;
  if (f.location !== undefined) d.location = f.location;
  if (f.suppressed) d.suppressed = f.suppressed;
  return d;
}
