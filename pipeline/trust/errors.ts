import { SealpressError } from '../errors/index.ts';

/**
 * Errors of the key-management library (issuing, signing, storing keys). These
 * are thrown at the edges, to the CLI that wraps the library; verification never
 * throws for what it reads: it reports problems and findings instead.
 */
import type { Text } from '../messages/text.ts';
export type TrustErrorCode =
  /** A certificate would live longer than the rules allow (leaf ≤ 90 days, CA ≤ 3650 days). */
  | 'CERT_VALIDITY_TOO_LONG'
  /** A leaf certificate would outlive the CA that issues it. */
  | 'CERT_OUTLIVES_CA'
  /** An argument is missing or has the wrong form (a person id, a key type, a day count). */
  | 'INVALID_ARGUMENT'
  /** A value cannot be encoded as canonical JSON (non-finite number, undefined, a Date…). */
  | 'CANONICAL_INVALID'
  /** A payload to sign breaks its schema; the problems are listed in the message. */
  | 'DOCUMENT_INVALID'
  /** An envelope to countersign cannot be read. */
  | 'ENVELOPE_INVALID'
  /** The signer already signed this envelope. */
  | 'SIGNATURE_DUPLICATE'
  /** The private key does not belong to the certificate given with it. */
  | 'KEY_CERT_MISMATCH'
  /** A private key would be written under content/ or sites/ (which are committed). */
  | 'KEY_PATH_FORBIDDEN'
  /** A key file already exists at that path. */
  | 'KEY_EXISTS'
  /** The passphrase is too short to protect a key. */
  | 'KEY_PASSPHRASE_WEAK'
  /** The passphrase does not open the key file. */
  | 'KEY_PASSPHRASE_WRONG'
  /** A key file is not an encrypted PKCS#8 PEM. */
  | 'KEY_NOT_ENCRYPTED'
  /** A key file can be read by other users. */
  | 'KEY_PERMISSIONS'
  /** A key file cannot be read or written. */
  | 'KEY_IO'
  /** An approval record would exceed the size the gate accepts; split the batch. */
  | 'RECORD_TOO_LARGE';

export class TrustError extends SealpressError<TrustErrorCode> {
  constructor(code: TrustErrorCode, message: string | Text, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'TrustError';
  }
}
