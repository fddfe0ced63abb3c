/**
 * A finding about a file, positioned and rule-tagged (the vfile-message model):
 * stages report findings, they do not throw for content problems.
 */
import type { CheckRuleId } from '../check/rules.ts';
import type { RuleId } from './rules.ts';
import type { Lang, Text } from '../messages/text.ts';

export type Severity = 'error' | 'warning' | 'info';

/** A place in a text file: 1-based line and column, in UTF-16 code units. */
export interface Position {
  line: number;
  column: number;
}

/**
 * Where a diagnostic, a check finding or an error is: the one position shape
 * of them all. A span also has its end, just after its last character
 * (exclusive, as SARIF's endColumn); make one with span(), whose end is never
 * before its start.
 */
export interface Span extends Position {
  endLine?: number;
  endColumn?: number;
}

export interface Diagnostic extends Span {
  /** Stable rule id from a catalogue (the gate's, rules.ts, or the content checks', check/rules.ts), e.g. `frontmatter-invalid`. Tests and waivers key on it. */
  rule: RuleId | CheckRuleId;
  severity: Severity;
  /** Repo-relative POSIX path of the file the finding is about. */
  file: string;
  /** 1-based line; 1 when the finding concerns the whole file. */
  line: number;
  /** 1-based column. */
  column: number;
  /** A place inside the file (an attachment's sheet and cell, paragraph, page…); line and column then count within it. */
  location?: string;
  /** When `file` is an entry and the finding is inside a file it attaches: that file (repo-relative), where `location` points. */
  attachment?: string;
  /** What happened and why, in English (the text alone: a code, when the finding has one, is `code`). Print it with shownMessage, which picks the language. */
  message: string;
  /** The stable code of the finding behind it, when it has one (an approval's: THRESHOLD_NOT_MET, APPROVAL_SELF…); shown after the message (shownMessage). */
  code?: string;
  /** What to do about it, in English. Print it with shownFix. */
  fix?: string;
  /** The message and the fix in Chinese (the default output language): every finding has them, with the same values as the English. */
  zh: { message: string; fix?: string };
  expected?: string;
  actual?: string;
  /** Set when a verified, signed waiver lets this finding through: it no longer refuses. */
  suppressed?: { waiver: string; justification: string };
}

/** A line or column as given, or 1 when it is not a whole number from 1 (a position is never 0, negative or fractional). */
function ordinal(n: number): number {
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/**
 * The span from `start` to `end` (default: the point `start`), with every
 * number a whole number from 1 and the end never before the start: an end
 * that would be is moved to the start, so a region is never inverted.
 */
export function span(start: Position, end: Position = start): Required<Span> {
  const line = ordinal(start.line);
  const column = ordinal(start.column);
  const endLine = ordinal(end.line);
  const endColumn = ordinal(end.column);
  const before = endLine < line || (endLine === line && endColumn < column);
  return before ? { line, column, endLine: line, endColumn: column } : { line, column, endLine, endColumn };
}

/** Make a finding; `rule` must be in the catalogue (rules.ts), which the type enforces. */
export function diagnostic(
  rule: RuleId,
  severity: Severity,
  file: string,
  at: Position | undefined,
  message: Text,
  extra: { fix?: Text | undefined; expected?: string; actual?: string; code?: string } = {},
): Diagnostic {
  const d: Diagnostic = {
    rule,
    severity,
    file,
    line: at?.line ?? 1,
    column: at?.column ?? 1,
    message: message.en,
    zh: { message: message.zh },
  };
  if (extra.code !== undefined) d.code = extra.code;
  if (extra.fix !== undefined) {
    d.fix = extra.fix.en;
    d.zh.fix = extra.fix.zh;
  }
  if (extra.expected !== undefined) d.expected = extra.expected;
  if (extra.actual !== undefined) d.actual = extra.actual;
  return d;
}

/** A finding's message (the text alone) in a language. */
export function messageText(d: Pick<Diagnostic, 'message' | 'zh'>, lang: Lang): string {
  return lang === 'zh' ? d.zh.message : d.message;
}

/** The message as printed: the text in the language, then the finding's code in brackets when it has one. */
export function shownMessage(d: Pick<Diagnostic, 'message' | 'code' | 'zh'>, lang: Lang): string {
  const text = messageText(d, lang);
  return d.code === undefined ? text : `${text} [${d.code}]`;
}

/** The fix as printed, in the language (undefined when the finding has none). */
export function shownFix(d: Pick<Diagnostic, 'fix' | 'zh'>, lang: Lang): string | undefined {
  return lang === 'zh' ? (d.zh.fix ?? d.fix) : d.fix;
}

/** Both languages of a finding's message (to build another finding's message from it). */
export function messageOf(d: Pick<Diagnostic, 'message' | 'zh'>): Text {
  return { zh: d.zh.message, en: d.message };
}

/** Both languages of a finding's fix, when it has one. */
export function fixOf(d: Pick<Diagnostic, 'fix' | 'zh'>): Text | undefined {
  return d.fix === undefined ? undefined : { zh: d.zh.fix ?? d.fix, en: d.fix };
}

/** An error refuses, unless a signed waiver suppressed it. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error' && !d.suppressed);
}

/** Sort by file, then line, then column: the order a writer reads them in. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
  );
}
