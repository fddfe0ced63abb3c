/**
 * Release seals: the audit heads recorded in signed release manifests
 * (ReleaseManifest.audit), read from the release archive's
 * `releases/*.dsse.json`. They are what detects a log cut at its end or
 * rewritten wholesale, which the chain alone cannot.
 *
 * Whether the manifests' signatures are checked is the caller's choice, passed
 * as `open`: the default reads the payload WITHOUT verifying any signature (the
 * release verifier belongs to the release stage). An unverified seal can still
 * only make verify stricter for an honest log, never pass a tampered one that a
 * verified seal would fail, unless the archive itself was also tampered with.
 *
 * Deleting manifests deletes seals, so the archive is checked for that too:
 * the release versions in releases/ must run 1, 2, 3… without a gap (publish
 * numbers each release one past the archive's latest), and the caller compares
 * the latest with the versions a verifier remembers having seen
 * (`releasesBeyondArchive`). The honest limit: deleting the newest manifests
 * is visible only to a verifier that saw them; one that never did cannot know
 * they existed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPlainSync } from '../fs/index.ts';
import { RELEASE_PAYLOAD_TYPE } from '../release/manifest.ts';
import { parseEnvelope, parseStrictJsonBytes } from '../trust/index.ts';
import type { AuditSeal } from './verify.ts';

export type SealProblemCode =
  /** A manifest that cannot be listed, read, opened or understood: its seal may be the one that shows the damage. */
  | 'ARCHIVE_UNREADABLE'
  /** A release is known to exist (a later one is archived, or a verifier saw it) but its manifest is not in the archive. */
  | 'AUDIT_SEAL_MISSING'
  /** The verifier's memory of releases seen cannot be read: the archive cannot be compared with it. */
  | 'AUDIT_STATE_UNREADABLE';

export interface SealProblem {
  code: SealProblemCode;
  file: string;
  problem: string;
}

export type OpenedManifest = { ok: true; payload: Uint8Array; verified: boolean } | { ok: false; problem: string };
/** Opens a release envelope: returns its payload bytes, verified or not (say which). */
export type ManifestOpener = (envelope: Uint8Array, file: string) => OpenedManifest;

const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;
const HEX64 = /^[0-9a-f]{64}$/;
/** How the archive names a release (ReleaseArchive.releasePath). */
const RELEASE_NAME = /^(\d{10})\.dsse\.json$/;

/** The archive's file name of a release version. */
export const releaseFileName = (version: number): string => `${String(version).padStart(10, '0')}.dsse.json`;

/** Reads the payload of a DSSE release envelope without checking signatures. */
export const openUnverified: ManifestOpener = (bytes) => {
  const parsed = parseEnvelope(bytes, { payloadType: RELEASE_PAYLOAD_TYPE, maxBytes: MAX_MANIFEST_BYTES });
  if (!parsed.ok) return { ok: false, problem: parsed.problems.map((p) => `${p.message} [${p.code}]`).join('; ') };
  return { ok: true, payload: parsed.envelope.payload, verified: false };
};

/** What one manifest payload says about the log: its release version, group and seal. Pure. */
export interface PayloadFacts {
  version?: number;
  group?: string;
  /** The seal, 'none' (a release before the audit log), or a problem. */
  seal: AuditSeal | 'none' | { problem: string };
}

export function factsOfPayload(payload: Uint8Array, source: string): PayloadFacts {
  const json = parseStrictJsonBytes(payload);
  if (!json.ok || typeof json.value !== 'object' || json.value === null || Array.isArray(json.value)) return { seal: { problem: 'the payload is not a JSON object' } };
  const m = json.value as Record<string, unknown>;
  const version = Number.isSafeInteger(m.version) && (m.version as number) >= 1 ? (m.version as number) : undefined;
  const facts = { ...(version !== undefined ? { version } : {}), ...(typeof m.group === 'string' && m.group !== '' ? { group: m.group } : {}) };
  const name = version !== undefined ? `release v${version} (${source})` : source;
  if (m.audit === undefined) return { ...facts, seal: 'none' };
  const a = m.audit as Record<string, unknown> | null;
  if (typeof a !== 'object' || a === null || !Number.isSafeInteger(a.seq) || (a.seq as number) < 1 || typeof a.hash !== 'string' || !HEX64.test(a.hash)) {
    return { ...facts, seal: { problem: 'its audit field is not { seq: positive whole number, hash: 64 hex digits }' } };
  }
  return { ...facts, seal: { seq: a.seq as number, hash: a.hash, source: name } };
}

/** The seal of one manifest payload: the seal, 'none' (a release before the audit log), or a problem. Pure. */
export function sealOfPayload(payload: Uint8Array, source: string): AuditSeal | 'none' | { problem: string } {
  return factsOfPayload(payload, source).seal;
}

/** The versions missing from 1…max of these (ascending, as ranges). Pure. */
export function releaseGaps(versions: readonly number[]): { from: number; to: number }[] {
  const sorted = [...new Set(versions)].sort((a, b) => a - b);
  const gaps: { from: number; to: number }[] = [];
  let next = 1;
  for (const v of sorted) {
    if (v > next) gaps.push({ from: next, to: v - 1 });
    next = Math.max(next, v + 1);
  }
  return gaps;
}

const versionsText = (from: number, to: number) => (from === to ? `release v${from}` : `releases v${from}–v${to}`);

/**
 * The problem when a verifier remembers a later release of `group` than the archive's latest (undefined: an
 * archive without releases). Pure. `archiveDir` names where the manifests should be.
 */
export function releasesBeyondArchive(group: string, latest: number | undefined, seen: number | undefined, archiveDir: string): SealProblem | undefined {
  if (seen === undefined || seen <= (latest ?? 0)) return undefined;
  const from = (latest ?? 0) + 1;
  return {
    code: 'AUDIT_SEAL_MISSING',
    file: join(archiveDir, 'releases', releaseFileName(from)),
    problem: `this verifier has seen release v${seen} of ${group}, but the archive ${latest === undefined ? 'holds no release' : `ends at v${latest}`}: the manifest${from === seen ? '' : 's'} of ${versionsText(from, seen)} ${from === seen ? 'is' : 'are'} missing, and with ${from === seen ? 'it' : 'them'} the seal${from === seen ? '' : 's'} that would show a log cut at its end. Restore the archive from its off-site copy (or check against an up-to-date copy)`,
  };
}

export interface ReadSealsResult {
  seals: AuditSeal[];
  /** Manifests read, and how many of them carried no seal. */
  manifests: number;
  unsealed: number;
  verified: boolean;
  /** The release versions in the archive (from the file names, each checked against its payload), ascending. */
  versions: number[];
  /** The group names the manifests carry (one, in a sound archive). */
  groups: string[];
  /**
   * Files that could not be read (ARCHIVE_UNREADABLE) and releases missing before the latest
   * (AUDIT_SEAL_MISSING): verification against the archive is then incomplete (fail closed).
   */
  problems: SealProblem[];
}

/** Seals from `<archive>/releases/*.dsse.json`. */
export function readReleaseSeals(archiveDir: string, open: ManifestOpener = openUnverified): ReadSealsResult {
  const dir = join(archiveDir, 'releases');
  const result: ReadSealsResult = { seals: [], manifests: 0, unsealed: 0, verified: true, versions: [], groups: [], problems: [] };
  const unreadable = (file: string, problem: string) => result.problems.push({ code: 'ARCHIVE_UNREADABLE', file, problem });
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.dsse.json')).sort();
  } catch (cause) {
    unreadable(dir, `cannot list the release archive (${(cause as NodeJS.ErrnoException).code ?? 'error'})`);
    return result;
  }
  const groups = new Set<string>();
  for (const name of names) {
    const file = join(dir, name);
    const named = RELEASE_NAME.exec(name);
    const version = named ? Number(named[1]) : 0;
    if (version < 1) {
      unreadable(file, 'it is not named as the archive names a release (<version, 10 digits>.dsse.json): a manifest renamed, or a file put there by hand');
      continue;
    }
    // Present, even if unreadable below: it is reported as such, not also as missing.
    result.versions.push(version);
    const read = readPlainSync(file, MAX_MANIFEST_BYTES);
    if (!read.ok) {
      unreadable(file, `cannot read it (${read.detail})`);
      continue;
    }
    const bytes = read.bytes;
    const opened = open(bytes, file);
    if (!opened.ok) {
      unreadable(file, opened.problem);
      continue;
    }
    result.manifests++;
    if (!opened.verified) result.verified = false;
    const facts = factsOfPayload(opened.payload, name);
    if (facts.version !== version) {
      // A manifest moved to another release's name would stand in for a deleted one and hide the gap.
      unreadable(file, `its payload is ${facts.version === undefined ? 'not a numbered release' : `release v${facts.version}`}, but the file is named for v${version}: a manifest was renamed or replaced`);
      continue;
    }
    if (facts.group !== undefined) groups.add(facts.group);
    const seal = facts.seal;
    if (seal === 'none') result.unsealed++;
    else if ('problem' in seal) unreadable(file, seal.problem);
    else result.seals.push(seal);
  }
  result.versions.sort((a, b) => a - b);
  result.groups = [...groups].sort();
  if (result.groups.length > 1) unreadable(dir, `the manifests name more than one site group (${result.groups.join(', ')}): an archive holds the releases of one group`);
  const latest = result.versions.at(-1);
  for (const gap of releaseGaps(result.versions)) {
    result.problems.push({
      code: 'AUDIT_SEAL_MISSING',
      file: join(dir, releaseFileName(gap.from)),
      problem: `${versionsText(gap.from, gap.to)} ${gap.from === gap.to ? 'is' : 'are'} missing from the archive, though v${latest} is there: a deleted manifest takes its seal of the audit log with it (a log cut back to an older seal would pass). Restore ${gap.from === gap.to ? 'it' : 'them'} from the off-site copy`,
    });
  }
  return result;
}
