/**
 * Signing trust documents (the security administrators' side). A payload is
 * checked against its schema and encoded canonically once; countersignatures
 * are added over those stored bytes with `addSignature`.
 */
import { canonicalBytes } from './canonical.ts';
import { PAYLOAD_TYPES, readPolicy, readRevocations, readRoot, readRoster, type Read } from './documents.ts';
import { signEnvelope, type Signer } from './dsse.ts';
import { TrustError } from './errors.ts';

const READERS: Record<string, (v: unknown) => Read<unknown>> = {
  [PAYLOAD_TYPES.root]: readRoot,
  [PAYLOAD_TYPES.roster]: readRoster,
  [PAYLOAD_TYPES.policy]: readPolicy,
  [PAYLOAD_TYPES.revocations]: readRevocations,
};

/**
 * Sign a trust document: the root (signer: the CA key and certificate), or the
 * roster, policy or revocations (signers: security administrators; more can
 * countersign later). Returns the envelope file bytes.
 */
export function signTrustDocument(payload: Record<string, unknown>, payloadType: string, signers: readonly Signer[]): Uint8Array {
  const read = READERS[payloadType];
  if (!read) throw new TrustError('INVALID_ARGUMENT', `${payloadType} is not a trust document type`);
  const bytes = canonicalBytes(payload);
  // Validate what will be signed, so an admin never signs a document every gate refuses.
  const checked = read(JSON.parse(new TextDecoder().decode(bytes)));
  if (!checked.ok) throw new TrustError('DOCUMENT_INVALID', `the document breaks its schema: ${checked.problems.join('; ')}`);
  if (signers.length === 0) throw new TrustError('INVALID_ARGUMENT', 'at least one signer is needed');
  return signEnvelope(payloadType, bytes, signers);
}
