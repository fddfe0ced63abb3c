/**
 * Signing a release: the manifest is checked with the verifier's own reader,
 * encoded canonically once, and signed as DSSE by each release signer.
 */
import { canonicalBytes } from '../trust/canonical.ts';
import { signEnvelope, type Signer } from '../trust/dsse.ts';
import { checkedManifest } from './build.ts';
import { ReleaseError } from './errors.ts';
import { RELEASE_PAYLOAD_TYPE, type ReleaseManifest } from './manifest.ts';

/**
 * The envelope file bytes of `manifest` signed by every signer. Throws
 * RELEASE_MANIFEST_INVALID for a manifest `readManifest` refuses, and the
 * TrustError of `signEnvelope` for a key that does not match its certificate.
 * Whether the signers hold the release-signer role is the verifier's decision
 * (it has the roster); `verifyRelease` the result before publishing it.
 */
export function signRelease(manifest: ReleaseManifest, signers: readonly Signer[]): Uint8Array {
  if (signers.length === 0) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', 'at least one release signer is needed');
  const checked = checkedManifest(manifest);
  // Sign the reader's typed copy: a stray field on the caller's object is not smuggled under the signature.
  return signEnvelope(RELEASE_PAYLOAD_TYPE, canonicalBytes(checked), signers);
}
