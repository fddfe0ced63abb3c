import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { deployToFolder, inspectFolder, inspectFolderMeta, MirrorError } from '../../pipeline/mirror/index.ts';
import { MAIN, makeArchive, makeRelease, smallSite, SUB, tempDir } from './fixtures.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function deployed() {
  const t = tempDir('sealpress-inspect-');
  cleanup = t.cleanup;
  const archive = makeArchive(join(t.dir, 'archive'));
  const target = join(t.dir, 'mirror');
  const r1 = makeRelease(archive, 1, smallSite('v1'));
  const r2 = makeRelease(archive, 2, smallSite('v2'));
  await deployToFolder({ target, ...r2 });
  return { root: t.dir, target, r1, r2 };
}

type Ctx = Awaited<ReturnType<typeof deployed>>;
const INDEX = `${MAIN}/index.html`;
const CSS = `${MAIN}/_astro/site.css`;

describe('inspectFolder finds every kind of tampering (TUF attack names where they apply)', () => {
  test.for([
    {
      name: 'mix-and-match: a file from the previous release',
      tamper: ({ target, r1 }: Ctx) => writeFileSync(join(target, CSS), r1.bytes.get(CSS)!),
      want: { modified: [{ path: CSS, reason: 'content' }], missing: [], extra: [] },
    },
    {
      name: 'arbitrary file: a page\'s bytes changed, same size',
      tamper: ({ target }: Ctx) => {
        const b = readFileSync(join(target, INDEX));
        b[b.length - 1] = b[b.length - 1]! ^ 1;
        writeFileSync(join(target, INDEX), b);
      },
      want: { modified: [{ path: INDEX, reason: 'content' }], missing: [], extra: [] },
    },
    {
      name: 'arbitrary file: an injected page',
      tamper: ({ target }: Ctx) => writeFileSync(join(target, SUB, '公告.html'), '<p>假公告</p>'),
      want: { modified: [], missing: [], extra: [`${SUB}/公告.html`] },
    },
    {
      name: 'an injected folder of pages and an empty folder',
      tamper: ({ target }: Ctx) => {
        mkdirSync(join(target, MAIN, 'evil/deep'), { recursive: true });
        writeFileSync(join(target, MAIN, 'evil/deep/x.html'), 'x');
        mkdirSync(join(target, MAIN, 'hollow'));
      },
      want: { modified: [], missing: [], extra: [`${MAIN}/evil/deep/x.html`, `${MAIN}/hollow/`] },
    },
    {
      name: 'a missing file',
      tamper: ({ target }: Ctx) => unlinkSync(join(target, MAIN, 'xxgk/tzgg/通知.html')),
      want: { modified: [], missing: [`${MAIN}/xxgk/tzgg/通知.html`], extra: [] },
    },
    {
      name: 'a truncated file',
      tamper: ({ target }: Ctx) => truncateSync(join(target, INDEX), 3),
      want: { modified: [{ path: INDEX, reason: 'size' }], missing: [], extra: [] },
    },
    {
      name: 'a symlink planted in place of a page (never followed)',
      tamper: ({ root, target, r2 }: Ctx) => {
        writeFileSync(join(root, 'outside.html'), r2.bytes.get(INDEX)!);
        unlinkSync(join(target, INDEX));
        symlinkSync(join(root, 'outside.html'), join(target, INDEX));
      },
      want: { modified: [{ path: INDEX, reason: 'not-a-file' }], missing: [], extra: [] },
    },
    {
      name: 'a symlink to /etc planted as an extra page',
      tamper: ({ target }: Ctx) => symlinkSync('/etc/passwd', join(target, SUB, 'passwd.html')),
      want: { modified: [], missing: [], extra: [`${SUB}/passwd.html`] },
    },
    {
      name: 'a symlinked folder planted (its contents are not listed)',
      tamper: ({ target }: Ctx) => symlinkSync('/etc', join(target, SUB, 'etc')),
      want: { modified: [], missing: [], extra: [`${SUB}/etc`] },
    },
    {
      name: 'a FIFO in place of a page (opening it would block)',
      tamper: ({ target }: Ctx) => {
        unlinkSync(join(target, INDEX));
        execFileSync('mkfifo', [join(target, INDEX)]);
      },
      want: { modified: [{ path: INDEX, reason: 'not-a-file' }], missing: [], extra: [] },
    },
    {
      name: 'a folder in place of a page',
      tamper: ({ target }: Ctx) => {
        unlinkSync(join(target, INDEX));
        mkdirSync(join(target, INDEX));
      },
      want: { modified: [{ path: INDEX, reason: 'not-a-file' }], missing: [], extra: [] },
    },
    {
      name: 'a page planted in the metadata folder is extra; the metadata itself is not',
      tamper: ({ target }: Ctx) => writeFileSync(join(target, MAIN, '.well-known/sealpress/evil.html'), 'x'),
      want: { modified: [], missing: [], extra: [`${MAIN}/.well-known/sealpress/evil.html`] },
    },
    {
      name: 'a file at the top of the tree, outside every site',
      tamper: ({ target }: Ctx) => writeFileSync(join(target, 'index.html'), 'x'),
      want: { modified: [], missing: [], extra: ['index.html'] },
    },
  ])('$name', async ({ tamper, want }) => {
    const ctx = await deployed();
    tamper(ctx);
    const got = await inspectFolder(ctx.target, ctx.r2.manifest);
    expect({ modified: got.modified.map((m) => ({ path: m.path, reason: m.reason })), missing: got.missing, extra: got.extra }).toEqual(want);
  });

  test('endless data: a 50 MB file in place of a small page is reported without being read', async () => {
    const ctx = await deployed();
    const size = ctx.r2.bytes.get(INDEX)!.length;
    writeFileSync(join(ctx.target, INDEX), Buffer.alloc(50 * 1024 * 1024, 'A'));
    const got = await inspectFolder(ctx.target, ctx.r2.manifest);
    expect(got.modified).toEqual([{ path: INDEX, expected: { size, sha256: expect.any(String) }, actual: { size: 50 * 1024 * 1024, sha256: null }, reason: 'larger' }]);
    // Every other file is read in full, this one not at all.
    const others = ctx.r2.manifest.files.filter((f) => f.path !== INDEX).reduce((n, f) => n + f.size, 0);
    expect(got.bytesRead).toBe(others);
  });

  test('the mirror as deployed is clean, and inspecting an older manifest finds every changed page', async () => {
    const ctx = await deployed();
    expect(await inspectFolder(ctx.target, ctx.r2.manifest)).toMatchObject({ modified: [], missing: [], extra: [] });
    const old = await inspectFolder(ctx.target, ctx.r1.manifest);
    expect(old.modified.map((m) => m.path)).toEqual(ctx.r1.manifest.files.map((f) => f.path));
  });

  test('metadata differences are reported by inspectFolderMeta', async () => {
    const ctx = await deployed();
    writeFileSync(join(ctx.target, SUB, '.well-known/sealpress/trust/policy.dsse.json'), 'lowered');
    rmSync(join(ctx.target, MAIN, '.well-known/sealpress/release.dsse.json'));
    expect(await inspectFolderMeta(ctx.target, ctx.r2.manifest, ctx.r2.envelopeBytes, ctx.r2.trustFiles)).toEqual([
      { path: `${MAIN}/.well-known/sealpress/release.dsse.json`, problem: 'missing' },
      { path: `${SUB}/.well-known/sealpress/trust/policy.dsse.json`, problem: 'different' },
    ]);
  });

  test('a target that does not exist is an error, not an empty report', async () => {
    const ctx = await deployed();
    await expect(inspectFolder(join(ctx.root, 'nope'), ctx.r2.manifest)).rejects.toThrow(MirrorError);
    await expect(inspectFolder(join(ctx.root, 'nope'), ctx.r2.manifest)).rejects.toMatchObject({ code: 'TARGET_MISSING' });
  });
});
