/**
 * Waivers: the legitimate exceptions (a tax-arrears notice must, by law,
 * publish the taxpayer's identifier). A waiver is a DSSE envelope
 * (payloadType application/vnd.sealpress.waiver+json) signed by a security
 * administrator. It names:
 *
 *   path + digest      the file (entry or attachment) and the SHA-256 of its bytes:
 *                      a changed file is not covered (Trust model 2)
 *   rule + fingerprint the rule and the SHA-256 of the normalised matched value:
 *                      another finding is not covered
 *   at (optional)      line and column of the finding, when the same value occurs
 *                      more than once and only one occurrence is allowed
 *   justification      why (shown in SARIF as the suppression's justification)
 *
 * Here: the payload reader (run on verified bytes only, collecting every
 * problem), signing, and the matching side. Signature verification (the
 * signer is a security administrator of the root, certificate valid and not
 * revoked at signing) is the gate's, with the trust material.
 */
import {
  canonicalBytes,
  inspectCertificate,
  PERSON_ID,
  Reader,
  SHA256_HEX,
  signEnvelope,
  TrustError,
  type Json,
  type Read,
  type Signer,
} from '../trust/index.ts';
import type { CheckFinding } from './finding.ts';
import { CHECK_RULES, type CheckRuleId } from './rules.ts';

export const WAIVER_PAYLOAD_TYPE = 'application/vnd.sealpress.waiver+json';
export const WAIVER_VERSION = 1;

/** Secrets are removed and rotated, never waived: once in the repository they are no longer secret. */
export const UNWAIVABLE_RULES: readonly CheckRuleId[] = ['secret-private-key', 'secret-password', 'secret-token'];

export interface WaiverPayload {
  type: 'waiver';
  version: typeof WAIVER_VERSION;
  /** A stable name for the waiver, for the audit trail. */
  id: string;
  /** Repo-relative path of the entry or attachment. */
  path: string;
  /** SHA-256 (hex) of the file's bytes. */
  digest: string;
  rule: CheckRuleId;
  /** SHA-256 (hex) of the normalised matched value (CheckFinding.fingerprint). */
  fingerprint: string;
  at?: { line: number; column: number };
  justification: string;
  signedAt: string;
  signedAtMs: number;
  /** Person id of the signer; must equal the UID of the certificate that signed. */
  signer: string;
  expires?: string;
  expiresMs?: number;
}

/** A waiver whose envelope the gate has verified against the trust material. */
export interface VerifiedWaiver {
  payload: WaiverPayload;
}

const WAIVER_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const REPO_PATH = /^(?!\/)[^\\\u0000-\u001f]{1,500}$/;
const RULE_IDS = new Set<string>(CHECK_RULES.map((r) => r.id));

/** Read a verified waiver payload, collecting every problem. */
export function readWaiver(value: unknown): Read<WaiverPayload> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return { ok: false, problems: r.problems };
  r.literal(o, 'type', '', 'waiver');
  if (o.version !== WAIVER_VERSION) r.problem('version', `is ${JSON.stringify(o.version)}; this gate reads version ${WAIVER_VERSION}`);
  const id = r.string(o, 'id', '', { pattern: WAIVER_ID, hint: 'a waiver id (letters, digits, . _ -)' });
  const path = r.string(o, 'path', '', { pattern: REPO_PATH, hint: 'a repo-relative path', max: 500 });
  if (path !== undefined && path.split('/').some((s) => s === '' || s === '.' || s === '..')) r.problem('path', 'has an empty, . or .. segment');
  const digest = r.string(o, 'digest', '', { pattern: SHA256_HEX, hint: 'a SHA-256 in lower-case hex' });
  const rule = r.string(o, 'rule', '', { max: 64 });
  if (rule !== undefined && !RULE_IDS.has(rule)) r.problem('rule', `${JSON.stringify(rule)} is not a rule of the check stage`);
  if (rule !== undefined && (UNWAIVABLE_RULES as readonly string[]).includes(rule)) r.problem('rule', `${rule} cannot be waived: a secret in the repository must be removed and replaced`);
  const fingerprint = r.string(o, 'fingerprint', '', { pattern: SHA256_HEX, hint: 'a SHA-256 in lower-case hex' });
  let at: { line: number; column: number } | undefined;
  if (o.at !== undefined) {
    const ao = r.object(o.at, 'at');
    if (ao) {
      r.onlyKnown(ao, 'at', ['line', 'column']);
      const line = r.integer(ao, 'line', 'at', 1);
      const column = r.integer(ao, 'column', 'at', 1);
      if (line !== undefined && column !== undefined) at = { line, column };
    }
  }
  const justification = r.string(o, 'justification', '', { max: 2000 });
  const signedAt = r.instant(o, 'signedAt', '');
  const expires = r.optionalInstant(o, 'expires', '');
  const signer = r.string(o, 'signer', '', { pattern: PERSON_ID, hint: 'a person id' });
  if (signedAt && expires && expires.t <= signedAt.t) r.problem('expires', 'is not after signedAt');
  if (r.problems.length > 0 || id === undefined || path === undefined || digest === undefined || rule === undefined || fingerprint === undefined || justification === undefined || !signedAt || signer === undefined) {
    return { ok: false, problems: r.problems.length ? r.problems : ['unreadable'] };
  }
  const payload: WaiverPayload = {
    type: 'waiver',
    version: WAIVER_VERSION,
    id,
    path,
    digest,
    rule: rule as CheckRuleId,
    fingerprint,
    justification,
    signedAt: signedAt.text,
    signedAtMs: signedAt.t,
    signer,
  };
  if (at) payload.at = at;
  if (expires) {
    payload.expires = expires.text;
    payload.expiresMs = expires.t;
  }
  return { ok: true, value: payload };
}

/** The value a waiver names for a finding. */
export function fingerprintOf(finding: CheckFinding | WaivableFinding): string {
  return finding.fingerprint;
}

/** What matching needs of a finding: a CheckFinding, or the CheckDiagnostic the gate keeps (toDiagnostic). */
export interface WaivableFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  fingerprint: string;
  suppressed?: { waiver: string; justification: string };
}

function covers(w: WaiverPayload, f: WaivableFinding, digest: string, now: number | undefined): boolean {
  if (w.path !== f.file || w.digest !== digest || w.rule !== f.rule || w.fingerprint !== f.fingerprint) return false;
  if (w.at && (w.at.line !== f.line || w.at.column !== f.column)) return false;
  if (now !== undefined && w.expiresMs !== undefined && now >= w.expiresMs) return false;
  return true;
}

/**
 * Mark the findings that a verified waiver covers as suppressed (the others
 * are returned unchanged). `fileDigest` is the SHA-256 of the bytes the
 * findings come from; `now` (ms) ends expired waivers. Pure.
 */
export function applyWaivers<T extends WaivableFinding>(findings: readonly T[], waivers: readonly VerifiedWaiver[], fileDigest: string, options: { now?: number } = {}): T[] {
  return findings.map((f) => {
    const w = waivers.find((v) => covers(v.payload, f, fileDigest, options.now));
    if (!w) return f;
    return { ...f, suppressed: { waiver: w.payload.id, justification: w.payload.justification } };
  });
}

/** Waivers for this file that cover nothing (stale: the file or the value changed); worth reporting. */
export function unusedWaivers(findings: readonly WaivableFinding[], waivers: readonly VerifiedWaiver[], file: string, fileDigest: string, options: { now?: number } = {}): VerifiedWaiver[] {
  return waivers.filter((w) => w.payload.path === file && !findings.some((f) => covers(w.payload, f, fileDigest, options.now)));
}

export interface DraftWaiverOptions {
  id: string;
  /** SHA-256 of the file the finding is in. */
  digest: string;
  justification: string;
  /** Pin the waiver to this occurrence (line and column). */
  pinPosition?: boolean;
}

/** The unsigned payload fields of a waiver for one finding (what `sealpress waive` would show an administrator). */
export function draftWaiver(finding: CheckFinding, options: DraftWaiverOptions): Json {
  const draft: Json = {
    type: 'waiver',
    version: WAIVER_VERSION,
    id: options.id,
    path: finding.file,
    digest: options.digest,
    rule: finding.rule,
    fingerprint: finding.fingerprint,
    justification: options.justification,
  };
  if (options.pinPosition) draft.at = { line: finding.line, column: finding.column };
  return draft;
}

export interface SignWaiverOptions {
  draft: Json;
  signer: Signer;
  now: Date;
  expires?: Date;
}

/** Sign a waiver as a security administrator. Returns the record file bytes (a DSSE envelope). */
export function signWaiver(options: SignWaiverOptions): Uint8Array {
  const inspected = inspectCertificate(options.signer.certPem);
  if (!inspected.ok || inspected.cert.uid === undefined) throw new TrustError('INVALID_ARGUMENT', { zh: '签名人证书无法读取或未载明人员编号（UID）', en: 'the signer certificate cannot be read or names no person id (UID)' });
  const payload: Json = { ...options.draft, signedAt: options.now.toISOString(), signer: inspected.cert.uid };
  if (options.expires) payload.expires = options.expires.toISOString();
  const bytes = canonicalBytes(payload);
  const checked = readWaiver(JSON.parse(new TextDecoder().decode(bytes)));
  if (!checked.ok) throw new TrustError('DOCUMENT_INVALID', { zh: `豁免不符合格式要求：${checked.problems.slice(0, 10).join('; ')}`, en: `the waiver breaks its schema: ${checked.problems.slice(0, 10).join('; ')}` });
  return signEnvelope(WAIVER_PAYLOAD_TYPE, bytes, [options.signer]);
}
