/**
 * `sealpress audit verify` against a release archive whose manifests were
 * really signed by the release role (the test PKI of test/release, keys made at
 * run time), checked through the default verifying opener: deleting manifests
 * deletes seals, so a gap in the archive's versions, or an archive older than
 * the latest release this verifier remembers seeing, fails with
 * AUDIT_SEAL_MISSING instead of letting a log cut back to an older seal pass.
 * And the honest limit: a verifier that never saw a release cannot miss it.
 */
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEFAULT_AUDIT_LOG, releaseFileName, releaseGaps } from '../../pipeline/audit/index.ts';
import { audit } from '../../pipeline/cli/audit.ts';
import type { Io } from '../../pipeline/cli/output.ts';
import { SealpressError } from '../../pipeline/errors/index.ts';
import { loadSiteGroup, TRUST_DIR } from '../../pipeline/load/index.ts';
import { RELEASE_TRUST_FILES, ReleaseArchive, SeenVersions, signRelease } from '../../pipeline/release/index.ts';
import { makeRepo, type TestRepo } from '../helpers/repo.ts';
import { GROUP, makeReleaseFixture, MAIN, type ReleaseFixture } from '../release/fixture.ts';
import { PKI_SETUP_TIMEOUT } from '../trust/pki.ts';
import { bytesOf, history, tempDir } from './helpers.ts';

describe('releaseGaps (pure)', () => {
  test.for([
    { versions: [], gaps: [] },
    { versions: [1, 2, 3], gaps: [] },
    { versions: [3, 1, 2, 2], gaps: [] },
    { versions: [2], gaps: [{ from: 1, to: 1 }] },
    { versions: [1, 4, 5, 9], gaps: [{ from: 2, to: 3 }, { from: 6, to: 8 }] },
  ])('$versions → $gaps', ({ versions, gaps }) => {
    expect(releaseGaps(versions)).toEqual(gaps);
  });
});

const N = 50;
const good = history(N);
/** Release v1 seals seq 10, v2 seq 20, v3 seq 45. */
const SEALED = [10, 20, 45];
const ENV_KEYS = ['SEALPRESS_AUDIT_LOG', 'SEALPRESS_ARCHIVE', 'SEALPRESS_STATE_DIR', 'SEALPRESS_TRUST_ANCHOR'] as const;

let fx: ReleaseFixture;
let tmp: ReturnType<typeof tempDir>;
/** A checkout of a site group whose trust anchor is the release fixture's CA (sites/trust/ca.pem). */
let repo: TestRepo;
let repoGroup: string;
let archive: string;
const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

beforeAll(async () => {
  for (const k of ENV_KEYS) {
    if (process.env[k] !== undefined) saved[k] = process.env[k];
    delete process.env[k];
  }
  // Nothing read from the real ~/.local/state: every memory here is a file of the test.
  tmp = tempDir();
  process.env['SEALPRESS_STATE_DIR'] = join(tmp.dir, 'no-state');
  fx = await makeReleaseFixture();
  const trust = fx.trustFiles();
  repo = makeRepo();
  repo.write(`${TRUST_DIR}/ca.pem`, trust['ca.pem']);
  repoGroup = loadSiteGroup(repo.root).group!.name;

  archive = join(tmp.dir, 'archive');
  const store = new ReleaseArchive(archive);
  for (const name of RELEASE_TRUST_FILES) store.putBytes(trust[name]);
  const page = new TextEncoder().encode('<p>hello</p>');
  const sha256 = store.putBytes(page);
  for (const [i, seq] of SEALED.entries()) {
    const manifest = fx.manifest(trust, { version: i + 1, audit: { seq, hash: good.entries[seq - 1]!.hash }, files: [{ path: `${MAIN}/index.html`, size: page.length, sha256 }] });
    store.putRelease(i + 1, signRelease(manifest, [fx.chen]), manifest);
  }
}, PKI_SETUP_TIMEOUT);

afterAll(() => {
  repo?.cleanup();
  tmp?.cleanup();
  for (const k of ENV_KEYS) {
    delete process.env[k];
    if (saved[k] !== undefined) process.env[k] = saved[k];
  }
});

let copies = 0;
/** A copy of the archive without these releases (a deleted manifest), or with release v3's renamed. */
function archiveWithout(versions: number[], rename?: { from: number; to: number }): string {
  const dir = join(tmp.dir, `archive-${copies++}`);
  cpSync(archive, dir, { recursive: true });
  for (const v of versions) rmSync(join(dir, 'releases', releaseFileName(v)));
  if (rename) renameSync(join(dir, 'releases', releaseFileName(rename.from)), join(dir, 'releases', releaseFileName(rename.to)));
  return dir;
}

/** A state file that has seen up to this release of a group under the fixture CA (undefined: never saw one). */
function memory(seen: number | undefined, group = GROUP): string {
  const file = join(tmp.dir, `state-${copies++}.json`);
  if (seen !== undefined) new SeenVersions(file).record(SeenVersions.key(group, fx.pki.ca.fingerprint), seen);
  return file;
}

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), color: false };
  try {
    return { code: await audit(args, io), out: out.join('\n'), err: err.join('\n') };
  } catch (error) {
    // main()'s mapping of a usage or configuration error.
    if (!(error instanceof SealpressError)) throw error;
    return { code: 2, out: out.join('\n'), err: `${err.join('\n')}\n${error.message} [${error.code}]` };
  }
}

const logOf = (lines: readonly string[]) => tmp.file(`log-${copies++}.jsonl`, bytesOf(lines));

describe('audit verify --archive --state: a deleted manifest is a missing seal', () => {
  test.for([
    { name: 'all releases, the whole log, memory at v3', deleted: [], cut: N, seen: 3, code: 0, problem: undefined, file: undefined },
    { name: 'the log cut back to seq 25 and release v3 deleted; memory at v3', deleted: [3], cut: 25, seen: 3, code: 1, problem: 'AUDIT_SEAL_MISSING', file: releaseFileName(3) },
    { name: 'the log cut back to seq 15 and releases v2, v3 deleted; memory at v3', deleted: [2, 3], cut: 15, seen: 3, code: 1, problem: 'AUDIT_SEAL_MISSING', file: releaseFileName(2) },
    { name: 'release v2 deleted, v3 kept (a gap); no memory', deleted: [2], cut: N, seen: undefined, code: 1, problem: 'AUDIT_SEAL_MISSING', file: releaseFileName(2) },
    { name: 'release v1 deleted (a gap at the start); memory at v3', deleted: [1], cut: N, seen: 3, code: 1, problem: 'AUDIT_SEAL_MISSING', file: releaseFileName(1) },
    { name: 'v3 deleted and v2 renamed to v3\'s name to hide it', deleted: [3], rename: { from: 2, to: 3 }, cut: 25, seen: 3, code: 1, problem: 'ARCHIVE_UNREADABLE', file: releaseFileName(3) },
    // The honest limit, asserted so that it is not mistaken for more: nobody here ever saw v3.
    { name: 'the log cut back and release v3 deleted; a verifier that saw only v2', deleted: [3], cut: 25, seen: 2, code: 0, problem: undefined, file: undefined },
  ])('$name → exit $code $problem', async ({ deleted, rename, cut, seen, code, problem, file }) => {
    const dir = archiveWithout(deleted, rename);
    const args = ['verify', '--log', logOf(good.lines.slice(0, cut)), '--archive', dir, '--state', memory(seen), '--root', repo.root];
    const r = await run(args);
    expect(r.code, r.err).toBe(code);
    const json = JSON.parse((await run([...args, '--json'])).out) as { ok: boolean; error?: string; problems?: { code: string; file: string; problem: string }[]; sealsVerified: boolean; seals?: number };
    // The seals were checked against the release role's signatures (the checkout's CA is the anchor).
    expect(json.sealsVerified).toBe(true);
    if (problem === undefined) {
      expect(json).toMatchObject({ ok: true, seals: 3 - deleted.length });
      expect(r.out).toMatch(/release seal\(s\) from \d manifest\(s\): all found in the log/);
      expect(r.out).toMatch(new RegExp(`release v${seen} of ${GROUP} seen`));
      return;
    }
    expect(json.error).toBe(problem);
    expect(json.problems?.[0]).toMatchObject({ code: problem, file: join(dir, 'releases', file!) });
    expect(r.err).toContain(`${file}: `);
    expect(r.err).toContain(`[${problem}]`);
  });

  test('the archive older than the memory names the versions missing', async () => {
    const r = await run(['verify', '--log', logOf(good.lines.slice(0, 15)), '--archive', archiveWithout([2, 3]), '--state', memory(3), '--root', repo.root]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`this verifier has seen release v3 of ${GROUP}, but the archive ends at v1: the manifests of releases v2–v3 are missing`);
  });

  test('an unreadable memory fails closed (AUDIT_STATE_UNREADABLE), naming the file', async () => {
    const state = tmp.file('broken-state.json', '{"format":1,"seen":');
    const r = await run(['verify', '--log', logOf(good.lines), '--archive', archive, '--state', state, '--root', repo.root]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('[AUDIT_STATE_UNREADABLE]');
    expect(r.err).toContain('broken-state.json');
  });

  test('--state without an archive to compare, or without a CA to key the memory, is a usage error', async () => {
    expect((await run(['verify', '--log', logOf(good.lines), '--state', memory(3), '--root', repo.root])).code).toBe(2);
    const noCa = join(tmp.dir, 'no-ca');
    mkdirSync(noCa);
    expect((await run(['verify', '--log', logOf(good.lines), '--archive', archive, '--state', memory(3), '--root', noCa])).code).toBe(2);
  });
});

describe("the repository's own archive and log (no --log, no --archive)", () => {
  test('releases/ missing while the memory knows releases of the group: exit 1; never seen any: exit 0', async () => {
    mkdirSync(join(repo.root, '.sealpress', 'audit'), { recursive: true });
    writeFileSync(join(repo.root, DEFAULT_AUDIT_LOG), bytesOf(good.lines.slice(0, 25)));
    process.env['SEALPRESS_STATE_DIR'] = join(tmp.dir, 'repo-state');
    try {
      const fresh = await run(['verify', '--root', repo.root]);
      expect(fresh.code, fresh.err).toBe(0);
      expect(fresh.out).toContain(`no release of ${repoGroup} seen`);

      new SeenVersions(join(tmp.dir, 'repo-state', 'seen-versions.json')).record(SeenVersions.key(repoGroup, fx.pki.ca.fingerprint), 2);
      const r = await run(['verify', '--root', repo.root]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`this verifier has seen release v2 of ${repoGroup}, but the archive holds no release`);
      expect(r.err).toContain(`${releaseFileName(1)}: `);
      expect(r.err).toContain('[AUDIT_SEAL_MISSING]');

      // The same archive put back: its three releases are at least the two remembered, and they seal this log's end.
      cpSync(archive, join(repo.root, '.sealpress', 'archive'), { recursive: true });
      const back = await run(['verify', '--root', repo.root, '--json']);
      expect(back.code).toBe(1);
      expect(JSON.parse(back.out)).toMatchObject({ ok: false, firstBad: { code: 'AUDIT_TRUNCATED', seq: 45 }, sealsVerified: true });
    } finally {
      process.env['SEALPRESS_STATE_DIR'] = join(tmp.dir, 'no-state');
      rmSync(join(repo.root, '.sealpress'), { recursive: true, force: true });
    }
  });
});
