/**
 * Whose memory a verifier uses (issue 10): every clone of the demo shares the
 * demo CA (its key is published so clones can renew it), so two demos on one
 * machine must not see each other's releases as a rollback; a real group keeps
 * one memory per CA and group whichever checkout verifies, with full rollback
 * and freeze protection, even when someone adds the demo's marker files to it.
 * Small signed releases (no build), real verifyTarget, a real state file.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DEMO_CA_KEY, DEMO_CA_UNIT, DEMO_MARKER, DEMO_RELEASE_CERT, DEMO_RELEASE_KEY } from '../../pipeline/demo/index.ts';
import { deployToFolder, removeTree } from '../../pipeline/mirror/index.ts';
import { verifierMemory, verifyTarget } from '../../pipeline/publish/index.ts';
import { RELEASE_TRUST_FILES, ReleaseArchive, signRelease, type ReleaseTrustFile } from '../../pipeline/release/index.ts';
import { PKI_SETUP_TIMEOUT } from '../trust/pki.ts';
import { CREATED, MAIN, makeReleaseFixture, NOW, type ReleaseFixture } from '../release/fixture.ts';

const page = Buffer.from('<h1>通知</h1>');
let work: string;

interface Domain {
  fx: ReleaseFixture;
  trust: Record<ReleaseTrustFile, Uint8Array>;
  archive: ReleaseArchive;
  anchor: string;
  dir: string;
}

async function domain(name: string, caUnit?: string): Promise<Domain> {
  const fx = await makeReleaseFixture(caUnit ? { caUnit } : {});
  const dir = join(work, name);
  return { fx, trust: fx.trustFiles(), archive: new ReleaseArchive(join(dir, 'archive')), anchor: fx.pki.ca.fingerprint, dir };
}

/** A checkout of the group: its CA, and (optionally) the demo's marker and key files beside it. */
function checkout(d: Domain, name: string, demoFiles: boolean): string {
  const root = join(d.dir, name);
  mkdirSync(join(root, 'sites', 'trust'), { recursive: true });
  writeFileSync(join(root, 'sites', 'trust', 'ca.pem'), d.fx.pki.ca.certPem);
  if (demoFiles) {
    mkdirSync(join(root, 'demo', 'keys'), { recursive: true });
    writeFileSync(join(root, 'sites', 'trust', DEMO_MARKER), '# Demo trust material\n');
    writeFileSync(join(root, DEMO_RELEASE_CERT), d.fx.chen.certPem);
    writeFileSync(join(root, DEMO_RELEASE_KEY), 'not read here\n');
    writeFileSync(join(root, DEMO_CA_KEY), 'not read here\n');
  }
  return root;
}

/** A folder mirror serving release `version` of the domain. */
async function mirror(d: Domain, name: string, version: number): Promise<string> {
  const sha = d.archive.putBytes(page);
  for (const n of RELEASE_TRUST_FILES) d.archive.putBytes(d.trust[n]);
  const manifest = d.fx.manifest(d.trust, { version, files: [{ path: `${MAIN}/index.html`, size: page.length, sha256: sha }], sites: [{ code: MAIN, name: '示例省税务局', domain: 'www.tax.example.gov.cn' }], entries: [] });
  const envelope = signRelease(manifest, [d.fx.chen]);
  if (!d.archive.versions().includes(version)) d.archive.putRelease(version, envelope, manifest);
  const target = join(d.dir, 'mirrors', name);
  await deployToFolder({ target, manifest, envelopeBytes: envelope, trustFiles: d.trust, objects: d.archive });
  return target;
}

let real: Domain;
let demo: Domain;
/** One machine's state file, shared by every checkout (as ~/.local/state/sealpress is). */
let state: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sealpress-memory-'));
  state = join(work, 'state', 'seen-versions.json');
  [real, demo] = await Promise.all([domain('real'), domain('demo', DEMO_CA_UNIT)]);
}, PKI_SETUP_TIMEOUT * 2);

afterAll(async () => removeTree(work, tmpdir()));

const check = (d: Domain, root: string, target: string, now = NOW) => verifyTarget({ target, now, anchorFingerprint: d.anchor, seen: verifierMemory(state, root, d.anchor, {}) });
const codes = (r: { problems: { code: string }[] }) => r.problems.map((p) => p.code);

describe('two demos on one machine', () => {
  test('a fresh clone\'s release 1 is not a rollback of the other clone\'s release 2', async () => {
    const a = checkout(demo, 'clone-a', true);
    const b = checkout(demo, 'clone-b', true);
    const first = await check(demo, a, await mirror(demo, 'a-v2', 2));
    expect(first.ok, JSON.stringify(first.problems)).toBe(true);
    const other = await check(demo, b, await mirror(demo, 'b-v1', 1));
    expect(other.ok, JSON.stringify(other.problems)).toBe(true);
  });

  test('each clone keeps its own rollback and freeze protection', async () => {
    const a = checkout(demo, 'clone-a', true);
    const old = await check(demo, a, join(demo.dir, 'mirrors', 'b-v1'));
    expect(codes(old)).toContain('RELEASE_ROLLBACK');
    const frozen = await check(demo, a, join(demo.dir, 'mirrors', 'a-v2'), new Date(Date.parse(CREATED) + 30 * 86_400_000));
    expect(codes(frozen)).toContain('RELEASE_EXPIRED');
  });
});

describe('a real group', () => {
  test('keeps one memory across checkouts: an older release seen from another checkout is a rollback', async () => {
    const a = checkout(real, 'checkout-a', false);
    const b = checkout(real, 'checkout-b', false);
    expect(verifierMemory(state, a, real.anchor, {}).scope).toBeUndefined();
    expect((await check(real, a, await mirror(real, 'v2', 2))).ok).toBe(true);
    const old = await check(real, b, await mirror(real, 'v1', 1));
    expect(old.ok).toBe(false);
    expect(codes(old)).toContain('RELEASE_ROLLBACK');
  });

  test('the demo\'s marker and key files added to a real checkout change nothing: the CA is not the demo\'s', async () => {
    const forged = checkout(real, 'forged', true);
    expect(verifierMemory(state, forged, real.anchor, {}).scope).toBeUndefined();
    const old = await check(real, forged, join(real.dir, 'mirrors', 'v1'));
    expect(codes(old)).toContain('RELEASE_ROLLBACK');
    const frozen = await check(real, forged, join(real.dir, 'mirrors', 'v2'), new Date(Date.parse(CREATED) + 30 * 86_400_000));
    expect(codes(frozen)).toContain('RELEASE_EXPIRED');
  });

  test('a demo checkout verifying under another anchor (a real group\'s) uses that group\'s shared memory', async () => {
    const a = checkout(demo, 'clone-a', true);
    expect(verifierMemory(state, a, real.anchor, {}).scope).toBeUndefined();
    expect(verifierMemory(state, a, demo.anchor, {}).scope).toBeDefined();
  });
});
