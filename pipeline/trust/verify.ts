/**
 * Verify the trust material under sites/trust/: the group CA (the anchor), the
 * root it signs, and the roster, policy and revocations that the security
 * administrators named by the root sign (Trust model 5: a writer cannot lower a
 * threshold by editing a file).
 *
 * Pure: bytes in, the clock passed in, no I/O. Fails closed: anything missing,
 * unreadable, unsigned, under-signed, tampered or expired makes the whole
 * result not ok, and every problem found is reported at once.
 *
 * Order, and why:
 *   ca.pem        self-signed CA; pinned by fingerprint when the caller knows it
 *   root          signed by the CA key; names the security administrators and the threshold
 *   revocations   signed by ≥ threshold distinct admins; read first, because it
 *                 also decides whether an admin's own signature still counts
 *   roster/policy signed by ≥ threshold distinct admins, not revoked at signing
 * Admin certificates are found by the root's person ids and the certificate's
 * UID, not through the roster, which they sign (no circularity).
 */
import { parseStrictJsonBytes } from './canonical.ts';
import { describeCert, inspectCertificate, issuedBy, MIN_RSA_BITS, normaliseFingerprint, validityAt, type CertInfo } from './certs.ts';
import {
  PAYLOAD_TYPES,
  readPolicy,
  readRevocations,
  readRoot,
  readRoster,
  type PolicyDocument,
  type Read,
  type RevocationsDocument,
  type RootDocument,
  type RosterDocument,
  type RosterPerson,
} from './documents.ts';
import { pae, parseEnvelope, verifyPae, type EnvelopeProblem } from './dsse.ts';
import { dutiesProblem } from './roles.ts';
import { adminSignerProblem, EMPTY_REVOCATIONS, indexRevocations, type RevocationIndex } from './signer.ts';
import { CLOCK_SKEW_MS } from './time.ts';
import { chinaTime } from '../util/dates.ts';

/** Where the trust material lives in a repository. */
export const TRUST_PATHS = {
  ca: 'sites/trust/ca.pem',
  root: 'sites/trust/root.dsse.json',
  roster: 'sites/trust/roster.dsse.json',
  policy: 'sites/trust/policy.dsse.json',
  revocations: 'sites/trust/revocations.dsse.json',
} as const;

export type TrustFileKey = keyof typeof TRUST_PATHS;
export type TrustFiles = Partial<Record<TrustFileKey, Uint8Array>>;

export type TrustProblemCode =
  | 'TRUST_MISSING'
  | 'TRUST_MALFORMED'
  | 'TRUST_SIGNATURE_INVALID'
  | 'TRUST_THRESHOLD_NOT_MET'
  | 'TRUST_ANCHOR_MISMATCH'
  | 'TRUST_ANCHOR_INVALID'
  | 'TRUST_EXPIRED'
  | 'TRUST_NOT_YET_VALID'
  /** A document older than the one the latest signed release was gated under (the gate's memory, Trust model 10). */
  | 'TRUST_ROLLBACK'
  /** A person holds duties that must be held apart (Trust model 4, trust/roles.ts). */
  | 'TRUST_DUTIES_MIXED';

export type TrustWarningCode =
  | 'TRUST_ANCHOR_NOT_PINNED'
  | 'TRUST_SIGNATURE_IGNORED'
  | 'TRUST_WEAK_THRESHOLD'
  | 'TRUST_EXPIRING';

export interface TrustProblem {
  code: TrustProblemCode;
  /** Repo-relative path of the file concerned. */
  file: string;
  message: string;
  fix: string;
}

export interface TrustWarning {
  code: TrustWarningCode;
  file: string;
  message: string;
  fix: string;
}

/** Verified trust material, parsed once, with the keys ready for fast verification. */
export interface Trust {
  anchor: {
    cert: CertInfo;
    fingerprint: string;
    /** Whether the caller pinned the CA fingerprint from outside the repository. */
    pinned: boolean;
  };
  root: RootDocument;
  roster: RosterDocument;
  policy: PolicyDocument;
  revocations: RevocationsDocument;
  /** Person id → roster entry. */
  people: ReadonlyMap<string, RosterPerson>;
  /** Certificate fingerprint → the person the roster lists it under. */
  personByCertificate: ReadonlyMap<string, RosterPerson>;
  revocationIndex: RevocationIndex;
  /** Who signed each admin-signed document (distinct person ids that counted). */
  signedBy: { roster: string[]; policy: string[]; revocations: string[] };
}

export type TrustResult = { ok: true; trust: Trust; warnings: TrustWarning[] } | { ok: false; problems: TrustProblem[]; warnings: TrustWarning[] };

export interface VerifyTrustOptions {
  now: Date;
  /** SHA-256 fingerprint of the CA certificate, known from outside the repository (CI secret or setting). */
  anchorFingerprint?: string;
}

const MAX_CA_PEM_BYTES = 64 * 1024;
const EXPIRY_WARNING_MS = 30 * 86_400_000;

class Report {
  readonly problems: TrustProblem[] = [];
  readonly warnings: TrustWarning[] = [];
  problem(code: TrustProblemCode, file: string, message: string, fix: string): void {
    this.problems.push({ code, file, message, fix });
  }
  warn(code: TrustWarningCode, file: string, message: string, fix: string): void {
    this.warnings.push({ code, file, message, fix });
  }
}

export function verifyTrust(files: TrustFiles, options: VerifyTrustOptions): TrustResult {
  const report = new Report();
  const now = options.now.getTime();
  for (const key of Object.keys(TRUST_PATHS) as TrustFileKey[]) {
    if (files[key] === undefined) {
      report.problem('TRUST_MISSING', TRUST_PATHS[key], `${TRUST_PATHS[key]} is missing: without it no approval can be verified, so nothing is published`, 'restore the file from the repository history, or ask the security administrators to sign it');
    }
  }

  const anchor = files.ca ? readAnchor(files.ca, options, now, report) : undefined;
  const root = anchor && files.root ? readRootEnvelope(files.root, anchor.cert, now, report) : undefined;

  let revocations: Signed<RevocationsDocument> | undefined;
  let roster: Signed<RosterDocument> | undefined;
  let policy: Signed<PolicyDocument> | undefined;
  if (anchor && root) {
    const ctx = { anchor: anchor.cert, root, now, report };
    if (files.revocations) revocations = readAdminSigned('revocations', files.revocations, readRevocations, ctx, (doc) => indexRevocations(doc.revoked));
    const index = revocations ? indexRevocations(revocations.doc.revoked) : EMPTY_REVOCATIONS;
    if (files.roster) roster = readAdminSigned('roster', files.roster, readRoster, ctx, () => index);
    if (files.policy) policy = readAdminSigned('policy', files.policy, readPolicy, ctx, () => index);
  }
  if (roster) rosterDuties(roster.doc, report);

  if (report.problems.length > 0 || !anchor || !root || !revocations || !roster || !policy) {
    return { ok: false, problems: report.problems, warnings: report.warnings };
  }
  const people = new Map<string, RosterPerson>();
  const personByCertificate = new Map<string, RosterPerson>();
  for (const p of roster.doc.people) {
    people.set(p.id, p);
    for (const fp of p.certificates) personByCertificate.set(fp, p);
  }
  return {
    ok: true,
    warnings: report.warnings,
    trust: {
      anchor,
      root,
      roster: roster.doc,
      policy: policy.doc,
      revocations: revocations.doc,
      people,
      personByCertificate,
      revocationIndex: indexRevocations(revocations.doc.revoked),
      signedBy: { roster: roster.signers, policy: policy.signers, revocations: revocations.signers },
    },
  };
}

function readAnchor(bytes: Uint8Array, options: VerifyTrustOptions, now: number, report: Report): Trust['anchor'] | undefined {
  const file = TRUST_PATHS.ca;
  if (bytes.length > MAX_CA_PEM_BYTES) {
    report.problem('TRUST_MALFORMED', file, `the file is ${bytes.length} bytes; a CA certificate is a few KiB`, 'restore ca.pem from the repository history');
    return undefined;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    report.problem('TRUST_MALFORMED', file, 'the file is not UTF-8 text', 'restore ca.pem from the repository history');
    return undefined;
  }
  const inspected = inspectCertificate(text);
  if (!inspected.ok) {
    report.problem('TRUST_MALFORMED', file, `the CA certificate cannot be read: ${inspected.message}`, 'restore ca.pem from the repository history');
    return undefined;
  }
  const cert = inspected.cert;
  let pinned = false;
  if (options.anchorFingerprint !== undefined) {
    const expected = normaliseFingerprint(options.anchorFingerprint);
    if (expected !== cert.fingerprint) {
      report.problem(
        'TRUST_ANCHOR_MISMATCH',
        file,
        expected === undefined
          ? 'the pinned CA fingerprint given to the gate is not a SHA-256 fingerprint'
          : `the CA certificate's fingerprint ${cert.fingerprint} is not the pinned ${expected}: ca.pem was replaced`,
        'if the CA was legitimately renewed, update the pinned fingerprint in the CI settings; otherwise restore ca.pem and find out who changed it',
      );
      return undefined;
    }
    pinned = true;
  } else {
    report.warn('TRUST_ANCHOR_NOT_PINNED', file, 'the CA certificate is trusted because it is in the repository; whoever can commit can replace it', 'pass the CA fingerprint to the gate from outside the repository (CI setting)');
  }
  if (!cert.isCa || !issuedBy(cert, cert) || cert.rsaBits < MIN_RSA_BITS) {
    report.problem('TRUST_ANCHOR_INVALID', file, `ca.pem is not a self-signed CA certificate with an RSA key of at least ${MIN_RSA_BITS} bits`, 'restore ca.pem from the repository history');
    return undefined;
  }
  const validity = validityAt(cert, now);
  if (validity === 'expired') {
    report.problem('TRUST_EXPIRED', file, `the group CA certificate expired ${chinaTime(cert.notAfter)}`, 'the security administrators must create a new CA and re-issue the certificates');
    return undefined;
  }
  if (validity === 'not-yet-valid') {
    report.problem('TRUST_NOT_YET_VALID', file, `the group CA certificate is valid only from ${chinaTime(cert.notBefore)}`, 'check the clock of the machine that created it');
    return undefined;
  }
  if (cert.notAfter - now < EXPIRY_WARNING_MS) {
    report.warn('TRUST_EXPIRING', file, `the group CA certificate expires ${chinaTime(cert.notAfter)}`, 'plan the CA renewal now');
  }
  return { cert, fingerprint: cert.fingerprint, pinned };
}

function envelopeProblems(file: string, problems: readonly EnvelopeProblem[], report: Report, unsignedCode: TrustProblemCode): void {
  for (const p of problems) {
    const code = p.code === 'ENVELOPE_NO_SIGNATURES' ? unsignedCode : 'TRUST_MALFORMED';
    report.problem(code, file, `${p.message} [${p.code}]`, 'restore the file from the repository history, or have it signed again with `sealpress trust sign`');
  }
}

function readRootEnvelope(bytes: Uint8Array, ca: CertInfo, now: number, report: Report): RootDocument | undefined {
  const file = TRUST_PATHS.root;
  const parsed = parseEnvelope(bytes, { payloadType: PAYLOAD_TYPES.root });
  if (!parsed.ok) {
    envelopeProblems(file, parsed.problems, report, 'TRUST_SIGNATURE_INVALID');
    return undefined;
  }
  const { envelope } = parsed;
  const signed = pae(envelope.payloadType, envelope.payload);
  // Every signature on the root must be the CA's, checked with the anchor's key (never the embedded cert).
  const bad = envelope.signatures.filter((s) => !verifyPae(ca.publicKey, signed, s.sig));
  if (bad.length > 0) {
    report.problem('TRUST_SIGNATURE_INVALID', file, `${bad.length} of ${envelope.signatures.length} signature(s) on the root do not verify with the group CA key: the root was changed after the CA signed it, or signed by another key`, 'restore root.dsse.json, or have the CA key holder sign a new root');
    return undefined;
  }
  const root = readPayload(file, envelope.payload, readRoot, report);
  if (!root) return undefined;
  if (root.expiresMs <= now) {
    report.problem('TRUST_EXPIRED', file, `the root expired ${root.expires}: approvals cannot be trusted on stale trust material`, 'the CA key holder signs a new root with a later expiry');
    return undefined;
  }
  if (root.threshold === 1) {
    report.warn('TRUST_WEAK_THRESHOLD', file, 'one security administrator alone can change the roster, policy and revocations', 'raise the threshold to 2 in a new root');
  }
  if (root.expiresMs - now < EXPIRY_WARNING_MS) report.warn('TRUST_EXPIRING', file, `the root expires ${root.expires}`, 'have the CA key holder sign a new root soon');
  return root;
}

function readPayload<T>(file: string, payload: Uint8Array, read: (v: unknown) => Read<T>, report: Report): T | undefined {
  const json = parseStrictJsonBytes(payload);
  if (!json.ok) {
    report.problem('TRUST_MALFORMED', file, `the signed payload is not well-formed JSON: ${json.message}`, 'sign a corrected document');
    return undefined;
  }
  const doc = read(json.value);
  if (!doc.ok) {
    report.problem('TRUST_MALFORMED', file, `the signed payload breaks the schema: ${doc.problems.join('; ')}`, 'sign a corrected document');
    return undefined;
  }
  return doc.value;
}

interface Signed<T> {
  doc: T;
  signers: string[];
}

function readAdminSigned<T extends { signedAtMs: number; signedAt: string; expiresMs?: number; expires?: string }>(
  kind: 'roster' | 'policy' | 'revocations',
  bytes: Uint8Array,
  read: (v: unknown) => Read<T>,
  ctx: { anchor: CertInfo; root: RootDocument; now: number; report: Report },
  revocationsFor: (doc: T) => RevocationIndex,
): Signed<T> | undefined {
  const { anchor, root, now, report } = ctx;
  const file = TRUST_PATHS[kind];
  const parsed = parseEnvelope(bytes, { payloadType: PAYLOAD_TYPES[kind] });
  if (!parsed.ok) {
    envelopeProblems(file, parsed.problems, report, 'TRUST_THRESHOLD_NOT_MET');
    return undefined;
  }
  const { envelope } = parsed;
  const signed = pae(envelope.payloadType, envelope.payload);

  // 1. Every signature must verify over the stored bytes with the certificate it carries.
  const certs: CertInfo[] = [];
  let broken = false;
  envelope.signatures.forEach((s, i) => {
    const inspected = inspectCertificate(s.cert);
    if (!inspected.ok) {
      report.problem('TRUST_MALFORMED', file, `signature ${i + 1} carries an unreadable certificate: ${inspected.message}`, 'remove that signature and have the admin sign again');
      broken = true;
      return;
    }
    if (s.keyid !== inspected.cert.fingerprint) {
      report.problem('TRUST_MALFORMED', file, `signature ${i + 1}: the keyid is not the fingerprint of the certificate it carries`, 'remove that signature and have the admin sign again');
      broken = true;
      return;
    }
    if (!verifyPae(inspected.cert.publicKey, signed, s.sig)) {
      report.problem('TRUST_SIGNATURE_INVALID', file, `the signature of ${describeCert(inspected.cert)} does not match the document: it was edited after signing, or the signature is forged`, `restore ${kind}.dsse.json from the repository history, or have ${root.threshold} security administrators sign the new version`);
      broken = true;
      return;
    }
    certs.push(inspected.cert);
  });
  if (broken) return undefined;

  // 2. The payload those signatures cover.
  const doc = readPayload(file, envelope.payload, read, report);
  if (!doc) return undefined;
  const revoked = revocationsFor(doc);

  // 3. Count distinct security administrators whose certificate was good when they signed.
  const counted = new Set<string>();
  const notCounted: string[] = [];
  for (const cert of certs) {
    const who = describeCert(cert);
    const uid = cert.uid;
    let reason = adminSignerProblem(cert, anchor, root.securityAdmins, revoked, doc.signedAtMs);
    if (reason === undefined && uid !== undefined && counted.has(uid)) reason = 'signed twice: one person counts once';
    if (reason === undefined && uid !== undefined) counted.add(uid);
    else notCounted.push(`${who}: ${reason}`);
  }
  if (counted.size < root.threshold) {
    report.problem(
      'TRUST_THRESHOLD_NOT_MET',
      file,
      `signed by ${counted.size} distinct security administrator(s)${counted.size ? ` (${[...counted].join(', ')})` : ''}; the root requires ${root.threshold}${notCounted.length ? `. Not counted: ${notCounted.join('; ')}` : ''}`,
      `have ${root.threshold - counted.size} more security administrator(s) countersign it (\`sealpress trust sign\`)`,
    );
    return undefined;
  }
  for (const n of notCounted) report.warn('TRUST_SIGNATURE_IGNORED', file, `a signature was not counted: ${n}`, 'remove it, or issue the signer a valid certificate');

  if (doc.signedAtMs > now + CLOCK_SKEW_MS) {
    report.problem('TRUST_NOT_YET_VALID', file, `signed at ${doc.signedAt}, which is in the future`, 'check the clock of the machine that signed it and sign again');
    return undefined;
  }
  if (doc.expiresMs !== undefined && doc.expiresMs <= now) {
    report.problem('TRUST_EXPIRED', file, `expired ${doc.expires ?? ''}`, 'the security administrators sign a new version');
    return undefined;
  }
  return { doc, signers: [...counted].sort() };
}

/**
 * Separation of duties (Trust model 4), one rule with one outcome: a roster
 * that gives one person duties that must be held apart is refused, as
 * `keys issue` refuses to write it. A warning would let a roster signed by
 * hand make a security administrator an approver of content.
 */
function rosterDuties(roster: RosterDocument, report: Report): void {
  for (const p of roster.people) {
    const problem = dutiesProblem(p.roles.map((r) => r.role));
    if (problem) report.problem('TRUST_DUTIES_MIXED', TRUST_PATHS.roster, `${p.name} (${p.id}): ${problem}`, 'give the roles to different people, and have the security administrators sign a corrected roster');
  }
}
