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
 * site folder carries a copy of the manifest; the copies that verify are
 * candidates and the highest version wins. A copy that differs is reported as
 * a modified file. When none verifies, `restore` falls back to the archive's
 * latest release, and only if that one verifies now.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchMirrorMeta, inspectFolder, inspectFolderMeta, inspectUrl, restoreFolder } from '../mirror/index.ts';
import {
  MANIFEST_FILE,
  MIRROR_META_DIR,
  RELEASE_TRUST_FILES,
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
  message: string;
  fix?: string;
}

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
  /** Folder mirrors: repair from this archive when anything is wrong. */
  restoreFrom?: ReleaseArchive;
  fetch?: typeof fetch;
}

export function isUrl(target: string): boolean {
  return /^https?:\/\//i.test(target);
}

function seenKey(manifest: ReleaseManifest, anchor: string): string {
  return SeenVersions.key(manifest.group, anchor);
}

interface Candidate {
  envelope: Uint8Array;
  trust: TrustBytes | undefined;
}

function readCapped(path: string): Uint8Array | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() || st.size > MAX_META_BYTES) return undefined;
    return readFileSync(path);
  } catch {
    return undefined;
  }
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

/** Check the manifest copies of a folder mirror; the best verified one, and the copies that differ from it. */
function pickManifest(dir: string, options: VerifyOptions, problems: VerifyProblem[]) {
  const sites = existsSync(dir) ? readdirSync(dir).filter((n) => SITE_DIR.test(n)).sort() : [];
  const candidates = sites.map((s) => ({ code: s, meta: readMeta(join(dir, s)) }));
  let best: { manifest: ReleaseManifest; signers: string[]; envelope: Uint8Array; trust: TrustBytes } | undefined;
  const tried = new Set<string>();
  for (const { code, meta } of candidates) {
    if (!meta?.trust) continue;
    // Identical copies (the usual case) are verified once.
    const hash = createHash('sha256');
    for (const bytes of [meta.envelope, ...RELEASE_TRUST_FILES.map((n) => meta.trust![n])]) hash.update(`${bytes.length}:`).update(bytes);
    const key = hash.digest('hex');
    if (tried.has(key)) continue;
    tried.add(key);
    const result = verifyRelease(meta.envelope, meta.trust, { now: options.now, anchorFingerprint: options.anchorFingerprint });
    if (!result.ok) {
      for (const p of result.problems) problems.push({ code: p.code, message: `${code}/${MIRROR_META_DIR}/${MANIFEST_FILE}: ${p.message}`, fix: p.fix });
      continue;
    }
    if (!best || result.manifest.version > best.manifest.version) best = { manifest: result.manifest, signers: result.signers, envelope: meta.envelope, trust: meta.trust };
  }
  if (candidates.length === 0 || candidates.every((c) => !c.meta)) {
    problems.push({ code: 'MANIFEST_MISSING', message: `${dir} holds no signed release manifest (<site>/${MIRROR_META_DIR}/${MANIFEST_FILE})`, fix: 'publish to this mirror with `sealpress publish --mirror`, or restore it with `sealpress verify --restore`' });
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
    // The rollback check runs on the winner only: an older copy beside a newer one is a modified file, not a rollback.
    const last = options.seen.last(seenKey(manifest, options.anchorFingerprint));
    if (last !== undefined && manifest.version < last) {
      problems.push({ code: 'RELEASE_ROLLBACK', message: `the mirror serves release v${manifest.version}, older than v${last} which this verifier has already seen`, fix: 'restore the mirror to the current release (`sealpress verify --restore`) or publish again' });
    }
    Object.assign(report, { version: manifest.version, expires: manifest.expires, signers: best.signers, sites: manifest.sites.map((s) => s.code) });
    const inspected = await inspectFolder(dir, manifest);
    const meta = await inspectFolderMeta(dir, manifest, best.envelope, best.trust);
    report.modified = [...inspected.modified.map((m) => m.path), ...meta.map((m) => m.path)].sort();
    report.missing = inspected.missing;
    report.extra = inspected.extra;
    report.files = manifest.files.length;
    report.bytes = manifest.files.reduce((n, f) => n + f.size, 0);
  }
  report.ok = best !== undefined && problems.length === 0 && report.modified.length + report.missing.length + report.extra.length === 0;
  if (report.ok && best) options.seen.record(seenKey(best.manifest, options.anchorFingerprint), best.manifest.version);
  report.ms = Math.round(performance.now() - started);
  if (report.ok || !options.restoreFrom) return report;

  const archive = options.restoreFrom;
  const version = best && !problems.some((p) => p.code === 'RELEASE_ROLLBACK') ? best.manifest.version : archive.latest();
  if (version === undefined) throw new PublishError('ARCHIVE_MISSING', `the archive ${archive.dir} holds no release to restore ${dir} from`, { fix: 'give the archive the release was published with (--archive DIR), or publish again' });
  const restored = await restoreRelease(archive, version, dir, options);
  const { restoreFrom: _used, ...plain } = options;
  const again = await verifyFolder(plain);
  return { ...again, restored: { version, repaired: [...report.modified, ...report.missing, ...report.extra].sort() }, ms: Math.round(again.ms + report.ms + restored.ms) };
}

/** Rebuild release `version` from the archive into the folder mirror, checking its signature first. */
async function restoreRelease(archive: ReleaseArchive, version: number, dir: string, options: VerifyOptions): Promise<{ ms: number }> {
  const started = performance.now();
  const { envelope, trust } = await releaseFromArchive(archive, version);
  const checked = verifyRelease(envelope, trust, { now: options.now, anchorFingerprint: options.anchorFingerprint });
  if (!checked.ok) {
    throw new PublishError('RELEASE_REFUSED', `release v${version} in the archive does not verify now, so it is not restored: ${checked.problems.map((p) => `${p.message} [${p.code}]`).join('; ')}`, { fix: 'publish a new release (`sealpress publish`, or `sealpress rollback --to VERSION` for earlier content)' });
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
    problems.push({ code: 'MANIFEST_MISSING', message: `cannot fetch the release manifest from ${base}/${MIRROR_META_DIR}/${MANIFEST_FILE}: ${(error as Error).message}`, fix: 'check the URL; a mirror serves its signed manifest there' });
    report.ms = Math.round(performance.now() - started);
    return report;
  }
  const key = options.anchorFingerprint;
  const result = verifyRelease(meta.envelope, meta.trust, { now: options.now, anchorFingerprint: key });
  if (!result.ok) {
    for (const p of result.problems) problems.push({ code: p.code, message: p.message, fix: p.fix });
    report.ms = Math.round(performance.now() - started);
    return report;
  }
  const { manifest } = result;
  const last = options.seen.last(seenKey(manifest, key));
  if (last !== undefined && manifest.version < last) {
    problems.push({ code: 'RELEASE_ROLLBACK', message: `the mirror serves release v${manifest.version}, older than v${last} which this verifier has already seen`, fix: 'the mirror must be brought up to date by its operator' });
  }
  const host = new URL(base).hostname;
  const site = options.site ?? manifest.sites.find((s) => s.domain === host)?.code;
  if (site === undefined || !manifest.sites.some((s) => s.code === site)) {
    problems.push({
      code: 'SITE_UNKNOWN',
      message: site === undefined ? `${host} is not the domain of any site in release v${manifest.version}` : `site ${site} is not in release v${manifest.version}`,
      fix: `name the site this URL serves with --site CODE (${manifest.sites.map((s) => s.code).join(', ')})`,
    });
    report.ms = Math.round(performance.now() - started);
    return report;
  }
  Object.assign(report, { version: manifest.version, expires: manifest.expires, signers: result.signers, sites: [site] });
  const inspected = await inspectUrl(base, site, manifest, options.fetch ? { fetch: options.fetch } : {});
  report.modified = inspected.modified.map((m) => m.path);
  report.missing = inspected.missing;
  const files = manifest.files.filter((f) => f.path.startsWith(`${site}/`));
  report.files = files.length;
  report.bytes = files.reduce((n, f) => n + f.size, 0);
  report.ok = problems.length === 0 && report.modified.length + report.missing.length === 0;
  if (report.ok) options.seen.record(seenKey(manifest, key), manifest.version);
  report.ms = Math.round(performance.now() - started);
  return report;
}
