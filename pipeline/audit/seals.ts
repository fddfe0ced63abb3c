/**
 * Release seals: the audit heads recorded in signed release manifests
 * (ReleaseManifest.audit), read from the release archive's
 * `releases/*.dsse.json`. They are what detects a log cut at its end or
 * rewritten wholesale, which the chain alone cannot.
 *
 * Whether the manifests' signatures are checked is the caller's choice, passed
 * as `open`: the default reads the payload WITHOUT verifying any signature (the
 * release verifier belongs to the release stage). An unverified seal can still
 * only make verify stricter for an honest log, never pass a tampered one that a
 * verified seal would fail, unless the archive itself was also tampered with.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RELEASE_PAYLOAD_TYPE } from '../release/manifest.ts';
import { parseEnvelope, parseStrictJsonBytes } from '../trust/index.ts';
import type { AuditSeal } from './verify.ts';

export type OpenedManifest = { ok: true; payload: Uint8Array; verified: boolean } | { ok: false; problem: string };
/** Opens a release envelope: returns its payload bytes, verified or not (say which). */
export type ManifestOpener = (envelope: Uint8Array, file: string) => OpenedManifest;

const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;

/** Reads the payload of a DSSE release envelope without checking signatures. */
export const openUnverified: ManifestOpener = (bytes) => {
  const parsed = parseEnvelope(bytes, { payloadType: RELEASE_PAYLOAD_TYPE, maxBytes: MAX_MANIFEST_BYTES });
  if (!parsed.ok) return { ok: false, problem: parsed.problems.map((p) => `${p.message} [${p.code}]`).join('; ') };
  return { ok: true, payload: parsed.envelope.payload, verified: false };
};

/** The seal of one manifest payload: the seal, 'none' (a release before the audit log), or a problem. Pure. */
export function sealOfPayload(payload: Uint8Array, source: string): AuditSeal | 'none' | { problem: string } {
  const json = parseStrictJsonBytes(payload);
  if (!json.ok || typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) return { problem: 'the payload is not a JSON object' };
  const m = json.value as Record<string, unknown>;
  const version = typeof m.version === 'number' ? m.version : undefined;
  const name = version !== undefined ? `release v${version} (${source})` : source;
  if (m.audit === undefined) return 'none';
  const a = m.audit as Record<string, unknown> | null;
  if (typeof a !== 'object' || a === null || !Number.isSafeInteger(a.seq) || (a.seq as number) < 1 || typeof a.hash !== 'string' || !HEX64.test(a.hash)) {
    return { problem: 'its audit field is not { seq: positive whole number, hash: 64 hex digits }' };
  }
  return { seq: a.seq as number, hash: a.hash, source: name };
}

export interface ReadSealsResult {
  seals: AuditSeal[];
  /** Manifests read, and how many of them carried no seal. */
  manifests: number;
  unsealed: number;
  verified: boolean;
  /** Files that could not be read: verification against the archive is then incomplete (fail closed). */
  problems: { file: string; problem: string }[];
}

/** Seals from `<archive>/releases/*.dsse.json`. */
export function readReleaseSeals(archiveDir: string, open: ManifestOpener = openUnverified): ReadSealsResult {
  const dir = join(archiveDir, 'releases');
  const result: ReadSealsResult = { seals: [], manifests: 0, unsealed: 0, verified: true, problems: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.dsse.json')).sort();
  } catch (cause) {
    result.problems.push({ file: dir, problem: `cannot list the release archive (${(cause as NodeJS.ErrnoException).code ?? 'error'})` });
    return result;
  }
  for (const name of names) {
    const file = join(dir, name);
    let bytes: Buffer;
    try {
      const st = lstatSync(file);
      if (!st.isFile()) throw Object.assign(new Error(), { code: st.isSymbolicLink() ? 'a symlink' : 'not a file' });
      if (st.size > MAX_MANIFEST_BYTES) throw Object.assign(new Error(), { code: `${st.size} bytes, over ${MAX_MANIFEST_BYTES}` });
      bytes = readFileSync(file);
    } catch (cause) {
      result.problems.push({ file, problem: `cannot read it (${(cause as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    const opened = open(bytes, file);
    if (!opened.ok) {
      result.problems.push({ file, problem: opened.problem });
      continue;
    }
    result.manifests++;
    if (!opened.verified) result.verified = false;
    const seal = sealOfPayload(opened.payload, name);
    if (seal === 'none') result.unsealed++;
    else if ('problem' in seal) result.problems.push({ file, problem: seal.problem });
    else result.seals.push(seal);
  }
  return result;
}
