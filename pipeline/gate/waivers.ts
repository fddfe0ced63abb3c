/**
 * Waivers: legitimate exceptions to the content checks (a tax-arrears notice
 * must publish a taxpayer's identifier), each signed by a security
 * administrator. A waiver names the file, its digest, the rule and the
 * fingerprint of the matched value, so it never covers a changed file or
 * another finding. Verified here against the trust material; applied by the
 * check engine (check/waiver.ts).
 *
 * A waiver has one signer, so a revoked or expired administrator key could
 * back-date one on its own: the revocation and expiry rules of approval
 * records apply (trust/signer.ts revokedRecord, expiredUnfrozen). The
 * administrators' trust documents differ: they need the root's threshold of
 * distinct administrators (two by default), and replace each other by version.
 */
import type { Text } from '../messages/text.ts';
import { readWaiver, WAIVER_PAYLOAD_TYPE, type VerifiedWaiver } from '../check/index.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { RecordFile } from '../load/index.ts';
import { adminSignerProblemText, eachSigned, keepByClock, openSingleSigned, signedRecordStanding, type CertInfo, type Trust } from '../trust/index.ts';

/** A waiver whose signature and signer verify, before the clock is consulted. */
export interface SignedWaiver extends VerifiedWaiver {
  file: string;
  cert: CertInfo;
  /** SHA-256 of the signed payload (what a revocation freezes). */
  digest: string;
  /** Frozen by every revocation of its signer: it survives the certificate's expiry. */
  frozen: boolean;
}

const FIX: Text = { zh: '请保密管理员针对当前文件签署新的豁免', en: 'have a security administrator sign a new waiver for the current file' };
const refusal = (file: string, why: Text, fix = FIX) => diagnostic('waiver-invalid', 'error', file, undefined, { zh: `豁免无效：${why.zh}`, en: `the waiver is not valid: ${why.en}` }, { fix });

/** Verify the waivers against the trust material, without a clock: who signed, and whether they could. Pure. */
export function openWaivers(records: readonly RecordFile[], trust: Trust | undefined): { waivers: SignedWaiver[]; diagnostics: Diagnostic[] } {
  const waivers: SignedWaiver[] = [];
  const diagnostics: Diagnostic[] = [];
  const refuse = (file: string, why: Text) => diagnostics.push(refusal(file, why));
  eachSigned(records, trust, (bytes) => openSingleSigned(bytes, WAIVER_PAYLOAD_TYPE, readWaiver, { zh: '豁免', en: 'the waiver' }), refuse, (file, opened, trust) => {
    const { cert } = opened;
    const uid = cert.uid ?? '';
    const w = opened.value;
    if (w.signer !== uid) {
      refuse(file, { zh: `豁免写明签署人为 ${w.signer}，实际由 ${uid} 签署`, en: `it names ${w.signer} as signer but was signed by ${uid}` });
      return;
    }
    // The same test as for the administrators' signatures on the trust documents, at the waiver's signing time.
    const problem = adminSignerProblemText(cert, trust.anchor.cert, trust.root.securityAdmins, trust.revocationIndex, w.signedAtMs);
    if (problem) {
      refuse(file, { zh: `签名证书：${problem.zh}`, en: `the signing certificate: ${problem.en}` });
      return;
    }
    if (trust.personByCertificate.get(cert.fingerprint)?.id !== uid) {
      refuse(file, { zh: `${cert.name ?? uid} 不是名册中持有该证书的保密管理员`, en: `${cert.name ?? uid} is not a security administrator with this certificate in the roster` });
      return;
    }
    const standing = signedRecordStanding(trust.revocationIndex, uid, cert.fingerprint, opened.payload, w.signedAt, w.signedAtMs);
    if (standing.problem) {
      refuse(file, standing.problem);
      return;
    }
    waivers.push({ payload: w, file, cert, digest: standing.digest, frozen: standing.frozen });
  });
  return { waivers, diagnostics };
}

/** openWaivers, then the clock: a waiver dated in the future, or signed by a certificate expired now and not frozen, waives nothing. Pure. */
export function verifyWaivers(records: readonly RecordFile[], trust: Trust | undefined, now: Date): { waivers: SignedWaiver[]; diagnostics: Diagnostic[] } {
  const opened = openWaivers(records, trust);
  const clocked = keepByClock(opened.waivers, now, FIX);
  return { waivers: clocked.kept, diagnostics: [...opened.diagnostics, ...clocked.refused.map((r) => refusal(r.file, r.why, r.fix))] };
}
