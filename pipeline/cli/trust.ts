/**
 * `sealpress trust`: verify, show and countersign the trust documents under
 * sites/trust/. Also the helpers the `keys` commands share: reading the trust
 * material, opening the administrators' keys, checking a new version before it
 * is written (never write a trust document the gate would refuse), and
 * writing files whole.
 */
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { exitCodeFor, SealpressError } from '../errors/index.ts';
import { loadTrustFiles, TRUST_DIR, TRUST_FILES, type TrustFileName } from '../load/index.ts';
import {
  addSignature,
  chainProblem,
  describeCert,
  EMPTY_REVOCATIONS,
  indexRevocations,
  inspectCertificate,
  isoInstant,
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
  verifyTrust,
  type CertInfo,
  type Envelope,
  type RevocationIndex,
  type RootDocument,
  type Trust,
  type TrustFiles,
  type TrustResult,
} from '../trust/index.ts';
import { clock, parse, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';
import { confirm, keyStep, loadSigner, pairSigners, requireConfirmable, signerCertificate, type LoadedSigner } from './passphrase.ts';

export const TRUST_HELP = `Usage: sealpress trust <verify|show|sign> [options]

  sealpress trust verify [--json]
      Verify sites/trust/ (CA, root, roster, policy, revocations) as the gate
      does; print each document's version and signers, the CA fingerprint and
      whether it is pinned, and every warning.
  sealpress trust show <root|roster|policy|revocations>
      Print the verified payload of one document.
  sealpress trust sign <roster|policy|revocations|FILE> --admin-key FILE   (alias: countersign)
                       [--admin-cert FILE] [--admin-passphrase-file FILE] [--yes]
      Countersign a document as another security administrator: one signature
      over its payload bytes as stored. Prints what is signed and asks first
      (--yes to skip). Refused unless the new signature counts (a security
      administrator named by the root, certificate valid and not revoked when
      the document was signed).

Options:
  --json              machine-readable output (verify)
  --admin-key FILE    your encrypted private key (the certificate is FILE with
                      .key.pem replaced by .cert.pem, or --admin-cert)
  --admin-passphrase-file FILE  its passphrase (first line); else
                      $SEALPRESS_PASSPHRASE; else asked on the terminal
  --trust-anchor FP   the CA fingerprint pinned from outside the repository
                      (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR          the repository (default: the current folder)
  --now ISO           the clock (default: now)

Exit codes: 0 ok, 1 the trust material does not verify (verify, show) or the
signature would not count (sign), 2 usage or key error (wrong passphrase,
key readable by others).`;

/** The options every command that signs as security administrators takes. */
export const ADMIN_OPTIONS = {
  'admin-key': { type: 'string', multiple: true },
  'admin-cert': { type: 'string', multiple: true },
  'admin-passphrase-file': { type: 'string', multiple: true },
  'trust-anchor': { type: 'string' },
} as const;

export const DOCUMENT_KINDS = ['roster', 'policy', 'revocations'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface TrustState {
  root: string;
  files: TrustFiles;
  result: TrustResult;
  /** Files that could not be read (a symlink, too large). */
  unreadable: string[];
}

/** Read sites/trust/ and verify it as the gate does, at `now`. */
export function readTrustState(root: string, now: Date, anchor: string | undefined): TrustState {
  const loaded = loadTrustFiles(root);
  const result = verifyTrust(loaded.files, { now, ...(anchor ? { anchorFingerprint: anchor } : {}) });
  return { root, files: loaded.files, result, unreadable: loaded.diagnostics.map((d) => `${d.file}: ${d.message}`) };
}

export function printTrustProblems(io: Io, result: TrustResult, unreadable: readonly string[] = []): void {
  for (const u of unreadable) io.err(`  ${u}`);
  if (!result.ok) for (const p of result.problems) io.err(`  ${p.file}: ${p.message} [${p.code}]\n    fix: ${p.fix}`);
}

/** The verified trust, or a printed explanation and exit code 1. */
export function requireTrust(io: Io, state: TrustState, doing: string): Trust | number {
  if (state.result.ok) return state.result.trust;
  io.err(`sealpress: the trust material in ${TRUST_DIR}/ does not verify, so ${doing} is refused:`);
  printTrustProblems(io, state.result, state.unreadable);
  return EXIT.REFUSED;
}

/** The stored payload of an envelope as a JSON object (to build the next version from, keeping unknown fields). */
export function storedPayload(bytes: Uint8Array): Record<string, unknown> {
  const parsed = parseEnvelope(bytes);
  if (!parsed.ok) throw new SealpressError('CONFIG_INVALID', `the envelope cannot be read: ${parsed.problems.map((p) => p.message).join('; ')}`);
  const json = parseStrictJsonBytes(parsed.envelope.payload);
  if (!json.ok || typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) {
    throw new SealpressError('CONFIG_INVALID', 'the signed payload is not a JSON object');
  }
  return json.value as Record<string, unknown>;
}

/** The next version of a document: the stored payload, version + 1, signed now, then edited. */
export function nextVersion(bytes: Uint8Array, now: Date, edit: (payload: Record<string, unknown>) => void): Record<string, unknown> {
  const payload = storedPayload(bytes);
  const version = typeof payload.version === 'number' ? payload.version : 0;
  payload.version = version + 1;
  payload.signedAt = now.toISOString();
  edit(payload);
  return payload;
}

/** Write a file whole: a temporary file beside it, then a rename (a reader never sees half a document). */
export function writeWhole(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (cause) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw new SealpressError('CONFIG_INVALID', `cannot write ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
}

/** Write trust files under sites/trust/; returns their repo-relative paths. */
export function writeTrustFiles(root: string, changes: Partial<Record<TrustFileName, Uint8Array | string>>): string[] {
  const written: string[] = [];
  for (const [name, bytes] of Object.entries(changes) as [TrustFileName, Uint8Array | string][]) {
    const rel = `${TRUST_DIR}/${TRUST_FILES[name]}`;
    writeWhole(join(root, rel), bytes);
    written.push(rel);
  }
  return written;
}

/**
 * Verify the trust material as it would be with these documents replaced.
 * Every command that changes a trust document calls this before writing.
 */
export function verifyWith(state: TrustState, changes: TrustFiles, now: Date, anchor: string | undefined): TrustResult {
  return verifyTrust({ ...state.files, ...changes }, { now, ...(anchor ? { anchorFingerprint: anchor } : {}) });
}

/**
 * Open the administrators' keys given with --admin-key (paired in order with
 * --admin-cert and --admin-passphrase-file). Before asking for any passphrase:
 * each certificate must name a security administrator of the root, each
 * person once, and there must be at least `threshold` of them.
 */
export async function openAdmins(
  values: { 'admin-key'?: string[] | undefined; 'admin-cert'?: string[] | undefined; 'admin-passphrase-file'?: string[] | undefined },
  root: RootDocument,
  io: Io,
  options: { minimum?: number } = {},
): Promise<LoadedSigner[]> {
  const files = pairSigners(values['admin-key'] ?? [], values['admin-cert'] ?? [], values['admin-passphrase-file'] ?? [], 'admin');
  const needed = options.minimum ?? root.threshold;
  if (files.length < needed) {
    throw new SealpressError('USAGE', `${needed} security administrator key(s) must sign (the root's threshold is ${root.threshold}); give --admin-key ${needed} time(s), found ${files.length}`);
  }
  const signers: LoadedSigner[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const signer = await keyStep(() => loadSigner(f, io));
    const uid = signer.cert.uid;
    if (uid === undefined || !root.securityAdmins.includes(uid)) {
      throw new SealpressError('USAGE', `${f.key}: the certificate is ${describeCert(signer.cert)}, who is not a security administrator named by the root (${root.securityAdmins.join(', ')})`);
    }
    if (seen.has(uid)) throw new SealpressError('USAGE', `${uid} is given twice among the --admin-key options: one person counts once`);
    seen.add(uid);
    signers.push(signer);
  }
  return signers;
}

/** Repo-relative path for messages. */
export function shown(root: string, path: string): string {
  const rel = relative(root, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

// ---------------------------------------------------------------------------
// Countersigning. verifyTrust is all or nothing; while a document is still
// collecting signatures (below the threshold) it returns no root, so `trust
// sign` reads the root on its own and counts a document's signatures the
// way verifyTrust does (readAdminSigned, step 3). The final word on the
// material is verifyTrust's, which runs after every write.

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

// ---------------------------------------------------------------------------
// The command.

export async function trust(args: string[], io: Io): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.out(TRUST_HELP);
    return EXIT.OK;
  }
  if (sub === 'verify') return trustVerify(rest, io);
  if (sub === 'show') return trustShow(rest, io);
  // `countersign` is the name the gate's messages use for the same act.
  if (sub === 'sign' || sub === 'countersign') return trustSign(rest, io);
  throw new SealpressError('USAGE', `unknown subcommand "${sub}"; use verify, show or sign`);
}

function docSummary(kind: DocumentKind, trustDoc: Trust): Record<string, unknown> {
  const doc = trustDoc[kind];
  const base = { version: doc.version, signedAt: doc.signedAt, ...(doc.expires ? { expires: doc.expires } : {}), signers: trustDoc.signedBy[kind] };
  if (doc.type === 'roster') return { ...base, people: doc.people.length };
  if (doc.type === 'policy') return { ...base, rules: doc.rules.length };
  return { ...base, revoked: doc.revoked.length };
}

async function trustVerify(args: string[], io: Io): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' }, 'trust-anchor': { type: 'string' } });
  if (values.help) {
    io.out(TRUST_HELP);
    return EXIT.OK;
  }
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const { trustAnchor: anchor } = trustAnchor(values['trust-anchor']);
  const state = readTrustState(root, now, anchor);
  const { result } = state;
  if (values.json) {
    const body: Record<string, unknown> = { ok: result.ok, now: now.toISOString() };
    if (result.ok) {
      const t = result.trust;
      body.anchor = { fingerprint: t.anchor.fingerprint, pinned: t.anchor.pinned, notAfter: isoInstant(t.anchor.cert.notAfter) };
      body.root = { version: t.root.version, group: t.root.group, securityAdmins: t.root.securityAdmins, threshold: t.root.threshold, expires: t.root.expires };
      for (const kind of DOCUMENT_KINDS) body[kind] = docSummary(kind, t);
    } else body.problems = [...state.unreadable.map((message) => ({ code: 'TRUST_UNREADABLE', message })), ...result.problems];
    body.warnings = result.warnings;
    io.out(JSON.stringify(body, null, 2));
    return result.ok ? EXIT.OK : EXIT.REFUSED;
  }
  if (!result.ok) {
    io.out(`trust material in ${TRUST_DIR}/: DOES NOT VERIFY (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}); the gate refuses every entry until it does`);
    printTrustProblems({ ...io, err: io.out }, result, state.unreadable);
  } else {
    const t = result.trust;
    io.out(`trust material in ${TRUST_DIR}/: OK`);
    io.out(`  CA           ${t.anchor.fingerprint}`);
    io.out(`               ${t.anchor.pinned ? 'pinned from outside the repository' : 'NOT pinned: set SEALPRESS_TRUST_ANCHOR to this fingerprint in CI'}; valid until ${isoInstant(t.anchor.cert.notAfter)}`);
    io.out(`  root         v${t.root.version}, ${t.root.group}; security administrators ${t.root.securityAdmins.join(', ')}; threshold ${t.root.threshold}; expires ${t.root.expires}`);
    for (const kind of DOCUMENT_KINDS) {
      const s = docSummary(kind, t);
      const count = kind === 'roster' ? `${String(s.people)} people` : kind === 'policy' ? `${String(s.rules)} rules + default` : `${String(s.revoked)} revoked`;
      io.out(`  ${kind.padEnd(12)} v${String(s.version)}, signed ${String(s.signedAt)} by ${t.signedBy[kind].join(', ')}; ${count}`);
    }
  }
  for (const w of result.warnings) io.out(`warning: ${w.file}: ${w.message} [${w.code}]\n  fix: ${w.fix}`);
  return result.ok ? EXIT.OK : EXIT.REFUSED;
}

const SHOWABLE = ['root', ...DOCUMENT_KINDS] as const;

async function trustShow(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { 'trust-anchor': { type: 'string' } });
  if (values.help) {
    io.out(TRUST_HELP);
    return EXIT.OK;
  }
  const [name, extra] = positionals;
  if (name === undefined || extra !== undefined || !(SHOWABLE as readonly string[]).includes(name)) {
    throw new SealpressError('USAGE', `trust show takes one of ${SHOWABLE.join(', ')}`);
  }
  const root = resolve(values.root ?? '.');
  const state = readTrustState(root, clock(values.now), trustAnchor(values['trust-anchor']).trustAnchor);
  const verified = requireTrust(io, state, 'showing it as verified');
  if (typeof verified === 'number') return verified;
  const bytes = state.files[name as (typeof SHOWABLE)[number]];
  if (!bytes) return EXIT.REFUSED;
  io.out(JSON.stringify(storedPayload(bytes), null, 2));
  return EXIT.OK;
}

async function trustSign(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { ...ADMIN_OPTIONS, yes: { type: 'boolean', short: 'y' } });
  if (values.help) {
    io.out(TRUST_HELP);
    return EXIT.OK;
  }
  const [target, extra] = positionals;
  if (target === undefined || extra !== undefined) throw new SealpressError('USAGE', 'trust sign takes one document: roster, policy, revocations or a file');
  if ((values['admin-key'] ?? []).length !== 1) throw new SealpressError('USAGE', 'trust sign adds one signature: give exactly one --admin-key');
  requireConfirmable(values.yes);
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const anchor = trustAnchor(values['trust-anchor']).trustAnchor;
  const named = (DOCUMENT_KINDS as readonly string[]).includes(target);
  const path = named ? join(root, TRUST_DIR, TRUST_FILES[target as DocumentKind]) : resolve(target);
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new SealpressError('USAGE', `cannot read ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, { cause });
  }
  const parsed = parseEnvelope(bytes);
  if (!parsed.ok) throw new SealpressError('CONFIG_INVALID', `${shown(root, path)} is not a readable signed document: ${parsed.problems.map((p) => `${p.message} [${p.code}]`).join('; ')}`);
  const envelope = parsed.envelope;
  const kind = DOCUMENT_KINDS.find((k) => PAYLOAD_TYPES[k] === envelope.payloadType);
  if (!kind) {
    const why = envelope.payloadType === PAYLOAD_TYPES.root ? 'the root is signed by the CA key alone' : `its type ${envelope.payloadType} is not a roster, policy or revocations`;
    throw new SealpressError('USAGE', `${shown(root, path)} cannot be countersigned: ${why}`);
  }

  const state = readTrustState(root, now, anchor);
  const ctx = readRootAlone(state.files, anchor, now.getTime());
  if ('problem' in ctx) {
    io.err(`sealpress: cannot countersign: ${ctx.problem}`);
    return EXIT.REFUSED;
  }
  const json = parseStrictJsonBytes(envelope.payload);
  const signedAt = json.ok && typeof json.value === 'object' && json.value !== null ? (json.value as { signedAt?: unknown }).signedAt : undefined;
  const signedAtMs = typeof signedAt === 'string' ? Date.parse(signedAt) : Number.NaN;
  if (!json.ok || !Number.isFinite(signedAtMs)) throw new SealpressError('CONFIG_INVALID', `${shown(root, path)}: the payload is not a signed ${kind} document`);
  const revoked = revocationsFor(kind, json.value, state.files);
  const before = standing(envelope, signedAtMs, ctx, revoked);
  const forged = before.notCounted.filter((n) => n.why === 'the signature does not match the document');
  if (forged.length > 0) {
    io.err(`sealpress: ${shown(root, path)} was changed after ${forged.map((f) => f.who).join(', ')} signed it; refusing to countersign it. Restore it, or sign a new version.`);
    return EXIT.REFUSED;
  }

  // Before any passphrase: is this certificate one whose signature can count here?
  const files = pairSigners(values['admin-key'] ?? [], values['admin-cert'] ?? [], values['admin-passphrase-file'] ?? [], 'admin')[0]!;
  const { cert: adminCert } = signerCertificate(files);
  if (envelope.signatures.some((s) => s.keyid === adminCert.fingerprint)) {
    io.err(`sealpress: ${describeCert(adminCert)} has already signed ${shown(root, path)}`);
    return EXIT.REFUSED;
  }
  if (adminCert.uid === undefined || !ctx.root.securityAdmins.includes(adminCert.uid)) {
    io.err(`sealpress: ${describeCert(adminCert)} is not a security administrator named by the root (${ctx.root.securityAdmins.join(', ')}); the signature would not count`);
    return EXIT.REFUSED;
  }

  // What is signed, in full: the administrator must see it (DESIGN: see exactly what you sign).
  io.out(`${shown(root, path)}: ${kind} v${String((json.value as { version?: unknown }).version)}, signed ${signedAt as string}`);
  io.out(`signatures that count: ${before.counted.length} of the ${ctx.root.threshold} the root requires (${before.counted.join(', ') || 'none'})`);
  for (const n of before.notCounted) io.out(`  not counted: ${n.who}: ${n.why}`);
  io.out(JSON.stringify(json.value, null, 2));
  if (!(await confirm(`Countersign this ${kind}?`, values.yes))) {
    io.err('nothing signed');
    return EXIT.REFUSED;
  }

  const admin = await keyStep(() => loadSigner(files, io));
  let signedBytes: Uint8Array;
  try {
    signedBytes = addSignature(bytes, admin.signer);
  } catch (error) {
    if (error instanceof TrustError && error.code === 'SIGNATURE_DUPLICATE') {
      io.err(`sealpress: ${describeCert(admin.cert)} has already signed ${shown(root, path)} [${error.code}]`);
      return exitCodeFor(error.code);
    }
    throw error;
  }
  const reparsed = parseEnvelope(signedBytes);
  if (!reparsed.ok) throw new SealpressError('CONFIG_INVALID', 'the countersigned envelope cannot be read back');
  const after = standing(reparsed.envelope, signedAtMs, ctx, revoked);
  const mine = admin.cert.uid;
  if (mine === undefined || !after.counted.includes(mine) || before.counted.includes(mine)) {
    const why = after.notCounted.find((n) => n.fingerprint === admin.cert.fingerprint)?.why ?? (mine !== undefined && before.counted.includes(mine) ? `${mine} has already signed with another certificate` : 'it does not count');
    io.err(`sealpress: your signature would not count (${describeCert(admin.cert)}: ${why}); nothing written`);
    return EXIT.REFUSED;
  }
  writeWhole(path, signedBytes);
  io.out(`signed ${shown(root, path)}: ${after.counted.length} signature(s) count (${after.counted.join(', ')}); the root requires ${ctx.root.threshold}`);
  if (named) {
    const now2 = readTrustState(root, now, anchor);
    if (now2.result.ok) io.out(`trust material: OK (${kind} signed by ${now2.result.trust.signedBy[kind].join(', ')})`);
    else {
      io.out('trust material: does not verify yet:');
      printTrustProblems({ ...io, err: io.out }, now2.result, now2.unreadable);
    }
  } else if (after.counted.length >= ctx.root.threshold) {
    io.out(`the document has enough signatures; copy it to ${TRUST_DIR}/${TRUST_FILES[kind]} and run \`sealpress trust verify\``);
  }
  return EXIT.OK;
}
