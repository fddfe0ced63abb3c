/**
 * A release binds exactly the bytes the gate verified (issue 13): publish reads
 * the site group and the trust material once, and the gate judges those bytes.
 * Here every trust document and the group's name change on disk in the middle
 * of a publish (through its progress callback, after publish has read them and
 * before the gate runs): the verdict, the signed manifest, the archive and the
 * mirror all stay with the bytes as they were read, never a mix of the two.
 */
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { AuditEvent } from '../../pipeline/audit/index.ts';
import { DEMO_PASSPHRASE, DEMO_RELEASE_CERT, DEMO_RELEASE_KEY } from '../../pipeline/demo/index.ts';
import { sha256Hex } from '../../pipeline/fs/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { TRUST_DIR } from '../../pipeline/load/index.ts';
import { DEFAULT_EXPIRES_DAYS, publish, type PublishResult } from '../../pipeline/publish/index.ts';
import { RELEASE_TRUST_FILES, ReleaseArchive, unverifiedManifest, type ReleaseManifest } from '../../pipeline/release/index.ts';
import { decryptKeyPem, inspectCertificate } from '../../pipeline/trust/index.ts';
import { copyDemo, DEMO_NOW, demoRoot } from '../helpers/demo.ts';

const GROUP_FILE = 'sites/group.yaml';
const META_TRUST = '.well-known/sealpress/trust';

let work: string;
let root: string;
let original: Record<string, Buffer>;
let expectedPublishable: string[];
let result: PublishResult;
let changedAt: string | undefined;
const events: AuditEvent[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'sealpress-read-once-'));
  root = join(work, 'repo');
  copyDemo(await demoRoot(), root);
  original = Object.fromEntries([...RELEASE_TRUST_FILES.map((n) => `${TRUST_DIR}/${n}`), GROUP_FILE].map((f) => [f, readFileSync(join(root, f))]));
  // The verdict on the files as they are before the run: what the release must publish.
  const gate = await runGate({ root, now: DEMO_NOW, cache: false });
  if (!gate.ok) throw new Error('the demo configuration is invalid');
  expectedPublishable = gate.plan.entries.filter((e) => e.status === 'publishable').map((e) => e.path).sort();

  const cert = inspectCertificate(readFileSync(join(root, DEMO_RELEASE_CERT), 'utf8'));
  if (!cert.ok) throw new Error(cert.message);
  const signer = { key: decryptKeyPem(readFileSync(join(root, DEMO_RELEASE_KEY), 'utf8'), DEMO_PASSPHRASE, DEMO_RELEASE_KEY), certPem: cert.cert.pem };
  result = await publish({
    root,
    now: DEMO_NOW,
    signers: [signer],
    archiveDir: join(work, 'archive'),
    offsite: [],
    mirrors: [join(work, 'mirror')],
    expiresInMs: DEFAULT_EXPIRES_DAYS * 86_400_000,
    cache: false,
    audit: { record: async (e) => void events.push(e), head: async () => undefined },
    onProgress: (event) => {
      if (changedAt !== undefined) return;
      // The first progress of the run: publish has read its inputs, the gate has not run yet.
      changedAt = event.type;
      for (const name of RELEASE_TRUST_FILES) writeFileSync(join(root, TRUST_DIR, name), `changed during the run: ${name}\n`);
      writeFileSync(join(root, GROUP_FILE), original[GROUP_FILE]!.toString('utf8').replace(/^name: .*$/m, 'name: 被调包的网站群'));
    },
  });
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function manifestOf(archive: ReleaseArchive, version: number): ReleaseManifest {
  const read = unverifiedManifest(archive.releaseEnvelope(version), { siteManifests: archive.siteManifestSource() });
  if (!read.ok) throw new Error(read.message);
  return read.manifest;
}

test('the files changed before the gate ran, and the release still binds the bytes publish read, with the verdict made on them', async () => {
  expect(changedAt).toBe('step');
  if (!result.ok) throw new Error(`publish refused: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
  const { summary } = result;
  expect(summary.mirrors).toMatchObject([{ ok: true, verified: true }]);

  // The verdict is the one on the original trust material: the same entries publish.
  const archive = new ReleaseArchive(join(work, 'archive'));
  const manifest = manifestOf(archive, summary.version);
  expect(manifest.entries.map((e) => e.path).sort()).toEqual(expectedPublishable);
  expect(summary.entries.publishable).toBe(expectedPublishable.length);
  expect(expectedPublishable.length).toBeGreaterThan(0);
  expect(manifest.group).toBe('国家税务总局示例省税务局网站群');

  // The manifest, the archive and the mirror carry the original documents, byte for byte.
  const archived = await archive.trustFilesOf(manifest);
  const mirror = realpathSync(join(work, 'mirror'));
  for (const name of RELEASE_TRUST_FILES) {
    const bytes = original[`${TRUST_DIR}/${name}`]!;
    expect(manifest.trust[name], name).toBe(sha256Hex(bytes));
    expect(Buffer.from(archived[name]).equals(bytes), name).toBe(true);
    for (const site of manifest.sites) expect(readFileSync(join(mirror, site.code, META_TRUST, name)).equals(bytes), `${site.code} ${name}`).toBe(true);
  }
  // And the files on disk are the changed ones: the run did not read them again.
  expect(readFileSync(join(root, TRUST_DIR, 'policy.dsse.json'), 'utf8')).toBe('changed during the run: policy.dsse.json\n');
  expect(events.map((e) => `${e.action} ${e.outcome}`)).toEqual(['gate ok', 'release ok', 'deploy ok', 'verify ok']);
});
