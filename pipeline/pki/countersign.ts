/**
 * Countersigning a trust document as another security administrator: one
 * signature over its payload bytes as stored, in two steps so that the
 * administrator sees exactly what they sign before any key is opened
 * (`prepareCountersign`, then `countersign`). Refused unless the new
 * signature counts.
 *
 * verifyTrust is all or nothing; while a document is still collecting
 * signatures (below the threshold) it returns no root, so this reads the root
 * on its own and counts a document's signatures the way verifyTrust does
 * (readAdminSigned, step 3). The final word on the material is verifyTrust's,
 * which runs after every write.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { TRUST_DIR, TRUST_FILES } from '../load/index.ts';
import {
  addSignature,
  chainProblem,
  describeCert,
  EMPTY_REVOCATIONS,
  indexRevocations,
  inspectCertificate,
  issuedBy,
  normaliseFingerprint,
  pae,
  parseEnvelope,
  parseStrictJsonBytes,
  PAYLOAD_TYPES,
  readRevocations,
  readRoot,
  revocationAt,
  signingTimeProblem,
  TrustError,
  validityAt,
  verifyPae,
  type CertInfo,
  type Envelope,
  type RevocationIndex,
  type RootDocument,
  type TrustFiles,
} from '../trust/index.ts';
import { keyStep, loadSigner, signerCertificate, type Passphrases, type SignerFiles } from './signers.ts';
import { DOCUMENT_KINDS, readTrustState, shown, writeWhole, type DocumentKind, type Refused, type TrustState } from './state.ts';

interface Anchored {
  anchor: CertInfo;
  root: RootDocument;
}

/** The CA and the root, verified alone (the anchor pinned when a fingerprint is given). */
export function readRootAlone(files: TrustFiles, anchorFp: string | undefined, now: number): Anchored | { problem: string } {
  if (!files.ca || !files.root) return { problem: `${TRUST_DIR}/${TRUST_FILES.ca} or ${TRUST_FILES.root} is missing` };
  const inspected = inspectCertificate(new TextDecoder().decode(files.ca));
  if (!inspected.ok) return { problem: `the CA certificate cannot be read: ${inspected.message}` };
  const anchor = inspected.cert;
  if (anchorFp !== undefined && normaliseFingerprint(anchorFp) !== anchor.fingerprint) return { problem: `the CA certificate is not the pinned ${anchorFp}` };
  if (!anchor.isCa || !issuedBy(anchor, anchor) || validityAt(anchor, now) !== 'valid') return { problem: 'the CA certificate is not a valid self-signed CA now' };
  const parsed = parseEnvelope(files.root, { payloadType: PAYLOAD_TYPES.root });
  if (!parsed.ok) return { problem: `the root cannot be read: ${parsed.problems.map((p) => p.message).join('; ')}` };
  const signed = pae(parsed.envelope.payloadType, parsed.envelope.payload);
  if (!parsed.envelope.signatures.every((s) => verifyPae(anchor.publicKey, signed, s.sig))) return { problem: 'the root is not signed by the CA key' };
  const json = parseStrictJsonBytes(parsed.envelope.payload);
  const root = json.ok ? readRoot(json.value) : undefined;
  if (!root?.ok) return { problem: 'the root payload breaks its schema' };
  if (root.value.expiresMs <= now) return { problem: `the root expired ${root.value.expires}` };
  return { anchor, root: root.value };
}

export interface Standing {
  /** Distinct security administrators whose signature counts. */
  counted: string[];
  notCounted: { who: string; why: string; fingerprint: string }[];
}

/** Which signatures of a document count, by the rules of verifyTrust. */
export function standing(envelope: Envelope, signedAtMs: number, ctx: Anchored, revoked: RevocationIndex): Standing {
  const signed = pae(envelope.payloadType, envelope.payload);
  const counted = new Set<string>();
  const notCounted: Standing['notCounted'] = [];
  for (const s of envelope.signatures) {
    const inspected = inspectCertificate(s.cert);
    if (!inspected.ok) {
      notCounted.push({ who: s.keyid.slice(0, 16), why: inspected.message, fingerprint: s.keyid });
      continue;
    }
    const cert = inspected.cert;
    const uid = cert.uid;
    let why: string | undefined;
    if (s.keyid !== cert.fingerprint || !verifyPae(cert.publicKey, signed, s.sig)) why = 'the signature does not match the document';
    else if (chainProblem(cert, ctx.anchor) !== undefined || uid === undefined) why = chainProblem(cert, ctx.anchor) ?? 'it names no person';
    else if (!ctx.root.securityAdmins.includes(uid)) why = 'not a security administrator named by the root';
    else {
      const time = signingTimeProblem(cert, ctx.anchor, signedAtMs);
      const revocation = time ? undefined : revocationAt(revoked, uid, cert.fingerprint, signedAtMs);
      if (time) why = time.message;
      else if (revocation) why = `revoked from ${revocation.effective} (${revocation.reason})`;
      else if (counted.has(uid)) why = 'signed twice: one person counts once';
    }
    if (why === undefined && uid !== undefined) counted.add(uid);
    else notCounted.push({ who: describeCert(cert), why: why ?? 'unknown', fingerprint: cert.fingerprint });
  }
  return { counted: [...counted].sort(), notCounted };
}

/** The revocations that decide whether an admin's signature counts on a roster or policy. */
function revocationsFor(kind: DocumentKind, payload: unknown, files: TrustFiles): RevocationIndex {
  const own = kind === 'revocations' ? readRevocations(payload) : undefined;
  if (own?.ok) return indexRevocations(own.value.revoked);
  if (!files.revocations) return EMPTY_REVOCATIONS;
  const parsed = parseEnvelope(files.revocations, { payloadType: PAYLOAD_TYPES.revocations });
  const json = parsed.ok ? parseStrictJsonBytes(parsed.envelope.payload) : undefined;
  const doc = json?.ok ? readRevocations(json.value) : undefined;
  return doc?.ok ? indexRevocations(doc.value.revoked) : EMPTY_REVOCATIONS;
}

export interface CountersignOptions {
  root: string;
  now: Date;
  anchor?: string | undefined;
  /** roster, policy, revocations (under sites/trust/) or the path of a document. */
  target: string;
  /** The administrator's key, certificate and passphrase file. */
  admin: SignerFiles;
}

/** What is about to be signed, in full: the administrator must see it (DESIGN: see exactly what you sign). */
export interface CountersignPreview {
  options: CountersignOptions;
  path: string;
  /** The path as messages show it (repo-relative when inside the repository). */
  shownPath: string;
  /** The target is one of sites/trust/'s documents (not a file elsewhere). */
  named: boolean;
  kind: DocumentKind;
  bytes: Uint8Array;
  payload: unknown;
  version: unknown;
  signedAt: string;
  signedAtMs: number;
  threshold: number;
  before: Standing;
  ctx: Anchored;
  revoked: RevocationIndex;
}

/** Read the document and check, before any key is opened, that a signature of this administrator could count on it. */
export function prepareCountersign(options: CountersignOptions): CountersignPreview | Refused {
  const { root, now, anchor, target } = options;
  const named = (DOCUMENT_KINDS as readonly string[]).includes(target);
  const path = named ? join(root, TRUST_DIR, TRUST_FILES[target as DocumentKind]) : resolve(target);
  const shownPath = shown(root, path);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new SealpressError('USAGE', `cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  const parsed = parseEnvelope(bytes);
  if (!parsed.ok) throw new SealpressError('CONFIG_INVALID', `${shownPath} is not a readable signed document: ${parsed.problems.map((p) => `${p.message} [${p.code}]`).join('; ')}`);
  const envelope = parsed.envelope;
  const kind = DOCUMENT_KINDS.find((k) => PAYLOAD_TYPES[k] === envelope.payloadType);
  if (!kind) {
    const why = envelope.payloadType === PAYLOAD_TYPES.root ? 'the root is signed by the CA key alone' : `its type ${envelope.payloadType} is not a roster, policy or revocations`;
    throw new SealpressError('USAGE', `${shownPath} cannot be countersigned: ${why}`);
  }

  const state = readTrustState(root, now, anchor);
  const ctx = readRootAlone(state.files, anchor, now.getTime());
  if ('problem' in ctx) return { refused: `sealpress: cannot countersign: ${ctx.problem}` };
  const json = parseStrictJsonBytes(envelope.payload);
  const signedAt = json.ok && typeof json.value === 'object' && json.value !== null ? (json.value as { signedAt?: unknown }).signedAt : undefined;
  const signedAtMs = typeof signedAt === 'string' ? Date.parse(signedAt) : Number.NaN;
  if (!json.ok || !Number.isFinite(signedAtMs)) throw new SealpressError('CONFIG_INVALID', `${shownPath}: the payload is not a signed ${kind} document`);
  const revoked = revocationsFor(kind, json.value, state.files);
  const before = standing(envelope, signedAtMs, ctx, revoked);
  const forged = before.notCounted.filter((n) => n.why === 'the signature does not match the document');
  if (forged.length > 0) return { refused: `sealpress: ${shownPath} was changed after ${forged.map((f) => f.who).join(', ')} signed it; refusing to countersign it. Restore it, or sign a new version.` };

  // Before any passphrase: is this certificate one whose signature can count here?
  const { cert: adminCert } = signerCertificate(options.admin);
  if (envelope.signatures.some((s) => s.keyid === adminCert.fingerprint)) return { refused: `sealpress: ${describeCert(adminCert)} has already signed ${shownPath}` };
  if (adminCert.uid === undefined || !ctx.root.securityAdmins.includes(adminCert.uid)) {
    return { refused: `sealpress: ${describeCert(adminCert)} is not a security administrator named by the root (${ctx.root.securityAdmins.join(', ')}); the signature would not count` };
  }
  const payload = json.value as { version?: unknown };
  return { options, path, shownPath, named, kind, bytes, payload, version: payload.version, signedAt: signedAt as string, signedAtMs, threshold: ctx.root.threshold, before, ctx, revoked };
}

export interface CountersignResult {
  shownPath: string;
  kind: DocumentKind;
  named: boolean;
  /** The administrators whose signatures count now. */
  counted: string[];
  threshold: number;
  /** For a document under sites/trust/: the trust material as verified after the write. */
  trustAfter?: TrustState;
}

/** Open the administrator's key, add the signature, and write the document, only if the new signature counts. */
export async function countersign(preview: CountersignPreview, passphrases: Passphrases): Promise<CountersignResult | Refused> {
  const { root, now, anchor } = preview.options;
  const admin = await keyStep(() => loadSigner(preview.options.admin, passphrases));
  let signedBytes: Uint8Array;
  try {
    signedBytes = addSignature(preview.bytes, admin.signer);
  } catch (error) {
    if (error instanceof TrustError && error.code === 'SIGNATURE_DUPLICATE') return { refused: `sealpress: ${describeCert(admin.cert)} has already signed ${preview.shownPath} [${error.code}]` };
    throw error;
  }
  const reparsed = parseEnvelope(signedBytes);
  if (!reparsed.ok) throw new SealpressError('CONFIG_INVALID', 'the countersigned envelope cannot be read back');
  const after = standing(reparsed.envelope, preview.signedAtMs, preview.ctx, preview.revoked);
  const mine = admin.cert.uid;
  const before = preview.before;
  if (mine === undefined || !after.counted.includes(mine) || before.counted.includes(mine)) {
    const why = after.notCounted.find((n) => n.fingerprint === admin.cert.fingerprint)?.why ?? (mine !== undefined && before.counted.includes(mine) ? `${mine} has already signed with another certificate` : 'it does not count');
    return { refused: `sealpress: your signature would not count (${describeCert(admin.cert)}: ${why}); nothing written` };
  }
  writeWhole(preview.path, signedBytes);
  const result: CountersignResult = { shownPath: preview.shownPath, kind: preview.kind, named: preview.named, counted: after.counted, threshold: preview.threshold };
  if (preview.named) result.trustAfter = readTrustState(root, now, anchor);
  return result;
}
