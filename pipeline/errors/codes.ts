/**
 * The catalogue of error codes and the one table from code to exit code.
 *
 * Every error the library throws carries one of these codes (the domains'
 * code unions are subsets of it, which the type of SealpressError enforces),
 * and every command exits with the code this table gives it, so the same
 * failure exits the same way from every command. The README's exit-code
 * table is this table (test/cli/exit-codes.test.ts keeps them equal).
 */

/** Exit codes, documented in the README and in every command's --help. */
export const EXIT = {
  OK: 0,
  /** Refused: an entry (check), a signature that would not count, a release that would not verify, a mirror that does not match. */
  REFUSED: 1,
  /** Usage error, invalid site group configuration, or a key that cannot be used. */
  CONFIG: 2,
  /** The job failed: a build, or the archive or a mirror could not be read or written. */
  BUILD: 3,
  /** publish/rollback: the release is signed and archived, but a mirror or an off-site copy failed (the others are fine). */
  MIRROR: 4,
  /** The command did its work but could not append to the audit log (see pipeline/publish/audit.ts). */
  AUDIT: 5,
} as const;

export type ExitName = Exclude<keyof typeof EXIT, 'OK'>;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

interface CodeEntry {
  /** Which exit code a command ends with when this error stops it. */
  exit: ExitName;
  /** What the code means, for the README's table. */
  meaning: string;
}

export const ERROR_CODES = {
  // Invocation and configuration (pipeline/errors).
  USAGE: { exit: 'CONFIG', meaning: 'an option or argument is missing or has the wrong form' },
  CONFIG_INVALID: { exit: 'CONFIG', meaning: 'the site group configuration, a trust file or a key cannot be used as given' },
  CONFIG_MISSING: { exit: 'CONFIG', meaning: 'a file the command needs (sites/group.yaml, a trust file) is not there' },
  // Rendering (pipeline/render, pipeline/stage, src/lib).
  PLAN_INVALID: { exit: 'BUILD', meaning: 'the site bundle handed to the renderer breaks its contract' },
  PLAN_MISSING: { exit: 'BUILD', meaning: 'the site bundle the renderer reads is missing or unreadable: stage the site first' },
  BUILD_FAILED: { exit: 'BUILD', meaning: 'Astro failed to build a site; dist/ keeps its previous version' },
  INDEX_FAILED: { exit: 'BUILD', meaning: 'Pagefind failed to index a site; dist/ keeps its previous version' },
  STAGE_TAMPERED: { exit: 'BUILD', meaning: 'an asset changed after the gate read it: run the build again' },
  STAGE_ACTIVE_FILE: { exit: 'BUILD', meaning: 'an asset is a file a browser would execute: it is not published' },
  ROUTE_COLLISION: { exit: 'BUILD', meaning: 'two pages of a site would have the same URL' },
  // Governance (pipeline/govern).
  CALENDAR_OUT_OF_RANGE: { exit: 'CONFIG', meaning: 'a date lies in a year sites/calendar/ has no holiday arrangement for' },
  DATE_INVALID: { exit: 'CONFIG', meaning: 'a date is not a real YYYY-MM-DD date' },
  DATE_ORDER: { exit: 'CONFIG', meaning: 'a span of dates ends before it starts' },
  REQUEST_INVALID: { exit: 'CONFIG', meaning: 'a column change request to sign breaks its schema' },
  // Keys and signing (pipeline/trust, pipeline/approve).
  CERT_VALIDITY_TOO_LONG: { exit: 'CONFIG', meaning: 'a certificate would live longer than the rules allow (leaf 90 days, CA 3650 days)' },
  CERT_OUTLIVES_CA: { exit: 'CONFIG', meaning: 'a certificate would outlive the CA that issues it' },
  INVALID_ARGUMENT: { exit: 'CONFIG', meaning: 'a person id, key type or day count has the wrong form' },
  CANONICAL_INVALID: { exit: 'CONFIG', meaning: 'a value cannot be encoded as canonical JSON' },
  DOCUMENT_INVALID: { exit: 'CONFIG', meaning: 'a document to sign breaks its schema' },
  ENVELOPE_INVALID: { exit: 'CONFIG', meaning: 'an envelope to countersign cannot be read' },
  SIGNATURE_DUPLICATE: { exit: 'REFUSED', meaning: 'the signer already signed this envelope: nothing signed' },
  KEY_CERT_MISMATCH: { exit: 'CONFIG', meaning: 'the private key does not belong to the certificate given with it' },
  KEY_PATH_FORBIDDEN: { exit: 'CONFIG', meaning: 'a private key would be written under content/ or sites/' },
  KEY_EXISTS: { exit: 'CONFIG', meaning: 'a key file already exists at that path' },
  KEY_PASSPHRASE_WEAK: { exit: 'CONFIG', meaning: 'the passphrase is too short to protect a key' },
  KEY_PASSPHRASE_WRONG: { exit: 'CONFIG', meaning: 'the passphrase does not open the key file' },
  KEY_NOT_ENCRYPTED: { exit: 'CONFIG', meaning: 'a key file is not an encrypted PKCS#8 PEM' },
  KEY_PERMISSIONS: { exit: 'CONFIG', meaning: 'a key file can be read by other users' },
  KEY_IO: { exit: 'CONFIG', meaning: 'a key file cannot be read or written' },
  RECORD_TOO_LARGE: { exit: 'CONFIG', meaning: 'an approval record would exceed the size the gate accepts: split the batch' },
  // Publication (pipeline/publish).
  TRUST_UNREADABLE: { exit: 'CONFIG', meaning: 'the trust material cannot be read' },
  RELEASE_REFUSED: { exit: 'REFUSED', meaning: 'the signed release would not verify: nothing archived or deployed' },
  TRUST_ROLLBACK: { exit: 'REFUSED', meaning: 'a trust document is older than the one the latest release was gated under' },
  MEMORY_UNVERIFIED: { exit: 'BUILD', meaning: "the archive's latest release cannot be read or verified, so the gate's memory is unknown" },
  // Releases and the archive (pipeline/release).
  RELEASE_PATH_UNSAFE: { exit: 'BUILD', meaning: 'a file or folder name in the built tree is not a safe path segment' },
  RELEASE_FILE_TYPE: { exit: 'BUILD', meaning: 'the built tree holds a symlink, device, socket or FIFO' },
  RELEASE_MANIFEST_INVALID: { exit: 'BUILD', meaning: 'a manifest to build or sign breaks its schema' },
  RELEASE_INVALID_ARGUMENT: { exit: 'BUILD', meaning: 'a release was asked for with no signers, a bad site code or a bad digest' },
  RELEASE_IO: { exit: 'BUILD', meaning: 'a file or folder of the release cannot be read or written' },
  RELEASE_DIGEST_MISMATCH: { exit: 'BUILD', meaning: 'a file changed after it was hashed' },
  ARCHIVE_CORRUPT: { exit: 'BUILD', meaning: "an archived object's bytes no longer hash to its name" },
  ARCHIVE_MISSING: { exit: 'BUILD', meaning: 'a release or object the archive should hold is not there' },
  ARCHIVE_RELEASE_EXISTS: { exit: 'BUILD', meaning: 'a release with this version is already archived (never overwritten)' },
  ARCHIVE_REPLICATION_FAILED: { exit: 'BUILD', meaning: 'the off-site copy of the archive failed or does not verify' },
  SEEN_STATE_CORRUPT: { exit: 'BUILD', meaning: "the verifier's memory of seen versions cannot be read" },
  SEEN_VERSION_LOWER: { exit: 'BUILD', meaning: 'a version lower than one already seen was to be recorded' },
  // Mirrors (pipeline/mirror).
  TARGET_INVALID: { exit: 'BUILD', meaning: 'a mirror target is empty, has an unknown scheme or an odd form' },
  TARGET_NOT_OURS: { exit: 'BUILD', meaning: 'the target holds something sealpress did not put there (never deleted)' },
  TARGET_MISSING: { exit: 'BUILD', meaning: 'the folder to inspect does not exist or is not a folder' },
  TARGET_BUSY: { exit: 'BUILD', meaning: "another deploy holds the target's lock" },
  MANIFEST_UNSAFE: { exit: 'BUILD', meaning: 'a manifest path would escape the release tree or collide with another' },
  RELEASE_MISMATCH: { exit: 'BUILD', meaning: 'the envelope or a trust file is not the one the manifest binds' },
  OBJECT_MISSING: { exit: 'BUILD', meaning: 'an object the manifest needs is not in the archive' },
  OBJECT_CORRUPT: { exit: 'BUILD', meaning: "an archived object does not match the manifest's size and SHA-256" },
  MIRROR_IO: { exit: 'BUILD', meaning: 'a file or folder of the mirror cannot be read or written' },
  RSYNC_FAILED: { exit: 'BUILD', meaning: 'rsync failed or could not be run' },
  URL_INVALID: { exit: 'BUILD', meaning: 'a mirror URL is not a plain http(s) base URL' },
  META_UNAVAILABLE: { exit: 'BUILD', meaning: "the mirror's signed manifest or trust files cannot be fetched" },
  // The audit log (pipeline/audit).
  AUDIT_EVENT_INVALID: { exit: 'AUDIT', meaning: 'the event breaks the audit entry format' },
  AUDIT_TAIL_CORRUPT: { exit: 'AUDIT', meaning: "the audit log's last line cannot be read: appending would fork the chain" },
  AUDIT_LOCKED: { exit: 'AUDIT', meaning: "another process holds the audit log's lock beyond the timeout" },
  AUDIT_CLOCK: { exit: 'AUDIT', meaning: "the clock is behind the audit log's last entry" },
  AUDIT_IO: { exit: 'AUDIT', meaning: 'the audit log cannot be opened, read or written' },
  // Attachments (pipeline/read).
  ATTACHMENT_UNREADABLE: { exit: 'REFUSED', meaning: 'an attachment cannot be read to its end: it is refused' },
} as const satisfies Record<string, CodeEntry>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The exit code a command ends with when an error with this code stops it. */
export function exitCodeFor(code: ErrorCode): ExitCode {
  return EXIT[ERROR_CODES[code].exit];
}
