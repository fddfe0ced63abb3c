/**
 * Inspecting a site of an http(s) mirror against a verified manifest, and
 * fetching the metadata a verifier needs from it.
 *
 * What HTTP cannot tell: which files exist that the manifest does not list.
 * There is no listing over HTTP, so an injected page on a web mirror is found
 * only by inspecting the served folder (inspectFolder) on the host itself.
 *
 * Every body is read with a cap (expected size + 1 byte) and aborted past it,
 * so a mirror answering with endless data costs at most that. Redirects are
 * followed only within the same origin (a bounded number of hops); every
 * request has a timeout. `accept-encoding: identity` asks for the bytes as
 * stored; if a server compresses anyway, the decoded bytes are what is capped
 * and hashed.
 */
import { createHash } from 'node:crypto';
import { MANIFEST_FILE, MIRROR_META_DIR, RELEASE_TRUST_FILES, SITE_MANIFEST_FILE, type ReleaseManifest, type ReleaseTrustFile } from '../release/manifest.ts';
import { MirrorError } from './errors.ts';
import type { FileDigest, ModifiedFile } from './inspect.ts';
import { runPool } from './pool.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  fetch?: FetchLike;
  /** Per request, headers and body together. */
  timeoutMs?: number;
  /** Same-origin redirects followed per request. */
  maxRedirects?: number;
}

export interface InspectUrlOptions extends HttpOptions {
  concurrency?: number;
}

export interface UrlFailure {
  path: string;
  url: string;
  reason: string;
}

export interface UrlInspection {
  site: string;
  modified: ModifiedFile[];
  /** Answered 404 or 410. */
  missing: string[];
  /** Could not be checked: another status, a redirect off the origin, a timeout, a network error. A verifier treats these as failures. */
  failed: UrlFailure[];
  filesChecked: number;
  bytesRead: number;
  ms: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** A base URL without trailing slash; only plain http(s). */
export function normaliseBaseUrl(baseUrl: string): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (cause) {
    throw new MirrorError('URL_INVALID', { zh: `${JSON.stringify(baseUrl)} 不是网址。请给出网站的根网址，例如 https://www.example.gov.cn/。`, en: `${JSON.stringify(baseUrl)} is not a URL. Give the site's base URL, e.g. https://www.example.gov.cn/.` }, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MirrorError('URL_INVALID', { zh: `${baseUrl}：只能检查 http 和 https 镜像。`, en: `${baseUrl}: only http and https mirrors can be inspected.` });
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') throw new MirrorError('URL_INVALID', { zh: `${baseUrl}：根网址不能含有用户名密码、查询参数或片段。`, en: `${baseUrl}: a base URL has no credentials, query or fragment.` });
  return url;
}

/** `${base}/a/b.html` with each segment percent-encoded (a Chinese file name becomes UTF-8 %XX, as the server stores it). */
export function fileUrl(base: URL, pathInSite: string): string {
  const prefix = base.href.endsWith('/') ? base.href : `${base.href}/`;
  return prefix + pathInSite.split('/').map(encodeURIComponent).join('/');
}

interface Fetched {
  response: Response;
  controller: AbortController;
  timer: NodeJS.Timeout;
}

/** GET without leaving the origin; the caller must call done() (clears the timer, aborts any unread body). */
async function getSameOrigin(url: string, options: HttpOptions): Promise<Fetched | { failure: string }> {
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  const origin = new URL(url).origin;
  let current = url;
  try {
    for (let hop = 0; ; hop++) {
      const response = await doFetch(current, { redirect: 'manual', signal: controller.signal, headers: { 'accept-encoding': 'identity' } });
      if (response.status < 300 || response.status >= 400 || response.status === 304) return { response, controller, timer };
      await response.body?.cancel();
      const location = response.headers.get('location');
      if (location === null) return fail(`redirect ${response.status} without a Location`);
      const next = new URL(location, current);
      if (next.origin !== origin) return fail(`redirects to another origin (${next.origin})`);
      if (hop >= (options.maxRedirects ?? 3)) return fail('too many redirects');
      current = next.href;
    }
  } catch (error) {
    return fail(controller.signal.aborted ? String((controller.signal.reason as Error | undefined)?.message ?? 'aborted') : (error as Error).message);
  }
  function fail(failure: string): { failure: string } {
    clearTimeout(timer);
    controller.abort();
    return { failure };
  }
}

function done(f: Fetched): void {
  clearTimeout(f.timer);
  f.controller.abort();
}

/** Reads at most `cap` bytes of a body, feeding each chunk to `sink`; returns the count, cap + 1 meaning "more than cap". */
async function readCapped(response: Response, cap: number, sink: (chunk: Uint8Array) => void): Promise<number> {
  if (response.body === null) return 0;
  const reader = response.body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done: end, value } = await reader.read();
      if (end) return total;
      const room = cap - total;
      if (value.length > room) {
        if (room > 0) sink(value.subarray(0, room));
        return cap + 1;
      }
      sink(value);
      total += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

async function checkOne(url: string, path: string, expected: FileDigest, options: HttpOptions): Promise<{ modified?: ModifiedFile; missing?: true; failed?: string; bytesRead: number }> {
  const got = await getSameOrigin(url, options);
  if ('failure' in got) return { failed: got.failure, bytesRead: 0 };
  try {
    const { response } = got;
    if (response.status === 404 || response.status === 410) return { missing: true, bytesRead: 0 };
    if (response.status !== 200) return { failed: `HTTP ${response.status}`, bytesRead: 0 };
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > expected.size && response.headers.get('content-encoding') === null) {
      return { modified: { path, expected, actual: { size: declared, sha256: null }, reason: 'larger' }, bytesRead: 0 };
    }
    const hash = createHash('sha256');
    const size = await readCapped(response, expected.size, (chunk) => hash.update(chunk));
    const bytesRead = Math.min(size, expected.size);
    if (size > expected.size) return { modified: { path, expected, actual: { size, sha256: null }, reason: 'larger' }, bytesRead };
    const sha256 = hash.digest('hex');
    if (size < expected.size) return { modified: { path, expected, actual: { size, sha256 }, reason: 'size' }, bytesRead };
    if (sha256 !== expected.sha256) return { modified: { path, expected, actual: { size, sha256 }, reason: 'content' }, bytesRead };
    return { bytesRead };
  } catch (error) {
    return { failed: got.controller.signal.aborted ? String((got.controller.signal.reason as Error | undefined)?.message ?? 'aborted') : (error as Error).message, bytesRead: 0 };
  } finally {
    done(got);
  }
}

/**
 * Checks every file of one site (`<code>/x/y.html` → `${baseUrl}/x/y.html`)
 * against the manifest. Extra files cannot be found over HTTP (see above).
 */
export async function inspectUrl(baseUrl: string, site: string, manifest: ReleaseManifest, options: InspectUrlOptions = {}): Promise<UrlInspection> {
  const started = performance.now();
  const base = normaliseBaseUrl(baseUrl);
  if (!manifest.sites.some((s) => s.code === site)) throw new MirrorError('URL_INVALID', { zh: `站点 ${site} 不在发布版本 ${manifest.version} 中；其站点为 ${manifest.sites.map((s) => s.code).join(', ')}。`, en: `site ${site} is not in release ${manifest.version}; the sites are ${manifest.sites.map((s) => s.code).join(', ')}.` });
  const files = manifest.files.filter((f) => f.path.startsWith(`${site}/`));
  const modified: ModifiedFile[] = [];
  const missing: string[] = [];
  const failed: UrlFailure[] = [];
  let bytesRead = 0;
  await runPool(files, options.concurrency ?? 8, async (f) => {
    const url = fileUrl(base, f.path.slice(site.length + 1));
    const r = await checkOne(url, f.path, { size: f.size, sha256: f.sha256 }, options);
    bytesRead += r.bytesRead;
    if (r.modified !== undefined) modified.push(r.modified);
    if (r.missing === true) missing.push(f.path);
    if (r.failed !== undefined) failed.push({ path: f.path, url, reason: r.failed });
  });
  const byPath = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return {
    site,
    modified: modified.sort((a, b) => byPath(a.path, b.path)),
    missing: missing.sort(byPath),
    failed: failed.sort((a, b) => byPath(a.path, b.path)),
    filesChecked: files.length,
    bytesRead,
    ms: Math.round(performance.now() - started),
  };
}

export interface MirrorMeta {
  envelope: Uint8Array;
  trust: Record<ReleaseTrustFile, Uint8Array>;
  /** This site's manifest (format 2); absent when the mirror serves none (a format-1 release has none). */
  siteManifest?: Uint8Array;
}

export interface FetchMetaOptions extends HttpOptions {
  /** Cap on the signed manifest (format 1 lists every file of the group; format 2 only the sites). */
  maxEnvelopeBytes?: number;
  /** Cap on the site manifest (it lists the files and entries of this site). */
  maxSiteManifestBytes?: number;
  maxTrustFileBytes?: number;
}

/** Default caps: a manifest of 100,000 files is about 15 MB as a DSSE envelope; trust documents are small. */
export const MAX_MIRROR_ENVELOPE_BYTES = 32 * 1024 * 1024;
export const MAX_MIRROR_TRUST_FILE_BYTES = 1024 * 1024;

async function fetchCapped(url: string, cap: number, options: HttpOptions, optional: true): Promise<Uint8Array | undefined>;
async function fetchCapped(url: string, cap: number, options: HttpOptions): Promise<Uint8Array>;
async function fetchCapped(url: string, cap: number, options: HttpOptions, optional = false): Promise<Uint8Array | undefined> {
  const got = await getSameOrigin(url, options);
  if ('failure' in got) throw new MirrorError('META_UNAVAILABLE', { zh: `${url}：${got.failure}。镜像未提供其已签名的元数据；请重新部署。`, en: `${url}: ${got.failure}. The mirror does not serve its signed metadata; redeploy it.` }, { file: url });
  try {
    if (optional && (got.response.status === 404 || got.response.status === 410)) return undefined;
    if (got.response.status !== 200) throw new MirrorError('META_UNAVAILABLE', { zh: `${url}：HTTP ${got.response.status}。镜像未提供其已签名的元数据；请重新部署。`, en: `${url}: HTTP ${got.response.status}. The mirror does not serve its signed metadata; redeploy it.` }, { file: url });
    const chunks: Uint8Array[] = [];
    const size = await readCapped(got.response, cap, (c) => chunks.push(c));
    if (size > cap) throw new MirrorError('META_UNAVAILABLE', { zh: `${url}：大于 ${cap} 字节；未读取即拒绝（镜像不能让核验方无休止地读取）。`, en: `${url}: larger than ${cap} bytes; refused unread (a mirror cannot make a verifier read without end).` }, { file: url });
    return Buffer.concat(chunks);
  } catch (error) {
    if (error instanceof MirrorError) throw error;
    throw new MirrorError('META_UNAVAILABLE', `${url}: ${(error as Error).message}`, { cause: error, file: url });
  } finally {
    done(got);
  }
}

/**
 * Fetches `<base>/.well-known/sealpress/release.dsse.json`, the trust files and
 * this site's `site.json` (format 2; a 404 leaves it out, as for a format-1
 * mirror), unverified (the caller verifies). No other site's metadata is fetched.
 */
export async function fetchMirrorMeta(baseUrl: string, options: FetchMetaOptions = {}): Promise<MirrorMeta> {
  const base = normaliseBaseUrl(baseUrl);
  const envelope = await fetchCapped(fileUrl(base, `${MIRROR_META_DIR}/${MANIFEST_FILE}`), options.maxEnvelopeBytes ?? MAX_MIRROR_ENVELOPE_BYTES, options);
  const trust = {} as Record<ReleaseTrustFile, Uint8Array>;
  for (const name of RELEASE_TRUST_FILES) {
    trust[name] = await fetchCapped(fileUrl(base, `${MIRROR_META_DIR}/trust/${name}`), options.maxTrustFileBytes ?? MAX_MIRROR_TRUST_FILE_BYTES, options);
  }
  const siteManifest = await fetchCapped(fileUrl(base, `${MIRROR_META_DIR}/${SITE_MANIFEST_FILE}`), options.maxSiteManifestBytes ?? MAX_MIRROR_ENVELOPE_BYTES, options, true);
  return siteManifest === undefined ? { envelope, trust } : { envelope, trust, siteManifest };
}
