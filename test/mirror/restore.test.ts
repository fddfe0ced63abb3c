import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { deployToFolder, inspectFolder, inspectFolderMeta, restoreFolder, storePaths } from '../../pipeline/mirror/index.ts';
import { MAIN, makeArchive, makeRelease, smallSite, SUB, tempDir } from './fixtures.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

async function deployed() {
  const t = tempDir('sealpress-restore-');
  cleanup = t.cleanup;
  const archive = makeArchive(join(t.dir, 'archive'));
  const target = join(t.dir, 'mirror');
  const r1 = makeRelease(archive, 1, smallSite('v1'));
  const r2 = makeRelease(archive, 2, smallSite('v2'));
  await deployToFolder({ target, ...r1 });
  const d2 = await deployToFolder({ target, ...r2 });
  return { root: t.dir, target, r1, r2, tree: d2.tree };
}

async function expectExact(ctx: Awaited<ReturnType<typeof deployed>>): Promise<void> {
  expect(await inspectFolder(ctx.target, ctx.r2.manifest)).toMatchObject({ modified: [], missing: [], extra: [] });
  expect(await inspectFolderMeta(ctx.target, ctx.r2.manifest, ctx.r2.envelopeBytes, ctx.r2.trustFiles)).toEqual([]);
  for (const [path, bytes] of ctx.r2.bytes) expect(readFileSync(join(ctx.target, path))).toEqual(bytes);
}

const INDEX = `${MAIN}/index.html`;
const CSS = `${MAIN}/_astro/site.css`;

describe('restoreFolder', () => {
  test('a clean mirror is left alone', async () => {
    const ctx = await deployed();
    const report = await restoreFolder({ target: ctx.target, ...ctx.r2 });
    expect(report).toMatchObject({ repaired: false, found: 'ours', modified: [], missing: [], extra: [], metadata: [] });
    expect(realpathSync(ctx.target)).toBe(ctx.tree);
  });

  test.for([
    {
      name: 'changed page, mixed-in asset, missing page, injected page, planted symlink, altered metadata',
      tamper: (t: string, r1: ReturnType<typeof makeRelease>) => {
        writeFileSync(join(t, INDEX), '<h1>defaced</h1>');
        writeFileSync(join(t, CSS), r1.bytes.get(CSS)!);
        unlinkSync(join(t, MAIN, '404.html'));
        writeFileSync(join(t, SUB, 'evil.html'), 'x');
        symlinkSync('/etc/passwd', join(t, SUB, 'passwd'));
        writeFileSync(join(t, SUB, '.well-known/sealpress/trust/ca.pem'), 'forged CA');
      },
      want: { modified: [CSS, INDEX], missing: [`${MAIN}/404.html`], extra: [`${SUB}/evil.html`, `${SUB}/passwd`], metadata: [`${SUB}/.well-known/sealpress/trust/ca.pem`] },
    },
    {
      name: 'only the signed manifest removed from one site',
      tamper: (t: string) => unlinkSync(join(t, SUB, '.well-known/sealpress/release.dsse.json')),
      want: { modified: [], missing: [], extra: [], metadata: [`${SUB}/.well-known/sealpress/release.dsse.json`] },
    },
  ])('repairs $name by re-staging and switching', async ({ tamper, want }) => {
    const ctx = await deployed();
    tamper(ctx.target, ctx.r1);
    const report = await restoreFolder({ target: ctx.target, ...ctx.r2 });
    expect({ modified: report.modified.map((m) => m.path), missing: report.missing, extra: report.extra, metadata: report.metadata }).toEqual(want);
    expect(report).toMatchObject({ repaired: true, found: 'ours', evidence: null });
    expect(realpathSync(ctx.target)).toBe(report.tree);
    await expectExact(ctx);
    // The tampered tree is kept as the previous tree (in-flight readers, evidence) until the next deploy.
    expect(existsSync(ctx.tree)).toBe(true);
  });

  test('a mirror turned into a plain folder by hand is moved aside as evidence and replaced', async () => {
    const ctx = await deployed();
    const copy = join(ctx.root, 'copy');
    cpSync(realpathSync(ctx.target), copy, { recursive: true });
    writeFileSync(join(copy, INDEX), '<h1>edited by hand</h1>');
    unlinkSync(ctx.target);
    cpSync(copy, ctx.target, { recursive: true });
    const report = await restoreFolder({ target: ctx.target, ...ctx.r2, now: new Date('2026-11-27T04:00:00Z') });
    expect(report).toMatchObject({ repaired: true, found: 'plain-dir', evidence: `${ctx.target}.tampered-2026-11-27T04-00-00-000Z` });
    expect(report.modified.map((m) => m.path)).toEqual([INDEX]);
    expect(lstatSync(ctx.target).isSymbolicLink()).toBe(true);
    await expectExact(ctx);
    expect(readFileSync(join(report.evidence!, INDEX), 'utf8')).toBe('<h1>edited by hand</h1>');
  });

  test('a target re-pointed to another folder is switched back', async () => {
    const ctx = await deployed();
    mkdirSync(join(ctx.root, 'fake', MAIN), { recursive: true });
    writeFileSync(join(ctx.root, 'fake', MAIN, 'index.html'), 'fake');
    unlinkSync(ctx.target);
    symlinkSync('fake', ctx.target);
    const report = await restoreFolder({ target: ctx.target, ...ctx.r2 });
    expect(report).toMatchObject({ repaired: true, found: 'foreign-link' });
    await expectExact(ctx);
    expect(existsSync(join(ctx.root, 'fake', MAIN, 'index.html'))).toBe(true);
  });

  test('a deleted target is deployed again', async () => {
    const ctx = await deployed();
    unlinkSync(ctx.target);
    const report = await restoreFolder({ target: ctx.target, ...ctx.r2 });
    expect(report).toMatchObject({ repaired: true, found: 'absent' });
    expect(report.missing).toHaveLength(ctx.r2.manifest.files.length);
    await expectExact(ctx);
  });

  test('a plain folder that was never a sealpress mirror is refused untouched', async () => {
    const ctx = await deployed();
    const target = join(ctx.root, 'someone-elses');
    mkdirSync(target);
    writeFileSync(join(target, 'index.html'), 'theirs');
    await expect(restoreFolder({ ...ctx.r2, target })).rejects.toMatchObject({ code: 'TARGET_NOT_OURS' });
    expect(readdirSync(target)).toEqual(['index.html']);
    expect(existsSync(storePaths(target).store)).toBe(false);
  });

  test('after a restore the next deploy prunes the tampered tree', async () => {
    const ctx = await deployed();
    writeFileSync(join(ctx.target, INDEX), 'defaced');
    await restoreFolder({ target: ctx.target, ...ctx.r2 });
    await deployToFolder({ target: ctx.target, ...makeRelease(makeArchive(join(ctx.root, 'archive')), 3, smallSite('v3')) });
    expect(existsSync(ctx.tree)).toBe(false);
    expect(readlinkSync(ctx.target)).toMatch(/^\.mirror\.sealpress\/0000000003-/);
    rmSync(ctx.target);
  });
});
