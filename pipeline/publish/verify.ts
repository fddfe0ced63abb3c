/**
 * Verify a mirror, a folder or an http(s) base URL, against the signed
 * release it serves (Trust model 7: a mirror proves nothing by being there).
 *
 *   1. the manifest: signature by the release-signer role (threshold), trust
 *      documents matching the digests it names, not expired (freeze), not older
 *      than the last version this verifier saw (rollback);
 *   2. every file: modified, missing and extra files, each by path;
 *   3. with `restore` (folders only): the release is rebuilt from the archive
 *      and switched in atomically, then verified again.
 *
 * Which release a folder should hold is decided by signatures only: every
 * site folder carries a copy of the signed release document; the copies that
 * verify are candidates and the highest version wins. A copy that differs is
 * reported as a modified file. When none verifies, `restore` falls back to the
 * archive's latest release, and only if that one verifies now. A format-2
 * release is checked with each site's own site manifest (`<code>/…/site.json`,
 * bound by the digest the signed document names); a URL serves one site and
 * only that site's manifest is fetched and read.
 */
import type { Text } from '../messages/text.ts';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPlainSync } from '../fs/index.ts';
import { fetchMirrorMeta, inspectFolder, inspectFolderMeta, inspectUrl, MirrorError, restoreFolder } from '../mirror/index.ts';
import type { Trust } from '../trust/index.ts';
import {
  MANIFEST_FILE,
  MIRROR_META_DIR,
  RELEASE_TRUST_FILES,
  SITE_MANIFEST_FILE,
  type SiteManifestSource,
  verifyRelease,
  type ReleaseArchive,
  type ReleaseManifest,
  SeenVersions,
} from '../release/index.ts';
import { PublishError } from './errors.ts';
import { releaseFromArchive, type TrustBytes } from './release.ts';

const MAX_META_BYTES = 64 * 1024 * 1024;
const SITE_DIR = /^\d{11}$/;

export interface VerifyProblem {
  code: string;
  /** In English. */
  message: string;
  fix?: string;
  /** The message and the fix in Chinese. */
  zh: { message: string; fix?: string };
}

/** A problem from its code, message and fix in both languages. */
function problem(code: string, message: Text, fix: Text): VerifyProblem {
  return { code, message: message.en, fix: fix.en, zh: { message: message.zh, fix: fix.zh } };
}

const RESTORE: Text = { zh: '恢复镜像（`sealpress verify --restore`）', en: 'restore the mirror (`sealpress verify --restore`)' };

export interface VerifyReport {
  target: string;
  kind: 'folder' | 'url';
  ok: boolean;
  version?: number;
  expires?: string;
  signers?: string[];
  /** Sites checked (a URL serves one site). */
  sites: string[];
  problems: VerifyProblem[];
  modified: string[];
  missing: string[];
  extra: string[];
  files: number;
  bytes: number;
  ms: number;
  restored?: { version: number; repaired: string[] };
}

export interface VerifyOptions {
  target: string;
  now: Date;
  anchorFingerprint: string;
  /** The verifier's memory of versions seen (rollback protection). */
  seen: SeenVersions;
  /** For a URL: which site it serves (default: the site whose domain is the URL's host). */
  site?: string;
  /** Folder mirrors: repair from this archive when anything is wrong (its latest release is also a floor). */
  restoreFrom?: ReleaseArchive;
  /** The trust document versions of the verifier's own checkout. */
  trustFloor?: TrustFloor;
  fetch?: typeof fetch;
}

export function isUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

function seenKey(manifest: ReleaseManifest, anchor: string): string {
  return SeenVersions.key(manifest.group, anchor);
}

const TRUST_DOCS = ['root', 'roster', 'policy', 'revocations'] as const;
type TrustDoc = (typeof TRUST_DOCS)[number];
/** Versions of the trust documents a verifier already knows (its own checkout's), below which a mirror's are refused. */
export type TrustFloor = Partial<Record<TrustDoc, number>>;

/**
 * Versions must not go backwards: the release (rollback), and each trust
 * document it binds (an old revocation list would hide a revoked key, an old
 * policy a higher threshold). The floor is the highest this verifier has seen,
 * its own checkout's trust documents, and, when restoring, the archive's latest release.
 */
function floorProblems(manifest: ReleaseManifest, trust: Trust, options: VerifyOptions, archiveLatest?: number): VerifyProblem[] {
  const key = seenKey(manifest, options.anchorFingerprint);
  const out: VerifyProblem[] = [];
  const last = options.seen.last(key);
  if (last !== undefined && manifest.version < last) {
    out.push(
      problem(
        'RELEASE_ROLLBACK',
        { zh: `镜像提供的是发布版本 v${manifest.version}，早于本核验方已见过的 v${last}`, en: `the mirror serves release v${manifest.version}, older than v${last} which this verifier has already seen` },
        { zh: '将镜像恢复到当前版本（`sealpress verify --restore`），或重新发布', en: 'restore the mirror to the current release (`sealpress verify --restore`) or publish again' },
      ),
    );
  } else if (archiveLatest !== undefined && manifest.version < archiveLatest) {
    out.push(
      problem(
        'RELEASE_ROLLBACK',
        { zh: `镜像提供的是发布版本 v${manifest.version}，早于发布归档中的 v${archiveLatest}`, en: `the mirror serves release v${manifest.version}, older than v${archiveLatest} in the archive` },
        { zh: '将镜像恢复到当前版本（`sealpress verify --restore`）', en: 'restore the mirror to the current release (`sealpress verify --restore`)' },
      ),
    );
  }
  for (const doc of TRUST_DOCS) {
    const floor = Math.max(options.seen.last(`${key} ${doc}`) ?? 0, options.trustFloor?.[doc] ?? 0);
    const version = trust[doc].version;
    if (version < floor) {
      out.push(
        problem(
          'TRUST_ROLLBACK',
          { zh: `发布版本 v${manifest.version} 依据 ${doc} v${version} 签署，早于本核验方已知的 v${floor}：旧的 ${doc} 可能掩盖吊销或更严格的规则`, en: `release v${manifest.version} is signed under ${doc} v${version}, older than v${floor} which this verifier already knows: an old ${doc} could hide a revocation or a stricter rule` },
          { zh: '依据当前信任文件发布新版本', en: 'publish a release under the current trust documents' },
        ),
      );
    }
  }
  return out;
}

function recordSeen(manifest: ReleaseManifest, trust: Trust, options: VerifyOptions): void {
  const key = seenKey(manifest, options.anchorFingerprint);
  options.seen.record(key, manifest.version);
  for (const doc of TRUST_DOCS) options.seen.record(`${key} ${doc}`, Math.max(trust[doc].version, options.seen.last(`${key} ${doc}`) ?? 0));
}

interface Candidate {
  envelope: Uint8Array;
  trust: TrustBytes | undefined;
}

/** A metadata file of the mirror, or undefined when it is missing, not a regular file, or too large. */
function readCapped(path: string): Uint8Array | undefined {
  const got = readPlainSync(path, MAX_META_BYTES);
  return got.ok ? got.bytes : undefined;
}

function readMeta(siteDir: string): Candidate | undefined {
  const meta = join(siteDir, MIRROR_META_DIR);
  const envelope = readCapped(join(meta, MANIFEST_FILE));
  if (!envelope) return undefined;
  const trust: Partial<TrustBytes> = {};
  for (const name of RELEASE_TRUST_FILES) {
    const bytes = readCapped(join(meta, 'trust', name));
    if (bytes) trust[name] = bytes;
  }
  const complete = RELEASE_TRUST_FILES.every((n) => trust[n] !== undefined);
  return { envelope, trust: complete ? (trust as TrustBytes) : undefined };
}

function sameCandidate(a: Candidate, b: Candidate): boolean {
  const same = (x: Uint8Array | undefined, y: Uint8Array | undefined) => x !== undefined && y !== undefined && Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(y);
  return same(a.envelope, b.envelope) && RELEASE_TRUST_FILES.every((n) => same(a.trust?.[n], b.trust?.[n]));
}

/** Format 2: each site's manifest from that site's own folder of the mirror (read once, when asked). */
function folderSiteManifests(dir: string): SiteManifestSource {
  const read = new Map<string, Uint8Array | undefined>();
  return (_sha, code) => {
    if (!SITE_DIR.test(code)) return undefined;
    if (!read.has(code)) read.set(code, readCapped(join(dir, code, MIRROR_META_DIR, SITE_MANIFEST_FILE)));
    return read.get(code);
  };
}

/** Check the manifest copies of a folder mirror; the best verified one, and the copies that differ from it. */
function pickManifest(dir: string, options: VerifyOptions, problems: VerifyProblem[]) {
  const sites = existsSync(dir) ? readdirSync(dir).filter((n) => SITE_DIR.test(n)).sort() : [];
  const candidates = sites.map((s) => ({ code: s, meta: readMeta(join(dir, s)) }));
  const siteManifests = folderSiteManifests(dir);
  let best: { manifest: ReleaseManifest; signers: string[]; envelope: Uint8Array; trust: TrustBytes; verified: Trust } | undefined;
  const tried: Candidate[] = [];
  for (const { code, meta } of candidates) {
    if (!meta?.trust) continue;
    // Identical copies (the usual case: one per site) are verified once; compared byte for byte, not hashed.
    if (tried.some((t) => sameCandidate(t, meta))) continue;
    tried.push(meta);
    const result = verifyRelease(meta.envelope, meta.trust, { now: options.now, anchorFingerprint: options.anchorFingerprint, siteManifests });
    if (!result.ok) {
      for (const p of result.problems) problems.push(problem(p.code, { zh: `${code}/${MIRROR_META_DIR}/${MANIFEST_FILE}：${p.zh.message}`, en: `${code}/${MIRROR_META_DIR}/${MANIFEST_FILE}: ${p.message}` }, { zh: p.zh.fix, en: p.fix }));
      continue;
    }
    if (!best || result.manifest.version > best.manifest.version) best = { manifest: result.manifest, signers: result.signers, envelope: meta.envelope, trust: meta.trust, verified: result.trust };
  }
  if (!best && candidates.some((c) => c.meta) && candidates.every((c) => !c.meta?.trust)) {
    problems.push(
      problem(
        'TRUST_MISSING',
        { zh: `${dir} 的所有站点中，清单旁的信任文件（<site>/${MIRROR_META_DIR}/trust/）均缺失或无法读取：无法核验发布版本`, en: `the trust documents beside the manifest (<site>/${MIRROR_META_DIR}/trust/) are missing or unreadable in every site of ${dir}: the release cannot be checked` },
        RESTORE,
      ),
    );
  }
  if (candidates.length === 0 || candidates.every((c) => !c.meta)) {
    problems.push(
      problem(
        'MANIFEST_MISSING',
        { zh: `${dir} 中没有已签名的发布清单（<site>/${MIRROR_META_DIR}/${MANIFEST_FILE}）`, en: `${dir} holds no signed release manifest (<site>/${MIRROR_META_DIR}/${MANIFEST_FILE})` },
        { zh: '用 `sealpress publish --mirror` 发布到该镜像，或用 `sealpress verify --restore` 恢复', en: 'publish to this mirror with `sealpress publish --mirror`, or restore it with `sealpress verify --restore`' },
      ),
    );
  }
  return best;
}

export async function verifyTarget(options: VerifyOptions): Promise<VerifyReport> {
  return isUrl(options.target) ? verifyUrl(options) : verifyFolder(options);
}

async function verifyFolder(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const dir = options.target;
  const problems: VerifyProblem[] = [];
  const report: VerifyReport = { target: dir, kind: 'folder', ok: false, sites: [], problems, modified: [], missing: [], extra: [], files: 0, bytes: 0, ms: 0 };
  const best = pickManifest(dir, options, problems);
  if (best) {
    const { manifest } = best;
    // The floors apply to the winner only: an older copy beside a newer one is a modified file, not a rollback.
    problems.push(...floorProblems(manifest, best.verified, options, options.restoreFrom?.latest()));
    Object.assign(report, { version: manifest.version, expires: manifest.expires, signers: best.signers, sites: manifest.sites.map((s) => s.code) });
    report.files = manifest.files.length;
    report.bytes = manifest.files.reduce((n, f) => n + f.size, 0);
    try {
      const inspected = await inspectFolder(dir, manifest);
      const meta = await inspectFolderMeta(dir, manifest, best.envelope, best.trust);
      report.modified = [...inspected.modified.map((m) => m.path), ...meta.map((m) => m.path)].sort();
      report.missing = inspected.missing;
      report.extra = inspected.extra;
    } catch (error) {
      // A tree made unreadable is a finding, not a reason to stop: --restore still repairs it.
      if (!(error instanceof MirrorError) || error.code !== 'MIRROR_IO') throw error;
      problems.push(problem('MIRROR_UNREADABLE', { zh: error.zh?.message ?? error.message, en: error.message }, RESTORE));
    }
  }
  report.ok = best !== undefined && problems.length === 0 && report.modified.length + report.missing.length + report.extra.length === 0;
  if (report.ok && best) recordSeen(best.manifest, best.verified, options);
  report.ms = Math.round(performance.now() - started);
  if (report.ok || !options.restoreFrom) return report;

  // Restore the release the mirror should serve: the one it serves when that is current and
  // merely damaged, else the archive's latest.
  const archive = options.restoreFrom;
  const rolledBack = problems.some((p) => p.code === 'RELEASE_ROLLBACK' || p.code === 'TRUST_ROLLBACK');
  const version = best && !rolledBack ? best.manifest.version : archive.latest();
  if (version === undefined) throw new PublishError('ARCHIVE_MISSING', { zh: `发布归档 ${archive.dir} 中没有可用于恢复 ${dir} 的发布版本`, en: `the archive ${archive.dir} holds no release to restore ${dir} from` }, { fix: { zh: '指定发布时使用的归档（--archive DIR），或重新发布', en: 'give the archive the release was published with (--archive DIR), or publish again' } });
  const restored = await restoreRelease(archive, version, dir, options);
  const { restoreFrom: _used, ...plain } = options;
  const again = await verifyFolder(plain);
  return { ...again, restored: { version, repaired: [...report.modified, ...report.missing, ...report.extra].sort() }, ms: Math.round(again.ms + report.ms + restored.ms) };
}

/** Rebuild release `version` from the archive into the folder mirror, checking its signature first. */
async function restoreRelease(archive: ReleaseArchive, version: number, dir: string, options: VerifyOptions): Promise<{ ms: number }> {
  const started = performance.now();
  const { envelope, trust, siteManifests } = await releaseFromArchive(archive, version);
  const checked = verifyRelease(envelope, trust, { now: options.now, anchorFingerprint: options.anchorFingerprint, siteManifests });
  if (!checked.ok) {
    throw new PublishError('RELEASE_REFUSED', { zh: `归档中的发布版本 v${version} 现在无法通过核验，因此不予恢复：${checked.problems.map((p) => `${p.zh.message} [${p.code}]`).join('；')}`, en: `release v${version} in the archive does not verify now, so it is not restored: ${checked.problems.map((p) => `${p.message} [${p.code}]`).join('; ')}` }, { fix: { zh: '发布新版本（`sealpress publish`；如需较早的内容，用 `sealpress rollback --to VERSION`）', en: 'publish a new release (`sealpress publish`, or `sealpress rollback --to VERSION` for earlier content)' } });
  }
  await restoreFolder({ target: dir, manifest: checked.manifest, envelopeBytes: envelope, trustFiles: trust, objects: archive });
  return { ms: performance.now() - started };
}

async function verifyUrl(options: VerifyOptions): Promise<VerifyReport> {
  const started = performance.now();
  const base = options.target.replace(/\/+$/, '');
  const problems: VerifyProblem[] = [];
  const report: VerifyReport = { target: base, kind: 'url', ok: false, sites: [], problems, modified: [], missing: [], extra: [], files: 0, bytes: 0, ms: 0 };
  let meta;
  try {
    meta = await fetchMirrorMeta(base, options.fetch ? { fetch: options.fetch } : {});
  } catch (error) {
    problems.push(
      problem(
        'MANIFEST_MISSING',
        { zh: `无法从 ${base}/${MIRROR_META_DIR}/${MANIFEST_FILE} 获取发布清单：${(error as Error).message}`, en: `cannot fetch the release manifest from ${base}/${MIRROR_META_DIR}/${MANIFEST_FILE}: ${(error as Error).message}` },
        { zh: '检查网址；镜像应在该位置提供已签名的发布清单', en: 'check the URL; a mirror serves its signed manifest there' },
      ),
    );
    report.ms = Math.round(performance.now() - started);
    return report;
  }
  const key = options.anchorFingerprint;
  const host = new URL(base).hostname;
  // The site this URL serves, from the signed site list: its manifest is the one fetched, the only one read.
  const pick = (sites: readonly { code: string; domain: string }[]) => options.site ?? sites.find((s) => s.domain === host)?.code;
  const served = meta.siteManifest;
  const result = verifyRelease(meta.envelope, meta.trust, {
    now: options.now,
    anchorFingerprint: key,
    sites: (sites) => {
      const code = pick(sites);
      return code === undefined ? [] : [code];
    },
    // Only the picked site's manifest is asked for; a manifest of another site fails its digest.
    siteManifests: () => served,
  });
  if (!result.ok) {
    for (const p of result.problems) problems.push(problem(p.code, { zh: p.zh.message, en: p.message }, { zh: p.zh.fix, en: p.fix }));
    report.ms = Math.round(performance.now() - started);
    return report;
  }
  const { manifest } = result;
  problems.push(...floorProblems(manifest, result.trust, options));
  const site = pick(manifest.sites);
  if (site === undefined || !manifest.sites.some((s) => s.code === site)) {
    problems.push(
      problem(
        'SITE_UNKNOWN',
        site === undefined
          ? { zh: `${host} 不是发布版本 v${manifest.version} 中任何站点的域名`, en: `${host} is not the domain of any site in release v${manifest.version}` }
          : { zh: `站点 ${site} 不在发布版本 v${manifest.version} 中`, en: `site ${site} is not in release v${manifest.version}` },
        { zh: `用 --site CODE 指明该网址对应的站点（${manifest.sites.map((s) => s.code).join(', ')}）`, en: `name the site this URL serves with --site CODE (${manifest.sites.map((s) => s.code).join(', ')})` },
      ),
    );
    report.ms = Math.round(performance.now() - started);
    return report;
  }
  Object.assign(report, { version: manifest.version, expires: manifest.expires, signers: result.signers, sites: [site] });
  const inspected = await inspectUrl(base, site, manifest, options.fetch ? { fetch: options.fetch } : {});
  report.modified = inspected.modified.map((m) => m.path);
  report.missing = inspected.missing;
  // A file that could not be fetched (an error status, a redirect elsewhere, a timeout) is not a file that matched.
  for (const f of inspected.failed) {
    problems.push(problem('FETCH_FAILED', { zh: `${f.path}：${f.reason}（${f.url}）`, en: `${f.path}: ${f.reason} (${f.url})` }, { zh: '检查网站服务器；镜像应以状态码 200 提供其发布版本的每个文件', en: 'check the web server; a mirror serves every file of its release with status 200' }));
  }
  const files = manifest.files.filter((f) => f.path.startsWith(`${site}/`));
  report.files = files.length;
  report.bytes = files.reduce((n, f) => n + f.size, 0);
  report.ok = problems.length === 0 && report.modified.length + report.missing.length === 0;
  if (report.ok) recordSeen(manifest, result.trust, options);
  report.ms = Math.round(performance.now() - started);
  return report;
}
