/**
 * Signing a release: the manifest is checked with the verifier's own reader,
 * encoded canonically once, and signed as DSSE by each release signer. A
 * format-2 release signs its release document (sites.ts), which names each
 * site manifest by digest; the site manifests themselves are derived from the
 * manifest (siteManifestBytes) wherever they are written.
 */
import { canonicalBytes } from '../trust/canonical.ts';
import { signEnvelope, type Signer } from '../trust/dsse.ts';
import { checkedManifest } from './build.ts';
import { ReleaseError } from './errors.ts';
import { RELEASE_PAYLOAD_TYPE, type ReleaseManifest } from './manifest.ts';
import { splitRelease } from './sites.ts';

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
  return signEnvelope(RELEASE_PAYLOAD_TYPE, canonicalBytes(checked.format === 2 ? splitRelease(checked).document : checked), signers);
}
