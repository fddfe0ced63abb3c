/**
 * Checks on a signer's certificate that trust documents and approval records
 * share: issued by the group CA, usable for signing, valid at the signing time,
 * not revoked at the signing time. Each returns the reason a check fails, in
 * words for a message, or undefined.
 */
import { issuedBy, MIN_RSA_BITS, validityAt, type CertInfo } from './certs.ts';
import type { Revocation } from './documents.ts';
import { isoInstant } from './time.ts';

/** Why a certificate is not one the group CA issued to a person for signing. */
export function chainProblem(cert: CertInfo, anchor: CertInfo): string | undefined {
  if (cert.fingerprint === anchor.fingerprint || cert.isCa) return 'it is a CA certificate, not a person\'s signing certificate';
  if (!issuedBy(cert, anchor)) return 'it was not issued by the group CA';
  if (cert.rsaBits < MIN_RSA_BITS) return `its key is not an RSA key of at least ${MIN_RSA_BITS} bits`;
  if (cert.uid === undefined) return 'it names no person id (UID)';
  return undefined;
}

export interface TimeProblem {
  kind: 'expired' | 'not-yet-valid';
  message: string;
}

/** The certificate and the CA that issued it must both be valid at the signing time t (notBefore ≤ t < notAfter). */
export function signingTimeProblem(cert: CertInfo, anchor: CertInfo, t: number): TimeProblem | undefined {
  for (const [c, what] of [
    [cert, 'the certificate'],
    [anchor, 'the group CA certificate'],
  ] as const) {
    const v = validityAt(c, t);
    if (v === 'expired') return { kind: 'expired', message: `${what} expired ${isoInstant(c.notAfter)}, at or before the signing time ${isoInstant(t)}` };
    if (v === 'not-yet-valid') return { kind: 'not-yet-valid', message: `${what} is valid only from ${isoInstant(c.notBefore)}, after the signing time ${isoInstant(t)}` };
  }
  return undefined;
}

export interface RevocationIndex {
  /** Earliest revocation of each person id / certificate fingerprint. */
  person: ReadonlyMap<string, Revocation>;
  certificate: ReadonlyMap<string, Revocation>;
}

export const EMPTY_REVOCATIONS: RevocationIndex = { person: new Map(), certificate: new Map() };

export function indexRevocations(list: readonly Revocation[]): RevocationIndex {
  const person = new Map<string, Revocation>();
  const certificate = new Map<string, Revocation>();
  const keep = (map: Map<string, Revocation>, key: string, r: Revocation) => {
    const had = map.get(key);
    if (!had || r.effectiveMs < had.effectiveMs) map.set(key, r);
  };
  for (const r of list) {
    if (r.person !== undefined) keep(person, r.person, r);
    if (r.certificate !== undefined) keep(certificate, r.certificate, r);
  }
  return { person, certificate };
}

/**
 * The revocation in force at time t for this person or certificate: one whose
 * effective time is at or before t. Signatures made before it stay valid
 * (Trust model 6); one made exactly at the effective instant is refused.
 */
export function revocationAt(index: RevocationIndex, personId: string, fingerprint: string, t: number): Revocation | undefined {
  const byPerson = index.person.get(personId);
  if (byPerson && byPerson.effectiveMs <= t) return byPerson;
  const byCert = index.certificate.get(fingerprint);
  if (byCert && byCert.effectiveMs <= t) return byCert;
  return undefined;
}

/**
 * Why a certificate does not count as a security administrator's signature
 * made at time t (undefined when it does): it must chain to the group CA, name
 * a person the root lists as an administrator, be valid at t and not revoked
 * at or before t. Used for the admin-signed trust documents and for waivers.
 */
export function adminSignerProblem(cert: CertInfo, anchor: CertInfo, admins: readonly string[], revoked: RevocationIndex, t: number): string | undefined {
  const chain = chainProblem(cert, anchor);
  if (chain !== undefined || cert.uid === undefined) return chain ?? 'it names no person';
  if (!admins.includes(cert.uid)) return 'not a security administrator named by the root';
  const time = signingTimeProblem(cert, anchor, t);
  if (time) return time.message;
  const revocation = revocationAt(revoked, cert.uid, cert.fingerprint, t);
  if (revocation) return `revoked from ${revocation.effective} (${revocation.reason})`;
  return undefined;
}
