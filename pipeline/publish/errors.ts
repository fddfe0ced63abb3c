import { SealpressError } from '../errors/index.ts';

/** Errors that stop a publication run; each has a stable code (tests assert the code) and says what to do. */
import type { Text } from '../messages/text.ts';
export type PublishErrorCode =
  | 'TRUST_UNREADABLE'
  | 'RELEASE_REFUSED'
  | 'ARCHIVE_MISSING'
  /** A trust document is older than the one the latest signed release was gated under. */
  | 'TRUST_ROLLBACK'
  /** The archive's latest release cannot be read or verified, so the gate's memory is unknown. */
  | 'MEMORY_UNVERIFIED';

export class PublishError extends SealpressError<PublishErrorCode> {
  constructor(code: PublishErrorCode, message: string | Text, options: { cause?: unknown; file?: string; fix?: string | Text } = {}) {
    super(code, message, options);
    this.name = 'PublishError';
  }
}
