/**
 * Errors that stop a run (as opposed to findings about content, which are
 * diagnostics). Each carries a stable code; tests assert the code, not the wording.
 */
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

export class SealpressError extends Error {
  readonly code: SealpressErrorCode;
  /** Repo-relative file the error is about, when there is one. */
  readonly file: string | undefined;

  constructor(code: SealpressErrorCode, message: string, options: { cause?: unknown; file?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SealpressError';
    this.code = code;
    this.file = options.file;
  }
}
