/**
 * The release archive: content-addressed storage from which any release can be
 * restored byte for byte (the rules ask for daily local and off-site backups
 * and fast recovery). Files shared between releases are stored once.
 *
 *     <dir>/objects/<first 2 hex>/<64 hex>          file bytes, named by SHA-256, mode 0444
 *                                                   (also trust documents and, format 2, site manifests:
 *                                                   a site unchanged since the last release adds no object)
 *     <dir>/releases/<version, 10 digits>.dsse.json the signed manifest envelope (format 1 or 2)
 *     <dir>/tmp/                                    temp files (never under the two above)
 *
 * Objects and releases are written to tmp/, flushed, then linked into place:
 * link() never replaces an existing name, so an object is never rewritten and a
 * release is never overwritten. A release is linked last, after every object it
 * names is in (putRelease checks), so a listed release is always complete.
 *
 * The archive is the verifier's source of good bytes, not a source of trust:
 * `releaseEnvelope` returns the stored envelope, which the caller verifies with
 * `verifyRelease` like any other.
 */
import type { Text } from '../messages/text.ts';
import { constants, lstatSync, mkdirSync, promises as fs, readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { canonicalBytes, parseStrictJsonBytes } from '../trust/canonical.ts';
import { parseEnvelope } from '../trust/dsse.ts';
import { SHA256_HEX } from '../trust/schema.ts';
import { copyHashed, fsErrorCode, hashFileSync, publishNoReplace, publishNoReplaceSync, readCappedSync, runRsync, sha256Hex, syncDir, syncDirSync, tempName, writeTempSync } from '../fs/index.ts';
import { HASH_CONCURRENCY, mapLimit } from './collect.ts';
import { ReleaseError } from './errors.ts';
import { LEDGER_TRUST_DOCS, RELEASE_PAYLOAD_TYPE, RELEASE_TRUST_FILES, type ReleaseLedger, type ReleaseManifest, type ReleaseTrustFile } from './manifest.ts';
import { MAX_RELEASE_VERSION } from './read.ts';
import { expandRelease, MAX_SITE_MANIFEST_BYTES, readReleasePayload, siteManifestBytes, siteManifestSource, type ReleaseDocument, type SiteManifestSource, type SiteSelection } from './sites.ts';
import { MAX_RELEASE_ENVELOPE_BYTES } from './verify.ts';

const RELEASE_NAME = /^(\d{10})\.dsse\.json$/;

export interface IntegrityProblem {
  /** ARCHIVE_MEMORY_LOST: a release remembers less than the release before it (a withdrawal dropped, a trust version lowered). */
  code: 'ARCHIVE_CORRUPT' | 'ARCHIVE_MISSING' | 'ARCHIVE_STRAY' | 'ARCHIVE_MEMORY_LOST';
  /** Path relative to the archive folder. */
  path: string;
  message: string;
}

export interface IntegrityReport {
  ok: boolean;
  objects: number;
  releases: number;
  problems: IntegrityProblem[];
}

export interface ReplicationReport {
  target: string;
  copiedObjects: number;
  copiedReleases: number;
}

function checkSha(sha: string): void {
  if (!SHA256_HEX.test(sha)) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', `${JSON.stringify(sha.slice(0, 80))} is not a SHA-256 digest (64 lower-case hex digits)`);
}

function checkVersion(version: number): void {
  if (!Number.isInteger(version) || version < 1 || version > MAX_RELEASE_VERSION) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', `${version} is not a release version (1 to ${MAX_RELEASE_VERSION})`);
}

const errno = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export type UnverifiedRelease =
  | { ok: true; manifest: ReleaseManifest; document?: ReleaseDocument }
  /** `missingSiteManifests`: digests of format-2 site manifests the source did not have. */
  | { ok: false; message: string; missingSiteManifests?: string[] };

/**
 * The manifest inside envelope bytes, without checking signatures (that is
 * verifyRelease's job). A format-2 release is expanded with the site manifests
 * of `options.siteManifests` (every site's, or `options.sites`), each checked
 * against the digest its document names.
 */
export function unverifiedManifest(envelopeBytes: Uint8Array, options: { siteManifests?: SiteManifestSource; sites?: SiteSelection } = {}): UnverifiedRelease {
  const parsed = parseEnvelope(envelopeBytes, { payloadType: RELEASE_PAYLOAD_TYPE, maxBytes: MAX_RELEASE_ENVELOPE_BYTES });
  if (!parsed.ok) return { ok: false, message: parsed.problems.map((p) => `${p.message} [${p.code}]`).join('; ') };
  const json = parseStrictJsonBytes(parsed.envelope.payload);
  if (!json.ok) return { ok: false, message: `the payload is not well-formed JSON: ${json.message}` };
  const read = readReleasePayload(json.value);
  if (!read.ok) return { ok: false, message: `the manifest breaks the schema: ${read.problems.slice(0, 10).join('; ')}` };
  if (read.format === 1) return { ok: true, manifest: read.manifest };
  const expanded = expandRelease(read.document, options.siteManifests, options.sites);
  if (!expanded.ok) {
    const missing = read.document.sites.filter((s) => expanded.problems.some((p) => p.site === s.code && p.code === 'RELEASE_SITE_MANIFEST_MISSING')).map((s) => s.manifest.sha256);
    return { ok: false, message: expanded.problems.slice(0, 10).map((p) => p.message).join('; '), ...(missing.length > 0 ? { missingSiteManifests: missing } : {}) };
  }
  return { ok: true, manifest: expanded.manifest, document: read.document };
}

/** Every object a release needs: its files, its trust documents and (format 2) its site manifests. */
export function releaseObjects(manifest: ReleaseManifest, document?: ReleaseDocument): string[] {
  const sites = manifest.format !== 2 ? [] : document ? document.sites.map((s) => s.manifest.sha256) : [...siteManifestBytes(manifest).values()].map(sha256Hex);
  return [...new Set([...manifest.files.map((f) => f.sha256), ...RELEASE_TRUST_FILES.map((n) => manifest.trust[n]), ...sites])];
}

export class ReleaseArchive {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  private get tmpDir(): string {
    return join(this.dir, 'tmp');
  }

  private ensure(...sub: string[]): string {
    const d = join(this.dir, ...sub);
    try {
      mkdirSync(d, { recursive: true });
    } catch (e) {
      throw new ReleaseError('RELEASE_IO', { zh: `无法创建归档文件夹 ${d}（${errno(e)}）`, en: `the archive folder ${d} cannot be created (${errno(e)})` }, { cause: e, path: d });
    }
    return d;
  }

  objectPath(sha: string): string {
    checkSha(sha);
    return join(this.dir, 'objects', sha.slice(0, 2), sha);
  }

  releasePath(version: number): string {
    checkVersion(version);
    return join(this.dir, 'releases', `${String(version).padStart(10, '0')}.dsse.json`);
  }

  has(sha: string): boolean {
    try {
      return lstatSync(this.objectPath(sha)).isFile();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw new ReleaseError('RELEASE_IO', { zh: `无法读取 ${this.objectPath(sha)}（${errno(e)}）`, en: `${this.objectPath(sha)} cannot be read (${errno(e)})` }, { cause: e, path: this.objectPath(sha) });
    }
  }

  /**
   * Store the file at `path`, whose SHA-256 the caller states (from the
   * manifest). Streams, hashing as it copies; refuses RELEASE_DIGEST_MISMATCH if
   * the file changed since it was hashed. Nothing happens if the object exists.
   * With `deferDirSync`, the object's folder is added to the set instead of
   * being synced here: the caller syncs each folder once, before relying on it.
   */
  async putFile(path: string, sha256: string, options: { deferDirSync?: Set<string> } = {}): Promise<boolean> {
    checkSha(sha256);
    if (this.has(sha256)) return false;
    const tmpDir = this.ensure('tmp');
    const tmp = tempName(tmpDir);
    let source: fs.FileHandle | undefined;
    let out: fs.FileHandle | undefined;
    try {
      try {
        source = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      } catch (e) {
        throw new ReleaseError('RELEASE_IO', { zh: `无法读取 ${path}（${errno(e)}）`, en: `${path} cannot be read (${errno(e)})` }, { cause: e, path });
      }
      if (!(await source.stat()).isFile()) throw new ReleaseError('RELEASE_FILE_TYPE', { zh: `${path} 不是普通文件`, en: `${path} is not a regular file` }, { path });
      out = await fs.open(tmp, 'wx', 0o600);
      const actual = (await copyHashed(source, out)).sha256;
      if (actual !== sha256) throw new ReleaseError('RELEASE_DIGEST_MISMATCH', { zh: `${path} 的 SHA-256 为 ${actual}，而不是 ${sha256}：生成清单后文件有改动；请重新构建并签署发布版本`, en: `${path} has SHA-256 ${actual}, not ${sha256}: it changed after the manifest was made; build and sign the release again` }, { path });
      await out.chmod(0o444);
      await out.sync();
      await out.close();
      out = undefined;
      this.ensure('objects', sha256.slice(0, 2));
      return await publishNoReplace(tmp, this.objectPath(sha256), options);
    } catch (e) {
      if (e instanceof ReleaseError) throw e;
      throw new ReleaseError('RELEASE_IO', { zh: `无法将 ${path} 存入归档 ${this.dir}（${errno(e)}）`, en: `${path} cannot be stored in the archive ${this.dir} (${errno(e)})` }, { cause: e, path });
    } finally {
      await source?.close();
      await out?.close();
      await fs.rm(tmp, { force: true });
    }
  }

  /** Store bytes; returns their SHA-256. Nothing happens if the object exists. */
  putBytes(bytes: Uint8Array): string {
    const sha = sha256Hex(bytes);
    if (this.has(sha)) return sha;
    const tmpDir = this.ensure('tmp');
    try {
      const tmp = writeTempSync(tmpDir, bytes, 0o444);
      this.ensure('objects', sha.slice(0, 2));
      publishNoReplaceSync(tmp, this.objectPath(sha));
    } catch (e) {
      if (e instanceof ReleaseError) throw e;
      throw new ReleaseError('RELEASE_IO', { zh: `无法将对象存入归档 ${this.dir}（${errno(e)}）`, en: `an object cannot be stored in the archive ${this.dir} (${errno(e)})` }, { cause: e, path: this.objectPath(sha) });
    }
    return sha;
  }

  /**
   * Format-2 site manifests from this archive's objects (by the digest the
   * release document names; the caller checks the bytes against it).
   */
  siteManifestSource(): SiteManifestSource {
    return (sha) => {
      try {
        const bytes = readCappedSync(this.objectPath(sha), MAX_SITE_MANIFEST_BYTES);
        return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      } catch {
        return undefined;
      }
    };
  }

  /** Store the site manifests of a format-2 release (nothing for format 1); an unchanged site's is already in. */
  putSiteManifests(manifest: ReleaseManifest): { objectsAdded: number; bytesAdded: number } {
    let objectsAdded = 0;
    let bytesAdded = 0;
    if (manifest.format !== 2) return { objectsAdded, bytesAdded };
    for (const bytes of siteManifestBytes(manifest).values()) {
      if (this.has(sha256Hex(bytes))) continue;
      this.putBytes(bytes);
      objectsAdded++;
      bytesAdded += bytes.length;
    }
    return { objectsAdded, bytesAdded };
  }

  /** The bytes of an object, re-hashed: ARCHIVE_CORRUPT when they no longer match its name, ARCHIVE_MISSING when absent. */
  async readObject(sha: string): Promise<Uint8Array> {
    const path = this.objectPath(sha);
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(path, { flag: constants.O_RDONLY | constants.O_NOFOLLOW });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw this.missing(path, { zh: `对象 ${sha}`, en: `object ${sha}` });
      throw new ReleaseError('RELEASE_IO', { zh: `无法读取 ${path}（${errno(e)}）`, en: `${path} cannot be read (${errno(e)})` }, { cause: e, path });
    }
    const actual = sha256Hex(bytes);
    if (actual !== sha) throw this.corrupted(path, actual);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Stream an object to `dest` (created, never replacing an existing file),
   * re-hashing on the way; on a mismatch `dest` is removed and ARCHIVE_CORRUPT
   * thrown. For large files, where readObject would hold them in memory.
   */
  async copyObjectTo(sha: string, dest: string, mode = 0o644): Promise<void> {
    const path = this.objectPath(sha);
    let source: fs.FileHandle | undefined;
    let out: fs.FileHandle | undefined;
    let created = false;
    try {
      try {
        source = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw this.missing(path, { zh: `对象 ${sha}`, en: `object ${sha}` });
        throw e;
      }
      out = await fs.open(dest, 'wx', mode);
      created = true;
      const actual = (await copyHashed(source, out)).sha256;
      if (actual !== sha) throw this.corrupted(path, actual);
      await out.sync();
    } catch (e) {
      await out?.close();
      out = undefined;
      if (created) await fs.rm(dest, { force: true });
      if (e instanceof ReleaseError) throw e;
      throw new ReleaseError('RELEASE_IO', { zh: `无法将对象 ${sha} 复制到 ${dest}（${errno(e)}）`, en: `object ${sha} cannot be copied to ${dest} (${errno(e)})` }, { cause: e, path: dest });
    } finally {
      await source?.close();
      await out?.close();
    }
  }

  private missing(path: string, what: Text): ReleaseError {
    return new ReleaseError('ARCHIVE_MISSING', { zh: `归档中缺少${what.zh}（${path}）：请用异地副本恢复发布归档（反向执行 \`replicateTo\`）`, en: `${what.en} is missing from the archive (${path}): restore the archive from its off-site copy (\`replicateTo\` the other way)` }, { path });
  }

  private corrupted(path: string, actual: string): ReleaseError {
    return new ReleaseError(
      'ARCHIVE_CORRUPT',
      `${path} is corrupted: its bytes hash to ${actual}, not to its name. Do not restore from it; copy the object from the off-site archive, then run the archive integrity check`,
      { path },
    );
  }

  /**
   * Store a signed release. The envelope's manifest (read without checking
   * signatures) must be of this version and every object it names must be in;
   * a second release with the same version is ARCHIVE_RELEASE_EXISTS. With
   * `manifest` (the release in memory), its site manifests are stored first
   * (format 2; the envelope must name exactly them, or the release is refused).
   */
  putRelease(version: number, envelopeBytes: Uint8Array, manifest?: ReleaseManifest): void {
    if (manifest !== undefined) this.putSiteManifests(manifest);
    const target = this.releasePath(version);
    const read = unverifiedManifest(envelopeBytes, { siteManifests: this.siteManifestSource() });
    if (!read.ok && read.missingSiteManifests) {
      throw new ReleaseError('ARCHIVE_MISSING', { zh: `发布版本 ${version} 列出的 ${read.missingSiteManifests.length} 份站点清单不在归档中（第一份：${read.missingSiteManifests[0]}）：请先存入（archiveRelease、putSiteManifests）`, en: `release ${version} names ${read.missingSiteManifests.length} site manifest(s) the archive does not hold (first: ${read.missingSiteManifests[0]}): store them first (archiveRelease, putSiteManifests)` }, { path: target });
    }
    if (!read.ok) throw new ReleaseError('RELEASE_MANIFEST_INVALID', { zh: `无法读取发布签名信封：${read.message}`, en: `the release envelope cannot be read: ${read.message}` });
    if (read.manifest.version !== version) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', { zh: `签名信封中是发布版本 ${read.manifest.version}，而不是 ${version}`, en: `the envelope holds release ${read.manifest.version}, not ${version}` });
    const missing: string[] = [];
    for (const sha of releaseObjects(read.manifest, read.document)) if (!this.has(sha)) missing.push(sha);
    if (missing.length > 0) {
      throw new ReleaseError('ARCHIVE_MISSING', { zh: `发布版本 ${version} 列出的 ${missing.length} 个对象不在归档中（第一个：${missing[0]}）：请先存入其文件和信任文件（archiveRelease）`, en: `release ${version} names ${missing.length} object(s) the archive does not hold (first: ${missing[0]}): store its files and trust documents first (archiveRelease)` }, { path: target });
    }
    const tmpDir = this.ensure('tmp');
    this.ensure('releases');
    let linked: boolean;
    try {
      linked = publishNoReplaceSync(writeTempSync(tmpDir, envelopeBytes, 0o444), target);
    } catch (e) {
      throw new ReleaseError('RELEASE_IO', { zh: `无法写入 ${target}（${errno(e)}）`, en: `${target} cannot be written (${errno(e)})` }, { cause: e, path: target });
    }
    if (!linked) throw new ReleaseError('ARCHIVE_RELEASE_EXISTS', { zh: `发布版本 ${version} 已在归档中（${target}）；发布版本从不覆盖：请将新版本签署为 ${version + 1} 或更高版本`, en: `release ${version} is already archived (${target}); releases are never overwritten: sign the new one as version ${version + 1} or later` }, { path: target });
  }

  /** The stored envelope bytes of a release (verify them with verifyRelease before trusting them). */
  releaseEnvelope(version: number): Uint8Array {
    const path = this.releasePath(version);
    try {
      const bytes = readCappedSync(path, MAX_RELEASE_ENVELOPE_BYTES);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (e) {
      if (fsErrorCode(e) === 'ENOENT') throw this.missing(path, { zh: `发布版本 ${version}`, en: `release ${version}` });
      throw new ReleaseError('RELEASE_IO', { zh: `无法读取 ${path}（${errno(e)}）`, en: `${path} cannot be read (${errno(e)})` }, { cause: e, path });
    }
  }

  /** The trust documents of a release, from the archive, checked against the digests its manifest names. */
  async trustFilesOf(manifest: ReleaseManifest): Promise<Record<ReleaseTrustFile, Uint8Array>> {
    const out = {} as Record<ReleaseTrustFile, Uint8Array>;
    for (const name of RELEASE_TRUST_FILES) out[name] = await this.readObject(manifest.trust[name]);
    return out;
  }

  /** Archived versions, ascending. */
  versions(): number[] {
    let names: string[];
    try {
      names = readdirSync(join(this.dir, 'releases'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new ReleaseError('RELEASE_IO', { zh: `无法列出 ${join(this.dir, 'releases')}（${errno(e)}）`, en: `${join(this.dir, 'releases')} cannot be listed (${errno(e)})` }, { cause: e });
    }
    return names
      .map((n) => RELEASE_NAME.exec(n)?.[1])
      .filter((v): v is string => v !== undefined)
      .map(Number)
      .filter((v) => v >= 1)
      .sort((a, b) => a - b);
  }

  latest(): number | undefined {
    return this.versions().at(-1);
  }

  /**
   * Check the whole archive: every object hashes to its name, every release
   * envelope is readable, of the version its name says, with every object it
   * needs present; anything else under objects/ or releases/ is reported.
   */
  async verifyIntegrity(): Promise<IntegrityReport> {
    const problems: IntegrityProblem[] = [];
    const present = new Set<string>();
    const objectsDir = join(this.dir, 'objects');
    const files: { rel: string; sha: string }[] = [];
    for (const fan of await listOrEmpty(objectsDir)) {
      if (!/^[0-9a-f]{2}$/.test(fan)) {
        problems.push({ code: 'ARCHIVE_STRAY', path: `objects/${fan}`, message: 'not an object folder: remove it' });
        continue;
      }
      for (const name of await listOrEmpty(join(objectsDir, fan))) {
        const rel = `objects/${fan}/${name}`;
        if (!SHA256_HEX.test(name) || !name.startsWith(fan)) problems.push({ code: 'ARCHIVE_STRAY', path: rel, message: 'not an object name: remove it' });
        else files.push({ rel, sha: name });
      }
    }
    await mapLimit(files, HASH_CONCURRENCY, async ({ rel, sha }) => {
      const actual = hashedOrUndefined(join(this.dir, rel));
      if (actual === sha) present.add(sha);
      else problems.push({ code: 'ARCHIVE_CORRUPT', path: rel, message: actual === undefined ? 'not a regular file' : `its bytes hash to ${actual}, not to its name: copy it from the off-site archive` });
    });
    const releasesDir = join(this.dir, 'releases');
    let releases = 0;
    // Releases are listed in version order: each must remember all the one before it did (Trust model 10).
    let remembered: { version: number; ledger: ReleaseLedger; ca: string } | undefined;
    for (const name of await listOrEmpty(releasesDir)) {
      const rel = `releases/${name}`;
      const m = RELEASE_NAME.exec(name);
      if (!m || Number(m[1]) < 1) {
        problems.push({ code: 'ARCHIVE_STRAY', path: rel, message: 'not a release file name: remove it' });
        continue;
      }
      releases++;
      let bytes: Buffer;
      try {
        bytes = readCappedSync(join(releasesDir, name), MAX_RELEASE_ENVELOPE_BYTES);
      } catch (e) {
        problems.push({ code: 'ARCHIVE_CORRUPT', path: rel, message: `cannot be read (${errno(e)})` });
        continue;
      }
      const read = unverifiedManifest(bytes, { siteManifests: this.siteManifestSource() });
      if (!read.ok) {
        problems.push({ code: read.missingSiteManifests ? 'ARCHIVE_MISSING' : 'ARCHIVE_CORRUPT', path: rel, message: read.message });
        continue;
      }
      if (read.manifest.version !== Number(m[1])) {
        problems.push({ code: 'ARCHIVE_CORRUPT', path: rel, message: `holds release ${read.manifest.version}, not the version its name says` });
        continue;
      }
      // Trust versions compare within one CA only: a new CA (the demo's, renewed) starts a trust domain of its own.
      const lost = remembered && memoryLost(remembered.ledger, read.manifest.ledger, remembered.ca === read.manifest.trust['ca.pem']);
      if (remembered && lost) problems.push({ code: 'ARCHIVE_MEMORY_LOST', path: rel, message: `release ${read.manifest.version} remembers less than release ${remembered.version}: ${lost}; the gate would forget it` });
      if (read.manifest.ledger) remembered = { version: read.manifest.version, ledger: read.manifest.ledger, ca: read.manifest.trust['ca.pem'] };
      const missing = releaseObjects(read.manifest, read.document).filter((sha) => !present.has(sha));
      if (missing.length > 0) problems.push({ code: 'ARCHIVE_MISSING', path: rel, message: `${missing.length} object(s) of this release are missing or corrupted (first: ${missing[0]})` });
    }
    problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { ok: problems.length === 0, objects: files.length, releases, problems };
  }

  /**
   * The off-site copy. `target` is a folder path (objects and releases missing
   * there are copied, nothing is overwritten, then the copy is verified) or
   * `rsync:DEST` (the system rsync, `-a --ignore-existing`, objects first, then
   * releases, then a checksum dry run that must find no difference).
   * Throws ARCHIVE_REPLICATION_FAILED when the copy does not hold every object
   * and release of this archive with the same bytes.
   */
  async replicateTo(target: string, options: { rsync?: string } = {}): Promise<ReplicationReport> {
    if (target.startsWith('rsync:')) return this.replicateRsync(target.slice('rsync:'.length), options.rsync ?? 'rsync');
    return this.replicateFolder(target);
  }

  private async replicateFolder(target: string): Promise<ReplicationReport> {
    const other = new ReleaseArchive(target);
    if (other.dir === this.dir) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', { zh: `异地副本 ${target} 就是归档本身`, en: `the off-site copy ${target} is the archive itself` });
    let copiedObjects = 0;
    let copiedReleases = 0;
    const source = await this.verifyIntegrity();
    if (!source.ok) throw new ReleaseError('ARCHIVE_CORRUPT', { zh: `归档 ${this.dir} 未通过核验，因此不予复制：${describe(source)}`, en: `the archive ${this.dir} does not verify, so it is not copied: ${describe(source)}` }, { path: this.dir });
    const objects = await this.objectNames();
    await mapLimit(objects, HASH_CONCURRENCY, async (sha) => {
      if (other.has(sha)) return;
      // Through readObject: a corrupted object is never propagated to the off-site copy.
      other.putBytes(await this.readObject(sha));
      copiedObjects++;
    });
    for (const version of this.versions()) {
      const bytes = this.releaseEnvelope(version);
      let theirs: Uint8Array | undefined;
      try {
        theirs = other.releaseEnvelope(version);
      } catch (e) {
        if (!(e instanceof ReleaseError && e.code === 'ARCHIVE_MISSING')) throw e;
      }
      if (theirs === undefined) {
        other.putRelease(version, bytes);
        copiedReleases++;
      } else if (!Buffer.from(theirs).equals(Buffer.from(bytes))) {
        throw new ReleaseError('ARCHIVE_REPLICATION_FAILED', { zh: `${other.releasePath(version)} 中发布版本 ${version} 的签名信封与 ${this.releasePath(version)} 不同：复制之前请查明哪一个是真的（两者都核验）`, en: `${other.releasePath(version)} holds another envelope for release ${version} than ${this.releasePath(version)}: find out which is genuine (verify both) before copying anything` }, { path: other.releasePath(version) });
      }
    }
    const check = await other.verifyIntegrity();
    if (!check.ok) throw new ReleaseError('ARCHIVE_REPLICATION_FAILED', { zh: `复制后异地副本 ${other.dir} 未通过核验：${describe(check)}`, en: `the off-site copy ${other.dir} does not verify after copying: ${describe(check)}` }, { path: other.dir });
    return { target, copiedObjects, copiedReleases };
  }

  private async replicateRsync(dest: string, rsync: string): Promise<ReplicationReport> {
    // An empty or option-like destination would be read by rsync as something else.
    if (dest === '' || dest.startsWith('-') || /[\u0000-\u001f]/.test(dest)) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', `${JSON.stringify(dest)} is not an rsync destination`);
    const source = await this.verifyIntegrity();
    if (!source.ok) throw new ReleaseError('ARCHIVE_CORRUPT', { zh: `归档 ${this.dir} 未通过核验，因此不予复制：${describe(source)}`, en: `the archive ${this.dir} does not verify, so it is not copied: ${describe(source)}` }, { path: this.dir });
    this.ensure('objects');
    this.ensure('releases');
    const to = dest.endsWith('/') ? dest : `${dest}/`;
    // Objects first, releases after, in two runs: the copy never lists a release whose objects are not there yet.
    const objects = await run(rsync, ['-a', '--ignore-existing', '--out-format=%n', '--', join(this.dir, 'objects'), to]);
    const releases = await run(rsync, ['-a', '--ignore-existing', '--out-format=%n', '--', join(this.dir, 'releases'), to]);
    // Verify: a checksum dry run lists every file that is missing or differs at the destination.
    const diff = await run(rsync, ['-r', '--dry-run', '--checksum', '--itemize-changes', '--', join(this.dir, 'objects'), join(this.dir, 'releases'), to]);
    const different = diff.split('\n').filter((l) => /^[<>ch]f/.test(l));
    if (different.length > 0) {
      throw new ReleaseError('ARCHIVE_REPLICATION_FAILED', { zh: `${dest} 的 rsync 副本有 ${different.length} 个文件与归档不同（第一个：${different[0]?.slice(12)}）：那里已有的文件内容不同；请检查并删除，以便重新复制`, en: `the rsync copy at ${dest} differs from the archive in ${different.length} file(s) (first: ${different[0]?.slice(12)}): an existing file there has other bytes; check it and remove it so it is copied again` }, { path: dest });
    }
    const count = (out: string, re: RegExp) => out.split('\n').filter((l) => re.test(l)).length;
    return { target: `rsync:${dest}`, copiedObjects: count(objects, /^objects\/[0-9a-f]{2}\/[0-9a-f]{64}$/), copiedReleases: count(releases, /^releases\/\d{10}\.dsse\.json$/) };
  }

  /** Names of the objects present (not re-hashed). */
  private async objectNames(): Promise<string[]> {
    const out: string[] = [];
    for (const fan of await listOrEmpty(join(this.dir, 'objects'))) {
      for (const name of await listOrEmpty(join(this.dir, 'objects', fan))) if (SHA256_HEX.test(name)) out.push(name);
    }
    return out.sort();
  }
}

function describe(report: IntegrityReport): string {
  return `${report.problems.length} problem(s): ${report.problems
    .slice(0, 5)
    .map((p) => `${p.path}: ${p.message}`)
    .join('; ')}`;
}

async function listOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await fs.readdir(dir)).sort();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ReleaseError('RELEASE_IO', { zh: `无法列出 ${dir}（${errno(e)}）`, en: `${dir} cannot be listed (${errno(e)})` }, { cause: e, path: dir });
  }
}

/** SHA-256 of a regular file (not following a symlink), or undefined when it is not one or cannot be read. */
function hashedOrUndefined(path: string): string | undefined {
  try {
    return hashFileSync(path).sha256;
  } catch {
    return undefined;
  }
}

/** Run rsync (argv, no shell); resolves its stdout, rejects ARCHIVE_REPLICATION_FAILED with its stderr. */
async function run(program: string, args: string[]): Promise<string> {
  const r = await runRsync(args, { program });
  if (r.ok) return r.stdout;
  if (r.reason === 'cannot-run') throw new ReleaseError('ARCHIVE_REPLICATION_FAILED', { zh: `无法运行 ${program}（${r.detail}）：请安装 rsync，或改为复制到文件夹`, en: `${program} cannot be run (${r.detail}): install rsync, or copy to a folder instead` }, { cause: r.cause });
  throw new ReleaseError('ARCHIVE_REPLICATION_FAILED', `${program} ${args.filter((a) => a.startsWith('-')).join(' ')} failed (${r.status}): ${r.detail}`);
}

/**
 * Put a release in the archive: every file of the built tree and the trust
 * documents (checked against the digests the manifest names), then the signed
 * envelope last, so the release is listed only once all its objects are in.
 * The envelope must carry exactly this manifest.
 */
export async function archiveRelease(
  archive: ReleaseArchive,
  treeDir: string,
  manifest: ReleaseManifest,
  envelope: Uint8Array,
  trustFiles: Record<ReleaseTrustFile, Uint8Array>,
): Promise<{ objectsAdded: number; bytesAdded: number }> {
  const inside = unverifiedManifest(envelope, { siteManifests: siteManifestSource(siteManifestBytes(manifest)) });
  if (!inside.ok) throw new ReleaseError('RELEASE_MANIFEST_INVALID', { zh: `无法读取发布签名信封：${inside.message}`, en: `the release envelope cannot be read: ${inside.message}` });
  if (!Buffer.from(canonicalBytes(inside.manifest)).equals(Buffer.from(canonicalBytes(manifest)))) {
    throw new ReleaseError('RELEASE_INVALID_ARGUMENT', { zh: `签名信封中不是这份清单（发布版本 ${inside.manifest.version} 与 ${manifest.version}）：请归档为其签署的信封`, en: `the envelope does not carry this manifest (release ${inside.manifest.version} vs ${manifest.version}): archive the envelope that was signed for it` });
  }
  if (!isAbsolute(treeDir)) treeDir = resolve(treeDir);
  let objectsAdded = 0;
  let bytesAdded = 0;
  for (const name of RELEASE_TRUST_FILES) {
    const bytes = trustFiles[name];
    if (!(bytes instanceof Uint8Array)) throw new ReleaseError('RELEASE_INVALID_ARGUMENT', { zh: `缺少信任文件 ${name}`, en: `the trust document ${name} is missing` });
    const sha = sha256Hex(bytes);
    if (sha !== manifest.trust[name]) throw new ReleaseError('RELEASE_DIGEST_MISMATCH', { zh: `${name} 不是发布版本 ${manifest.version} 签署时所依据的文件（SHA-256 ${sha}）`, en: `${name} is not the document release ${manifest.version} was signed under (SHA-256 ${sha})` });
    if (!archive.has(sha)) {
      archive.putBytes(bytes);
      objectsAdded++;
      bytesAdded += bytes.length;
    }
  }
  const sites = archive.putSiteManifests(manifest);
  objectsAdded += sites.objectsAdded;
  bytesAdded += sites.bytesAdded;
  // Each object's data is flushed as it is stored; the folders' entries once each, before the release is listed.
  const folders = new Set<string>();
  await mapLimit(inside.manifest.files, HASH_CONCURRENCY, async (f) => {
    if (await archive.putFile(join(treeDir, ...f.path.split('/')), f.sha256, { deferDirSync: folders })) {
      objectsAdded++;
      bytesAdded += f.size;
    }
  });
  for (const folder of folders) await syncDir(folder);
  archive.putRelease(manifest.version, envelope);
  syncDirSync(archive.dir);
  return { objectsAdded, bytesAdded };
}

/** What `later` forgot of `earlier` (a withdrawal, a trust version), described, or undefined. */
function memoryLost(earlier: ReleaseLedger, later: ReleaseLedger | undefined, sameCa: boolean): string | undefined {
  if (!later) return 'it has no ledger';
  const kept = new Set(later.withdrawals.map((w) => `${w.entry}\u0000${w.sha256}`));
  const dropped = earlier.withdrawals.find((w) => !kept.has(`${w.entry}\u0000${w.sha256}`));
  if (dropped) return `the withdrawal of ${dropped.entry} (${dropped.record}) is dropped`;
  const lower = sameCa ? LEDGER_TRUST_DOCS.find((d) => later.trust[d] < earlier.trust[d]) : undefined;
  return lower ? `${lower} v${later.trust[lower]} is lower than v${earlier.trust[lower]}` : undefined;
}
