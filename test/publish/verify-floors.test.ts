/**
 * The verifier's own defences, on a small signed release (no build): versions
 * that must not go backwards (the release, the trust documents it binds, the
 * archive's latest when restoring), a web mirror that fails requests, a tree
 * made unreadable to stop a repair, and a first run on a fresh machine.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deployToFolder, removeTree } from '../../pipeline/mirror/index.ts';
import { verifyTarget } from '../../pipeline/publish/index.ts';
import { RELEASE_TRUST_FILES, ReleaseArchive, SeenVersions, signRelease, type ReleaseManifest, type ReleaseTrustFile } from '../../pipeline/release/index.ts';
import { PKI_SETUP_TIMEOUT } from '../trust/pki.ts';
import { MAIN, makeReleaseFixture, NOW, type ReleaseFixture } from '../release/fixture.ts';

const SUB = '19901000000';
let fx: ReleaseFixture;
let trust: Record<ReleaseTrustFile, Uint8Array>;
let anchor: string;
let work: string;
let archive: ReleaseArchive;
const page = Buffer.from('<h1>通知</h1>');

/** Release `version` of two one-page sites, archived. */
function release(version: number, files = trust): { manifest: ReleaseManifest; envelope: Uint8Array } {
  const sha = archive.putBytes(page);
  for (const n of RELEASE_TRUST_FILES) archive.putBytes(files[n]);
  const manifest = fx.manifest(files, {
    version,
    files: [
      { path: `${MAIN}/index.html`, size: page.length, sha256: sha },
      { path: `${SUB}/index.html`, size: page.length, sha256: sha },
    ],
  });
  const envelope = signRelease(manifest, [fx.chen]);
  if (!archive.versions().includes(version)) archive.putRelease(version, envelope, manifest);
  return { manifest, envelope };
}

async function mirrorOf(name: string, r: { manifest: ReleaseManifest; envelope: Uint8Array }, files = trust): Promise<string> {
  const target = join(work, name);
  await deployToFolder({ target, manifest: r.manifest, envelopeBytes: r.envelope, trustFiles: files, objects: archive });
  return target;
}

const seen = (name: string) => new SeenVersions(join(work, 'state', name, 'seen.json'));

beforeAll(async () => {
  fx = await makeReleaseFixture();
  trust = fx.trustFiles();
  anchor = fx.pki.ca.fingerprint;
  work = mkdtempSync(join(tmpdir(), 'sealpress-floors-'));
  archive = new ReleaseArchive(join(work, 'archive'));
}, PKI_SETUP_TIMEOUT);

// The deep tree of the last test defeats rmSync; removeTree is what the deploys use for the same reason.
afterAll(async () => removeTree(work, tmpdir()));

describe('the verifier', () => {
  test('on a fresh machine creates its state folder and remembers the version', async () => {
    const target = await mirrorOf('fresh', release(7));
    const state = join(work, 'no', 'such', 'folder', 'seen.json');
    const r = await verifyTarget({ target, now: NOW, anchorFingerprint: anchor, seen: new SeenVersions(state) });
    expect(r.ok, JSON.stringify(r.problems)).toBe(true);
    expect(existsSync(state)).toBe(true);
  });

  test('refuses a release bound to older trust documents than it knows (an old revocation list hides a revoked key)', async () => {
    const target = await mirrorOf('old-trust', release(7));
    const r = await verifyTarget({ target, now: NOW, anchorFingerprint: anchor, seen: seen('old-trust'), trustFloor: { revocations: 2 } });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.code)).toContain('TRUST_ROLLBACK');
  });

  test('remembers the trust documents\' versions it saw: a later release bound to an older roster is refused', async () => {
    const state = seen('remembers');
    // Release 5 under roster v2 (the admins re-signed the roster), seen and remembered.
    const newer = fx.trustFiles({ roster: { ...fx.rosterPayload(), version: 2 } });
    const target = await mirrorOf('remembers', release(5, newer), newer);
    expect((await verifyTarget({ target, now: NOW, anchorFingerprint: anchor, seen: state })).ok).toBe(true);
    const key = SeenVersions.key(fx.manifest(trust).group, anchor);
    expect(state.last(`${key} roster`)).toBe(2);
    expect(state.last(`${key} revocations`)).toBeGreaterThanOrEqual(1);
    // (A roster cannot be signed with a version below 1 at all.)
    expect(() => fx.trustFiles({ roster: { ...fx.rosterPayload(), version: 0 } })).toThrow();
    // Release 6, newer but validly signed under the older roster v1: refused by this verifier.
    const older = await mirrorOf('remembers-older', release(6));
    const r = await verifyTarget({ target: older, now: NOW, anchorFingerprint: anchor, seen: state });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.code)).toEqual(['TRUST_ROLLBACK']);
  });

  test('when restoring, a mirror older than the archive\'s latest is a rollback, and the latest is restored', async () => {
    const v7 = release(7);
    const target = await mirrorOf('behind', v7);
    release(8);
    const r = await verifyTarget({ target, now: NOW, anchorFingerprint: anchor, seen: seen('behind'), restoreFrom: archive });
    expect(r.restored?.version).toBe(8);
    expect(r.ok).toBe(true);
    expect(r.version).toBe(8);
  });

  test('a tree made unreadable (folders nested past PATH_MAX) is reported, and --restore still repairs the mirror', async () => {
    const target = await mirrorOf('deep', release(8));
    writeFileSync(join(target, MAIN, 'index.html'), 'DEFACED');
    // Built by renames of short paths, so that no single call exceeds PATH_MAX; the tree's total depth does.
    const box = join(work, 'box');
    mkdirSync(join(box, 'chain'), { recursive: true });
    for (let i = 0; i < 20; i++) {
      mkdirSync(join(box, 'next'));
      renameSync(join(box, 'chain'), join(box, 'next', 'x'.repeat(250)));
      renameSync(join(box, 'next'), join(box, 'chain'));
    }
    renameSync(join(box, 'chain'), join(realpathSync(target), MAIN, 'deep'));
    const found = await verifyTarget({ target, now: NOW, anchorFingerprint: anchor, seen: seen('deep') });
    expect(found.ok).toBe(false);
    expect(found.problems.map((p) => p.code)).toContain('MIRROR_UNREADABLE');
    const repaired = await verifyTarget({ target, now: NOW, anchorFingerprint: anchor, seen: seen('deep'), restoreFrom: archive });
    expect(repaired.ok, JSON.stringify(repaired.problems)).toBe(true);
    expect(readFileSync(join(target, MAIN, 'index.html')).equals(page)).toBe(true);
    // The defaced tree stays in the store as the previous release; the next deploys prune it without failing.
    const store = join(work, '.deep.sealpress');
    const before = readdirSync(store).filter((n) => /^\d{10}-/.test(n));
    const v9 = release(9);
    await mirrorOf('deep', v9);
    await mirrorOf('deep', v9);
    const after = readdirSync(store).filter((n) => /^\d{10}-/.test(n));
    expect(after.filter((n) => before.includes(n))).toHaveLength(0);
    expect(readdirSync(store).filter((n) => n.startsWith('.removing-'))).toEqual([]);
  });
});

describe('a web mirror', () => {
  let server: Server;
  let base: string;
  let status = 200;
  beforeAll(async () => {
    const target = await mirrorOf('web', release(8));
    const root = join(realpathSync(target), MAIN);
    server = createServer((req, res) => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
      const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
      // The metadata is served honestly; every page answers with the status under test.
      if (!path.startsWith('/.well-known/') && status !== 200) {
        res.writeHead(status, { location: 'http://evil.example/' }).end();
        return;
      }
      if (!existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200).end(readFileSync(file));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('that serves every page verifies', async () => {
    status = 200;
    const r = await verifyTarget({ target: base, site: MAIN, now: NOW, anchorFingerprint: anchor, seen: seen('web-ok') });
    expect(r.ok, JSON.stringify(r.problems)).toBe(true);
  });

  test.for([500, 403, 302])('that answers %i for its pages does not verify', async (code) => {
    status = code;
    const r = await verifyTarget({ target: base, site: MAIN, now: NOW, anchorFingerprint: anchor, seen: seen(`web-${code}`) });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.code)).toContain('FETCH_FAILED');
  });
});

describe('removeTree (what deploys prune with)', () => {
  test('removes a link, never what it points to', async () => {
    const target = join(work, 'kept');
    mkdirSync(join(target, 'sub'), { recursive: true });
    writeFileSync(join(target, 'sub', 'page.html'), 'kept');
    const link = join(work, 'a-link');
    symlinkSync(target, link);
    await removeTree(link, work);
    expect(existsSync(link)).toBe(false);
    expect(readFileSync(join(target, 'sub', 'page.html'), 'utf8')).toBe('kept');
  });
});
