/**
 * Building a manifest from what the pipeline knows (pure): the files collected
 * from the built tree, the sites, the published entries and the trust documents
 * the release was gated under. The result is validated by the same reader every
 * verifier runs, so a release that no verifier would accept is never signed.
 */
import { canonicalBytes, parseStrictJsonBytes } from '../trust/canonical.ts';
import { isoInstant } from '../trust/time.ts';
import { ReleaseError } from './errors.ts';
import { RELEASE_FORMAT, RELEASE_TRUST_FILES, type ManifestEntry, type ManifestFile, type ManifestSite, type ReleaseLedger, type ReleaseManifest, type ReleaseTrustFile, type ReleaseFormat } from './manifest.ts';
import { readManifest } from './read.ts';
import { sha256Hex } from '../fs/index.ts';

export interface ManifestInput {
  /** Default RELEASE_FORMAT (2); 1 only to make releases as earlier versions did (tests of reading old archives). */
  format?: ReleaseFormat;
  version: number;
  group: string;
  /** A Date, or an ISO instant with offset. */
  createdAt: Date | string;
  expires: Date | string;
  commit?: string;
  rollbackOf?: number;
  trust: Record<ReleaseTrustFile, string>;
  audit?: { seq: number; hash: string };
  sites: readonly ManifestSite[];
  files: readonly ManifestFile[];
  entries: readonly ManifestEntry[];
  /** What the gate remembers for the next release (carryLedger). */
  ledger?: ReleaseLedger;
}

/** SHA-256 (hex) of each trust document, for `manifest.trust`. */
export function trustDigests(files: Record<ReleaseTrustFile, Uint8Array>): Record<ReleaseTrustFile, string> {
  const out = {} as Record<ReleaseTrustFile, string>;
  for (const name of RELEASE_TRUST_FILES) {
    const bytes = files[name];
    if (!(bytes instanceof Uint8Array)) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', `the trust document ${name} is missing`);
    out[name] = sha256Hex(bytes);
  }
  return out;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * The manifest for these inputs; files and entries are sorted by path (JavaScript
 * string order). Throws RELEASE_MANIFEST_INVALID with every problem when the
 * result would not pass `readManifest`.
 */
export function buildManifest(input: ManifestInput): ReleaseManifest {
  const instant = (v: Date | string) => (typeof v === 'string' ? v : Number.isFinite(v.getTime()) ? isoInstant(v.getTime()) : 'Invalid Date');
  const draft: Record<string, unknown> = {
    type: 'release',
    format: input.format ?? RELEASE_FORMAT,
    version: input.version,
    group: input.group,
    createdAt: instant(input.createdAt),
    expires: instant(input.expires),
    trust: { ...input.trust },
    sites: input.sites.map((s) => ({ code: s.code, name: s.name, domain: s.domain })),
    files: input.files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256 })).sort(byPath),
    entries: input.entries.map((e) => ({ path: e.path, site: e.site, sha256: e.sha256, approvals: [...e.approvals] })).sort(byPath),
  };
  if (input.commit !== undefined) draft.commit = input.commit;
  if (input.rollbackOf !== undefined) draft.rollbackOf = input.rollbackOf;
  if (input.audit !== undefined) draft.audit = { seq: input.audit.seq, hash: input.audit.hash };
  if (input.ledger !== undefined) draft.ledger = { withdrawals: input.ledger.withdrawals.map((w) => ({ ...w })), trust: { ...input.ledger.trust } };
  return checkedManifest(draft);
}

/**
 * Encode canonically and read back with the verifier's reader: what is checked
 * is exactly what will be signed (a value JSON cannot carry, such as NaN, fails here).
 */
export function checkedManifest(value: unknown): ReleaseManifest {
  let bytes: Uint8Array;
  try {
    bytes = canonicalBytes(value);
  } catch (e) {
    throw new ReleaseError('RELEASE_MANIFEST_INVALID', `the manifest cannot be encoded: ${(e as Error).message}`, { cause: e });
  }
  const json = parseStrictJsonBytes(bytes);
  const read = json.ok ? readManifest(json.value) : { ok: false as const, problems: [json.message] };
  if (!read.ok) {
    throw new ReleaseError('RELEASE_MANIFEST_INVALID', `the release manifest breaks the schema, so no verifier would accept it: ${read.problems.slice(0, 20).join('; ')}${read.problems.length > 20 ? ` (and ${read.problems.length - 20} more)` : ''}`);
  }
  return read.value;
}
