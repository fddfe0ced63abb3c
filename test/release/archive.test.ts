/**
 * The release archive (content-addressed, write-once), its off-site copy
 * (folder and rsync), restoring a release byte for byte, and the verifier's
 * memory of versions seen. Everything is written under a temp folder.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  archiveRelease,
  collectReleaseFiles,
  ReleaseArchive,
  SeenVersions,
  signRelease,
  siteManifestBytes,
  verifyRelease,
  type ReleaseLedger,
  type ReleaseManifest,
  type ReleaseTrustFile,
} from '../../pipeline/release/index.ts';
import { PKI_SETUP_TIMEOUT } from '../trust/pki.ts';
import { makeReleaseFixture, MAIN, NOW, SUB, tempTree, type ReleaseFixture } from './fixture.ts';

let fx: ReleaseFixture;
let trust: Record<ReleaseTrustFile, Uint8Array>;
let work: ReturnType<typeof tempTree>;

beforeAll(async () => {
  fx = await makeReleaseFixture();
  trust = fx.trustFiles();
  work = tempTree();
}, PKI_SETUP_TIMEOUT);
afterAll(() => work?.cleanup());

let counter = 0;
/** A fresh folder under the test's temp folder. */
const fresh = (name: string) => join(work.dir, `${name}-${++counter}`);

const SITE_FILES = {
  [`${MAIN}/index.html`]: '<h1>省局首页</h1>',
  [`${MAIN}/tzgg/a.html`]: '<p>通知 A</p>',
  [`${MAIN}/_astro/app.css`]: 'body{margin:0}',
  [`${SUB}/index.html`]: '<h1>市局首页</h1>',
  // The same bytes as the main site's stylesheet: one object for both.
  [`${SUB}/_astro/app.css`]: 'body{margin:0}',
};

/** Build, sign and archive a release of `tree` as `version`; returns what was signed. */
async function release(archive: ReleaseArchive, treeDir: string, version: number, ledger?: ReleaseLedger) {
  const files = await collectReleaseFiles(treeDir, [MAIN, SUB]);
  const manifest = fx.manifest(trust, { version, files, ...(ledger ? { ledger } : {}) });
  const envelope = signRelease(manifest, [fx.chen]);
  const added = await archiveRelease(archive, treeDir, manifest, envelope, trust);
  return { manifest, envelope, added };
}

function countObjects(dir: string): number {
  return readdirSync(join(dir, 'objects')).reduce((n, fan) => n + readdirSync(join(dir, 'objects', fan)).length, 0);
}

describe('ReleaseArchive', () => {
  let archiveDir: string;
  let archive: ReleaseArchive;
  let tree: ReturnType<typeof tempTree>;
  let first: { manifest: ReleaseManifest; envelope: Uint8Array };
  const originals = new Map<string, Buffer>();

  beforeAll(async () => {
    archiveDir = fresh('archive');
    archive = new ReleaseArchive(archiveDir);
    tree = tempTree(SITE_FILES);
    for (const p of Object.keys(SITE_FILES)) originals.set(p, readFileSync(join(tree.dir, p)));
    const r1 = await release(archive, tree.dir, 1);
    first = r1;
    // Release 2: one page changed, one added, the rest shared.
    tree.write(`${MAIN}/tzgg/a.html`, '<p>通知 A（修订）</p>');
    tree.write(`${MAIN}/tzgg/b.html`, '<p>通知 B</p>');
    await release(archive, tree.dir, 2);
  });
  afterAll(() => tree?.cleanup());

  test('files shared between releases are stored once', () => {
    // Release 1: 4 distinct file contents + 5 trust documents + 2 site manifests; release 2 adds 2 contents
    // and the main site's new site manifest (the sub-site did not change: its site manifest is the same object).
    expect(countObjects(archiveDir)).toBe(4 + 5 + 2 + 2 + 1);
    expect(archive.versions()).toEqual([1, 2]);
    expect(archive.latest()).toBe(2);
  });

  test('the second release adds only what is new', async () => {
    tree.write(`${SUB}/new.html`, 'new');
    const r3 = await release(archive, tree.dir, 3);
    // The new page and the sub-site's new site manifest; the main site's is unchanged.
    expect(r3.added).toEqual({ objectsAdded: 2, bytesAdded: 3 + siteManifestBytes(r3.manifest).get(SUB)!.length });
  });

  test('writes are atomic: no temp file left, objects and releases read-only', () => {
    expect(readdirSync(join(archiveDir, 'tmp'))).toEqual([]);
    const sha = first.manifest.files[0]!.sha256;
    expect(statSync(archive.objectPath(sha)).mode & 0o777).toBe(0o444);
    expect(statSync(archive.releasePath(1)).mode & 0o777).toBe(0o444);
    expect(archive.releasePath(1)).toBe(join(archiveDir, 'releases', '0000000001.dsse.json'));
    expect(archive.objectPath(sha)).toBe(join(archiveDir, 'objects', sha.slice(0, 2), sha));
  });

  test('restores release 1 byte for byte, verified, after the tree moved on', async () => {
    const envelope = archive.releaseEnvelope(1);
    expect(Buffer.from(envelope).equals(Buffer.from(first.envelope))).toBe(true);
    const checked = verifyRelease(envelope, await archive.trustFilesOf(first.manifest), { now: NOW, anchorFingerprint: fx.pki.ca.fingerprint, siteManifests: archive.siteManifestSource() });
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    for (const f of checked.manifest.files) {
      const bytes = await archive.readObject(f.sha256);
      expect(Buffer.from(bytes).equals(originals.get(f.path)!), f.path).toBe(true);
      expect(bytes.length).toBe(f.size);
    }
    // And streamed to a file.
    const out = join(fresh('restore'));
    const a = checked.manifest.files.find((f) => f.path === `${MAIN}/tzgg/a.html`)!;
    await archive.copyObjectTo(a.sha256, out);
    expect(readFileSync(out).equals(originals.get(a.path)!)).toBe(true);
  });

  test('a release is never overwritten, and is listed only once its objects are in', async () => {
    expect(() => archive.putRelease(1, first.envelope)).toThrow(expect.objectContaining({ code: 'ARCHIVE_RELEASE_EXISTS' }));
    expect(() => archive.putRelease(5, first.envelope)).toThrow(expect.objectContaining({ code: 'RELEASE_INVALID_ARGUMENT' }));
    const missing = fx.manifest(trust, { version: 9, files: [{ path: `${MAIN}/ghost.html`, size: 1, sha256: 'f'.repeat(64) }] });
    expect(() => archive.putRelease(9, signRelease(missing, [fx.chen]))).toThrow(expect.objectContaining({ code: 'ARCHIVE_MISSING' }));
    expect(archive.versions()).not.toContain(9);
    expect(Buffer.from(archive.releaseEnvelope(1)).equals(Buffer.from(first.envelope))).toBe(true);
  });

  test('a file that changed since it was hashed is refused, and nothing is left behind', async () => {
    const t = tempTree({ [`${MAIN}/x.html`]: 'changed' });
    try {
      const before = countObjects(archiveDir);
      await expect(archive.putFile(join(t.dir, MAIN, 'x.html'), 'a'.repeat(64))).rejects.toMatchObject({ code: 'RELEASE_DIGEST_MISMATCH' });
      expect(countObjects(archiveDir)).toBe(before);
      expect(readdirSync(join(archiveDir, 'tmp'))).toEqual([]);
    } finally {
      t.cleanup();
    }
  });

  test('archiveRelease refuses trust documents other than the manifest names, and an envelope of another manifest', async () => {
    const files = await collectReleaseFiles(tree.dir, [MAIN, SUB]);
    const manifest = fx.manifest(trust, { version: 20, files });
    const envelope = signRelease(manifest, [fx.chen]);
    const other = fx.trustFiles({ revocations: fx.pki.revocationsPayload([], { version: 2 }) });
    await expect(archiveRelease(archive, tree.dir, manifest, envelope, other)).rejects.toMatchObject({ code: 'RELEASE_DIGEST_MISMATCH' });
    await expect(archiveRelease(archive, tree.dir, fx.manifest(trust, { version: 21, files }), envelope, trust)).rejects.toMatchObject({ code: 'RELEASE_INVALID_ARGUMENT' });
    expect(archive.versions()).not.toContain(20);
  });

  test('hostile object names are refused before touching the disk', () => {
    for (const bad of ['../../etc/passwd', 'A'.repeat(64), 'a'.repeat(63)]) {
      expect(() => archive.objectPath(bad)).toThrow(expect.objectContaining({ code: 'RELEASE_INVALID_ARGUMENT' }));
    }
    expect(() => archive.releasePath(0)).toThrow(expect.objectContaining({ code: 'RELEASE_INVALID_ARGUMENT' }));
  });

  test('the whole archive verifies', async () => {
    const report = await archive.verifyIntegrity();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, releases: 3 });
  });
});

describe('corruption and the off-site copy', () => {
  async function archiveWithTwoReleases() {
    const dir = fresh('archive');
    const archive = new ReleaseArchive(dir);
    const tree = tempTree(SITE_FILES);
    const r1 = await release(archive, tree.dir, 1);
    tree.write(`${MAIN}/tzgg/a.html`, 'v2');
    const r2 = await release(archive, tree.dir, 2);
    tree.cleanup();
    return { dir, archive, r1, r2 };
  }

  function corrupt(archive: ReleaseArchive, sha: string) {
    const path = archive.objectPath(sha);
    chmodSync(path, 0o644);
    writeFileSync(path, 'defaced');
    chmodSync(path, 0o444);
  }

  test('a corrupted object is detected by readObject and verifyIntegrity, and never replicated', async () => {
    const { archive, r1 } = await archiveWithTwoReleases();
    const sha = r1.manifest.files.find((f) => f.path === `${MAIN}/index.html`)!.sha256;
    corrupt(archive, sha);
    await expect(archive.readObject(sha)).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
    const out = fresh('restore');
    await expect(archive.copyObjectTo(sha, out)).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
    expect(existsSync(out)).toBe(false);
    const report = await archive.verifyIntegrity();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.code, p.path])).toEqual([
      ['ARCHIVE_CORRUPT', `objects/${sha.slice(0, 2)}/${sha}`],
      ['ARCHIVE_MISSING', 'releases/0000000001.dsse.json'],
      ['ARCHIVE_MISSING', 'releases/0000000002.dsse.json'],
    ]);
    const target = fresh('offsite');
    await expect(archive.replicateTo(target)).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
    expect(existsSync(join(target, 'releases'))).toBe(false);
  });

  test('a release that remembers less than the one before it (a withdrawal dropped, a trust version lowered) is reported, and not replicated', async () => {
    const dir = fresh('archive');
    const archive = new ReleaseArchive(dir);
    const tree = tempTree(SITE_FILES);
    const trustV = { root: 1, roster: 1, policy: 1, revocations: 2 };
    const withdrawal = { entry: `content/${MAIN}/tzgg/a.md`, site: MAIN, signedAt: '2026-09-30T01:00:00Z', signer: 'zhangwei', record: `content/_approvals/${MAIN}/w.json`, sha256: 'a'.repeat(64) };
    await release(archive, tree.dir, 1);
    await release(archive, tree.dir, 2, { withdrawals: [withdrawal], trust: trustV });
    await release(archive, tree.dir, 3, { withdrawals: [withdrawal], trust: { ...trustV, revocations: 3 } });
    expect((await archive.verifyIntegrity()).problems).toEqual([]);
    await release(archive, tree.dir, 4, { withdrawals: [], trust: { ...trustV, revocations: 3 } });
    await release(archive, tree.dir, 5, { withdrawals: [], trust: trustV });
    await release(archive, tree.dir, 6);
    tree.cleanup();
    const report = await archive.verifyIntegrity();
    expect(report.problems.map((p) => [p.code, p.path, p.message.replace(/:.*/, '')])).toEqual([
      ['ARCHIVE_MEMORY_LOST', 'releases/0000000004.dsse.json', 'release 4 remembers less than release 3'],
      ['ARCHIVE_MEMORY_LOST', 'releases/0000000005.dsse.json', 'release 5 remembers less than release 4'],
      ['ARCHIVE_MEMORY_LOST', 'releases/0000000006.dsse.json', 'release 6 remembers less than release 5'],
    ]);
    expect(report.problems[0]!.message).toContain(`the withdrawal of content/${MAIN}/tzgg/a.md`);
    expect(report.problems[1]!.message).toContain('revocations v2 is lower than v3');
    await expect(archive.replicateTo(fresh('offsite'))).rejects.toMatchObject({ code: 'ARCHIVE_CORRUPT' });
  });

  test('stray files in the archive are reported', async () => {
    const { dir, archive } = await archiveWithTwoReleases();
    writeFileSync(join(dir, 'releases', 'evil.html'), 'x');
    const report = await archive.verifyIntegrity();
    expect(report.problems.map((p) => p.code)).toEqual(['ARCHIVE_STRAY']);
  });

  test('replicate to a folder: copies what is missing, never overwrites, verifies', async () => {
    const { dir, archive } = await archiveWithTwoReleases();
    const target = fresh('offsite');
    const report = await archive.replicateTo(target);
    expect(report).toEqual({ target, copiedObjects: countObjects(dir), copiedReleases: 2 });
    expect(await new ReleaseArchive(target).verifyIntegrity()).toMatchObject({ ok: true, releases: 2 });
    expect(readFileSync(join(target, 'releases', '0000000002.dsse.json')).equals(readFileSync(join(dir, 'releases', '0000000002.dsse.json')))).toBe(true);
    // Again: nothing to copy.
    expect(await archive.replicateTo(target)).toEqual({ target, copiedObjects: 0, copiedReleases: 0 });
    expect(readdirSync(join(target, 'tmp'))).toEqual([]);
  });

  test('replicate to a folder that holds another envelope for the same version: refused', async () => {
    const a = await archiveWithTwoReleases();
    const b = await archiveWithTwoReleases();
    // b's releases were signed at the same time with other PSS salts: same version, other bytes.
    await expect(a.archive.replicateTo(b.dir)).rejects.toMatchObject({ code: 'ARCHIVE_REPLICATION_FAILED' });
  });

  test('replicate with rsync to a local destination, verified by a checksum pass', async () => {
    const { dir, archive } = await archiveWithTwoReleases();
    const target = fresh('rsync-offsite');
    const report = await archive.replicateTo(`rsync:${target}`);
    expect(report).toEqual({ target: `rsync:${target}`, copiedObjects: countObjects(dir), copiedReleases: 2 });
    const copy = new ReleaseArchive(target);
    expect(await copy.verifyIntegrity()).toMatchObject({ ok: true, releases: 2 });
    expect(copy.versions()).toEqual([1, 2]);
    expect(await archive.replicateTo(`rsync:${target}`)).toEqual({ target: `rsync:${target}`, copiedObjects: 0, copiedReleases: 0 });
    // A damaged object at the destination is not overwritten (--ignore-existing), but the check catches it.
    const fan = readdirSync(join(target, 'objects'))[0]!;
    const name = readdirSync(join(target, 'objects', fan))[0]!;
    chmodSync(join(target, 'objects', fan, name), 0o644);
    writeFileSync(join(target, 'objects', fan, name), 'defaced');
    await expect(archive.replicateTo(`rsync:${target}`)).rejects.toMatchObject({ code: 'ARCHIVE_REPLICATION_FAILED' });
  });

  test('rsync destinations that look like options are refused; a missing rsync is a clear error', async () => {
    const { archive } = await archiveWithTwoReleases();
    await expect(archive.replicateTo('rsync:--delete')).rejects.toMatchObject({ code: 'RELEASE_INVALID_ARGUMENT' });
    await expect(archive.replicateTo('rsync:')).rejects.toMatchObject({ code: 'RELEASE_INVALID_ARGUMENT' });
    await expect(archive.replicateTo(`rsync:${fresh('x')}`, { rsync: '/nonexistent/rsync' })).rejects.toMatchObject({ code: 'ARCHIVE_REPLICATION_FAILED' });
  });
});

describe('SeenVersions', () => {
  const CA = 'ab'.repeat(32);

  test('remembers the highest version per group and CA, atomically', () => {
    const dir = fresh('seen');
    const file = join(dir, 'seen.json');
    mkdirSync(dir);
    const seen = new SeenVersions(file);
    const key = SeenVersions.key('示例网站群', CA.toUpperCase());
    expect(key).toBe(SeenVersions.key('示例网站群', CA));
    expect(key).not.toBe(SeenVersions.key('示例网站群', 'cd'.repeat(32)));
    expect(seen.last(key)).toBeUndefined();
    seen.record(key, 3);
    seen.record(key, 3);
    seen.record(key, 5);
    expect(new SeenVersions(file).last(key)).toBe(5);
    expect(() => seen.record(key, 4)).toThrow(expect.objectContaining({ code: 'SEEN_VERSION_LOWER' }));
    expect(seen.last(key)).toBe(5);
    expect(readdirSync(dir)).toEqual(['seen.json']);
  });

  test.for([
    { name: 'not JSON', content: '{"format":1,"seen":{' },
    { name: 'empty', content: '' },
    { name: 'wrong format', content: '{"format":2,"seen":{}}' },
    { name: 'a version that is not a number', content: '{"format":1,"seen":{"k":"9"}}' },
    { name: 'a negative version', content: '{"format":1,"seen":{"k":-1}}' },
    { name: 'duplicate keys', content: '{"format":1,"seen":{"k":9,"k":1}}' },
  ])('a corrupt state file is an error naming it, never a reset: $name', ({ content }) => {
    const t = tempTree({ 'seen.json': content });
    try {
      const file = join(t.dir, 'seen.json');
      const seen = new SeenVersions(file);
      expect(() => seen.last('k')).toThrow(expect.objectContaining({ code: 'SEEN_STATE_CORRUPT', file }));
      expect(() => seen.record('k', 1)).toThrow(expect.objectContaining({ code: 'SEEN_STATE_CORRUPT' }));
      expect(readFileSync(file, 'utf8')).toBe(content);
    } finally {
      t.cleanup();
    }
  });
});
