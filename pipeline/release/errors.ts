import { SealpressError } from '../errors/index.ts';

/**
 * Errors of the release library's I/O edges (collecting a tree, the archive,
 * the verifier's memory). Verification itself never throws for what it reads:
 * it returns problems (see verify.ts). Tests assert the code, not the wording.
 */
import type { Text } from '../messages/text.ts';
export type ReleaseErrorCode =
  /** A file or folder name in the built tree is not a safe POSIX path segment. */
  | 'RELEASE_PATH_UNSAFE'
  /** A symlink, device, socket or FIFO in the built tree: a release lists regular files only. */
  | 'RELEASE_FILE_TYPE'
  /** A manifest to build or sign breaks the schema; the problems are in the message. */
  | 'RELEASE_MANIFEST_INVALID'
  /** An argument has the wrong form (no signers, a bad site code, a bad digest). */
  | 'RELEASE_INVALID_ARGUMENT'
  /** A file or folder cannot be read or written. */
  | 'RELEASE_IO'
  /** A file's bytes are not the digest the manifest or the caller gave (changed since it was hashed). */
  | 'RELEASE_DIGEST_MISMATCH'
  /** An archived object's bytes no longer hash to its name. */
  | 'ARCHIVE_CORRUPT'
  /** An object or release the archive should hold is not there. */
  | 'ARCHIVE_MISSING'
  /** A release with this version is already archived (releases are never overwritten). */
  | 'ARCHIVE_RELEASE_EXISTS'
  /** Copying the archive to its off-site location failed or the copy does not verify. */
  | 'ARCHIVE_REPLICATION_FAILED'
  /** The verifier's memory of seen versions cannot be read. */
  | 'SEEN_STATE_CORRUPT'
  /** Recording a version lower than one already seen. */
  | 'SEEN_VERSION_LOWER';

export class ReleaseError extends SealpressError<ReleaseErrorCode> {
  /** `path`: the file or folder the error is about (the base's `file`). */
  constructor(code: ReleaseErrorCode, message: string | Text, options: { cause?: unknown; path?: string } = {}) {
    super(code, message, { ...(options.cause === undefined ? {} : { cause: options.cause }), ...(options.path === undefined ? {} : { file: options.path }) });
    this.name = 'ReleaseError';
  }
}
