/**
 * DSSE envelopes (the in-toto / sigstore signing format):
 *
 *     { "payloadType": "…", "payload": "<base64>", "signatures": [{ "keyid", "sig", "cert" }] }
 *
 * The signature covers PAE(payloadType, payload bytes), so the type cannot be
 * swapped under a signature, and the payload is verified as the stored bytes,
 * never re-serialised. Signatures are RSA-PSS with SHA-256 and a 32-byte salt,
 * made and checked by `node:crypto`.
 *
 * Reading an envelope is hostile-input parsing: a size limit, a cap on the
 * number of signatures (checked before any is verified), strict base64, strict
 * JSON. Every problem has a stable code; nothing throws.
 */
import { constants, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { parseStrictJsonBytes } from './canonical.ts';
import { inspectCertificate, MAX_CERT_PEM_BYTES } from './certs.ts';
import { TrustError } from './errors.ts';

/** An envelope larger than this is refused unread. */
export const MAX_ENVELOPE_BYTES = 1024 * 1024;
/** More signatures than this is an attack on the verifier's time, not a document. */
export const MAX_SIGNATURES = 16;

export interface EnvelopeSignature {
  keyid: string;
  sig: Uint8Array;
  /** PEM of the signer's certificate, as stored. */
  cert: string;
}

export interface Envelope {
  payloadType: string;
  /** The payload bytes (base64-decoded), exactly as signed. */
  payload: Uint8Array;
  /** The base64 text as stored, kept so a countersignature reuses it byte for byte. */
  payloadBase64: string;
  signatures: EnvelopeSignature[];
}

export type EnvelopeProblemCode =
  | 'ENVELOPE_TOO_LARGE'
  | 'ENVELOPE_JSON'
  | 'ENVELOPE_SHAPE'
  | 'ENVELOPE_PAYLOAD_TYPE'
  | 'ENVELOPE_BASE64'
  | 'ENVELOPE_NO_SIGNATURES'
  | 'ENVELOPE_TOO_MANY_SIGNATURES'
  | 'ENVELOPE_DUPLICATE_SIGNATURE';

export interface EnvelopeProblem {
  code: EnvelopeProblemCode;
  message: string;
}

export type EnvelopeResult =
  | { ok: true; envelope: Envelope }
  | {
      ok: false;
      problems: EnvelopeProblem[];
      /** The payload, when it could be decoded although the envelope is otherwise bad (unverified!). */
      unverifiedPayload?: Uint8Array;
    };

export interface ParseEnvelopeOptions {
  /** Refuse any other payloadType. */
  payloadType?: string;
  maxBytes?: number;
  maxSignatures?: number;
}

/**
 * Strict standard base64 (padded, no whitespace, canonical padding bits).
 * Buffer.from(…, 'base64') skips any character it does not know, so two
 * different strings could decode to the same bytes; requiring the text to be
 * exactly the canonical encoding of what it decodes to rules that out.
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Pre-Authentication Encoding: `DSSEv1 <len(type)> <type> <len(payload)> <payload>`, lengths in bytes. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  const head = Buffer.from(`DSSEv1 ${type.length} ${payloadType} ${payload.length} `, 'utf8');
  return Buffer.concat([head, payload]);
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } as const;

/** RSA-PSS/SHA-256 signature of PAE bytes. */
export function signPae(key: KeyObject, paeBytes: Uint8Array): Uint8Array {
  return cryptoSign('sha256', paeBytes, { key, ...PSS });
}

/** Verify an RSA-PSS/SHA-256 signature over PAE bytes; false (never a throw) for any malformed input. */
export function verifyPae(publicKey: KeyObject, paeBytes: Uint8Array, sig: Uint8Array): boolean {
  try {
    return cryptoVerify('sha256', paeBytes, { key: publicKey, ...PSS }, sig);
  } catch {
    return false;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse an envelope from its file bytes. Does not verify signatures: that needs keys, see the callers. */
export function parseEnvelope(bytes: Uint8Array, options: ParseEnvelopeOptions = {}): EnvelopeResult {
  const maxBytes = options.maxBytes ?? MAX_ENVELOPE_BYTES;
  const maxSignatures = options.maxSignatures ?? MAX_SIGNATURES;
  if (bytes.length > maxBytes) {
    return { ok: false, problems: [{ code: 'ENVELOPE_TOO_LARGE', message: `the file is ${bytes.length} bytes; the limit is ${maxBytes}` }] };
  }
  const json = parseStrictJsonBytes(bytes);
  if (!json.ok) return { ok: false, problems: [{ code: 'ENVELOPE_JSON', message: `not well-formed JSON: ${json.message}` }] };
  const doc = json.value;
  if (!isRecord(doc)) return { ok: false, problems: [{ code: 'ENVELOPE_SHAPE', message: 'the file is not a JSON object' }] };

  const problems: EnvelopeProblem[] = [];
  const { payloadType, payload, signatures } = doc;
  if (typeof payloadType !== 'string') problems.push({ code: 'ENVELOPE_SHAPE', message: 'payloadType is missing or not a string' });
  else if (options.payloadType !== undefined && payloadType !== options.payloadType) {
    problems.push({ code: 'ENVELOPE_PAYLOAD_TYPE', message: `payloadType is ${JSON.stringify(payloadType.slice(0, 100))}, expected ${options.payloadType}` });
  }
  let payloadBytes: Uint8Array | undefined;
  if (typeof payload !== 'string') problems.push({ code: 'ENVELOPE_SHAPE', message: 'payload is missing or not a string' });
  else {
    payloadBytes = decodeBase64(payload);
    if (!payloadBytes) problems.push({ code: 'ENVELOPE_BASE64', message: 'payload is not valid base64' });
  }

  const sigs: EnvelopeSignature[] = [];
  if (!Array.isArray(signatures)) problems.push({ code: 'ENVELOPE_SHAPE', message: 'signatures is missing or not an array' });
  else if (signatures.length === 0) problems.push({ code: 'ENVELOPE_NO_SIGNATURES', message: 'the envelope has no signature' });
  else if (signatures.length > maxSignatures) {
    // Refuse before looking at any: verifying each would be the attack.
    problems.push({ code: 'ENVELOPE_TOO_MANY_SIGNATURES', message: `the envelope has ${signatures.length} signatures; at most ${maxSignatures} are read` });
  } else {
    const seen = new Set<string>();
    signatures.forEach((s: unknown, i) => {
      if (!isRecord(s)) {
        problems.push({ code: 'ENVELOPE_SHAPE', message: `signatures[${i}] is not an object` });
        return;
      }
      const { keyid, sig, cert } = s;
      let ok = true;
      if (typeof keyid !== 'string' || keyid.length > 128) {
        problems.push({ code: 'ENVELOPE_SHAPE', message: `signatures[${i}].keyid is missing or not a short string` });
        ok = false;
      }
      if (typeof cert !== 'string' || cert.length > MAX_CERT_PEM_BYTES) {
        problems.push({ code: 'ENVELOPE_SHAPE', message: `signatures[${i}].cert is missing or not a PEM string` });
        ok = false;
      }
      let sigBytes: Uint8Array | undefined;
      if (typeof sig !== 'string') {
        problems.push({ code: 'ENVELOPE_SHAPE', message: `signatures[${i}].sig is missing or not a string` });
        ok = false;
      } else {
        sigBytes = decodeBase64(sig);
        if (!sigBytes || sigBytes.length === 0) {
          problems.push({ code: 'ENVELOPE_BASE64', message: `signatures[${i}].sig is not valid base64` });
          ok = false;
        }
      }
      if (!ok || typeof keyid !== 'string' || typeof cert !== 'string' || !sigBytes) return;
      if (seen.has(keyid)) {
        problems.push({ code: 'ENVELOPE_DUPLICATE_SIGNATURE', message: `signatures[${i}] repeats the keyid ${keyid.slice(0, 16)}…` });
        return;
      }
      seen.add(keyid);
      sigs.push({ keyid, sig: sigBytes, cert });
    });
  }

  if (problems.length > 0 || typeof payloadType !== 'string' || typeof payload !== 'string' || !payloadBytes) {
    return payloadBytes ? { ok: false, problems, unverifiedPayload: payloadBytes } : { ok: false, problems };
  }
  return { ok: true, envelope: { payloadType, payload: payloadBytes, payloadBase64: payload, signatures: sigs } };
}

/** Who signs: a private key and the certificate that names its holder. */
export interface Signer {
  key: KeyObject;
  certPem: string;
}

function signatureBy(signer: Signer, paeBytes: Uint8Array): EnvelopeSignature {
  const inspected = inspectCertificate(signer.certPem);
  if (!inspected.ok) throw new TrustError('INVALID_ARGUMENT', `the signer's certificate is unusable: ${inspected.message}`);
  if (signer.key.type !== 'private') throw new TrustError('INVALID_ARGUMENT', 'the signer key must be a private key');
  const sig = signPae(signer.key, paeBytes);
  // A record signed with the wrong key would be refused by every gate; say so now.
  if (!verifyPae(inspected.cert.publicKey, paeBytes, sig)) {
    throw new TrustError('KEY_CERT_MISMATCH', `the private key does not belong to the certificate of ${inspected.cert.name ?? 'the signer'}`);
  }
  return { keyid: inspected.cert.fingerprint, sig, cert: signer.certPem };
}

function serialise(payloadType: string, payloadBase64: string, signatures: readonly EnvelopeSignature[]): Uint8Array {
  // The envelope is not signed (only PAE is), so it is laid out for reading in diffs.
  const doc = {
    payloadType,
    payload: payloadBase64,
    signatures: signatures.map((s) => ({ keyid: s.keyid, sig: encodeBase64(s.sig), cert: s.cert })),
  };
  return new TextEncoder().encode(`${JSON.stringify(doc, null, 2)}\n`);
}

/** Sign payload bytes (already canonical) by each signer; returns the envelope file bytes. */
export function signEnvelope(payloadType: string, payload: Uint8Array, signers: readonly Signer[]): Uint8Array {
  const paeBytes = pae(payloadType, payload);
  const signatures = signers.map((s) => signatureBy(s, paeBytes));
  const keyids = new Set(signatures.map((s) => s.keyid));
  if (keyids.size !== signatures.length) throw new TrustError('SIGNATURE_DUPLICATE', 'the same certificate is given twice among the signers');
  return serialise(payloadType, encodeBase64(payload), signatures);
}

/**
 * Countersign: add one signature over the payload bytes as stored (a second
 * admin signs what the first signed, never a re-encoding of it).
 */
export function addSignature(envelopeBytes: Uint8Array, signer: Signer): Uint8Array {
  const parsed = parseEnvelope(envelopeBytes);
  if (!parsed.ok) {
    throw new TrustError('ENVELOPE_INVALID', `the envelope cannot be read: ${parsed.problems.map((p) => p.message).join('; ')}`);
  }
  const { envelope } = parsed;
  const signature = signatureBy(signer, pae(envelope.payloadType, envelope.payload));
  if (envelope.signatures.some((s) => s.keyid === signature.keyid)) {
    throw new TrustError('SIGNATURE_DUPLICATE', 'this certificate has already signed the envelope');
  }
  return serialise(envelope.payloadType, envelope.payloadBase64, [...envelope.signatures, signature]);
}
