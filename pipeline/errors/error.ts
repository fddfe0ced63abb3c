/**
 * The one base of every error the library throws (as opposed to findings
 * about content, which are diagnostics). Each domain adds only its code union
 * and, where its throw sites need them, its own constructor options; tests
 * assert the code, not the wording. The code decides the exit code
 * (codes.ts), so the command line never guesses from an error's shape.
 */
import type { Position } from '../diagnostics/diagnostic.ts';
import type { ErrorCode } from './codes.ts';

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
  /** What to do about it. */
  fix?: string;
}

export class SealpressError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly file: string | undefined;
  readonly position: Position | undefined;
  readonly fix: string | undefined;

  constructor(code: C, message: string, options: SealpressErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SealpressError';
    this.code = code;
    this.file = options.file;
    this.position = options.position;
    this.fix = options.fix;
  }
}
