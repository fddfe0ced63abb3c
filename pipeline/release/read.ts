/**
 * Reading a release manifest: hostile input (it comes from a mirror, or from
 * bytes whose signature is still to be checked). Every problem is collected
 * and reported at once (STYLE 8); the result is a typed copy of the known
 * fields. Unknown top-level fields are left alone (they stay in the signed
 * bytes; a later version may read them), but unknown fields inside `trust`,
 * `audit`, a site, a file, an entry or the `ledger` are refused: there they
 * would be a binding (or a memory) this version cannot check.
 */
import type { Read } from '../trust/documents.ts';
import { join, PERSON_ID, Reader, SHA256_HEX, SITE_CODE, type Json } from '../trust/schema.ts';
import { releasePathProblem, segmentProblem } from './paths.ts';
import {
  LEDGER_TRUST_DOCS,
  RELEASE_TRUST_FILES,
  type ReleaseFormat,
  type LedgerTrustDoc,
  type LedgerWithdrawal,
  type ManifestEntry,
  type ManifestFile,
  type ManifestSite,
  type ReleaseLedger,
  type ReleaseManifest,
  type ReleaseTrustFile,
} from './manifest.ts';

/** A group of 10,000 entries has ~40,000 files; this leaves room without letting a mirror exhaust memory. */
export const MAX_MANIFEST_FILES = 2_000_000;
export const MAX_MANIFEST_ENTRIES = 500_000;
export const MAX_MANIFEST_SITES = 10_000;
/** Version numbers are file names in the archive (10 digits). */
/** The longest a release may stay valid (sealpress publish --expires-in allows up to 366 days). */
export const MAX_RELEASE_LIFETIME_MS = 366 * 86_400_000;
export const MAX_RELEASE_VERSION = 9_999_999_999;
/** Largest file size a manifest may state (1 TiB): beyond it, an "endless data" attack, not a web page. */
export const MAX_FILE_SIZE = 2 ** 40;

const COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function fail(r: Reader): { ok: false; problems: string[] } {
  return { ok: false, problems: r.problems.length ? r.problems : ['unreadable'] };
}

export function digest(r: Reader, o: Json, key: string, at: string): string | undefined {
  return r.string(o, key, at, { pattern: SHA256_HEX, hint: 'a SHA-256 digest (64 lower-case hex digits)', max: 64 });
}

/** The fields format 1 and format 2 share: everything but the sites, files and entries. */
export type ReleaseHead = Omit<ReleaseManifest, 'type' | 'format' | 'sites' | 'files' | 'entries'>;

/** Reads the shared top-level fields into `r`; undefined when a required one is missing (the problems are in `r`). */
export function readReleaseHead(r: Reader, o: Json): ReleaseHead | undefined {
  const version = r.integer(o, 'version', '', 1, MAX_RELEASE_VERSION);
  const group = r.string(o, 'group', '', { max: 200 });
  const createdAt = r.instant(o, 'createdAt', '');
  const expires = r.instant(o, 'expires', '');
  if (createdAt && expires && expires.t <= createdAt.t) r.problem('expires', `${expires.text} is not after createdAt ${createdAt.text}`);
  // A release that never expires would defeat freeze protection; a year is the most any signer may promise.
  if (createdAt && expires && expires.t - createdAt.t > MAX_RELEASE_LIFETIME_MS) r.problem('expires', `${expires.text} is more than 366 days after createdAt ${createdAt.text}`);
  const commit = r.optionalString(o, 'commit', '', { pattern: COMMIT, hint: 'a git commit id (40 or 64 lower-case hex digits)', max: 64 });
  let rollbackOf: number | undefined;
  if (o.rollbackOf !== undefined) {
    rollbackOf = r.integer(o, 'rollbackOf', '', 1, MAX_RELEASE_VERSION);
    if (rollbackOf !== undefined && version !== undefined && rollbackOf >= version) {
      r.problem('rollbackOf', `is ${rollbackOf}, but a rollback republishes an earlier release as a higher version (${version})`);
    }
  }

  const trust = readTrust(r, o);
  let audit: { seq: number; hash: string } | undefined;
  if (o.audit !== undefined) {
    const ao = r.object(o.audit, 'audit');
    if (ao) {
      r.onlyKnown(ao, 'audit', ['seq', 'hash']);
      const seq = r.integer(ao, 'seq', 'audit', 0);
      const hash = digest(r, ao, 'hash', 'audit');
      if (seq !== undefined && hash !== undefined) audit = { seq, hash };
    }
  }
  const ledger = o.ledger === undefined ? undefined : readLedger(r, o.ledger);
  if (version === undefined || group === undefined || !createdAt || !expires || !trust) return undefined;
  const head: ReleaseHead = { version, group, createdAt: createdAt.text, expires: expires.text, trust };
  if (commit !== undefined) head.commit = commit;
  if (rollbackOf !== undefined) head.rollbackOf = rollbackOf;
  if (audit !== undefined) head.audit = audit;
  if (ledger !== undefined) head.ledger = ledger;
  return head;
}

/**
 * A release manifest in the shape of format 1 (every file and entry inline):
 * a format-1 payload, or a release of either format as held in memory
 * (`format` 1 or 2; checkedManifest runs this before signing). A signed
 * format-2 payload is read with readReleaseDocument instead (pipeline/release/sites.ts).
 */
export function readManifest(value: unknown): Read<ReleaseManifest> {
  const r = new Reader();
  const o = r.object(value, '');
  if (!o) return fail(r);
  r.literal(o, 'type', '', 'release');
  if (o.format !== 1 && o.format !== 2) r.problem('format', `must be 1 or 2, not ${JSON.stringify(o.format)?.slice(0, 40)}`);
  const head = readReleaseHead(r, o);
  const sites = readSites(r, o);
  const codes = new Set((sites ?? []).map((s) => s.code));
  const files = readFiles(r, o, codes);
  const entries = readEntries(r, o, codes);

  if (!head || !sites || !files || !entries || r.problems.length > 0) return fail(r);
  const { commit, rollbackOf, audit, ledger, ...rest } = head;
  const manifest: ReleaseManifest = { type: 'release', format: o.format as ReleaseFormat, ...rest, sites, files, entries };
  if (commit !== undefined) manifest.commit = commit;
  if (rollbackOf !== undefined) manifest.rollbackOf = rollbackOf;
  if (audit !== undefined) manifest.audit = audit;
  if (ledger !== undefined) manifest.ledger = ledger;
  return { ok: true, value: manifest };
}

/** Path problems of a repo-relative path under content/ (an entry, or a record when `record`), or undefined. */
export function contentPathProblem(path: string, record: boolean): string | undefined {
  const segments = path.split('/');
  const bad = path.startsWith('/') ? 'is absolute' : segments.map(segmentProblem).find((p) => p !== undefined);
  if (bad !== undefined) return bad;
  if (segments[0] !== 'content' || segments.length < (record ? 2 : 4)) return record ? 'is not a file under content/' : 'is not content/<site>/<column>/<file>';
  return undefined;
}

/**
 * The ledger, strictly: it is the gate's memory, so a field this version
 * does not know, a duplicate or a malformed withdrawal refuses the manifest
 * rather than being forgotten.
 */
function readLedger(r: Reader, value: unknown): ReleaseLedger | undefined {
  const lo = r.object(value, 'ledger');
  if (!lo) return undefined;
  r.onlyKnown(lo, 'ledger', ['withdrawals', 'trust']);
  const to = r.object(lo.trust, 'ledger.trust');
  const trust: Partial<Record<LedgerTrustDoc, number>> = {};
  if (to) {
    r.onlyKnown(to, 'ledger.trust', LEDGER_TRUST_DOCS);
    for (const doc of LEDGER_TRUST_DOCS) {
      const v = r.integer(to, doc, 'ledger.trust', 1);
      if (v !== undefined) trust[doc] = v;
    }
  }
  const list = r.array(lo, 'withdrawals', 'ledger', 0, MAX_MANIFEST_ENTRIES);
  const withdrawals: LedgerWithdrawal[] = [];
  const seen = new Set<string>();
  let previous: string | undefined;
  list?.forEach((w, i) => {
    const at = `ledger.withdrawals[${i}]`;
    const wo = r.object(w, at);
    if (!wo) return;
    r.onlyKnown(wo, at, ['entry', 'site', 'signedAt', 'signer', 'record', 'sha256']);
    const entry = r.string(wo, 'entry', at, { max: 1024 });
    const site = r.string(wo, 'site', at, { pattern: SITE_CODE, hint: 'an 11-digit site code' });
    const signedAt = r.instant(wo, 'signedAt', at);
    const signer = r.string(wo, 'signer', at, { pattern: PERSON_ID, hint: 'a person id' });
    const record = r.string(wo, 'record', at, { max: 1024 });
    const sha256 = digest(r, wo, 'sha256', at);
    for (const [key, path, isRecord] of [['entry', entry, false], ['record', record, true]] as const) {
      const bad = path === undefined ? undefined : contentPathProblem(path, isRecord);
      if (bad !== undefined) r.problem(join(at, key), `${JSON.stringify(path!.slice(0, 120))} ${bad}`);
    }
    if (entry !== undefined && site !== undefined && entry.split('/')[1] !== site) r.problem(join(at, 'site'), `${site} is not the site of ${JSON.stringify(entry.slice(0, 120))}`);
    if (entry === undefined || site === undefined || !signedAt || signer === undefined || record === undefined || sha256 === undefined) return;
    const key = ledgerKey({ entry, record, sha256 });
    if (seen.has(`${entry}\u0000${sha256}`)) r.problem(at, `the withdrawal ${sha256.slice(0, 16)}… of ${JSON.stringify(entry.slice(0, 120))} is listed twice`);
    else if (previous !== undefined && !(previous < key)) r.problem(at, 'is out of order: withdrawals are sorted by entry, record and digest');
    seen.add(`${entry}\u0000${sha256}`);
    previous = key;
    withdrawals.push({ entry, site, signedAt: signedAt.text, signer, record, sha256 });
  });
  if (!list || withdrawals.length !== list.length || !LEDGER_TRUST_DOCS.every((d) => trust[d] !== undefined)) return undefined;
  return { withdrawals, trust: trust as Record<LedgerTrustDoc, number> };
}

/** The order of ledger withdrawals (JavaScript string order of entry, record, digest). */
export function ledgerKey(w: Pick<LedgerWithdrawal, 'entry' | 'record' | 'sha256'>): string {
  return `${w.entry}\u0000${w.record}\u0000${w.sha256}`;
}

function readTrust(r: Reader, o: Json): Record<ReleaseTrustFile, string> | undefined {
  const to = r.object(o.trust, 'trust');
  if (!to) return undefined;
  r.onlyKnown(to, 'trust', RELEASE_TRUST_FILES);
  const out: Partial<Record<ReleaseTrustFile, string>> = {};
  for (const name of RELEASE_TRUST_FILES) {
    const d = digest(r, to, name, 'trust');
    if (d !== undefined) out[name] = d;
  }
  return RELEASE_TRUST_FILES.every((n) => out[n] !== undefined) ? (out as Record<ReleaseTrustFile, string>) : undefined;
}

/** The site list; with `extra`, the further keys a site may have (read by the caller). */
export function readSites(r: Reader, o: Json, extra: readonly string[] = []): ManifestSite[] | undefined {
  const list = r.array(o, 'sites', '', 1, MAX_MANIFEST_SITES);
  if (!list) return undefined;
  const out: ManifestSite[] = [];
  const seen = new Set<string>();
  list.forEach((s, i) => {
    const at = `sites[${i}]`;
    const so = r.object(s, at);
    if (!so) return;
    r.onlyKnown(so, at, ['code', 'name', 'domain', ...extra]);
    const code = r.string(so, 'code', at, { pattern: SITE_CODE, hint: 'an 11-digit site code' });
    const name = r.string(so, 'name', at, { max: 200 });
    const domain = r.string(so, 'domain', at, { pattern: DOMAIN, hint: 'a lower-case domain name', max: 253 });
    if (code !== undefined && seen.has(code)) r.problem(`${at}.code`, `${code} is listed twice`);
    if (code !== undefined) seen.add(code);
    if (code !== undefined && name !== undefined && domain !== undefined) out.push({ code, name, domain });
  });
  return out.length === list.length ? out : undefined;
}

export function readFiles(r: Reader, o: Json, codes: ReadonlySet<string>): ManifestFile[] | undefined {
  const list = r.array(o, 'files', '', 0, MAX_MANIFEST_FILES);
  if (!list) return undefined;
  const out: ManifestFile[] = [];
  let previous: string | undefined;
  let ok = true;
  // A manifest of a million bad paths would make a million-line report; past this many, say how many more.
  const MAX_REPORTED = 50;
  let reported = 0;
  const problem = (where: string, message: string) => {
    ok = false;
    if (reported++ < MAX_REPORTED) r.problem(where, message);
  };
  list.forEach((f, i) => {
    const at = `files[${i}]`;
    if (typeof f !== 'object' || f === null || Array.isArray(f)) return problem(at, 'must be an object');
    const fo = f as Json;
    const keys = Object.keys(fo);
    if (keys.length !== 3 || !keys.every((k) => k === 'path' || k === 'size' || k === 'sha256')) {
      return problem(at, 'must have exactly the fields path, size and sha256');
    }
    const { path, size, sha256 } = fo;
    if (typeof path !== 'string') return problem(`${at}.path`, 'must be a string');
    const bad = releasePathProblem(path, codes);
    if (bad !== undefined) return problem(`${at}.path`, `${JSON.stringify(path.slice(0, 120))} ${bad}`);
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_FILE_SIZE) {
      return problem(`${at}.size`, `must be a whole number of bytes from 0 to ${MAX_FILE_SIZE}`);
    }
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return problem(`${at}.sha256`, 'must be a SHA-256 digest (64 lower-case hex digits)');
    // Sorted and unique in one check: a duplicate would let two different contents claim one path.
    if (previous !== undefined && !(previous < path)) {
      return problem(`${at}.path`, previous === path ? `${JSON.stringify(path.slice(0, 120))} is listed twice` : `${JSON.stringify(path.slice(0, 120))} is out of order: paths must be sorted`);
    }
    previous = path;
    out.push({ path, size, sha256 });
  });
  if (reported > MAX_REPORTED) r.problem('files', `${reported - MAX_REPORTED} more problems not shown`);
  return ok ? out : undefined;
}

export function readEntries(r: Reader, o: Json, codes: ReadonlySet<string>): ManifestEntry[] | undefined {
  const list = r.array(o, 'entries', '', 0, MAX_MANIFEST_ENTRIES);
  if (!list) return undefined;
  const out: ManifestEntry[] = [];
  const seen = new Set<string>();
  list.forEach((e, i) => {
    const at = `entries[${i}]`;
    const eo = r.object(e, at);
    if (!eo) return;
    r.onlyKnown(eo, at, ['path', 'site', 'sha256', 'approvals']);
    const path = r.string(eo, 'path', at, { max: 1024 });
    const site = r.string(eo, 'site', at, { pattern: SITE_CODE, hint: 'an 11-digit site code' });
    const sha256 = digest(r, eo, 'sha256', at);
    const approvals = r.stringList(eo, 'approvals', at, { pattern: SHA256_HEX, hint: 'a SHA-256 digest (64 lower-case hex digits)', max: 1000 });
    if (site !== undefined && !codes.has(site)) r.problem(`${at}.site`, `${site} is not one of the release's sites`);
    if (path !== undefined) {
      const segments = path.split('/');
      const bad = path.startsWith('/') ? 'is absolute' : segments.map(segmentProblem).find((p) => p !== undefined);
      if (bad !== undefined) r.problem(`${join(at, 'path')}`, `${JSON.stringify(path.slice(0, 120))} ${bad}`);
      else if (segments[0] !== 'content' || segments[1] !== site || segments.length < 4) {
        r.problem(join(at, 'path'), `${JSON.stringify(path.slice(0, 120))} is not content/<site>/<column>/<file> of the entry's site`);
      }
      if (seen.has(path)) r.problem(join(at, 'path'), `${JSON.stringify(path.slice(0, 120))} is listed twice`);
      seen.add(path);
    }
    if (path !== undefined && site !== undefined && sha256 !== undefined && approvals !== undefined) out.push({ path, site, sha256, approvals });
  });
  return out.length === list.length ? out : undefined;
}
