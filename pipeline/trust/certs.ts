/**
 * Reading certificates with `node:crypto` (node-forge only builds them). A
 * certificate is parsed once into a `CertInfo` that keeps the parsed
 * X509Certificate and its public KeyObject, so that verifying thousands of
 * signatures by the same approver costs one parse.
 */
import { X509Certificate, type KeyObject } from 'node:crypto';

/** UID (RFC 4519 userid, OID 0.9.2342.19200300.100.1.1): the person id in the roster. */
export const UID_OID = '0.9.2342.19200300.100.1.1';

/** The smallest RSA modulus the gate accepts from a signer (tests use 2048; production keys are 3072). */
export const MIN_RSA_BITS = 2048;

/** Largest PEM the gate reads for one certificate; a real one is under 3 KiB. */
export const MAX_CERT_PEM_BYTES = 16 * 1024;

export interface CertInfo {
  pem: string;
  x509: X509Certificate;
  /** SHA-256 of the DER, lower-case hex without separators: the keyid and the roster's name for it. */
  fingerprint: string;
  serial: string;
  /** Subject CN, UID, OU, O; undefined when absent or multi-valued. */
  name: string | undefined;
  uid: string | undefined;
  department: string | undefined;
  group: string | undefined;
  /** Validity, ms since the epoch: valid for notBefore ≤ t < notAfter. */
  notBefore: number;
  notAfter: number;
  isCa: boolean;
  publicKey: KeyObject;
  /** RSA modulus length in bits; 0 for any other key type (which the gate refuses). */
  rsaBits: number;
}

const PEM_CERT = /^-----BEGIN CERTIFICATE-----\r?\n(?:[A-Za-z0-9+/=]{1,76}\r?\n)+-----END CERTIFICATE-----\r?\n?$/;
const OPENSSL_DATE = /^[A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4} GMT$/;

export type InspectResult = { ok: true; cert: CertInfo } | { ok: false; message: string };

/** Parse one PEM certificate. Never throws: the PEM comes from files anyone can edit. */
export function inspectCertificate(pem: string): InspectResult {
  if (pem.length > MAX_CERT_PEM_BYTES) return { ok: false, message: `the certificate PEM is larger than ${MAX_CERT_PEM_BYTES} bytes` };
  // Exactly one certificate block: X509Certificate would silently take the first of several.
  if (!PEM_CERT.test(pem)) return { ok: false, message: 'not a single PEM certificate' };
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem);
  } catch (e) {
    return { ok: false, message: `the certificate cannot be parsed (${(e as Error).message})` };
  }
  try {
    const subject = x509.toLegacyObject().subject as unknown as Record<string, string | string[] | undefined>;
    const single = (k: string): string | undefined => {
      const v = subject[k];
      return typeof v === 'string' ? v : undefined;
    };
    if (!OPENSSL_DATE.test(x509.validFrom) || !OPENSSL_DATE.test(x509.validTo)) return { ok: false, message: 'the certificate validity dates cannot be read' };
    const notBefore = Date.parse(x509.validFrom);
    const notAfter = Date.parse(x509.validTo);
    if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter)) return { ok: false, message: 'the certificate validity dates cannot be read' };
    const publicKey = x509.publicKey;
    const rsaBits = publicKey.asymmetricKeyType === 'rsa' ? (publicKey.asymmetricKeyDetails?.modulusLength ?? 0) : 0;
    return {
      ok: true,
      cert: {
        pem,
        x509,
        fingerprint: x509.fingerprint256.replaceAll(':', '').toLowerCase(),
        serial: x509.serialNumber.toLowerCase(),
        name: single('CN'),
        uid: single('UID'),
        department: single('OU'),
        group: single('O'),
        notBefore,
        notAfter,
        isCa: x509.ca,
        publicKey,
        rsaBits,
      },
    };
  } catch (e) {
    return { ok: false, message: `the certificate cannot be read (${(e as Error).message})` };
  }
}

/** Accept `AB:CD:…` or `abcd…`; return lower-case hex, or undefined when it is not a SHA-256 fingerprint. */
export function normaliseFingerprint(text: string): string | undefined {
  const hex = text.trim().replaceAll(':', '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** Issued by `ca`: names and key identifiers match (checkIssued) and the CA's key verifies the signature. */
export function issuedBy(cert: CertInfo, ca: CertInfo): boolean {
  try {
    return cert.x509.checkIssued(ca.x509) && cert.x509.verify(ca.publicKey);
  } catch {
    return false;
  }
}

export type Validity = 'valid' | 'not-yet-valid' | 'expired';

/**
 * Validity at an instant, half-open: notBefore ≤ t < notAfter. RFC 5280 makes
 * notAfter inclusive; the gate is one second stricter, so that "valid until T"
 * and "revoked from T" mean the same instant.
 */
export function validityAt(cert: { notBefore: number; notAfter: number }, t: number): Validity {
  if (t < cert.notBefore) return 'not-yet-valid';
  if (t >= cert.notAfter) return 'expired';
  return 'valid';
}

/** The person a certificate names, for messages: `李强 (p-liqiang)`. */
export function describeCert(cert: CertInfo): string {
  const name = cert.name ?? '(no name)';
  return cert.uid ? `${name} (${cert.uid})` : name;
}
