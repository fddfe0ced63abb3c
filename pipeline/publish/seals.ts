/**
 * The audit log's seals, read with their signatures checked: a release
 * manifest counts as a seal only if the release role signed it, checked as of
 * the time it was made (a release key revoked since still sealed what it
 * sealed then), with the trust documents the archive keeps for it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openUnverified, readAuditLog, readReleaseSeals, releasesBeyondArchive, type AuditSeal, type AuditVerifyResult, type ManifestOpener, type SealProblem } from '../audit/index.ts';
import { SealpressError } from '../errors/index.ts';
import { loadSiteGroup } from '../load/index.ts';
import { MAX_RELEASE_ENVELOPE_BYTES, RELEASE_TRUST_FILES, ReleaseArchive, ReleaseError, SeenVersions, unverifiedManifest, verifyRelease, type ReleaseTrustFile } from '../release/index.ts';
import { parseEnvelope } from '../trust/index.ts';
import { archiveDir, verifierAnchor, verifierMemory, type VerifierEnv } from './verifier.ts';

export function verifiedSealOpener(archive: ReleaseArchive, anchorFingerprint: string): ManifestOpener {
  return (bytes) => {
    // A seal is the audit head in the signed release document: no site manifest is read (format 2).
    const read = unverifiedManifest(bytes, { sites: [] });
    if (!read.ok) return { ok: false, problem: read.message };
    const trust = {} as Record<ReleaseTrustFile, Uint8Array>;
    for (const name of RELEASE_TRUST_FILES) {
      try {
        trust[name] = readFileSync(archive.objectPath(read.manifest.trust[name]));
      } catch {
        return { ok: false, problem: `its trust document ${name} is missing from the archive` };
      }
    }
    const checked = verifyRelease(bytes, trust, { now: new Date(read.manifest.createdAt), anchorFingerprint, sites: [] });
    if (!checked.ok) return { ok: false, problem: checked.problems.map((p) => `${p.message} [${p.code}]`).join('; ') };
    const parsed = parseEnvelope(bytes, { maxBytes: MAX_RELEASE_ENVELOPE_BYTES });
    return parsed.ok ? { ok: true, payload: parsed.envelope.payload, verified: true } : { ok: false, problem: 'unreadable envelope' };
  };
}

/** What `audit verify` and `audit show` check the log against. */
export interface AuditArchiveOptions {
  /** A checkout of the site group (its archive, its group, its CA). */
  root: string;
  /** The log named by the caller (absolute), when not the repository's. */
  log?: string | undefined;
  /** The archive named by the caller, else the repository's (archiveDir). */
  archive?: string | undefined;
  /** The verifier's memory named by the caller (statePath). */
  state?: string | undefined;
  trustAnchor?: string | undefined;
  env: VerifierEnv;
  /** Opens a release envelope for its seal; by default checked against the verifier's anchor when one is known, else read unchecked. */
  openManifest?: ManifestOpener | undefined;
}

export interface ArchiveCheck {
  seals: AuditSeal[];
  /** What was read, for the summary ('' when no archive was read). */
  sealNote: string;
  /** Whether the archive was compared with the verifier's memory, and what it found ('' when not asked). */
  memoryNote: string;
  /** Every manifest read had its signature checked (false when none was read). */
  sealsVerified: boolean;
  problems: SealProblem[];
}

/**
 * The seals of the release archive, and whether the archive can be trusted to hold them all: no release missing
 * before its latest, none missing after it that this verifier remembers having seen.
 */
export function checkAuditArchive(values: AuditArchiveOptions): ArchiveCheck {
  const { root, env } = values;
  const anchor = values.trustAnchor;
  // A log given with --log is checked against an archive only when one is named: it may belong to another repository.
  if (values.archive === undefined && values.log !== undefined) {
    if (values.state !== undefined) throw new SealpressError('USAGE', { zh: '--state 用于将发布归档与本核验方已见过的版本比较：请同时给出 --archive DIR 和 --log FILE', en: '--state compares a release archive with what this verifier has seen: give --archive DIR with --log FILE' });
    return { seals: [], sealNote: '', memoryNote: '', sealsVerified: false, problems: [] };
  }
  const archive = values.archive !== undefined ? resolve(values.archive) : archiveDir(undefined, root, env);
  // The repository's own archive may not exist yet (no release so far); one named with --archive must.
  const read = values.archive !== undefined || existsSync(join(archive, 'releases')) ? readReleaseSeals(archive, values.openManifest ?? sealOpener(archive, root, anchor, env)) : undefined;
  const latest = read?.versions.at(-1);
  // The repository's own archive holds the repository's group, whatever its manifests say (read unchecked, they
  // could name another); a named archive, the group its manifests name, else (none left) the repository's.
  const named = read?.groups ?? [];
  const groups = values.archive === undefined || named.length === 0 ? [...new Set([...named, ...repositoryGroup(root)])] : named;
  // An archive already failing closed is not also compared (its groups and latest may be wrong).
  const memory = read && read.problems.length > 0 ? { problems: [], note: '' } : compareWithMemory(values.state, root, groups, latest, archive, anchor, env);
  return {
    seals: read?.seals ?? [],
    sealNote: read ? `${read.seals.length} release seal(s) from ${read.manifests} manifest(s)${read.unsealed ? ` (${read.unsealed} without one)` : ''}${read.manifests > 0 && !read.verified ? ', signatures not checked' : ''}` : '',
    memoryNote: memory.note,
    sealsVerified: read !== undefined && read.manifests > 0 && read.verified,
    problems: [...(read?.problems ?? []), ...memory.problems],
  };
}

function repositoryGroup(root: string): string[] {
  const name = loadSiteGroup(root).group?.name;
  return name ? [name] : [];
}

/** The archive's latest release against the latest this verifier has seen of each group (SeenVersions, Trust model 7). */
function compareWithMemory(stateOption: string | undefined, root: string, groups: readonly string[], latest: number | undefined, archive: string, anchorOption: string | undefined, env: VerifierEnv): { problems: SealProblem[]; note: string } {
  const cannot = (why: string) => {
    // Asked for explicitly, a comparison that cannot be made is an error, not a pass.
    if (stateOption !== undefined) throw new SealpressError('USAGE', { zh: `不能使用 --state：${why}`, en: `--state cannot be used: ${why}` });
    return { problems: [], note: `not compared with a verifier's memory of releases seen: ${why}` };
  };
  if (groups.length === 0) return cannot('no site group is known (no manifest names one, and --root has no sites/group.yaml)');
  let anchor: string;
  try {
    anchor = verifierAnchor(anchorOption, root, env);
  } catch (error) {
    if (!(error instanceof SealpressError)) throw error;
    return cannot('its records are kept per group CA, and none is known here (run in a checkout of the site group, or set $SEALPRESS_TRUST_ANCHOR)');
  }
  const seen = verifierMemory(stateOption, root, anchor, env);
  const file = seen.file;
  const problems: SealProblem[] = [];
  const known: string[] = [];
  for (const group of groups) {
    let last: number | undefined;
    try {
      last = seen.last(SeenVersions.key(group, anchor));
    } catch (error) {
      if (!(error instanceof ReleaseError)) throw error;
      problems.push({ code: 'AUDIT_STATE_UNREADABLE', file, problem: `${error.message} [${error.code}]` });
      continue;
    }
    const beyond = releasesBeyondArchive(group, latest, last, archive);
    if (beyond) problems.push(beyond);
    known.push(last === undefined ? `no release of ${group} seen` : `release v${last} of ${group} seen`);
  }
  return { problems, note: `the archive's latest release (${latest === undefined ? 'none' : `v${latest}`}) is not older than this verifier's memory (${known.join('; ')}; ${file})` };
}

/** Seals count only when the release role signed them, if a trust anchor is known here; else they are read unchecked (and the note says so). */
function sealOpener(archive: string, root: string, anchorOption: string | undefined, env: VerifierEnv): ManifestOpener {
  // An anchor given is used or refused (a typo must not quietly turn signature checks off).
  if (anchorOption !== undefined) return verifiedSealOpener(new ReleaseArchive(archive), verifierAnchor(anchorOption, root, env));
  try {
    return verifiedSealOpener(new ReleaseArchive(archive), verifierAnchor(anchorOption, root, env));
  } catch {
    return openUnverified;
  }
}

/**
 * The log verified against the archive's seals. A log that is missing while
 * releases sealed it is a log cut to nothing (AUDIT_TRUNCATED at the highest
 * sealed seq), never "no log"; 'missing' only when nothing sealed one.
 */
export function verifySealedLog(log: string, seals: readonly AuditSeal[]): AuditVerifyResult | 'missing' {
  const result = readAuditLog(log, { seals });
  if (result !== 'missing' || seals.length === 0) return result;
  const top = Math.max(...seals.map((s) => s.seq));
  return { ok: false, entries: 0, sealsMatched: 0, firstBad: { line: 1, seq: top, code: 'AUDIT_TRUNCATED', problem: `the log is missing, but releases sealed it up to seq ${top}` } };
}
