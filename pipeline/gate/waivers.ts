/**
 * Waivers: legitimate exceptions to the content checks (a tax-arrears notice
 * must publish a taxpayer's identifier), each signed by a security
 * administrator. A waiver names the file, its digest, the rule and the
 * fingerprint of the matched value, so it never covers a changed file or
 * another finding. Verified here against the trust material; applied by the
 * check engine (check/waiver.ts).
 */
import { readWaiver, WAIVER_PAYLOAD_TYPE, type VerifiedWaiver } from '../check/index.ts';
import { diagnostic, type Diagnostic } from '../diagnostics/index.ts';
import type { RecordFile } from '../load/index.ts';
import { adminSignerProblem, CLOCK_SKEW_MS, openSingleSigned, type Trust } from '../trust/index.ts';


export function verifyWaivers(records: readonly RecordFile[], trust: Trust | undefined, now: Date): { waivers: VerifiedWaiver[]; diagnostics: Diagnostic[] } {
  const waivers: VerifiedWaiver[] = [];
  const diagnostics: Diagnostic[] = [];
  const refuse = (file: string, why: string) =>
    diagnostics.push(diagnostic('waiver-invalid', 'error', file, undefined, `the waiver is not valid: ${why}`, { fix: 'have a security administrator sign a new waiver for the current file' }));
  for (const { file, bytes } of records) {
    if (!trust) {
      refuse(file, 'the trust material does not verify, so no signature can be checked');
      continue;
    }
    const opened = openSingleSigned(bytes, WAIVER_PAYLOAD_TYPE, readWaiver, 'the waiver');
    if (!opened.ok) {
      refuse(file, opened.problem);
      continue;
    }
    const { cert } = opened;
    const uid = cert.uid ?? '';
    const w = opened.value;
    if (w.signer !== uid) {
      refuse(file, `it names ${w.signer} as signer but was signed by ${uid}`);
      continue;
    }
    // The same test as for the administrators' signatures on the trust documents, at the waiver's signing time.
    const problem = adminSignerProblem(cert, trust.anchor.cert, trust.root.securityAdmins, trust.revocationIndex, w.signedAtMs);
    if (problem) {
      refuse(file, `the signing certificate: ${problem}`);
      continue;
    }
    if (trust.personByCertificate.get(cert.fingerprint)?.id !== uid) {
      refuse(file, `${cert.name ?? uid} is not a security administrator with this certificate in the roster`);
      continue;
    }
    if (w.signedAtMs > now.getTime() + CLOCK_SKEW_MS) {
      refuse(file, `it is dated ${w.signedAt}, in the future`);
      continue;
    }
    waivers.push({ payload: w });
  }
  return { waivers, diagnostics };
}
