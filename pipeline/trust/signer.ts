/**
 * Checks on a signer's certificate that trust documents and approval records
 * share: issued by the group CA, usable for signing, valid at the signing time,
 * not revoked at the signing time. Each returns the reason a check fails, in
 * words for a message, or undefined.
 */
import { issuedBy, MIN_RSA_BITS, validityAt, type CertInfo } from './certs.ts';
import type { Revocation } from './documents.ts';
import { CLOCK_SKEW_MS } from './time.ts';
import { sha256Hex } from '../fs/index.ts';
import { chinaTime } from '../util/dates.ts';
import type { Text } from '../messages/text.ts';

/** Why a certificate is not one the group CA issued to a person for signing. */
export function chainProblem(cert: CertInfo, anchor: CertInfo): string | undefined {
  if (cert.fingerprint === anchor.fingerprint || cert.isCa) return 'it is a CA certificate, not a person\'s signing certificate';
  if (!issuedBy(cert, anchor)) return 'it was not issued by the group CA';
  if (cert.rsaBits < MIN_RSA_BITS) return `its key is not an RSA key of at least ${MIN_RSA_BITS} bits`;
  if (cert.uid === undefined) return 'it names no person id (UID)';
  return undefined;
}

/** chainProblem in both languages (for a finding). */
export function chainProblemText(cert: CertInfo, anchor: CertInfo): Text | undefined {
  const en = chainProblem(cert, anchor);
  if (en === undefined) return undefined;
  const zh =
    cert.fingerprint === anchor.fingerprint || cert.isCa
      ? '该证书是 CA 证书，不是个人签名证书'
      : !issuedBy(cert, anchor)
        ? '该证书不是本站群 CA 签发的'
        : cert.rsaBits < MIN_RSA_BITS
          ? `其密钥不是至少 ${MIN_RSA_BITS} 位的 RSA 密钥`
          : '该证书未载明人员编号（UID）';
  return { zh, en };
}

export interface TimeProblem {
  kind: 'expired' | 'not-yet-valid';
  message: string;
  /** The message in Chinese. */
  zh: string;
}

/** The certificate and the CA that issued it must both be valid at the signing time t (notBefore ≤ t < notAfter). */
export function signingTimeProblem(cert: CertInfo, anchor: CertInfo, t: number): TimeProblem | undefined {
  for (const [c, what, whatZh] of [
    [cert, 'the certificate', '证书'],
    [anchor, 'the group CA certificate', '本站群 CA 证书'],
  ] as const) {
    const v = validityAt(c, t);
    if (v === 'expired') return { kind: 'expired', message: `${what} expired ${chinaTime(c.notAfter)}, at or before the signing time ${chinaTime(t)}`, zh: `${whatZh}已于 ${chinaTime(c.notAfter)} 到期，不晚于签名时间 ${chinaTime(t)}` };
    if (v === 'not-yet-valid') return { kind: 'not-yet-valid', message: `${what} is valid only from ${chinaTime(c.notBefore)}, after the signing time ${chinaTime(t)}`, zh: `${whatZh}自 ${chinaTime(c.notBefore)} 起才生效，晚于签名时间 ${chinaTime(t)}` };
  }
  return undefined;
}

export interface RevocationIndex {
  /** Earliest revocation of each person id / certificate fingerprint. */
  person: ReadonlyMap<string, Revocation>;
  certificate: ReadonlyMap<string, Revocation>;
  /** Every revocation of each person id / certificate fingerprint, with its frozen digests as a set. */
  allOfPerson: ReadonlyMap<string, readonly Frozen[]>;
  allOfCertificate: ReadonlyMap<string, readonly Frozen[]>;
}

/** A revocation and the payload digests it froze, for lookups. */
export interface Frozen {
  revocation: Revocation;
  digests: ReadonlySet<string>;
}

export const EMPTY_REVOCATIONS: RevocationIndex = { person: new Map(), certificate: new Map(), allOfPerson: new Map(), allOfCertificate: new Map() };

export function indexRevocations(list: readonly Revocation[]): RevocationIndex {
  const person = new Map<string, Revocation>();
  const certificate = new Map<string, Revocation>();
  const allOfPerson = new Map<string, Frozen[]>();
  const allOfCertificate = new Map<string, Frozen[]>();
  const keep = (map: Map<string, Revocation>, all: Map<string, Frozen[]>, key: string, r: Revocation, frozen: Frozen) => {
    const had = map.get(key);
    if (!had || r.effectiveMs < had.effectiveMs) map.set(key, r);
    const list = all.get(key);
    if (list) list.push(frozen);
    else all.set(key, [frozen]);
  };
  for (const r of list) {
    const frozen: Frozen = { revocation: r, digests: new Set(r.frozen) };
    if (r.person !== undefined) keep(person, allOfPerson, r.person, r, frozen);
    if (r.certificate !== undefined) keep(certificate, allOfCertificate, r.certificate, r, frozen);
  }
  return { person, certificate, allOfPerson, allOfCertificate };
}

/** SHA-256 of the payload a record's key signed: how a revocation names the records it freezes. */
export function payloadDigest(payload: Uint8Array): string {
  return sha256Hex(payload);
}

/** Why a record signed by a person's key does not count under the revocations: signed at or after one, or not frozen by one. */
export type RevokedRecord = { kind: 'revoked' | 'not-frozen'; revocation: Revocation };

/**
 * The revocation rule for records signed by one person (approvals,
 * withdrawals, waivers, column change requests). Pure, no clock.
 *
 * A revoked or stolen key can still sign, and the signing time it writes is
 * its own claim (Trust model 9): a record "signed" before the revocation may
 * have been made yesterday. So once any revocation covers the person or the
 * certificate, whatever its effective time, the record counts only if its
 * payload digest is frozen by that revocation: the administrators froze,
 * when revoking, the records that stay valid (TUF's snapshot idea).
 *
 * When several revocations cover the record (the person and one of their
 * certificates, or one certificate twice), it must be frozen by every one of
 * them. Each is a separate signed statement "of this key, only these count";
 * requiring all of them is fail closed and does not depend on which one was
 * signed first. The tools keep them consistent: `keys revoke` freezes what
 * counts at its effective time, which includes what earlier revocations froze.
 *
 * `frozen` is true when at least one revocation covers the record and all of
 * them froze it: such a record no longer depends on its certificate's
 * validity now (see expiredUnfrozen).
 */
export function revokedRecord(index: RevocationIndex, personId: string, fingerprint: string, digest: string, signedAtMs: number): { problem?: RevokedRecord; frozen: boolean } {
  const all = [...(index.allOfPerson.get(personId) ?? []), ...(index.allOfCertificate.get(fingerprint) ?? [])];
  if (all.length === 0) return { frozen: false };
  // Signed at or after an effective time: refused as before, frozen or not (a frozen list made by hand could name it).
  const earliest = all.reduce((a, b) => (b.revocation.effectiveMs < a.revocation.effectiveMs ? b : a));
  if (earliest.revocation.effectiveMs <= signedAtMs) return { problem: { kind: 'revoked', revocation: earliest.revocation }, frozen: false };
  const missing = all.find((f) => !f.digests.has(digest));
  if (missing) return { problem: { kind: 'not-frozen', revocation: missing.revocation }, frozen: false };
  return { frozen: true };
}

/**
 * A certificate past its end by the gate's clock can still sign, and can
 * write any time inside its validity (Trust model 9): once it has expired, a
 * record it signed counts only if a revocation of the certificate or of its
 * holder froze it. Retiring certificates (`keys rotate`, `keys revoke`)
 * freezes their records.
 */
export function expiredUnfrozen(cert: Pick<CertInfo, 'notAfter'>, frozen: boolean, nowMs: number): boolean {
  return !frozen && nowMs >= cert.notAfter;
}

/** In words, for messages: why a revoked or expired key's record does not count. */
export function revokedRecordMessage(problem: RevokedRecord, signedAt: string): string {
  const { revocation } = problem;
  const what = revocation.person !== undefined ? 'the signer\'s signing rights were' : 'the certificate was';
  if (problem.kind === 'revoked') return `${what} revoked from ${revocation.effective} (${revocation.reason}), at or before the signing time ${signedAt}`;
  return `${what} revoked from ${revocation.effective} (${revocation.reason}), and this record is not among those frozen at the revocation: a revoked key's claimed signing time (${signedAt}) cannot be trusted, so only the records frozen when it was revoked count`;
}

/** revokedRecordMessage in both languages. */
export function revokedRecordText(problem: RevokedRecord, signedAt: string): Text {
  const { revocation } = problem;
  const what = revocation.person !== undefined ? '签名人的签名权' : '该证书';
  const zh =
    problem.kind === 'revoked'
      ? `${what}已自 ${revocation.effective} 起被吊销（${revocation.reason}），不晚于签名时间 ${signedAt}`
      : `${what}已自 ${revocation.effective} 起被吊销（${revocation.reason}），且本记录不在吊销时冻结的记录之中：被吊销密钥所声称的签名时间（${signedAt}）不可信，只有吊销时冻结的记录才有效`;
  return { zh, en: revokedRecordMessage(problem, signedAt) };
}

/**
 * revokedRecord for a record signed by one person whose payload bytes are at
 * hand (a waiver, a column change request): the problem in words, and what
 * the clock checks need afterwards (expiredUnfrozen).
 */
export function signedRecordStanding(index: RevocationIndex, personId: string, fingerprint: string, payload: Uint8Array, signedAt: string, signedAtMs: number): { problem?: Text; digest: string; frozen: boolean } {
  const digest = payloadDigest(payload);
  const r = revokedRecord(index, personId, fingerprint, digest, signedAtMs);
  return r.problem ? { problem: revokedRecordText(r.problem, signedAt), digest, frozen: false } : { digest, frozen: r.frozen };
}

/** The fix for a record of an expired certificate that no revocation froze (the first half: the other is "sign again"). */
export function retireFix(fingerprint: string): Text {
  return {
    zh: `由保密管理员停用该证书并冻结其记录：\`sealpress keys revoke --cert ${fingerprint} --reason 证书到期\``,
    en: `the security administrators retire the certificate, freezing its records: \`sealpress keys revoke --cert ${fingerprint} --reason 证书到期\``,
  };
}

/**
 * The clock's checks on verified one-signer records (waivers, column change
 * requests): one dated in the future, or signed by a certificate expired now
 * that no revocation froze, does not count. Returns those that count, and
 * for the others the reason in words and the fix (`fix` is the usual one:
 * sign a new record).
 */
export function keepByClock<T extends { file: string; cert: Pick<CertInfo, 'fingerprint' | 'notAfter'>; frozen: boolean; payload: { signedAt: string; signedAtMs: number } }>(
  records: readonly T[],
  now: Date,
  fix: Text,
): { kept: T[]; refused: { file: string; why: Text; fix: Text }[] } {
  const t = now.getTime();
  const kept: T[] = [];
  const refused: { file: string; why: Text; fix: Text }[] = [];
  for (const r of records) {
    const { cert, payload } = r;
    if (payload.signedAtMs > t + CLOCK_SKEW_MS) refused.push({ file: r.file, why: { zh: `落款时间为 ${payload.signedAt}，晚于当前时间`, en: `it is dated ${payload.signedAt}, in the future` }, fix });
    else if (expiredUnfrozen(cert, r.frozen, t)) {
      const retire = retireFix(cert.fingerprint);
      refused.push({
        file: r.file,
        why: { zh: `签名证书 ${cert.fingerprint.slice(0, 16)}… 已于 ${chinaTime(cert.notAfter)} 到期；${EXPIRED_UNFROZEN_MESSAGE_ZH}`, en: `the signing certificate ${cert.fingerprint.slice(0, 16)}… expired ${chinaTime(cert.notAfter)}; ${EXPIRED_UNFROZEN_MESSAGE}` },
        fix: { zh: `${retire.zh}；或${fix.zh}`, en: `${retire.en}; or ${fix.en}` },
      });
    } else kept.push(r);
  }
  return { kept, refused };
}

export const EXPIRED_UNFROZEN_MESSAGE = 'an expired certificate\'s claimed signing time cannot be trusted, so its records count only once a revocation of the certificate has frozen them';
export const EXPIRED_UNFROZEN_MESSAGE_ZH = '已到期证书所声称的签名时间不可信，其记录只有在该证书被吊销并冻结记录后才有效';

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
 *
 * For the trust documents the signing time stays the signer's claim on
 * purpose: each needs the root's threshold of distinct administrators (two or
 * more), so one revoked administrator cannot back-date one alone, and a new
 * version replaces the old. Waivers have one signer, so they also go through
 * revokedRecord and expiredUnfrozen (gate/waivers.ts).
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

/** adminSignerProblem in both languages. */
export function adminSignerProblemText(cert: CertInfo, anchor: CertInfo, admins: readonly string[], revoked: RevocationIndex, t: number): Text | undefined {
  const chain = chainProblemText(cert, anchor);
  if (chain !== undefined || cert.uid === undefined) return chain ?? { zh: '证书未载明人员', en: 'it names no person' };
  if (!admins.includes(cert.uid)) return { zh: '不是根文件指定的保密管理员', en: 'not a security administrator named by the root' };
  const time = signingTimeProblem(cert, anchor, t);
  if (time) return { zh: time.zh, en: time.message };
  const revocation = revocationAt(revoked, cert.uid, cert.fingerprint, t);
  if (revocation) return { zh: `已自 ${revocation.effective} 起被吊销（${revocation.reason}）`, en: `revoked from ${revocation.effective} (${revocation.reason})` };
  return undefined;
}
