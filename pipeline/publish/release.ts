/**
 * Turn a gated, built site group into a signed release: list every output
 * file, name the entries it publishes and the approval records behind them,
 * bind the trust documents by digest, seal the audit log's head, and sign with
 * the release-signer role. The signature is checked by the same verifier the
 * mirrors' readers use before anything is archived or deployed (fail closed:
 * a release no verifier would accept is never published).
 */
import { execFileSync } from 'node:child_process';
import type { SiteGroup } from '../model/index.ts';
import type { Plan } from '../plan/index.ts';
import {
  buildManifest,
  trustDigests,
  unverifiedManifest,
  type ReleaseArchive,
  collectReleaseFiles,
  RELEASE_TRUST_FILES,
  RELEASE_TRUST_KEYS,
  signRelease,
  siteManifestBytes,
  siteManifestSource,
  verifyRelease,
  type SiteManifestSource,
  type SiteSelection,
  type ManifestEntry,
  type ReleaseLedger,
  type ReleaseManifest,
  type ReleaseTrustFile,
} from '../release/index.ts';
import { loadTrustFiles, TRUST_DIR } from '../load/index.ts';
import type { Signer } from '../trust/index.ts';
import { PublishError } from './errors.ts';

export type TrustBytes = Record<ReleaseTrustFile, Uint8Array>;

/**
 * The trust documents a release carries, by their release names, taken from
 * the bytes the gate read (loadTrustFiles, or the gate's `inputs`): never read
 * again, so the release binds what the gate verified. TRUST_UNREADABLE when
 * one was not read (missing, a symlink, too large).
 */
export function releaseTrustBytes(read: ReturnType<typeof loadTrustFiles>): TrustBytes {
  const out: Partial<TrustBytes> = {};
  for (const name of RELEASE_TRUST_FILES) {
    const file = `${TRUST_DIR}/${name}`;
    const bytes = read.files[RELEASE_TRUST_KEYS[name]];
    if (bytes === undefined) {
      const why = read.diagnostics.find((d) => d.file === file)?.message ?? 'it is missing';
      throw new PublishError('TRUST_UNREADABLE', { zh: `无法读取 ${file}（${why}）：发布版本须附带读者用于核验的信任文件`, en: `cannot read ${file} (${why}): a release carries the trust documents its readers verify it with` }, { file, fix: { zh: `按 \`sealpress trust\` 生成的样子，将 ${file} 作为普通文件提交`, en: `commit ${file} as a plain file, as \`sealpress trust\` writes it` } });
    }
    out[name] = bytes;
  }
  return out as TrustBytes;
}

/** The trust documents as committed under sites/trust/, by their release names. */
export function readTrustBytes(root: string): TrustBytes {
  return releaseTrustBytes(loadTrustFiles(root));
}

/** The commit the repository is at, when it is a git checkout (recorded, not trusted). */
export function sourceCommit(root: string): string | undefined {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return /^[0-9a-f]{40}$/.test(head) ? head : undefined;
  } catch {
    return undefined;
  }
}

/** The entries a release publishes, with the digests of the approval records that made each publishable. */
export function releaseEntries(plan: Plan): ManifestEntry[] {
  return plan.entries
    .filter((e) => e.status === 'publishable' && e.digest !== undefined)
    .map((e) => ({ path: e.path, site: e.site, sha256: e.digest!, approvals: (e.approvals ?? []).map((a) => a.sha256) }));
}

export interface MakeReleaseOptions {
  /** The built sites, `<treeDir>/<code>/…`. */
  treeDir: string;
  group: SiteGroup;
  plan: Plan;
  trust: TrustBytes;
  signers: readonly Signer[];
  version: number;
  now: Date;
  expiresInMs: number;
  anchorFingerprint?: string;
  commit?: string;
  audit?: { seq: number; hash: string };
  rollbackOf?: number;
  /** Reuse the files of an earlier release instead of listing a tree (rollback). */
  files?: ReleaseManifest['files'];
  /** What the release remembers for the next gate (the gate's `ledger`). */
  ledger?: ReleaseLedger;
}

export interface MadeRelease {
  manifest: ReleaseManifest;
  envelope: Uint8Array;
  signers: string[];
}

export async function makeRelease(options: MakeReleaseOptions): Promise<MadeRelease> {
  const codes = [...options.group.sites.keys()];
  const files = options.files ?? (await collectReleaseFiles(options.treeDir, codes));
  const manifest = buildManifest({
    version: options.version,
    group: options.group.name,
    createdAt: options.now,
    expires: new Date(options.now.getTime() + options.expiresInMs),
    ...(options.commit ? { commit: options.commit } : {}),
    ...(options.rollbackOf !== undefined ? { rollbackOf: options.rollbackOf } : {}),
    ...(options.audit ? { audit: options.audit } : {}),
    trust: trustDigests(options.trust),
    sites: codes.map((code) => {
      const site = options.group.sites.get(code)!;
      return { code, name: site.name, domain: site.domain };
    }),
    files,
    entries: releaseEntries(options.plan),
    ...(options.ledger ? { ledger: options.ledger } : {}),
  });
  return signAndCheck(manifest, options);
}

/** Sign, then verify as a reader would; refuse to go on when the reader would refuse. */
export function signAndCheck(manifest: ReleaseManifest, options: { signers: readonly Signer[]; trust: TrustBytes; now: Date; anchorFingerprint?: string }): MadeRelease {
  const envelope = signRelease(manifest, [...options.signers]);
  const check = verifyRelease(envelope, options.trust, {
    now: options.now,
    siteManifests: siteManifestSource(siteManifestBytes(manifest)),
    ...(options.anchorFingerprint ? { anchorFingerprint: options.anchorFingerprint } : {}),
  });
  if (!check.ok) {
    const first = check.problems[0];
    throw new PublishError(
      'RELEASE_REFUSED',
      { zh: `签署后的发布版本将无法通过核验：${check.problems.map((p) => `${p.zh.message} [${p.code}]`).join('；')}`, en: `the signed release would not verify: ${check.problems.map((p) => `${p.message} [${p.code}]`).join('; ')}` },
      { fix: first ? { zh: first.zh.fix, en: first.fix } : { zh: '用具有 release-signer 角色的人员的密钥签署', en: 'sign with the key of a person who holds the release-signer role' } },
    );
  }
  return { manifest, envelope, signers: check.signers };
}


/**
 * A release as the archive keeps it: the signed envelope, its manifest and the
 * trust documents it names, read back by digest, and where its site manifests
 * are (format 2; pass `siteManifests` on to verifyRelease). With `sites`, the
 * manifest lists those sites' files and entries only (`[]`: the release
 * document alone, e.g. for its ledger). Not verified here: the caller
 * verifies with `verifyRelease` before using any of it.
 */
export async function releaseFromArchive(
  archive: ReleaseArchive,
  version: number,
  options: { sites?: SiteSelection } = {},
): Promise<{ envelope: Uint8Array; manifest: ReleaseManifest; trust: TrustBytes; siteManifests: SiteManifestSource }> {
  const envelope = archive.releaseEnvelope(version);
  const siteManifests = archive.siteManifestSource();
  const read = unverifiedManifest(envelope, { siteManifests, ...(options.sites ? { sites: options.sites } : {}) });
  if (!read.ok) throw new PublishError('ARCHIVE_MISSING', { zh: `发布归档 ${archive.dir} 中的发布版本 v${version} 无法读取：${read.message}`, en: `release v${version} in the archive ${archive.dir} is unreadable: ${read.message}` }, { fix: { zh: '对照异地副本检查发布归档', en: 'check the archive against its off-site copy' } });
  return { envelope, manifest: read.manifest, trust: await archive.trustFilesOf(read.manifest), siteManifests };
}

/**
 * Before a build that may take minutes: would these keys' signature on a
 * release be accepted now? Signs an empty manifest of the same group and
 * trust documents and runs the readers' verifier on it (the same check as
 * after the build, so the two cannot disagree). Throws RELEASE_REFUSED.
 */
export function preflightSigners(options: { group: SiteGroup; trust: TrustBytes; signers: readonly Signer[]; now: Date; anchorFingerprint?: string }): void {
  const { group, now } = options;
  const manifest = buildManifest({
    version: 1,
    group: group.name,
    createdAt: now,
    expires: new Date(now.getTime() + 60_000),
    trust: trustDigests(options.trust),
    sites: [...group.sites.values()].map((s) => ({ code: s.code, name: s.name, domain: s.domain })),
    files: [],
    entries: [],
  });
  signAndCheck(manifest, options);
}
