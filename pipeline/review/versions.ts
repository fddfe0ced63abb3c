/**
 * Earlier versions of an entry, from the repository's git history: the bytes
 * an approval bound are found again by their SHA-256, so the desk can show an
 * approver what changed since a colleague approved the entry. Git is only
 * read (`git log`, `git cat-file`), never written; without git or history the
 * answer says why, and the desk says so instead of guessing.
 */
import { spawnSync } from 'node:child_process';
import { sha256Hex } from '../fs/index.ts';

/** How far back the history is searched: commits that touched the entry. */
const MAX_COMMITS = 200;
/** An entry's bytes are capped by the gate; this only bounds what git may return. */
const MAX_OUTPUT = 64 * 1024 * 1024;

export interface GitVersion {
  /** The commit that holds these bytes at `path`. */
  commit: string;
  /** The entry's path in that commit (it may have been renamed since). */
  path: string;
  /** The commit's time, ISO. */
  committedAt: string;
  bytes: Uint8Array;
  sha256: string;
}

export type VersionLookup = { kind: 'found'; version: GitVersion } | { kind: 'none'; why: string };

function git(root: string, args: string[], input?: string): { ok: true; out: Buffer } | { ok: false; why: string } {
  const r = spawnSync('git', ['-C', root, '-c', 'core.quotePath=false', ...args], { input, maxBuffer: MAX_OUTPUT, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' } });
  if (r.error) return { ok: false, why: `git cannot run (${r.error.message})` };
  if (r.status !== 0) return { ok: false, why: r.stderr.toString('utf8').trim().split('\n')[0] || `git ${args[0]} failed` };
  return { ok: true, out: r.stdout };
}

/** The commits that touched `path` (following renames), newest first, with the path in each. */
function commitsOf(root: string, path: string): { ok: true; commits: { commit: string; path: string; at: string }[] } | { ok: false; why: string } {
  const log = git(root, ['log', '--follow', `-n${MAX_COMMITS}`, '--name-only', '--format=%x00%H %cI', '--', path]);
  if (!log.ok) return log;
  const commits: { commit: string; path: string; at: string }[] = [];
  for (const block of log.out.toString('utf8').split('\0').slice(1)) {
    const [head = '', ...names] = block.split('\n').filter((l) => l !== '');
    const [commit, at] = head.split(' ');
    const name = names[names.length - 1];
    if (commit && at && name) commits.push({ commit, path: name, at });
  }
  return { ok: true, commits };
}

/** Every committed version of `path` (newest first, following renames), read through one `git cat-file --batch`. */
function committedVersions(root: string, path: string): { ok: true; versions: GitVersion[] } | { ok: false; why: string } {
  const listed = commitsOf(root, path);
  if (!listed.ok) return listed;
  if (listed.commits.length === 0) return { ok: true, versions: [] };
  const batch = git(root, ['cat-file', '--batch'], listed.commits.map((c) => `${c.commit}:${c.path}\n`).join(''));
  if (!batch.ok) return batch;
  const out = batch.out;
  const versions: GitVersion[] = [];
  let at = 0;
  for (const c of listed.commits) {
    const eol = out.indexOf(0x0a, at);
    if (eol < 0) break;
    const header = out.subarray(at, eol).toString('utf8');
    at = eol + 1;
    const size = /^[0-9a-f]+ blob (\d+)$/.exec(header)?.[1];
    if (size === undefined) continue; // missing (deleted in that commit) or not a file
    const bytes = new Uint8Array(out.subarray(at, at + Number(size)));
    at += Number(size) + 1;
    versions.push({ commit: c.commit, path: c.path, committedAt: c.at, bytes, sha256: sha256Hex(bytes) });
  }
  return { ok: true, versions };
}

/** The newest committed version of `path` whose SHA-256 is one of `wanted` (the digests approvals bound). */
export function committedVersion(root: string, path: string, wanted: ReadonlySet<string>): VersionLookup {
  if (wanted.size === 0) return { kind: 'none', why: 'no approval names an earlier version' };
  const read = committedVersions(root, path);
  if (!read.ok) return { kind: 'none', why: `the repository's history cannot be read: ${read.why}` };
  if (read.versions.length === 0) return { kind: 'none', why: `git has no committed version of ${path}` };
  const version = read.versions.find((v) => wanted.has(v.sha256));
  if (version) return { kind: 'found', version };
  return { kind: 'none', why: `none of the last ${read.versions.length} committed versions of ${path} is the approved one (it was approved before it was committed, or the history was rewritten)` };
}

/** The newest committed version of `path` whose bytes differ from `current` (the demo's earlier draft), if any. */
export function previousVersion(root: string, path: string, currentSha256: string): GitVersion | undefined {
  const read = committedVersions(root, path);
  return read.ok ? read.versions.find((v) => v.sha256 !== currentSha256) : undefined;
}
