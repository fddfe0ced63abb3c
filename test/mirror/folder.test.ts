import { siteManifestBytes } from '../../pipeline/release/sites.ts';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { RELEASE_TRUST_FILES, type ReleaseManifest } from '../../pipeline/release/manifest.ts';
import { deployToFolder, inspectFolder, inspectFolderMeta, MirrorError, parseMirrorTarget, parseVerifyTarget, storePaths } from '../../pipeline/mirror/index.ts';
import { envelopeOf, MAIN, makeArchive, makeRelease, sha256, smallSite, SUB, tempDir, TRUST_FILES } from './fixtures.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function setup() {
  const t = tempDir('sealpress-mirror-');
  cleanup = t.cleanup;
  const archive = makeArchive(join(t.dir, 'archive'));
  return { root: t.dir, archive, target: join(t.dir, 'www', 'mirror-a') };
}

function listing(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out[r] = e.isSymbolicLink() ? `-> ${readlinkSync(join(d, e.name))}` : sha256(readFileSync(join(d, e.name)));
    }
  };
  walk(dir, '');
  return out;
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MirrorError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('parseMirrorTarget', () => {
  test.for([
    { name: 'absolute folder', text: '/srv/mirror-a', want: { kind: 'folder', path: '/srv/mirror-a' } },
    { name: 'relative folder resolved against cwd', text: 'out/a/', want: { kind: 'folder', path: '/work/x/out/a' } },
    { name: 'rsync remote', text: 'rsync:web1:/srv/www', want: { kind: 'rsync', dest: 'web1:/srv/www' } },
    { name: 'rsync local', text: 'rsync:/srv/www', want: { kind: 'rsync', dest: '/srv/www' } },
    { name: 'rsync daemon module', text: 'rsync:rsync://h/mod/www', want: { kind: 'rsync', dest: 'rsync://h/mod/www' } },
  ])('$name', ({ text, want }) => {
    expect(parseMirrorTarget(text, '/work/x')).toEqual(want);
  });

  test.for([
    { name: 'https base url', text: 'https://www.tax.example.gov.cn', want: { kind: 'url', url: 'https://www.tax.example.gov.cn/' } },
    { name: 'folder', text: '/srv/a', want: { kind: 'folder', path: '/srv/a' } },
  ])('verify target: $name', ({ text, want }) => {
    expect(parseVerifyTarget(text, '/work/x')).toEqual(want);
  });

  test.for([
    { name: 'deploying to a URL', parse: () => parseMirrorTarget('https://www.tax.example.gov.cn/') },
    { name: 'verifying an rsync destination', parse: () => parseVerifyTarget('rsync:h:/srv') },
  ])('refuses $name', ({ parse }) => {
    expect(parse).toThrow(expect.objectContaining({ code: 'TARGET_INVALID' }));
  });

  test.for([
    { name: 'empty', text: '' },
    { name: 'spaces only', text: '   ' },
    { name: 'leading space', text: ' /srv/a' },
    { name: 'newline inside', text: '/srv/a\n/srv/b' },
    { name: 'rsync without destination', text: 'rsync:' },
    { name: 'rsync option smuggled as destination', text: 'rsync:-e sh -c id' },
    { name: 'bare rsync:// url', text: 'rsync://h/mod' },
    { name: 'ftp url', text: 'ftp://h/www' },
    { name: 'url with credentials', text: 'https://u:p@h/' },
    { name: 'url with query', text: 'https://h/?a=1' },
    { name: 'filesystem root', text: '/' },
    { name: 'tilde', text: '~/www' },
  ])('refuses $name', ({ text }) => {
    expect(() => parseMirrorTarget(text, '/work/x')).toThrow(expect.objectContaining({ code: 'TARGET_INVALID' }));
  });
});

describe('deployToFolder', () => {
  test('first deploy creates the target as a link to a complete tree, with the metadata in every site', async () => {
    const { archive, target } = setup();
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const report = await deployToFolder({ target, ...r1 });
    expect(lstatSync(target).isSymbolicLink()).toBe(true);
    expect(realpathSync(target)).toBe(report.tree);
    // 6 pages; per site: the envelope, 5 trust documents and the site's own site manifest (format 2).
    expect(report).toMatchObject({ version: 1, previous: null, files: 6 + 2 * 7 });
    expect(await inspectFolder(target, r1.manifest)).toMatchObject({ modified: [], missing: [], extra: [] });
    expect(await inspectFolderMeta(target, r1.manifest, r1.envelopeBytes, r1.trustFiles)).toEqual([]);
    for (const site of [MAIN, SUB]) {
      expect(readFileSync(join(target, site, '.well-known/sealpress/release.dsse.json'))).toEqual(Buffer.from(r1.envelopeBytes));
      for (const n of RELEASE_TRUST_FILES) expect(readFileSync(join(target, site, '.well-known/sealpress/trust', n))).toEqual(Buffer.from(TRUST_FILES[n]!));
      expect(readFileSync(join(target, site, '.well-known/sealpress/site.json'))).toEqual(Buffer.from(siteManifestBytes(r1.manifest).get(site)!));
    }
    expect(readFileSync(join(target, MAIN, 'xxgk/tzgg/通知.html'), 'utf8')).toBe('<p>通知公告 v1</p>');
  });

  test('a second deploy switches, keeps the previous tree, prunes older ones and nothing else', async () => {
    const { archive, target } = setup();
    const reports = [];
    for (const v of [1, 2, 3, 4]) reports.push(await deployToFolder({ target, ...makeRelease(archive, v, smallSite(`v${v}`)) }));
    const { store } = storePaths(target);
    const last = reports[3]!;
    expect(last.previous).toBe(reports[2]!.tree);
    expect(readdirSync(store).sort()).toEqual([reports[2]!.tree, reports[3]!.tree].map((t) => t.slice(store.length + 1)).sort());
    expect(readFileSync(join(target, MAIN, 'index.html'), 'utf8')).toContain('v4');
    // keep: 3 holds one more
    const r5 = await deployToFolder({ target, keep: 3, ...makeRelease(archive, 5, smallSite('v5')) });
    expect(readdirSync(store)).toHaveLength(3);
    expect(r5.removed).toEqual([]);
  });

  test('an existing empty folder is replaced', async () => {
    const { archive, target } = setup();
    mkdirSync(target, { recursive: true });
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    await deployToFolder({ target, ...r1 });
    expect(lstatSync(target).isSymbolicLink()).toBe(true);
    expect((await inspectFolder(target, r1.manifest)).missing).toEqual([]);
  });

  test.for([
    { name: 'a non-empty folder', make: (t: string) => { mkdirSync(t, { recursive: true }); writeFileSync(join(t, 'index.html'), 'someone else'); } },
    { name: 'a file', make: (t: string) => { mkdirSync(join(t, '..'), { recursive: true }); writeFileSync(t, 'a file'); } },
    { name: 'a symlink elsewhere', make: (t: string) => { mkdirSync(join(t, '..', 'elsewhere'), { recursive: true }); writeFileSync(join(t, '..', 'elsewhere', 'x'), 'x'); symlinkSync('elsewhere', t); } },
  ])('refuses $name that is not ours and leaves it untouched', async ({ make }) => {
    const { root, archive, target } = setup();
    make(target);
    const before = listing(root);
    expect(await code(deployToFolder({ target, ...makeRelease(archive, 1, smallSite('v1')) }))).toBe('TARGET_NOT_OURS');
    // The archive gained the release's objects (makeRelease); the mirror side gained nothing.
    const after = listing(root);
    for (const k of Object.keys(after)) if (!k.startsWith('archive/')) expect(before[k]).toBe(after[k]);
    expect(existsSync(storePaths(target).store)).toBe(false);
  });

  test.for([
    { name: 'parent segment', path: `${MAIN}/../../escape.html` },
    { name: 'absolute', path: '/etc/escape.html' },
    { name: 'site code ..', path: '../escape.html' },
    { name: 'backslash', path: `${MAIN}/..\\escape.html` },
    { name: 'empty segment', path: `${MAIN}//x.html` },
    { name: 'dot segment', path: `${MAIN}/./x.html` },
    { name: 'not in a site', path: 'escape.html' },
    { name: 'unknown site', path: '99999999999/x.html' },
    { name: 'into the metadata folder', path: `${MAIN}/.well-known/sealpress/release.dsse.json` },
    { name: 'NUL byte', path: `${MAIN}/x\u0000.html` },
  ])('hostile manifest path ($name) is refused before anything is written', async ({ path }) => {
    const { root, archive, target } = setup();
    const r = makeRelease(archive, 1, smallSite('v1'));
    const files = [...r.manifest.files, { path, size: 3, sha256: archive.put('bad') }].sort((a, b) => (a.path < b.path ? -1 : 1));
    const manifest: ReleaseManifest = { ...r.manifest, files };
    expect(await code(deployToFolder({ target, ...r, manifest, envelopeBytes: envelopeOf(manifest) }))).toBe('MANIFEST_UNSAFE');
    expect(existsSync(join(root, 'www'))).toBe(false);
    expect(existsSync(join(root, 'escape.html'))).toBe(false);
  });

  test.for([
    { name: 'a file that is also a folder', extra: [`${MAIN}/index.html/x`] },
    { name: 'a site code that is a path', sites: ['a/b'] },
  ])('inconsistent manifest ($name) is refused', async ({ extra, sites }) => {
    const { archive, target } = setup();
    const r = makeRelease(archive, 1, smallSite('v1'));
    const sha = archive.put('z');
    const manifest: ReleaseManifest = {
      ...r.manifest,
      files: [...r.manifest.files, ...(extra ?? []).map((path) => ({ path, size: 1, sha256: sha }))],
      sites: [...r.manifest.sites, ...(sites ?? []).map((code) => ({ code, name: code, domain: 'x' }))],
    };
    expect(await code(deployToFolder({ target, ...r, manifest, envelopeBytes: envelopeOf(manifest) }))).toBe('MANIFEST_UNSAFE');
  });

  test.for([
    { name: 'envelope of another release', change: (r: ReturnType<typeof makeRelease>) => ({ envelopeBytes: envelopeOf({ ...r.manifest, version: 9 }) }) },
    { name: 'envelope not JSON', change: () => ({ envelopeBytes: Buffer.from('{') }) },
    { name: 'a trust file not bound by the manifest', change: () => ({ trustFiles: { ...TRUST_FILES, 'policy.dsse.json': Buffer.from('lowered threshold') } }) },
    { name: 'a trust file missing', change: () => ({ trustFiles: Object.fromEntries(Object.entries(TRUST_FILES).filter(([n]) => n !== 'ca.pem')) }) },
  ])('metadata that does not match the manifest ($name) is refused', async ({ change }) => {
    const { archive, target } = setup();
    const r = makeRelease(archive, 1, smallSite('v1'));
    expect(await code(deployToFolder({ target, ...r, ...change(r) }))).toBe('RELEASE_MISMATCH');
    expect(existsSync(target)).toBe(false);
  });

  test.for([
    { name: 'corrupt object (same size)', damage: (p: string) => writeFileSync(p, Buffer.alloc(readFileSync(p).length, 'x')), want: 'OBJECT_CORRUPT' },
    { name: 'object larger than listed', damage: (p: string) => writeFileSync(p, Buffer.alloc(5_000_000, 'x')), want: 'OBJECT_CORRUPT' },
    { name: 'truncated object', damage: (p: string) => writeFileSync(p, 'x'), want: 'OBJECT_CORRUPT' },
    { name: 'empty object', damage: (p: string) => writeFileSync(p, ''), want: 'OBJECT_CORRUPT' },
  ])('a damaged archive ($name) fails the deploy and the mirror keeps the old release', async ({ damage, want }) => {
    const { archive, target } = setup();
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const first = await deployToFolder({ target, ...r1 });
    const r2 = makeRelease(archive, 2, smallSite('v2'));
    damage(archive.objectPath(r2.manifest.files[3]!.sha256));
    expect(await code(deployToFolder({ target, ...r2 }))).toBe(want);
    expect(realpathSync(target)).toBe(first.tree);
    expect(await inspectFolder(target, r1.manifest)).toMatchObject({ modified: [], missing: [], extra: [] });
    expect(readdirSync(storePaths(target).store).filter((n) => n.startsWith('.staging'))).toEqual([]);
  });

  test('an object absent from the archive is OBJECT_MISSING', async () => {
    const { archive, target } = setup();
    const r = makeRelease(archive, 1, smallSite('v1'));
    const manifest: ReleaseManifest = { ...r.manifest, files: [...r.manifest.files, { path: `${MAIN}/zz.html`, size: 4, sha256: 'a'.repeat(64) }] };
    expect(await code(deployToFolder({ target, ...r, manifest, envelopeBytes: envelopeOf(manifest) }))).toBe('OBJECT_MISSING');
  });

  test('leftovers of a killed run are removed; a live deploy\'s lock is respected; a dead one\'s is taken over', async () => {
    const { archive, target } = setup();
    await deployToFolder({ target, ...makeRelease(archive, 1, smallSite('v1')) });
    const { store } = storePaths(target);
    mkdirSync(join(store, '.staging-0000000002-0123456789abcdef', MAIN), { recursive: true });
    symlinkSync('x', join(store, '.link-0123456789abcdef'));
    writeFileSync(join(store, 'lock'), `${process.pid}\n${(await import('node:os')).hostname()}\n`);
    expect(await code(deployToFolder({ target, ...makeRelease(archive, 2, smallSite('v2')) }))).toBe('TARGET_BUSY');
    writeFileSync(join(store, 'lock'), `999999999\n${(await import('node:os')).hostname()}\n`);
    const r = await deployToFolder({ target, ...makeRelease(archive, 2, smallSite('v2')) });
    expect(r.removed.sort()).toEqual(['.link-0123456789abcdef', '.staging-0000000002-0123456789abcdef']);
    expect(readdirSync(store).filter((n) => n.startsWith('.') || n === 'lock')).toEqual([]);
  });
});
