/**
 * The trust material under sites/trust/ as the administration acts see it:
 * read and verified as the gate verifies it, a new version checked before it
 * is written (never write a trust document the gate would refuse), and files
 * written whole.
 */
import { existsSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { loadTrustFiles, TRUST_DIR, TRUST_FILES, type TrustFileName } from '../load/index.ts';
import { isoInstant, PAYLOAD_TYPES, signTrustDocument, verifyTrust, type Signer, type Trust, type TrustFiles, type TrustResult } from '../trust/index.ts';
import type { Passphrases } from './signers.ts';

/** Public copies of the certificates, so that list and CI see expiry dates (the roster holds fingerprints only). */
export const CERTS_DIR = `${TRUST_DIR}/certs`;

export interface TrustState {
  root: string;
  files: TrustFiles;
  result: TrustResult;
  /** Files that could not be read (a symlink, too large). */
  unreadable: string[];
}

/** An act that stopped without writing anything: why, and the trust problems behind it when there are some. */
export interface Refused {
  refused: string;
  result?: TrustResult;
  unreadable?: readonly string[];
}

/** Read sites/trust/ and verify it as the gate does, at `now`. */
export function readTrustState(root: string, now: Date, anchor: string | undefined): TrustState {
  const loaded = loadTrustFiles(root);
  const result = verifyTrust(loaded.files, { now, ...(anchor ? { anchorFingerprint: anchor } : {}) });
  return { root, files: loaded.files, result, unreadable: loaded.diagnostics.map((d) => `${d.file}: ${d.message}`) };
}

/** The verified trust, or the refusal of `doing` (the gate refuses every entry until the material verifies). */
export function trustOrRefused(state: TrustState, doing: string): Trust | Refused {
  if (state.result.ok) return state.result.trust;
  return { refused: `sealpress: the trust material in ${TRUST_DIR}/ does not verify, so ${doing} is refused:`, result: state.result, unreadable: state.unreadable };
}

/**
 * Verify the trust material as it would be with these documents replaced.
 * Every act that changes a trust document calls this before writing.
 */
export function verifyWith(state: TrustState, changes: TrustFiles, now: Date, anchor: string | undefined): TrustResult {
  return verifyTrust({ ...state.files, ...changes }, { now, ...(anchor ? { anchorFingerprint: anchor } : {}) });
}

/** The new documents verify as the gate would verify them, or the act stops here with nothing written. */
export function verifiedOrRefused(state: TrustState, changes: TrustFiles, now: Date, anchor: string | undefined): Trust | Refused {
  const result = verifyWith(state, changes, now, anchor);
  if (result.ok) return result.trust;
  return { refused: 'sealpress: the new trust documents would not verify, so nothing was written:', result };
}

/** Sign a document with the administrators; a schema problem is the caller's to fix (exit 2). */
export function signDoc(kind: 'roster' | 'revocations' | 'policy', payload: Record<string, unknown>, signers: readonly Signer[]): Uint8Array {
  try {
    return signTrustDocument(payload, PAYLOAD_TYPES[kind], signers);
  } catch (error) {
    throw new SealpressError('CONFIG_INVALID', `the new ${kind} cannot be signed: ${(error as Error).message}`, { cause: error });
  }
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

/** Repo-relative path for messages. */
export function shown(root: string, path: string): string {
  const rel = relative(root, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export const DOCUMENT_KINDS = ['roster', 'policy', 'revocations'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** One admin-signed document at a glance: version, when signed, by whom, and how much it holds. */
export function docSummary(kind: DocumentKind, trust: Trust): Record<string, unknown> {
  const doc = trust[kind];
  const base = { version: doc.version, signedAt: doc.signedAt, ...(doc.expires ? { expires: doc.expires } : {}), signers: trust.signedBy[kind] };
  if (doc.type === 'roster') return { ...base, people: doc.people.length };
  if (doc.type === 'policy') return { ...base, rules: doc.rules.length };
  return { ...base, revoked: doc.revoked.length };
}

/** The trust material as a program reads it (trust verify --json): each document at a glance, or the problems. */
export function trustStatusJson(state: TrustState, now: Date): Record<string, unknown> {
  const { result } = state;
  const body: Record<string, unknown> = { ok: result.ok, now: now.toISOString() };
  if (result.ok) {
    const t = result.trust;
    body.anchor = { fingerprint: t.anchor.fingerprint, pinned: t.anchor.pinned, notAfter: isoInstant(t.anchor.cert.notAfter) };
    body.root = { version: t.root.version, group: t.root.group, securityAdmins: t.root.securityAdmins, threshold: t.root.threshold, expires: t.root.expires };
    for (const kind of DOCUMENT_KINDS) body[kind] = docSummary(kind, t);
  } else body.problems = [...state.unreadable.map((message) => ({ code: 'TRUST_UNREADABLE', message })), ...result.problems];
  body.warnings = result.warnings;
  return body;
}

/** What every administration act is given: the repository, the run's clock, the pinned anchor, where passphrases come from, and where warnings and progress go. */
export interface ActOptions {
  /** The repository (absolute). */
  root: string;
  /** The clock, fixed once per run. */
  now: Date;
  /** The CA fingerprint pinned from outside the repository. */
  anchor?: string | undefined;
  passphrases: Passphrases;
  /** Warnings and progress while the act runs (the command line prints them on stderr). */
  notify: (text: string) => void;
}
