/**
 * Issue 5 end to end, through the command line on a copy of the demo: publish
 * to two folder mirrors, verify them, catch and restore a hand-edited page,
 * serve a mirror with a real nginx and verify it over HTTP, the mirror attacks
 * as TUF names them, a second release, rollback, and the audit trail of it all.
 */
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, realpathSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { inspectCertificate } from '../../pipeline/trust/index.ts';
import { runCli } from '../helpers/cli.ts';
import { nginxAvailable, startNginx, type NginxServer } from '../helpers/nginx.ts';
import { copyDemo, demoRoot } from '../helpers/demo.ts';

const NOW = '2026-11-27T12:00:00+08:00';
const LATER = '2026-11-27T13:00:00+08:00';
const MAIN = '19900000000';
const SUB = '19901000000';
const META = '.well-known/sealpress';
/** A published notice of the main site, changed after approval for release 2. */
const CHANGED = 'content/19900000000/tzgg/2026-09-invoice-digital-rollout.md';
// Unset anything from the environment that would change whose key signs or where state goes.
const ENV = { SEALPRESS_RELEASE_KEY: undefined, SEALPRESS_RELEASE_CERT: undefined, SEALPRESS_ARCHIVE: undefined, SEALPRESS_AUDIT_LOG: undefined, SEALPRESS_TRUST_ANCHOR: undefined };

let work: string;
let repo: string;
let A: string;
let B: string;
let archive: string;
let offsite: string;
let auditLog: string;
let firstPublish: { code: number; out: string; err: string };

const common = () => ['--root', repo, '--archive', archive, '--audit-log', auditLog];
const cli = (args: string[]) => runCli(args, ENV);
const verify = (target: string, extra: string[] = [], state = join(work, 'state.json')) => cli(['verify', target, '--state', state, ...common(), '--now', LATER, ...extra]);

/** A frozen copy of a mirror's current tree, as a plain folder (for attacks that must not touch A or B). */
function snapshot(mirror: string, name: string): string {
  const dir = join(work, name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(realpathSync(mirror), dir, { recursive: true });
  return dir;
}

function writeInto(path: string, data: string | Uint8Array): void {
  // Deployed files may be read-only; a defacer with write access changes that first.
  if (existsSync(path)) unlinkSync(path);
  writeFileSync(path, data);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sealpress-publish-'));
  repo = join(work, 'repo');
  copyDemo(await demoRoot(), repo);
  A = join(work, 'mirror-a');
  B = join(work, 'mirror-b');
  archive = join(work, 'archive');
  offsite = join(work, 'offsite');
  auditLog = join(work, 'audit.jsonl');
  firstPublish = await cli(['publish', ...common(), '--now', NOW, '--mirror', A, '--mirror', B, '--offsite', offsite, '--json']);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('sealpress publish --mirror A --mirror B on the demo', () => {
  test('publishes release 1 to both mirrors and the off-site copy, signed with the demo release key', () => {
    expect(firstPublish.code, firstPublish.err).toBe(0);
    expect(firstPublish.err).toContain('DEMO release key');
    const summary = JSON.parse(firstPublish.out) as { version: number; files: number; entries: { publishable: number }; mirrors: { ok: boolean; verified: boolean; transfer: Record<string, number> }[]; archive: { offsite: { ok: boolean }[] } };
    expect(summary.version).toBe(1);
    expect(summary.entries.publishable).toBe(44);
    expect(summary.mirrors.map((m) => [m.ok, m.verified])).toEqual([
      [true, true],
      [true, true],
    ]);
    // A first deploy has no tree to link from: every file copied from the archive.
    for (const m of summary.mirrors) expect(m.transfer).toMatchObject({ reflinked: 0, hardlinked: 0, refused: 0 });
    expect(summary.archive.offsite).toEqual([{ target: offsite, ok: true }]);
    for (const mirror of [A, B]) {
      expect(lstatSync(mirror).isSymbolicLink()).toBe(true);
      expect(existsSync(join(mirror, MAIN, 'index.html'))).toBe(true);
      expect(existsSync(join(mirror, SUB, META, 'release.dsse.json'))).toBe(true);
    }
    expect(existsSync(join(offsite, 'releases', '0000000001.dsse.json'))).toBe(true);
  });

  test('verify A passes', async () => {
    const r = await verify(A);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/^OK .*release v1/m);
  });

  test('a hand-edited page in B is caught, then restored byte for byte by verify B --restore', async () => {
    const page = join(B, MAIN, 'index.html');
    const original = readFileSync(page);
    writeInto(page, original.toString('utf8').replace('</body>', '<p>网站已被篡改</p></body>'));
    const caught = await verify(B);
    expect(caught.code).toBe(1);
    expect(caught.out).toContain(`modified: ${MAIN}/index.html`);
    const restored = await verify(B, ['--restore']);
    expect(restored.code, restored.out + restored.err).toBe(0);
    expect(restored.out).toContain('restored');
    expect(readFileSync(join(B, MAIN, 'index.html')).equals(original)).toBe(true);
    expect((await verify(B)).code).toBe(0);
  });
});

describe('the off-site copy of the archive', () => {
  test('an archive without the release: a clear error naming what is missing, no stack trace, the mirror left as it was', async () => {
    const page = join(B, SUB, 'index.html');
    const original = readFileSync(page);
    writeInto(page, '<h1>defaced</h1>');
    const empty = join(work, 'empty-archive');
    const r = await cli(['verify', B, '--restore', '--archive', empty, '--root', repo, '--audit-log', auditLog, '--state', join(work, 'offsite-state.json'), '--now', LATER]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/ARCHIVE_MISSING/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(readFileSync(page, 'utf8')).toBe('<h1>defaced</h1>');
    writeInto(page, original);
  });


  test('restores a mirror byte for byte on its own, as after losing the local archive', async () => {
    const page = join(B, SUB, 'index.html');
    const original = readFileSync(page);
    rmSync(page);
    const r = await cli(['verify', B, '--restore', '--archive', offsite, '--root', repo, '--audit-log', auditLog, '--state', join(work, 'offsite-state.json'), '--now', LATER]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('restored');
    expect(readFileSync(page).equals(original)).toBe(true);
  });
});

describe.skipIf(!nginxAvailable())('a mirror served by nginx, verified over HTTP', () => {
  let nginx: NginxServer;
  beforeAll(async () => {
    nginx = await startNginx({ sites: [{ root: join(A, MAIN) }, { root: join(A, SUB) }] });
  });
  afterAll(async () => nginx?.stop());

  test('both sites verify over HTTP', async () => {
    for (const [i, site] of [MAIN, SUB].entries()) {
      const r = await verify(nginx.urls[i]!, ['--site', site]);
      expect(r.code, r.out + r.err).toBe(0);
      expect(r.out).toMatch(/^OK /m);
    }
  });

  test.for([
    { name: 'a page', file: `${MAIN}/index.html`, expect: `modified: ${MAIN}/index.html` },
    { name: 'an asset', file: `${MAIN}/pagefind/pagefind.js`, expect: `modified: ${MAIN}/pagefind/pagefind.js` },
    { name: 'the manifest', file: `${MAIN}/${META}/release.dsse.json`, expect: 'RELEASE_' },
  ])('tampering with $name on disk is caught over HTTP and on disk, and --restore brings back the exact bytes', async (c) => {
    const path = join(A, c.file);
    const original = readFileSync(path);
    const tampered = Buffer.from(original);
    // Flip one byte in the middle: the smallest change a defacer could make.
    const at = c.file.endsWith('.dsse.json') ? original.indexOf('"payload":"') + 40 : Math.floor(original.length / 2);
    tampered[at] = tampered[at] === 0x41 ? 0x42 : 0x41;
    writeInto(path, tampered);
    const overHttp = await verify(nginx.urls[0]!, ['--site', MAIN]);
    expect(overHttp.code).toBe(1);
    expect(overHttp.out).toContain(c.expect);
    const onDisk = await verify(A);
    expect(onDisk.code).toBe(1);
    const restored = await verify(A, ['--restore']);
    expect(restored.code, restored.out + restored.err).toBe(0);
    expect(readFileSync(path).equals(original)).toBe(true);
    expect((await verify(nginx.urls[0]!, ['--site', MAIN])).code).toBe(0);
  });
});

describe('attacks on a mirror (TUF)', () => {
  test.for([
    { name: 'arbitrary file: a page rewritten', attack: (d: string) => writeInto(join(d, MAIN, 'index.html'), '<h1>hacked</h1>'), out: `modified: ${MAIN}/index.html` },
    { name: 'an injected page', attack: (d: string) => writeFileSync(join(d, SUB, 'notice.html'), '<h1>假通知</h1>'), out: `extra:    ${SUB}/notice.html` },
    { name: 'a deleted page', attack: (d: string) => rmSync(join(d, SUB, 'index.html')), out: `missing:  ${SUB}/index.html` },
    {
      // 1 TiB (sparse, so it costs no disk): read to its end it would take minutes, far past the bound below.
      name: 'endless data: a page grown to 1 TiB',
      attack: (d: string) => {
        const p = join(d, MAIN, 'search', 'index.html');
        truncateSync(p, 1024 ** 4);
      },
      out: `modified: ${MAIN}/search/index.html`,
    },
  ])('$name is reported with its path', async (c) => {
    const dir = snapshot(A, 'attack');
    c.attack(dir);
    const started = performance.now();
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(c.out);
    // A huge file is judged by its size, never read to its end.
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  test('freeze: a manifest past its expiry is refused', async () => {
    const r = await cli(['verify', A, '--state', join(work, 'fresh-state.json'), ...common(), '--now', '2026-12-05T12:00:00+08:00']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('RELEASE_EXPIRED');
  });
});

describe('a second release, mix-and-match, rollback', () => {
  let v1Tree: string;
  beforeAll(async () => {
    v1Tree = snapshot(A, 'v1-tree');
    // Change one published entry's wording: it is no longer the approved bytes, so release 2 leaves it out.
    const file = join(repo, CHANGED);
    writeFileSync(file, readFileSync(file, 'utf8').replace(/\n$/, '\n\n（本文已更新）\n'));
    const r = await cli(['publish', ...common(), '--now', LATER, '--mirror', A, '--json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { version: number }).version).toBe(2);
  }, 300_000);

  test('mix-and-match: a file of release 1 inside a release-2 mirror is reported', async () => {
    const dir = snapshot(A, 'mixed');
    const list = `${MAIN}/tzgg/index.html`;
    expect(readFileSync(join(v1Tree, list)).equals(readFileSync(join(dir, list)))).toBe(false);
    writeInto(join(dir, list), readFileSync(join(v1Tree, list)));
    const r = await verify(dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain(`modified: ${list}`);
  });

  test('rollback: once v2 is seen, a mirror serving v1 is refused', async () => {
    const state = join(work, 'rollback-state.json');
    expect((await verify(A, [], state)).code).toBe(0);
    const r = await verify(v1Tree, [], state);
    expect(r.code).toBe(1);
    expect(r.out).toContain('RELEASE_ROLLBACK');
  });

  test('sealpress rollback --to 1 republishes release 1 as version 3, and verifiers accept it', async () => {
    const r = await cli(['rollback', '--to', '1', ...common(), '--now', LATER, '--mirror', A, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ version: 3, rollbackOf: 1 });
    // The pages releases 1 and 2 share are linked from the tree A served (v2), checked first; the others are copied from the archive.
    const transfer = (JSON.parse(r.out) as { mirrors: { transfer: { copied: number; reflinked: number; hardlinked: number; refused: number } }[] }).mirrors[0]!.transfer;
    expect(transfer.hardlinked + transfer.reflinked).toBeGreaterThan(0);
    expect(transfer.copied).toBeGreaterThan(0);
    expect(transfer.refused).toBe(0);
    const state = join(work, 'rollback-state.json');
    const v = await verify(A, [], state);
    expect(v.code, v.out).toBe(0);
    expect(v.out).toContain('release v3');
    const list = `${MAIN}/tzgg/index.html`;
    expect(readFileSync(join(A, list)).equals(readFileSync(join(v1Tree, list)))).toBe(true);
  });

  test('the audit log of all this is an intact chain holding every kind of step', async () => {
    // Each release sealed the log's head at signing; the seals are read with their signatures checked.
    const r = await cli(['audit', 'verify', '--log', auditLog, '--archive', archive, '--root', repo]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('3 release seal(s) from 3 manifest(s): all found in the log');
    expect(r.out).not.toContain('not checked');
    // Outside a checkout, the CA fingerprint given on the command line checks the seals; a wrong one is refused.
    const ca = inspectCertificate(readFileSync(join(repo, 'sites', 'trust', 'ca.pem'), 'utf8'));
    if (!ca.ok) throw new Error(ca.message);
    const outside = await cli(['audit', 'verify', '--log', auditLog, '--archive', archive, '--root', work, '--trust-anchor', ca.cert.fingerprint]);
    expect(outside.code, outside.out + outside.err).toBe(0);
    expect(outside.out).not.toContain('not checked');
    expect((await cli(['audit', 'verify', '--log', auditLog, '--archive', archive, '--root', work, '--trust-anchor', 'not-a-fingerprint'])).code).toBe(2);
    const lines = readFileSync(auditLog, 'utf8').trim().split('\n');
    const actions = new Set(lines.map((l) => (JSON.parse(l) as { action: string }).action));
    for (const a of ['gate', 'release', 'deploy', 'verify', 'restore', 'rollback', 'incident']) expect(actions).toContain(a);
    // Any edit of this real history is caught and the entry named: here the outcome of the 4th entry.
    const edited = join(work, 'edited.jsonl');
    writeFileSync(edited, lines.map((l, i) => (i === 3 ? l.replace(/"outcome":"(\w+)"/, '"outcome":"ok2"') : l)).join('\n') + '\n');
    const bad = await cli(['audit', 'verify', '--log', edited]);
    expect(bad.code).toBe(1);
    expect(bad.out + bad.err).toMatch(/edited\.jsonl:4 seq 4\b/);
  });
});

