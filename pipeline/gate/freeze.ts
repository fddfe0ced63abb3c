/**
 * Records frozen by a revocation (Trust model 6 and 9). A key that is revoked
 * or expired can still sign and write any signing time it likes, so once a
 * certificate is retired its records count only if the revocation froze them
 * by the digest of their signed payload (trust/signer.ts revokedRecord).
 *
 *   freezable         which signed records of a person or certificate count
 *                     as of a revocation's effective time: the gate's own
 *                     verification (prepareRecords, openWaivers,
 *                     openColumnChanges) against the current trust, no clock.
 *                     `keys revoke` and `keys rotate` write their digests into
 *                     the revocation they sign.
 *   expiringWarnings  records that count now, signed with a certificate that
 *                     expires within two weeks and is not yet retired: after
 *                     that they would go back to refused, so the
 *                     administrators are told to retire it first.
 *
 * What this cannot know: a record a revoked person planted between the
 * effective time and the signing of the revocation looks valid and is frozen;
 * the tools print what they freeze for the administrators to review.
 */
import { prepareRecords, type ApprovalRecordFile } from '../approve/index.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import { openColumnChanges } from '../govern/index.ts';
import type { RecordFile } from '../load/index.ts';
import type { SiteGroup } from '../model/index.ts';
import { type CertInfo, type RosterPerson, type Trust } from '../trust/index.ts';
import { openWaivers } from './waivers.ts';
import { chinaTime } from '../util/dates.ts';

export type SignedKind = 'approval' | 'waiver' | 'column-change';

/** A signed record that verified against the trust material (no clock consulted). */
export interface SignedRecord {
  kind: SignedKind;
  file: string;
  person: RosterPerson;
  cert: CertInfo;
  signedAtMs: number;
  /** SHA-256 of the signed payload. */
  digest: string;
  frozen: boolean;
}

/** The repository's signed records, as the gate reads them. */
export interface SignedRecordFiles {
  approvals: readonly ApprovalRecordFile[];
  waivers: readonly RecordFile[];
  columnChanges: readonly RecordFile[];
  group: SiteGroup;
}

/** Every signed record that verifies against the trust material, whatever the clock says. Pure. */
export function verifiedSignedRecords(files: SignedRecordFiles, trust: Trust): SignedRecord[] {
  const out: SignedRecord[] = [];
  for (const r of prepareRecords(files.approvals, trust).records) {
    if (r.problem || !r.payload || !r.person || !r.cert || r.digest === undefined) continue;
    out.push({ kind: 'approval', file: r.file, person: r.person, cert: r.cert, signedAtMs: r.payload.signedAtMs, digest: r.digest, frozen: r.frozen === true });
  }
  const signed = (kind: SignedKind, list: readonly { file: string; cert: CertInfo; digest: string; frozen: boolean; payload: { signedAtMs: number } }[]) => {
    for (const w of list) {
      const person = trust.personByCertificate.get(w.cert.fingerprint);
      if (person) out.push({ kind, file: w.file, person, cert: w.cert, signedAtMs: w.payload.signedAtMs, digest: w.digest, frozen: w.frozen });
    }
  };
  signed('waiver', openWaivers(files.waivers, trust).waivers);
  signed('column-change', openColumnChanges(files.columnChanges, trust, files.group).changes);
  return out;
}

/**
 * The records a new revocation of `subject` (a person, or one certificate)
 * effective at `effectiveMs` freezes: those of that person or certificate
 * that count as of that instant. A certificate that expired before it still
 * has its records frozen if they were signed inside its validity (the
 * verification checked that): retiring an expired certificate is how its
 * records are kept.
 */
export function freezable(records: readonly SignedRecord[], subject: { person: string } | { certificate: string }, effectiveMs: number): SignedRecord[] {
  return records.filter((r) => ('person' in subject ? r.person.id === subject.person : r.cert.fingerprint === subject.certificate) && r.signedAtMs < effectiveMs);
}

/** How many days ahead the gate warns about certificates whose records are not yet frozen (as `keys list` does). */
export const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

/** A signed record that counts now, as the expiry warning sees it. */
export interface ExpiringRecord {
  file: string;
  person: RosterPerson;
  cert: CertInfo;
  frozen: boolean;
}

/** One warning per certificate that expires within `days` and signed records that count now without being frozen. Pure. */
export function expiringWarnings(records: readonly ExpiringRecord[], now: Date, days = EXPIRY_WARNING_DAYS): Diagnostic[] {
  const t = now.getTime();
  const byCert = new Map<string, { person: RosterPerson; cert: CertInfo; files: string[] }>();
  for (const r of records) {
    if (r.frozen || r.cert.notAfter <= t || r.cert.notAfter - t > days * DAY_MS) continue;
    const had = byCert.get(r.cert.fingerprint);
    if (had) had.files.push(r.file);
    else byCert.set(r.cert.fingerprint, { person: r.person, cert: r.cert, files: [r.file] });
  }
  return [...byCert.values()].map(({ person, cert, files }) => {
    const left = Math.floor((cert.notAfter - t) / DAY_MS);
    return diagnostic(
      'trust-warning',
      'warning',
      files.sort()[0]!,
      undefined,
      { zh: `${person.name}（${person.id}）签署的 ${files.length} 份记录目前有效，但其证书 ${cert.fingerprint.slice(0, 16)}… 将于 ${chinaTime(cert.notAfter)} 到期（还有 ${left} 天），且尚未通过吊销冻结：到期后这些记录将被拒绝，因为已到期证书所声称的签名时间不可信 [CERT_EXPIRING_UNFROZEN]`, en: `${files.length} signed record(s) of ${person.name} (${person.id}) count now, but their certificate ${cert.fingerprint.slice(0, 16)}… expires ${chinaTime(cert.notAfter)} (in ${left} day${left === 1 ? '' : 's'}) and no revocation has frozen them: after that they are refused, because an expired certificate's claimed signing time cannot be trusted [CERT_EXPIRING_UNFROZEN]` },
      { fix: { zh: `在证书到期前，由保密管理员停用该证书并冻结其记录：\`sealpress keys rotate --id ${person.id}\`（换发新证书）或 \`sealpress keys revoke --cert ${cert.fingerprint} --reason 证书到期\``, en: `before it expires, the security administrators retire the certificate, freezing its records: \`sealpress keys rotate --id ${person.id}\` (new certificate) or \`sealpress keys revoke --cert ${cert.fingerprint} --reason 证书到期\`` } },
    );
  });
}
