import { SealpressError } from '../errors/index.ts';

/**
 * Errors of site-group governance that stop a computation (a date the working
 * calendar does not cover, a malformed date, a request that cannot be signed).
 * Findings about the repository are diagnostics, not errors; tests assert the code.
 */
import type { Text } from '../messages/text.ts';
export type GovernErrorCode =
  /** A date lies in a year the working-day calendar has no holiday arrangement for (the error's `year`): counting would be a guess. */
  | 'CALENDAR_OUT_OF_RANGE'
  /** A date is not a real YYYY-MM-DD date. */
  | 'DATE_INVALID'
  /** A span ends before it starts. */
  | 'DATE_ORDER'
  /** A column change request to sign breaks its schema; the problems are listed. */
  | 'REQUEST_INVALID';

export class GovernError extends SealpressError<GovernErrorCode> {
  /** CALENDAR_OUT_OF_RANGE: the year whose holiday arrangement is missing (or whose file under sites/calendar/ is invalid). */
  readonly year?: number;

  constructor(code: GovernErrorCode, message: string | Text, options: { cause?: unknown; year?: number } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.name = 'GovernError';
    if (options.year !== undefined) this.year = options.year;
  }
}
