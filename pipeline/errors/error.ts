/**
 * The one base of every error the library throws (as opposed to findings
 * about content, which are diagnostics). Each domain adds only its code union
 * and, where its throw sites need them, its own constructor options; tests
 * assert the code, not the wording. The code decides the exit code
 * (codes.ts), so the command line never guesses from an error's shape.
 */
import type { Position } from '../diagnostics/diagnostic.ts';
import type { ErrorCode } from './codes.ts';
import type { Lang, Text } from '../messages/text.ts';

/** The codes of the errors that are not a domain's own (invocation, configuration, rendering). */
export type SealpressErrorCode =
  | 'CONFIG_INVALID'
  | 'CONFIG_MISSING'
  | 'USAGE'
  | 'PLAN_INVALID'
  | 'PLAN_MISSING'
  | 'BUILD_FAILED'
  | 'INDEX_FAILED'
  | 'STAGE_TAMPERED'
  | 'STAGE_ACTIVE_FILE';

export interface SealpressErrorOptions {
  cause?: unknown;
  /** The file (repo-relative where it is in the repository), folder or URL the error is about. */
  file?: string;
  /** Where in `file`. */
  position?: Position;
  /** What to do about it: in English, or in both languages (a Text). */
  fix?: string | Text;
}

export class SealpressError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly file: string | undefined;
  readonly position: Position | undefined;
  readonly fix: string | undefined;
  /** The message and fix in Chinese, for an error thrown with both languages (message a Text); `message` and `fix` stay the English. */
  readonly zh: { message: string; fix?: string } | undefined;

  /** `message` in English, or in both languages (a Text): the command line prints the Chinese by default, and the English where there is none yet. */
  constructor(code: C, message: string | Text, options: SealpressErrorOptions = {}) {
    super(typeof message === 'string' ? message : message.en, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SealpressError';
    this.code = code;
    this.file = options.file;
    this.position = options.position;
    const fix = options.fix;
    this.fix = typeof fix === 'object' ? fix.en : fix;
    this.zh = typeof message === 'string' ? undefined : { message: message.zh, ...(typeof fix === 'object' ? { fix: fix.zh } : {}) };
  }
}

/** An error's message and fix as printed in a language: the Chinese when the error has it, else the English. */
export function errorText(error: SealpressError, lang: Lang): { message: string; fix: string | undefined } {
  if (lang === 'zh' && error.zh) return { message: error.zh.message, fix: error.zh.fix ?? error.fix };
  return { message: error.message, fix: error.fix };
}
