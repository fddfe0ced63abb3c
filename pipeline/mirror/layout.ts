/**
 * The layout of a release tree on a mirror, decided without I/O:
 *
 *     <code>/<path inside the site>                           every manifest file
 *     <code>/.well-known/sealpress/release.dsse.json         the signed release document, in every site
 *     <code>/.well-known/sealpress/site.json                 format 2: this site's manifest (its files
 *                                                             and entries), in this site only
 *     <code>/.well-known/sealpress/trust/<name>              the trust documents, in every site
 *
 * A site manifest holds no version or time: a site unchanged since the last
 * release gets the same bytes (pipeline/release/sites.ts explains the format).
 *
 * Manifests are validated where they are read; this module checks the paths
 * again before anything is written (belt and braces: a deploy writes as the web
 * server's owner, so one `..` would be a write anywhere).
 */
import { MANIFEST_FILE, MIRROR_META_DIR, RELEASE_PAYLOAD_TYPE, SITE_MANIFEST_FILE, type ReleaseManifest } from '../release/manifest.ts';
import { siteManifestBytes } from '../release/sites.ts';
import { MirrorError } from './errors.ts';
import { sha256Hex } from '../fs/index.ts';

export interface TreeFile {
  /** POSIX path relative to the tree. */
  path: string;
  size: number;
  sha256: string;
}

export interface TreeLayout {
  /** Manifest files, in manifest order. */
  files: TreeFile[];
  /** Metadata files written into every site: path → bytes. */
  meta: Map<string, Uint8Array>;
  /** Every folder of the tree, parents before children. */
  dirs: string[];
}

const SHA256 = /^[0-9a-f]{64}$/;
const SITE_CODE = /^[0-9A-Za-z][0-9A-Za-z_-]*$/;
// Trust file names are single plain segments: they become file names on every mirror.
const TRUST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
// Backslash and control characters are legal on POSIX but turn into separators or log injection elsewhere.
const BAD_CHAR = /[\\\u0000-\u001f\u007f]/;

/** Why a relative POSIX path is unsafe to join under a tree, or undefined. */
export function pathProblem(path: string): string | undefined {
  if (path === '') return 'empty path';
  if (path.startsWith('/')) return 'absolute path';
  if (BAD_CHAR.test(path)) return 'backslash or control character';
  for (const segment of path.split('/')) {
    if (segment === '') return 'empty segment (// or trailing /)';
    if (segment === '.' || segment === '..') return `"${segment}" segment`;
  }
  return undefined;
}

export function metaDir(code: string): string {
  return `${code}/${MIRROR_META_DIR}`;
}

/** The metadata files of a site: the envelope, the trust documents, and (format 2, `siteManifest`) the site manifest last. */
export function metaPaths(code: string, trustNames: readonly string[], siteManifest = false): string[] {
  return [`${metaDir(code)}/${MANIFEST_FILE}`, ...trustNames.map((n) => `${metaDir(code)}/trust/${n}`), ...(siteManifest ? [`${metaDir(code)}/${SITE_MANIFEST_FILE}`] : [])];
}

/** Every metadata file a release puts in its sites' folders: path → bytes (the site manifests derived from the manifest). */
export function siteMetaFiles(manifest: ReleaseManifest, envelopeBytes: Uint8Array, trustFiles: Readonly<Record<string, Uint8Array>>): Map<string, Uint8Array> {
  const names = Object.keys(trustFiles).sort();
  const sites = manifest.format === 2 ? siteManifestBytes(manifest) : undefined;
  const out = new Map<string, Uint8Array>();
  for (const site of manifest.sites) {
    const [m, ...rest] = metaPaths(site.code, names, sites !== undefined);
    out.set(m!, envelopeBytes);
    names.forEach((n, i) => out.set(rest[i]!, trustFiles[n]!));
    if (sites) out.set(rest[names.length]!, sites.get(site.code)!);
  }
  return out;
}

/**
 * The envelope must carry this manifest: a mirror whose signed manifest
 * describes other files would fail every verifier. Only the payload is
 * compared here (version and file count); the signature is the caller's job.
 */
function envelopeProblem(envelopeBytes: Uint8Array, manifest: ReleaseManifest): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(envelopeBytes).toString('utf8'));
  } catch {
    return 'the envelope is not JSON';
  }
  if (typeof doc !== 'object' || doc === null) return 'the envelope is not a JSON object';
  const { payloadType, payload } = doc as { payloadType?: unknown; payload?: unknown };
  if (payloadType !== RELEASE_PAYLOAD_TYPE) return `the envelope's payloadType is not ${RELEASE_PAYLOAD_TYPE}`;
  if (typeof payload !== 'string') return 'the envelope has no payload';
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  } catch {
    return 'the envelope payload is not JSON';
  }
  const m = body as (Omit<Partial<ReleaseManifest>, 'sites'> & { sites?: { code?: unknown; manifest?: { sha256?: unknown } }[] }) | null;
  if (m?.version !== manifest.version) return `the envelope carries version ${String(m?.version)}, the manifest is version ${manifest.version}`;
  if (m.format !== manifest.format) return `the envelope is a format-${String(m.format)} release, the manifest format ${manifest.format}`;
  if (manifest.format === 1) return !Array.isArray(m.files) || m.files.length !== manifest.files.length ? 'the envelope lists a different number of files' : undefined;
  // Format 2: the envelope must name exactly the site manifests this manifest makes.
  if (!Array.isArray(m.sites) || m.sites.length !== manifest.sites.length) return 'the envelope lists a different number of sites';
  for (const [code, bytes] of siteManifestBytes(manifest)) {
    const named = m.sites.find((s) => s.code === code)?.manifest?.sha256;
    if (named !== sha256Hex(bytes)) return `the envelope names another site manifest for site ${code} than the manifest's files and entries make`;
  }
  return undefined;
}

/**
 * Checks everything a deploy is about to write and returns the tree to build,
 * or throws MANIFEST_UNSAFE / RELEASE_MISMATCH listing every problem at once.
 */
export function planTree(manifest: ReleaseManifest, envelopeBytes: Uint8Array, trustFiles: Readonly<Record<string, Uint8Array>>): TreeLayout {
  const problems: string[] = [];
  const codes = new Set<string>();
  for (const site of manifest.sites) {
    if (!SITE_CODE.test(site.code)) problems.push(`site code ${JSON.stringify(site.code)} is not a plain folder name`);
    else if (codes.has(site.code)) problems.push(`site ${site.code} is listed twice`);
    codes.add(site.code);
  }
  const trustNames = Object.keys(trustFiles).sort();
  for (const name of trustNames) if (!TRUST_NAME.test(name)) problems.push(`trust file name ${JSON.stringify(name)} is not a plain file name`);

  const files: TreeFile[] = [];
  const filePaths = new Set<string>();
  for (const f of manifest.files) {
    const why = pathProblem(f.path);
    const code = f.path.split('/')[0] ?? '';
    if (why !== undefined) problems.push(`${JSON.stringify(f.path)}: ${why}`);
    else if (!codes.has(code) || !f.path.includes('/')) problems.push(`${JSON.stringify(f.path)}: not inside a site folder of this release`);
    else if (f.path === metaDir(code) || f.path.startsWith(`${metaDir(code)}/`)) problems.push(`${JSON.stringify(f.path)}: inside ${MIRROR_META_DIR}, which holds the signed manifest`);
    else if (filePaths.has(f.path)) problems.push(`${JSON.stringify(f.path)}: listed twice`);
    if (!SHA256.test(f.sha256)) problems.push(`${JSON.stringify(f.path)}: sha256 is not 64 lower-case hex digits`);
    if (!Number.isSafeInteger(f.size) || f.size < 0) problems.push(`${JSON.stringify(f.path)}: size is not a non-negative integer`);
    filePaths.add(f.path);
    files.push({ path: f.path, size: f.size, sha256: f.sha256 });
  }

  const meta = new Map([...siteMetaFiles(manifest, envelopeBytes, trustFiles)].filter(([path]) => SITE_CODE.test(path.split('/')[0]!)));

  // A path that is a file in one place and a folder in another cannot be built.
  const dirs = new Set<string>();
  for (const p of [...filePaths, ...meta.keys()]) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  for (const p of filePaths) if (dirs.has(p)) problems.push(`${JSON.stringify(p)}: both a file and a folder`);
  if (problems.length > 0) {
    throw new MirrorError('MANIFEST_UNSAFE', `release ${manifest.version} cannot be written to a mirror safely:\n  - ${problems.join('\n  - ')}\nThe manifest should have been refused when it was read; rebuild the release.`);
  }

  const mismatch: string[] = [];
  const envelopeWhy = envelopeProblem(envelopeBytes, manifest);
  if (envelopeWhy !== undefined) mismatch.push(envelopeWhy);
  for (const [name, digest] of Object.entries(manifest.trust)) {
    const bytes = trustFiles[name];
    if (bytes === undefined) mismatch.push(`trust file ${name} is not given, the manifest binds it`);
    else if (sha256Hex(bytes) !== digest) mismatch.push(`trust file ${name} is not the one the manifest binds (SHA-256 differs)`);
  }
  for (const name of trustNames) if (!(name in manifest.trust)) mismatch.push(`trust file ${name} is not bound by the manifest`);
  if (mismatch.length > 0) {
    throw new MirrorError('RELEASE_MISMATCH', `release ${manifest.version}: the metadata to publish does not match the manifest:\n  - ${mismatch.join('\n  - ')}\nPass the envelope and trust files of this very release (from the release archive).`);
  }
  // Shallow folders first, so each folder's parent exists when it is made.
  return { files, meta, dirs: [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1)) };
}
