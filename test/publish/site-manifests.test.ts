/**
 * Release format 2 on real mirrors, with real signatures (the test PKI): each
 * site folder carries only its own site manifest, bound by the digest in the
 * signed release document. A site manifest swapped for another site's, for an
 * older release's, or edited, is refused on a folder mirror and over HTTP
 * (nginx when installed, and a plain Node server); a release that changes one
 * site leaves the other sites' site manifests byte for byte; the verifier of one
 * site over HTTP needs nothing of the other sites; and a format-1 release
 * already in an archive still restores, rolls back and gives the gate its memory.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deployToFolder, removeTree } from '../../pipeline/mirror/index.ts';
import { loadMemory, rollback, verifyTarget } from '../../pipeline/publish/index.ts';
import {
  MIRROR_META_DIR,
  RELEASE_TRUST_FILES,
  ReleaseArchive,
  SeenVersions,
  SITE_MANIFEST_FILE,
  signRelease,
  siteManifestBytes,
  type ReleaseManifest,
  type ReleaseTrustFile,
} from '../../pipeline/release/index.ts';
import type { Plan } from '../../pipeline/plan/index.ts';
import { PKI_SETUP_TIMEOUT } from '../trust/pki.ts';
import { nginxAvailable, startNginx } from '../helpers/nginx.ts';
import { MAIN, makeReleaseFixture, NOW, SUB, type ReleaseFixture } from '../release/fixture.ts';

let fx: ReleaseFixture;
let trust: Record<ReleaseTrustFile, Uint8Array>;
let anchor: string;
let work: string;
let counter = 0;

interface Made {
  manifest: ReleaseManifest;
  envelope: Uint8Array;
}

/** Release `version` of two sites (`main` and `sub` are their index pages), archived in `archive`. */
function release(archive: ReleaseArchive, version: number, main: string, sub: string, format: 1 | 2 = 2): Made {
  const m = Buffer.from(main);
  const s = Buffer.from(sub);
  for (const n of RELEASE_TRUST_FILES) archive.putBytes(trust[n]);
  const manifest = fx.manifest(trust, {
    format,
    version,
    files: [
      { path: `${MAIN}/index.html`, size: m.length, sha256: archive.putBytes(m) },
      { path: `${SUB}/index.html`, size: s.length, sha256: archive.putBytes(s) },
    ],
  });
  const envelope = signRelease(manifest, [fx.chen]);
  archive.putRelease(version, envelope, manifest);
  return { manifest, envelope };
}

function fresh(name: string): { archive: ReleaseArchive; dir: string } {
  const dir = join(work, `${name}-${++counter}`);
  return { archive: new ReleaseArchive(join(dir, 'archive')), dir };
}

async function mirror(dir: string, archive: ReleaseArchive, r: Made): Promise<string> {
  const target = join(dir, 'mirror');
  await deployToFolder({ target, manifest: r.manifest, envelopeBytes: r.envelope, trustFiles: trust, objects: archive });
  return target;
}

const siteJson = (target: string, code: string) => join(target, code, MIRROR_META_DIR, SITE_MANIFEST_FILE);
const seen = () => new SeenVersions(join(work, 'state', `seen-${++counter}.json`));
const verify = (target: string, extra: Partial<Parameters<typeof verifyTarget>[0]> = {}) => verifyTarget({ target, now: NOW, anchorFingerprint: anchor, seen: seen(), ...extra });
const codes = (r: { problems: { code: string }[] }) => [...new Set(r.problems.map((p) => p.code))];

beforeAll(async () => {
  fx = await makeReleaseFixture();
  trust = fx.trustFiles();
  anchor = fx.pki.ca.fingerprint;
  work = mkdtempSync(join(tmpdir(), 'sealpress-sites-'));
}, PKI_SETUP_TIMEOUT);
afterAll(async () => removeTree(work, tmpdir()));

describe('a folder mirror of a format-2 release', () => {
  test('each site folder holds its own site manifest only, and the mirror verifies', async () => {
    const { archive, dir } = fresh('layout');
    const r = release(archive, 1, '<h1>省局</h1>', '<h1>市局</h1>');
    const target = await mirror(dir, archive, r);
    const bytes = siteManifestBytes(r.manifest);
    for (const code of [MAIN, SUB]) expect(readFileSync(siteJson(target, code))).toEqual(Buffer.from(bytes.get(code)!));
    // The signed document lists no file: the main site's pages are not in the sub-site's folder.
    expect(Buffer.from(readFileSync(join(target, SUB, MIRROR_META_DIR, 'release.dsse.json'))).toString()).not.toContain(Buffer.from(`${MAIN}/index.html`).toString('base64').slice(0, 12));
    expect(readFileSync(siteJson(target, SUB), 'utf8')).not.toContain(`${MAIN}/`);
    const report = await verify(target);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, version: 1, files: 2, sites: [MAIN, SUB] });
  });

  test.each([
    ['swapped for the other site\'s', (_target: string, _old: Made, now: Made) => siteManifestBytes(now.manifest).get(SUB)!],
    ['swapped for the one of an older release', (_target: string, old: Made) => siteManifestBytes(old.manifest).get(MAIN)!],
    ['edited (a page digest changed)', (target: string) => Buffer.from(readFileSync(siteJson(target, MAIN), 'utf8').replace(/"sha256":"[0-9a-f]{64}"/, `"sha256":"${'e'.repeat(64)}"`))],
  ])('a site manifest %s is refused, and --restore puts the signed one back', async (_name, replacement) => {
    const { archive, dir } = fresh('swap');
    const old = release(archive, 1, '<h1>省局 v1</h1>', '<h1>市局</h1>');
    const now = release(archive, 2, '<h1>省局 v2</h1>', '<h1>市局</h1>');
    const target = await mirror(dir, archive, now);
    const bad = replacement(target, old, now);
    expect(Buffer.from(bad).equals(readFileSync(siteJson(target, MAIN)))).toBe(false);
    writeFileSync(siteJson(target, MAIN), bad);
    const report = await verify(target);
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain('RELEASE_SITE_MANIFEST_MISMATCH');
    expect(report.problems.find((p) => p.code === 'RELEASE_SITE_MANIFEST_MISMATCH')?.message).toContain(MAIN);
    const repaired = await verify(target, { restoreFrom: archive });
    expect(repaired).toMatchObject({ ok: true, version: 2 });
    expect(readFileSync(siteJson(target, MAIN))).toEqual(Buffer.from(siteManifestBytes(now.manifest).get(MAIN)!));
  });

  test('a missing site manifest is refused', async () => {
    const { archive, dir } = fresh('missing');
    const target = await mirror(dir, archive, release(archive, 1, 'a', 'b'));
    rmSync(siteJson(target, SUB));
    const report = await verify(target);
    expect(report.ok).toBe(false);
    expect(codes(report)).toContain('RELEASE_SITE_MANIFEST_MISSING');
  });

  test('a release that changes one site rewrites that site\'s manifest only: the other\'s is byte-identical, one archive object', async () => {
    const { archive, dir } = fresh('one-site');
    const r1 = release(archive, 1, '<h1>省局 v1</h1>', '<h1>市局</h1>');
    const target = await mirror(dir, archive, r1);
    const before = { main: readFileSync(siteJson(target, MAIN)), sub: readFileSync(siteJson(target, SUB)), envelope: readFileSync(join(target, SUB, MIRROR_META_DIR, 'release.dsse.json')) };
    const r2 = release(archive, 2, '<h1>省局 v2</h1>', '<h1>市局</h1>');
    await deployToFolder({ target, manifest: r2.manifest, envelopeBytes: r2.envelope, trustFiles: trust, objects: archive });
    expect(readFileSync(siteJson(target, SUB)).equals(before.sub)).toBe(true);
    expect(readFileSync(siteJson(target, MAIN)).equals(before.main)).toBe(false);
    // The signed document is new in every site (a new version), but small: it names sites, not files.
    const envelope = readFileSync(join(target, SUB, MIRROR_META_DIR, 'release.dsse.json'));
    expect(envelope.equals(before.envelope)).toBe(false);
    const m1 = siteManifestBytes(r1.manifest);
    const m2 = siteManifestBytes(r2.manifest);
    expect(Buffer.from(m2.get(SUB)!).equals(Buffer.from(m1.get(SUB)!))).toBe(true);
    expect((await verify(target)).ok).toBe(true);
    expect((await archive.verifyIntegrity()).ok).toBe(true);
  });
});

/** Serve `root` (one site folder) on loopback, as nginx does with `root <target>/<code>`. */
async function serveFolder(root: string): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    requests.push(path);
    const file = join(root, ...path.split('/').filter((s) => s !== '' && s !== '..'));
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    try {
      res.writeHead(200).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a web mirror of one site', () => {
  test('verifies with that site\'s metadata alone: the other sites\' folders are not there, and nothing of them is fetched', async () => {
    const { archive, dir } = fresh('http');
    const target = await mirror(dir, archive, release(archive, 1, '<h1>省局</h1>', '<h1>市局</h1>'));
    // Nothing of the main site is reachable: only the sub-site's folder is served.
    rmSync(join(target, MAIN), { recursive: true });
    const server = await serveFolder(join(target, SUB));
    try {
      const report = await verify(server.url, { site: SUB });
      expect(report.problems).toEqual([]);
      expect(report).toMatchObject({ ok: true, version: 1, sites: [SUB], files: 1 });
      expect(server.requests.filter((p) => p.includes(MAIN))).toEqual([]);
      expect(server.requests).toContain(`/${MIRROR_META_DIR}/${SITE_MANIFEST_FILE}`);
    } finally {
      await server.close();
    }
  });

  test('a site manifest of the other site served in its place is refused', async () => {
    const { archive, dir } = fresh('http-swap');
    const r = release(archive, 1, '<h1>省局</h1>', '<h1>市局</h1>');
    const target = await mirror(dir, archive, r);
    writeFileSync(siteJson(target, SUB), siteManifestBytes(r.manifest).get(MAIN)!);
    const server = await serveFolder(join(target, SUB));
    try {
      const report = await verify(server.url, { site: SUB });
      expect(report.ok).toBe(false);
      expect(codes(report)).toEqual(['RELEASE_SITE_MANIFEST_MISMATCH']);
    } finally {
      await server.close();
    }
  });

  test.skipIf(!nginxAvailable())('nginx: the site verifies, and a tampered site manifest is refused', { timeout: 60_000 }, async () => {
    const { archive, dir } = fresh('nginx');
    const target = await mirror(dir, archive, release(archive, 1, '<h1>省局</h1>', '<h1>市局</h1>'));
    const nginx = await startNginx({ sites: [{ root: join(target, SUB) }] });
    try {
      const url = nginx.urls[0]!;
      expect(await verify(url, { site: SUB })).toMatchObject({ ok: true, version: 1, sites: [SUB] });
      // A defacer adds a page to the site manifest (it still reads as a site manifest of this site).
      const doc = JSON.parse(readFileSync(siteJson(target, SUB), 'utf8')) as { files: { path: string; size: number; sha256: string }[] };
      doc.files.push({ path: `${SUB}/zz-injected.html`, size: 3, sha256: 'f'.repeat(64) });
      writeFileSync(siteJson(target, SUB), JSON.stringify(doc));
      const report = await verify(url, { site: SUB });
      expect(report.ok).toBe(false);
      expect(codes(report)).toEqual(['RELEASE_SITE_MANIFEST_MISMATCH']);
    } finally {
      await nginx.stop();
    }
  });
});

describe('a format-1 release already in the archive', () => {
  const audit = () => {
    const events: unknown[] = [];
    return { events, record: async (e: unknown) => void events.push(e), head: async () => undefined };
  };
  const plan: Plan = { version: 1, now: NOW.toISOString(), approvals: { verified: true, note: '' }, entries: [], diagnostics: [] } as unknown as Plan;

  test('is restored to an empty mirror as it was signed, gives the gate its memory, and rolls back as a new format-2 release', async () => {
    const { archive, dir } = fresh('format1');
    const old = release(archive, 1, '<h1>省局 旧</h1>', '<h1>市局 旧</h1>', 1);
    expect(old.manifest.format).toBe(1);
    // Its envelope lists the files inline, as format 1 always did.
    expect(JSON.parse(Buffer.from((JSON.parse(Buffer.from(old.envelope).toString()) as { payload: string }).payload, 'base64').toString()).files).toHaveLength(2);

    // Restore (verify --restore on an empty folder): the format-1 layout, no site manifest.
    const target = join(dir, 'mirror');
    const restored = await verify(target, { restoreFrom: archive });
    expect(restored).toMatchObject({ ok: true, version: 1 });
    expect(existsSync(siteJson(target, MAIN))).toBe(false);
    expect(readFileSync(join(target, MAIN, 'index.html'), 'utf8')).toBe('<h1>省局 旧</h1>');

    // The gate's memory from it.
    expect(await loadMemory(archive, { anchorFingerprint: anchor })).toMatchObject({ version: 1 });

    // A new format-2 release, then a rollback to the format-1 one.
    release(archive, 2, '<h1>省局 新</h1>', '<h1>市局 新</h1>');
    const sink = audit();
    const back = await rollback({ archive, to: 1, signers: [fx.chen], trust, now: NOW, expiresInMs: 86_400_000, anchorFingerprint: anchor, mirrors: [target], audit: sink, currentPlan: plan });
    expect(back).toMatchObject({ ok: true, version: 3, rollbackOf: 1, files: 2 });
    const after = await verify(target);
    expect(after).toMatchObject({ ok: true, version: 3 });
    expect(readFileSync(join(target, MAIN, 'index.html'), 'utf8')).toBe('<h1>省局 旧</h1>');
    // Signed in today's format: each site has its site manifest now.
    expect(existsSync(siteJson(target, MAIN))).toBe(true);
    expect(await loadMemory(archive, { anchorFingerprint: anchor })).toMatchObject({ version: 3 });
    expect((await archive.verifyIntegrity()).ok).toBe(true);
  });
});
