/**
 * The release manifest: what one signed release publishes. It lists every
 * output file of every site (path, size, SHA-256), the entries it publishes
 * with the digests of their approval records, and the trust documents a
 * verifier needs, bound by digest. It is the payload of a DSSE envelope signed
 * by the release-signer role (Trust model 7: a mirror proves nothing by being
 * there; the signed manifest decides).
 *
 * Paths are POSIX, relative to the release tree, and start with the site code:
 * `19900000000/index.html`. They are sorted (JavaScript string order) and
 * unique; none is absolute, empty, `.` or `..`, or under a site's metadata
 * folder (MIRROR_META_DIR), which holds the manifest itself.
 */

export const RELEASE_PAYLOAD_TYPE = 'application/vnd.sealpress.release+json';
/**
 * The format new releases are signed in. Format 1 signed one document listing
 * every file and entry of every site; format 2 (pipeline/release/sites.ts)
 * signs a small release document naming one site manifest per site by digest.
 * Both are read (archives keep format-1 releases); in memory, after
 * verification, both are this ReleaseManifest shape.
 */
export type ReleaseFormat = 1 | 2;
export const RELEASE_FORMAT: 2 = 2;

/**
 * Each site folder of a release tree carries the signed release document, the
 * trust documents and (format 2) that site's own site manifest under this
 * folder, so a verifier that can reach only one site (an http(s) mirror) can
 * still check it. These files are not listed in the manifest: the release
 * document is checked by its signature, the trust documents and the site
 * manifest by the digests it holds.
 */
export const MIRROR_META_DIR = '.well-known/sealpress';
export const MANIFEST_FILE = 'release.dsse.json';
/** Format 2: the site's own manifest (its files and entries), named by digest in the signed release document. */
export const SITE_MANIFEST_FILE = 'site.json';
/** Trust documents as named inside `<site>/.well-known/sealpress/trust/`, the same names as under sites/trust/. */
export const RELEASE_TRUST_FILES = ['ca.pem', 'root.dsse.json', 'roster.dsse.json', 'policy.dsse.json', 'revocations.dsse.json'] as const;
export type ReleaseTrustFile = (typeof RELEASE_TRUST_FILES)[number];

export interface ManifestFile {
  /** `<site code>/<path inside the site>`. */
  path: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
}

export interface ManifestSite {
  code: string;
  name: string;
  domain: string;
}

export interface ManifestEntry {
  /** Repo-relative path of the entry, `content/<site>/<column>/<slug>.md`. */
  path: string;
  site: string;
  /** SHA-256 of the entry file as approved. */
  sha256: string;
  /** SHA-256 of each approval record file (content/_approvals/…) that made it publishable. */
  approvals: string[];
}

/**
 * A withdrawal the gate saw, remembered by every later release (Trust model 10:
 * taking out is permanent). Deleting the record file from the repository does
 * not make the gate forget it: the next release's gate reads this memory back.
 */
export interface LedgerWithdrawal {
  /** Repo-relative path of the withdrawn entry, `content/<site>/<column>/<slug>.md`. */
  entry: string;
  site: string;
  /** When the withdrawal was signed (ISO instant with offset, as signed). */
  signedAt: string;
  /** Person id of the signer. */
  signer: string;
  /** Repo-relative path of the record file, `content/_approvals/…`. */
  record: string;
  /** SHA-256 of the record file's bytes. */
  sha256: string;
}

/** The trust documents whose versions only move forward; the CA has no version. */
export const LEDGER_TRUST_DOCS = ['root', 'roster', 'policy', 'revocations'] as const;
export type LedgerTrustDoc = (typeof LEDGER_TRUST_DOCS)[number];

/**
 * What a release remembers for the next gate: state that only moves forward,
 * as TUF's versions do. Signed with the manifest by the release signer, kept
 * in the archive and on every mirror, where the repository's writers cannot
 * rewrite it. A manifest without a ledger (made before it existed) remembers nothing.
 */
export interface ReleaseLedger {
  /** Every valid withdrawal seen by this release's gate or remembered from earlier releases, sorted by entry, time, record. */
  withdrawals: LedgerWithdrawal[];
  /** The version of each trust document the release was gated under (never lower than an earlier release's). */
  trust: Record<LedgerTrustDoc, number>;
}

/**
 * A release as verified and used in memory. For format 1 it is the signed
 * payload itself; for format 2 it is the signed release document expanded
 * with the files and entries of the site manifests that were read (every
 * site's, unless the verifier asked for some sites only: see verifyRelease).
 */
export interface ReleaseManifest {
  type: 'release';
  format: ReleaseFormat;
  /** Strictly increasing across the group's releases; a verifier refuses one lower than the last it saw. */
  version: number;
  /** The group name from the root document. */
  group: string;
  /** ISO instant with offset. */
  createdAt: string;
  /** ISO instant with offset; past it, verifiers refuse the manifest (freeze attack). */
  expires: string;
  /** The source commit the release was built from, when known. */
  commit?: string;
  /** When this release republishes an earlier one's files (rollback), that version. */
  rollbackOf?: number;
  /** SHA-256 of each trust document the release was gated and signed under. */
  trust: Record<ReleaseTrustFile, string>;
  /** The head of the audit log at signing time, so the signature seals the log up to there. */
  audit?: { seq: number; hash: string };
  sites: ManifestSite[];
  files: ManifestFile[];
  entries: ManifestEntry[];
  /** The gate's memory carried forward (absent in manifests made before it existed). */
  ledger?: ReleaseLedger;
}
