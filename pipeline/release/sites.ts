/**
 * Release format 2: a small signed release document, and one site manifest per
 * site named in it by digest.
 *
 * Why. Format 1 signed one document listing every file and every entry of the
 * whole group, and every site folder of a mirror carried a copy of it, so a
 * verifier reaching one site over HTTP could check that site. Metadata per
 * mirror grew with entries × sites: at 50,000 entries and 41 sites, a 21.5 MB
 * manifest copied 41 times (~880 MB), all of it rewritten by every release,
 * whichever site changed.
 *
 * Format 2 keeps the one signature and the one version number (rollback and
 * freeze protection stay group-wide, as TUF's snapshot/targets split keeps them)
 * but splits what it covers:
 *
 *   release document (the DSSE payload, `<code>/.well-known/sealpress/release.dsse.json`
 *     in every site): type, format 2, version, group, createdAt, expires, commit,
 *     rollbackOf, trust digests, audit head, ledger, and the sites, each with the
 *     SHA-256 and size of its site manifest. No files, no entries.
 *   site manifest (canonical JSON, `<code>/.well-known/sealpress/site.json`, only in
 *     that site's folder): type 'site-manifest', format 2, the site code, that site's
 *     files and entries. No version, no time, no trust digest: a site whose files and
 *     entries did not change has a byte-identical site manifest in the next release
 *     (the same digest, the same archive object, a file a deploy can keep).
 *
 * Metadata per mirror is then Σ site manifests (∝ files + entries, each listed
 * once) + sites × (release document + trust documents), where the release
 * document is ∝ sites + ledger, not ∝ entries. A release that changes one site
 * writes one new site manifest; the others' bytes stay as they were.
 *
 * Verifying: the envelope is checked as before (signature, trust binding,
 * signers, time); then each site manifest to be used must have exactly the size
 * and SHA-256 the signed document names for that site (a manifest of another
 * site, of an older release, or edited, is refused: RELEASE_SITE_MANIFEST_MISMATCH),
 * and, being signed by digest, must read strictly: its own site code, no field
 * this version does not know, paths sorted and unique, every path inside the
 * site. A verifier of one site reads that site's manifest only; the other sites'
 * are not needed (nor fetched). After verification the release is expanded to
 * the ReleaseManifest shape of format 1 (files and entries of the sites read),
 * so the archive, restore, rollback and the reports use one shape.
 */
import { canonicalBytes, parseStrictJsonBytes } from '../trust/canonical.ts';
import type { Read } from '../trust/documents.ts';
import { Reader, SITE_CODE, type Json } from '../trust/schema.ts';
import { sha256Hex } from '../fs/index.ts';
import type { ManifestEntry, ManifestFile, ManifestSite, ReleaseManifest } from './manifest.ts';
import { digest, fail, readEntries, readFiles, readManifest, readReleaseHead, readSites, type ReleaseHead } from './read.ts';

export const SITE_MANIFEST_TYPE = 'site-manifest';
/** A site of 100,000 pages is ~15 MB of site manifest; past this it is an attack on the verifier. */
export const MAX_SITE_MANIFEST_BYTES = 64 * 1024 * 1024;

export interface SiteManifestRef {
  /** SHA-256 (hex) of the site manifest's bytes. */
  sha256: string;
  size: number;
}

export interface ReleaseDocumentSite extends ManifestSite {
  manifest: SiteManifestRef;
}

/** The signed payload of a format-2 release. */
export type ReleaseDocument = ReleaseHead & { type: 'release'; format: 2; sites: ReleaseDocumentSite[] };

export interface SiteManifest {
  type: typeof SITE_MANIFEST_TYPE;
  format: 2;
  site: string;
  files: ManifestFile[];
  entries: ManifestEntry[];
}

/** The bytes of a site manifest, by the digest the release document names (and the site it names it for); undefined when not available. */
export type SiteManifestSource = (sha256: string, site: string) => Uint8Array | undefined;

/** Which sites' manifests to read: all (default), these, or those chosen from the signed site list. */
export type SiteSelection = readonly string[] | ((sites: readonly ManifestSite[]) => readonly string[]);

const siteOfPath = (path: string): string => path.slice(0, path.indexOf('/'));

/**
 * Each site's site manifest bytes, by release in memory: a publish asks for
 * them at every step (sign, check, archive, each mirror's layout), and at
 * 10,000 entries each encoding of 29,000 files costs about 0.15 s. A release
 * whose lists were replaced since is encoded again; the lists' items are
 * never changed in place (a changed release is a new object).
 */
const encodedSites = new WeakMap<ReleaseManifest, { sites: unknown; files: unknown; entries: unknown; bytes: Map<string, Uint8Array> }>();

/** Each site's canonical site manifest bytes (in site order), from a release in memory. */
export function siteManifestBytes(manifest: ReleaseManifest): Map<string, Uint8Array> {
  const known = encodedSites.get(manifest);
  if (known && known.sites === manifest.sites && known.files === manifest.files && known.entries === manifest.entries) return new Map(known.bytes);
  const bytes = encodeSiteManifests(manifest);
  encodedSites.set(manifest, { sites: manifest.sites, files: manifest.files, entries: manifest.entries, bytes });
  return new Map(bytes);
}

function encodeSiteManifests(manifest: ReleaseManifest): Map<string, Uint8Array> {
  const files = new Map<string, ManifestFile[]>(manifest.sites.map((s) => [s.code, []]));
  const entries = new Map<string, ManifestEntry[]>(manifest.sites.map((s) => [s.code, []]));
  for (const f of manifest.files) files.get(siteOfPath(f.path))?.push(f);
  for (const e of manifest.entries) entries.get(e.site)?.push(e);
  const out = new Map<string, Uint8Array>();
  for (const s of manifest.sites) {
    const doc: SiteManifest = { type: SITE_MANIFEST_TYPE, format: 2, site: s.code, files: files.get(s.code)!, entries: entries.get(s.code)! };
    out.set(s.code, canonicalBytes(doc));
  }
  return out;
}

/** The signed document of a format-2 release and its site manifests' bytes, from the release in memory. */
export function splitRelease(manifest: ReleaseManifest): { document: ReleaseDocument; siteManifests: Map<string, Uint8Array> } {
  const siteManifests = siteManifestBytes(manifest);
  const { files: _f, entries: _e, sites, format: _v, type: _t, ...head } = manifest;
  const document: ReleaseDocument = {
    type: 'release',
    format: 2,
    ...head,
    sites: sites.map((s) => {
      const bytes = siteManifests.get(s.code)!;
      return { code: s.code, name: s.name, domain: s.domain, manifest: { sha256: sha256Hex(bytes), size: bytes.length } };
    }),
  };
  return { document, siteManifests };
}

/** A source answering from site manifest bytes at hand (by digest). */
export function siteManifestSource(siteManifests: ReadonlyMap<string, Uint8Array> | readonly Uint8Array[]): SiteManifestSource {
  const byDigest = new Map<string, Uint8Array>();
  for (const bytes of siteManifests.values()) byDigest.set(sha256Hex(bytes), bytes);
  return (sha) => byDigest.get(sha);
}

/** The signed payload of a format-2 release, strictly for the sites (their manifest references), loosely for other top-level fields (as format 1). */
export function readReleaseDocument(value: unknown): Read<ReleaseDocument> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return fail(r);
  r.literal(o, 'type', '', 'release');
  r.literal(o, 'format', '', 2);
  // Not "unknown, left alone": a list of files here would be a binding this document does not make.
  for (const key of ['files', 'entries']) if (o[key] !== undefined) r.problem(key, 'is not part of a format-2 release document (the files and entries are in the site manifests)');
  const head = readReleaseHead(r, o);
  const plain = readSites(r, o, ['manifest']);
  const sites: ReleaseDocumentSite[] = [];
  const list = Array.isArray(o.sites) ? (o.sites as unknown[]) : [];
  plain?.forEach((s, i) => {
    const at = `sites[${i}].manifest`;
    const mo = r.object((list[i] as Json).manifest, at);
    if (!mo) return;
    r.onlyKnown(mo, at, ['sha256', 'size']);
    const sha256 = digest(r, mo, 'sha256', at);
    const size = r.integer(mo, 'size', at, 2, MAX_SITE_MANIFEST_BYTES);
    if (sha256 !== undefined && size !== undefined) sites.push({ ...s, manifest: { sha256, size } });
  });
  if (!head || !plain || sites.length !== plain.length || r.problems.length > 0) return fail(r);
  return { ok: true, value: { type: 'release', format: 2, ...head, sites } };
}

/** A site manifest (its bytes already matched to the signed digest): strictly, for the site `code`. */
export function readSiteManifest(value: unknown, code: string): Read<SiteManifest> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return fail(r);
  r.onlyKnown(o, '', ['type', 'format', 'site', 'files', 'entries']);
  r.literal(o, 'type', '', SITE_MANIFEST_TYPE);
  r.literal(o, 'format', '', 2);
  const site = r.string(o, 'site', '', { pattern: SITE_CODE, hint: 'an 11-digit site code' });
  if (site !== undefined && site !== code) r.problem('site', `is ${site}, but the release document names this manifest for site ${code}`);
  // Paths and entries are checked against this one site: a path of another site is outside it.
  const codes = new Set([code]);
  const files = readFiles(r, o, codes);
  const entries = readEntries(r, o, codes);
  if (site === undefined || !files || !entries || r.problems.length > 0) return fail(r);
  return { ok: true, value: { type: SITE_MANIFEST_TYPE, format: 2, site, files, entries } };
}

export type SiteManifestProblemCode = 'RELEASE_SITE_MANIFEST_MISSING' | 'RELEASE_SITE_MANIFEST_MISMATCH' | 'RELEASE_MALFORMED';

export interface SiteManifestProblem {
  code: SiteManifestProblemCode;
  site: string;
  message: string;
  /** The message in Chinese. */
  zh: string;
}

const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The codes `selection` picks among the document's sites (unknown codes are ignored), in site order. */
export function selectedSites(sites: readonly ManifestSite[], selection: SiteSelection | undefined): string[] {
  if (selection === undefined) return sites.map((s) => s.code);
  const wanted = new Set(typeof selection === 'function' ? selection(sites) : selection);
  return sites.filter((s) => wanted.has(s.code)).map((s) => s.code);
}

/**
 * The release in memory: the signed document with the files and entries of
 * the selected sites' manifests, each checked against the size and digest the
 * document names, then read strictly. Every problem is reported.
 */
export function expandRelease(document: ReleaseDocument, source: SiteManifestSource | undefined, selection?: SiteSelection): { ok: true; manifest: ReleaseManifest; sites: string[] } | { ok: false; problems: SiteManifestProblem[] } {
  const problems: SiteManifestProblem[] = [];
  const files: ManifestFile[] = [];
  const entries: ManifestEntry[] = [];
  const codes = selectedSites(document.sites, selection);
  for (const code of codes) {
    const ref = document.sites.find((s) => s.code === code)!.manifest;
    const where = `the site manifest of ${code}`;
    const whereZh = `站点 ${code} 的站点清单`;
    const bytes = source?.(ref.sha256, code);
    if (bytes === undefined) {
      problems.push({ code: 'RELEASE_SITE_MANIFEST_MISSING', site: code, message: `${where} (SHA-256 ${ref.sha256.slice(0, 16)}…) is not available`, zh: `${whereZh}（SHA-256 ${ref.sha256.slice(0, 16)}…）不可用` });
      continue;
    }
    if (bytes.length !== ref.size || sha256Hex(bytes) !== ref.sha256) {
      problems.push({
        code: 'RELEASE_SITE_MANIFEST_MISMATCH',
        site: code,
        message: `${where} is not the one release ${document.version} names (${bytes.length} bytes, SHA-256 ${sha256Hex(bytes).slice(0, 16)}…; signed: ${ref.size} bytes, ${ref.sha256.slice(0, 16)}…): it was edited, or belongs to another site or another release`,
        zh: `${whereZh}不是发布版本 ${document.version} 所指定的那份（${bytes.length} 字节，SHA-256 ${sha256Hex(bytes).slice(0, 16)}…；签署时：${ref.size} 字节，${ref.sha256.slice(0, 16)}…）：已被改动，或属于其他站点、其他发布版本`,
      });
      continue;
    }
    const json = parseStrictJsonBytes(bytes);
    const read = json.ok ? readSiteManifest(json.value, code) : { ok: false as const, problems: [`not well-formed JSON: ${json.message}`] };
    if (!read.ok) {
      const shown = read.problems.slice(0, 20).join('; ');
      const more = read.problems.length > 20 ? read.problems.length - 20 : 0;
      problems.push({ code: 'RELEASE_MALFORMED', site: code, message: `${where} breaks the schema: ${shown}${more ? ` (and ${more} more)` : ''}`, zh: `${whereZh}不符合格式要求：${shown}${more ? `（另有 ${more} 处）` : ''}` });
      continue;
    }
    files.push(...read.value.files);
    entries.push(...read.value.entries);
  }
  if (problems.length > 0) return { ok: false, problems };
  const { sites, format: _f, type: _t, ...head } = document;
  const { commit, rollbackOf, audit, ledger, ...rest } = head;
  const manifest: ReleaseManifest = {
    type: 'release',
    format: 2,
    ...rest,
    sites: sites.map((s) => ({ code: s.code, name: s.name, domain: s.domain })),
    files: files.sort(byPath),
    entries: entries.sort(byPath),
  };
  if (commit !== undefined) manifest.commit = commit;
  if (rollbackOf !== undefined) manifest.rollbackOf = rollbackOf;
  if (audit !== undefined) manifest.audit = audit;
  if (ledger !== undefined) manifest.ledger = ledger;
  return { ok: true, manifest, sites: codes };
}

/** A signed payload (parsed JSON) read by its format: format 1 in full, format 2 as its release document. */
export function readReleasePayload(value: unknown): { ok: true; format: 1; manifest: ReleaseManifest } | { ok: true; format: 2; document: ReleaseDocument } | { ok: false; problems: string[] } {
  const format = typeof value === 'object' && value !== null ? (value as Json).format : undefined;
  if (format === 2) {
    const read = readReleaseDocument(value);
    return read.ok ? { ok: true, format: 2, document: read.value } : read;
  }
  const read = readManifest(value);
  if (!read.ok) return read;
  // In memory a format-2 release has the format-1 shape; signed, format 2 is always a release document.
  if (read.value.format !== 1) return { ok: false, problems: ['format: must be 1 or 2'] };
  return { ok: true, format: 1, manifest: read.value };
}
