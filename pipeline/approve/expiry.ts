/**
 * Expiry by the gate's clock. Certificates live at most 90 days (the rules:
 * credentials change every three months), and a certificate past its end can
 * still sign, writing any time inside its validity (Trust model 9). So once
 * it has expired by the gate's clock, a record it signed counts only if a
 * revocation of the certificate or its holder froze it (prepare.ts sets
 * `frozen`); `keys rotate` and `keys revoke` freeze records as they retire a
 * certificate. Pure: the clock is an argument.
 */
import { EXPIRED_UNFROZEN_MESSAGE, EXPIRED_UNFROZEN_MESSAGE_ZH, expiredUnfrozen, retireFix } from '../trust/index.ts';
import { chinaDate, chinaTime } from '../util/dates.ts';
import { said, type ApprovalFinding } from './findings.ts';
import type { PreparedRecord } from './prepare.ts';

/** The finding for a verified record whose certificate has expired by `now` and was not frozen, or undefined. */
export function expiredFinding(record: PreparedRecord, now: Date): ApprovalFinding | undefined {
  const { payload, person, cert } = record;
  if (!payload || !person || !cert || !expiredUnfrozen(cert, record.frozen === true, now.getTime())) return undefined;
  const retire = retireFix(cert.fingerprint);
  return {
    code: 'APPROVAL_EXPIRED_UNFROZEN',
    file: record.file,
    ...said(
      {
        zh: `${person.name} 的证书 ${cert.fingerprint.slice(0, 16)}… 已于 ${chinaTime(cert.notAfter)} 到期；记录称签署于 ${chinaDate(payload.signedAtMs)}（${payload.signedAt}），但${EXPIRED_UNFROZEN_MESSAGE_ZH}`,
        en: `${person.name}'s certificate ${cert.fingerprint.slice(0, 16)}… expired ${chinaTime(cert.notAfter)}; the record says it was signed on ${chinaDate(payload.signedAtMs)} (${payload.signedAt}), but ${EXPIRED_UNFROZEN_MESSAGE}`,
      },
      { zh: `${retire.zh}；或由 ${person.name} 用现有证书重新签署`, en: `${retire.en}; or ${person.name} signs again with their current certificate` },
    ),
  };
}
