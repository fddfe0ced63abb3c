import { SealpressError } from '../errors/index.ts';

/**
 * Errors of the mirror library (deploying, inspecting, restoring). Inspection
 * reports what differs as data (modified, missing, extra); it throws only when
 * it cannot look at all. Tests assert the code, not the wording.
 */
import type { Text } from '../messages/text.ts';
export type MirrorErrorCode =
  /** A mirror target is empty, has an unknown scheme or an odd form. */
  | 'TARGET_INVALID'
  /** The target holds something sealpress did not put there (a non-empty folder, a file, a foreign symlink): never deleted. */
  | 'TARGET_NOT_OURS'
  /** The folder to inspect does not exist or is not a folder. */
  | 'TARGET_MISSING'
  /** Another deploy holds the target's lock. */
  | 'TARGET_BUSY'
  /** A manifest path or trust file name would escape the release tree or collide with another. */
  | 'MANIFEST_UNSAFE'
  /** The envelope does not carry this manifest, or a trust file is not the one the manifest binds. */
  | 'RELEASE_MISMATCH'
  /** An object the manifest needs is not in the archive. */
  | 'OBJECT_MISSING'
  /** An archived object's bytes do not match the manifest's size and SHA-256. */
  | 'OBJECT_CORRUPT'
  /** A file or folder of the mirror cannot be read or written. */
  | 'MIRROR_IO'
  /** rsync failed or could not be run. */
  | 'RSYNC_FAILED'
  /** A mirror URL is not a plain http(s) base URL. */
  | 'URL_INVALID'
  /** The mirror's metadata (signed manifest, trust files) cannot be fetched, or is larger than allowed. */
  | 'META_UNAVAILABLE';

export class MirrorError extends SealpressError<MirrorErrorCode> {
  /** `file`: the file, folder or URL the error is about, when there is one. */
  constructor(code: MirrorErrorCode, message: string | Text, options: { cause?: unknown; file?: string } = {}) {
    super(code, message, options);
    this.name = 'MirrorError';
  }
}
