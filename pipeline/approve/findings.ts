/**
 * Findings of the approval stage. Codes are stable (tests and reports key on
 * them); messages say what happened and what to do, naming people and dates.
 */
import type { Text } from '../messages/text.ts';

export type ApprovalCode =
  /** The record file cannot be read as a signed approval (size, JSON, base64, signatures, schema). */
  | 'APPROVAL_MALFORMED'
  /** The signature does not verify over the stored bytes with the embedded certificate: forged or tampered. */
  | 'APPROVAL_SIGNATURE_INVALID'
  /** The certificate was not issued by the group CA, is not in the roster under the signer, or names someone else. */
  | 'APPROVAL_CERT_UNTRUSTED'
  /** The certificate (or the CA) had expired when the record was signed. */
  | 'APPROVAL_CERT_EXPIRED'
  /** The certificate (or the CA) was not valid yet when the record was signed. */
  | 'APPROVAL_CERT_NOT_YET_VALID'
  /** The signer or the certificate was revoked at or before the signing time. */
  | 'APPROVAL_REVOKED'
  /** The signer or the certificate is revoked and the record is not among those frozen at the revocation: its signing time is only the key's claim. */
  | 'APPROVAL_NOT_FROZEN'
  /** The certificate has expired by the gate's clock and no revocation froze the record: its signing time is only the key's claim. */
  | 'APPROVAL_EXPIRED_UNFROZEN'
  /** The record cites a policy version newer than the trust material: the policy may have been rolled back. */
  | 'APPROVAL_POLICY_AHEAD'
  /** The record is signed later than now (beyond the allowed clock skew). */
  | 'APPROVAL_FUTURE'
  /** The record approves other bytes at another path, or names another site/column for this path. */
  | 'APPROVAL_MOVED'
  /** The signer's roles do not cover this entry's site, column or department. */
  | 'APPROVAL_OUT_OF_SCOPE'
  /** The signer is the entry's author: they submitted a version of it, or the front matter names them (separation of duties). */
  | 'APPROVAL_SELF'
  /** A submission's signer holds no writer grant covering this entry's site, column and department. */
  | 'SUBMISSION_OUT_OF_SCOPE'
  /** No writer has submitted any version of this entry. */
  | 'SUBMISSION_MISSING'
  /** Writers submitted other bytes of this entry: it (or an asset) changed after the last submission. */
  | 'SUBMISSION_STALE'
  /** The entry or one of its assets changed after the approval. */
  | 'APPROVAL_STALE'
  /** The entry was withdrawn (taken off the site); the record is kept. */
  | 'APPROVAL_WITHDRAWN'
  /** An approver rejected (驳回) these exact bytes, with a reason, and has not approved them since. */
  | 'APPROVAL_REJECTED'
  /** Valid approvals do not yet meet the policy: says what is missing. */
  | 'THRESHOLD_NOT_MET';

export interface ApprovalFinding {
  code: ApprovalCode;
  /** The record file concerned, or the entry for THRESHOLD_NOT_MET. */
  file: string;
  /** In English. */
  message: string;
  fix: string;
  /** The message and the fix in Chinese. */
  zh: { message: string; fix: string };
  /** A finer, stable reason, e.g. the envelope problem code (ENVELOPE_BASE64). */
  detail?: string;
  /** THRESHOLD_NOT_MET: the people on the roster who can still give a missing approval, by id. */
  approvers?: { id: string; name: string }[];
}

/** A problem found with a record as a whole, before looking at any entry. */
export interface RecordProblem {
  code: ApprovalCode;
  message: string;
  fix: string;
  zh: { message: string; fix: string };
  detail?: string;
}

/** A finding's message and fix, each given in both languages: the English fields and the Chinese ones. */
export function said(message: Text, fix: Text): { message: string; fix: string; zh: { message: string; fix: string } } {
  return { message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } };
}

export function finding(problem: RecordProblem, file: string): ApprovalFinding {
  const f: ApprovalFinding = { code: problem.code, file, message: problem.message, fix: problem.fix, zh: problem.zh };
  if (problem.detail !== undefined) f.detail = problem.detail;
  return f;
}

/**
 * The diagnostic rule each finding code belongs to, for the gate that turns
 * findings into diagnostics (rule ids of pipeline/diagnostics/rules.ts).
 */
export const APPROVAL_RULES: Record<ApprovalCode, 'approval-invalid' | 'approval-stale' | 'approval-pending' | 'approval-rejected' | 'submission-pending' | 'withdrawn'> = {
  APPROVAL_MALFORMED: 'approval-invalid',
  APPROVAL_SIGNATURE_INVALID: 'approval-invalid',
  APPROVAL_CERT_UNTRUSTED: 'approval-invalid',
  APPROVAL_CERT_EXPIRED: 'approval-invalid',
  APPROVAL_CERT_NOT_YET_VALID: 'approval-invalid',
  APPROVAL_REVOKED: 'approval-invalid',
  APPROVAL_NOT_FROZEN: 'approval-invalid',
  APPROVAL_EXPIRED_UNFROZEN: 'approval-invalid',
  APPROVAL_POLICY_AHEAD: 'approval-invalid',
  APPROVAL_FUTURE: 'approval-invalid',
  APPROVAL_MOVED: 'approval-invalid',
  APPROVAL_OUT_OF_SCOPE: 'approval-invalid',
  APPROVAL_SELF: 'approval-invalid',
  SUBMISSION_OUT_OF_SCOPE: 'approval-invalid',
  SUBMISSION_MISSING: 'submission-pending',
  SUBMISSION_STALE: 'submission-pending',
  APPROVAL_STALE: 'approval-stale',
  APPROVAL_WITHDRAWN: 'withdrawn',
  APPROVAL_REJECTED: 'approval-rejected',
  THRESHOLD_NOT_MET: 'approval-pending',
};
