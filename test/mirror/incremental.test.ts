/**
 * Incremental deploys (issue "The daily loop in seconds"): a release that
 * changes one page links the other files from the tree the mirror served
 * before, never from the archive, and never carries forward a file altered in
 * place there. Real file systems throughout: /tmp (ext4 here: no reflinks, so
 * the hard-link path), and /dev/shm (tmpfs) when it is another file system.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, lstatSync, readFileSync, readlinkSync, realpathSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { deployToFolder, deployToRsync, inspectFolder, inspectFolderMeta, restoreFolder, siteMetaFiles, type FolderDeployReport } from '../../pipeline/mirror/index.ts';
import { MANIFEST_FILE } from '../../pipeline/release/manifest.ts';
import { MAIN, makeArchive, makeRelease, sha256, smallSite, SUB, tempDir, type Archive } from './fixtures.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** Archive under the system temp folder; the mirror there too, or under `base` (another file system). */
function setup(base?: string) {
  const t = tempDir('sealpress-incremental-');
  cleanups.push(t.cleanup);
  const archive = makeArchive(join(t.dir, 'archive'));
  let mirrorRoot = t.dir;
  if (base !== undefined) {
    mirrorRoot = mkdtempSync(join(base, 'sealpress-incremental-mirror-'));
    cleanups.push(() => rmSync(mirrorRoot, { recursive: true, force: true }));
  }
  return { root: t.dir, archive, target: join(mirrorRoot, 'www', 'mirror-a') };
}

/** smallSite('v1') with one page changed. */
function oneChanged(variant: string): Record<string, string> {
  return { ...smallSite('v1'), [`${MAIN}/xxgk/tzgg/通知.html`]: `<p>通知公告 ${variant}</p>` };
}
const CHANGED = `${MAIN}/xxgk/tzgg/通知.html`;

function ino(path: string): number {
  return lstatSync(path).ino;
}

/** Every archive object is a file of its own (nlink 1) whose bytes still hash to its name. */
function expectArchiveUntouched(archive: Archive, manifests: { files: { sha256: string }[] }[]): void {
  for (const m of manifests) {
    for (const f of m.files) {
      const st = statSync(archive.objectPath(f.sha256));
      expect(st.nlink).toBe(1);
      expect(sha256(readFileSync(archive.objectPath(f.sha256)))).toBe(f.sha256);
    }
  }
}

async function expectClean(target: string, r: ReturnType<typeof makeRelease>): Promise<void> {
  expect(await inspectFolder(target, r.manifest)).toMatchObject({ modified: [], missing: [], extra: [] });
  expect(await inspectFolderMeta(target, r.manifest, r.envelopeBytes, r.trustFiles)).toEqual([]);
}

/**
 * The metadata files of `next` with the same bytes in `prev`: the trust
 * documents and the unchanged sites' manifests, linked like unchanged pages.
 * The release document names its version, so it is never one of them.
 */
function sameMeta(prev: ReturnType<typeof makeRelease>, next: ReturnType<typeof makeRelease>): string[] {
  const before = siteMetaFiles(prev.manifest, prev.envelopeBytes, prev.trustFiles);
  return [...siteMetaFiles(next.manifest, next.envelopeBytes, next.trustFiles)]
    .filter(([path, bytes]) => {
      const old = before.get(path);
      return old !== undefined && Buffer.from(old).equals(Buffer.from(bytes));
    })
    .map(([path]) => path);
}

function total(report: FolderDeployReport): number {
  const t = report.transfer;
  return t.copied + t.reflinked + t.hardlinked + (t.kept ?? 0);
}

describe('incremental folder deploys', () => {
  test('a release that changes one page links every other file from the previous tree; the mirror verifies', async () => {
    const { archive, target } = setup();
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const first = await deployToFolder({ target, ...r1 });
    expect(first.transfer).toEqual({ copied: first.files, reflinked: 0, hardlinked: 0, refused: 0 });

    const r2 = makeRelease(archive, 2, oneChanged('v2'));
    const second = await deployToFolder({ target, ...r2 });
    expect(second.previous).toBe(first.tree);
    await expectClean(target, r2);
    const unchanged = r2.manifest.files.filter((f) => f.path !== CHANGED);
    const meta = sameMeta(r1, r2);
    // The trust documents, and the site manifest of the site whose pages did not change.
    expect(meta.length).toBeGreaterThan(0);
    expect(meta.some((p) => p.endsWith(`/${MANIFEST_FILE}`))).toBe(false);
    // On a file system with reflinks each unchanged file is a clone (own inode); elsewhere a hard link (same inode).
    expect(second.transfer.reflinked + second.transfer.hardlinked).toBe(unchanged.length + meta.length);
    expect(second.transfer.copied).toBe(second.files - unchanged.length - meta.length); // the changed page, the release document, the changed site's manifest
    expect(second.transfer.refused).toBe(0);
    expect(total(second)).toBe(second.files);
    for (const path of [...unchanged.map((f) => f.path), ...meta]) {
      if (second.transfer.hardlinked > 0) expect(ino(join(second.tree, path))).toBe(ino(join(first.tree, path)));
    }
    for (const code of r2.manifest.sites.map((site) => site.code)) {
      const envelope = `${code}/.well-known/sealpress/${MANIFEST_FILE}`;
      expect(ino(join(second.tree, envelope))).not.toBe(ino(join(first.tree, envelope)));
    }
    expect(ino(join(second.tree, CHANGED))).not.toBe(ino(join(first.tree, CHANGED)));
    expect(readFileSync(join(target, CHANGED), 'utf8')).toBe('<p>通知公告 v2</p>');
    expectArchiveUntouched(archive, [r1.manifest, r2.manifest]);
  });

  test('a file altered in place in the previous tree is not carried forward: the new tree gets the archive\'s bytes, the archive is untouched', async () => {
    const { root, archive, target } = setup();
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const first = await deployToFolder({ target, ...r1 });
    // Same size, other bytes, written into the served inode (as a defacer with write access would).
    const page = `${MAIN}/index.html`;
    const good = readFileSync(join(target, page));
    writeFileSync(join(target, page), Buffer.alloc(good.length, 'X'));
    // A page made world-writable, and a page replaced by a symlink to the right bytes elsewhere.
    chmodSync(join(target, SUB, 'index.html'), 0o666);
    const css = `${MAIN}/_astro/site.css`;
    writeFileSync(join(root, 'planted.css'), readFileSync(join(target, css)));
    unlinkSync(join(target, css));
    symlinkSync(join(root, 'planted.css'), join(target, css));
    // A trust document altered in place, same size: metadata is checked like a page before it is kept.
    const trust = `${SUB}/.well-known/sealpress/trust/ca.pem`;
    const goodTrust = readFileSync(join(target, trust));
    writeFileSync(join(target, trust), Buffer.alloc(goodTrust.length, 'Z'));

    const r2 = makeRelease(archive, 2, oneChanged('v2'));
    const second = await deployToFolder({ target, ...r2 });
    await expectClean(target, r2);
    expect(readFileSync(join(target, page))).toEqual(good);
    expect(ino(join(second.tree, page))).not.toBe(ino(join(first.tree, page)));
    expect(statSync(join(second.tree, SUB, 'index.html')).mode & 0o777).toBe(0o644);
    expect(lstatSync(join(second.tree, css)).isFile()).toBe(true);
    expect(readFileSync(join(target, trust))).toEqual(goodTrust);
    expect(ino(join(second.tree, trust))).not.toBe(ino(join(first.tree, trust)));
    // The altered page and the odd mode were refused after linking, the symlink before (only regular files are linked);
    // the altered trust document was written from the release's bytes (metadata is not counted as refused).
    expect(second.transfer.refused).toBe(3);
    expect(second.transfer.hardlinked + second.transfer.reflinked).toBe(r2.manifest.files.length - 4 + sameMeta(r1, r2).length - 1);
    expect(total(second)).toBe(second.files);
    expect(readFileSync(join(first.tree, page), 'utf8')).toMatch(/^X+$/); // the old tree is left as it was (evidence)
    expectArchiveUntouched(archive, [r1.manifest, r2.manifest]);
  });

  test('trees pruned by keep do not break linked files; a hard-linked page altered later is repaired by restore with new inodes', async () => {
    const { archive, target } = setup();
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const t1 = await deployToFolder({ target, ...r1 });
    const t2 = await deployToFolder({ target, ...makeRelease(archive, 2, oneChanged('v2')) });
    const r3 = makeRelease(archive, 3, oneChanged('v3'));
    const t3 = await deployToFolder({ target, ...r3, keep: 2 });
    expect(t3.removed).toEqual([t1.tree.split('/').pop()]);
    expect(existsSync(t1.tree)).toBe(false);
    await expectClean(target, r3);
    const page = `${SUB}/bsfw/bszn/a b.html`;
    if (t3.transfer.hardlinked === 0) return; // a file system with reflinks shares no inode: nothing more to show
    // The page's inode was written by deploy 1 and is now named by trees 2 and 3 only.
    expect(statSync(join(t3.tree, page)).nlink).toBe(2);
    expect(ino(join(t3.tree, page))).toBe(ino(join(t2.tree, page)));

    // The trade-off: altering the previous tree's name of a shared inode alters the served page too.
    const before = readFileSync(join(target, page));
    writeFileSync(join(t2.tree, page), Buffer.alloc(before.length, 'Y'));
    expect((await inspectFolder(target, r3.manifest)).modified.map((m) => m.path)).toEqual([page]);
    // restore stages fresh copies: no file of the repaired tree shares an inode with the tampered trees.
    const restored = await restoreFolder({ target, ...r3 });
    expect(restored.repaired).toBe(true);
    await expectClean(target, r3);
    expect(readFileSync(join(target, page))).toEqual(before);
    const served = realpathSync(target);
    for (const f of r3.manifest.files) {
      expect(statSync(join(served, f.path)).nlink).toBe(1);
      expect(ino(join(served, f.path))).not.toBe(ino(join(t3.tree, f.path)));
    }
    expectArchiveUntouched(archive, [r1.manifest, r3.manifest]);
  });

  test('with linking turned off, or only a reflink asked on a file system without them, every file is copied', async () => {
    const { archive, target } = setup();
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const first = await deployToFolder({ target, ...r1 });
    const copied = await deployToFolder({ target, ...makeRelease(archive, 2, oneChanged('v2')), link: [] });
    expect(copied.transfer).toEqual({ copied: copied.files, reflinked: 0, hardlinked: 0, refused: 0 });
    const r3 = makeRelease(archive, 3, oneChanged('v3'));
    const reflinkOnly = await deployToFolder({ target, ...r3, link: ['reflink'] });
    await expectClean(target, r3);
    // ext4 and tmpfs refuse FICLONE (ENOTSUP): the fallback copies from the archive. A reflink file system clones instead.
    expect(reflinkOnly.transfer.hardlinked).toBe(0);
    expect(total(reflinkOnly)).toBe(reflinkOnly.files);
    for (const f of r3.manifest.files) expect(ino(join(reflinkOnly.tree, f.path))).not.toBe(ino(join(copied.tree, f.path)));
    expect(readlinkSync(target)).toContain(reflinkOnly.tree.split('/').pop());
    expect(first.tree).not.toBe(reflinkOnly.tree);
  });

  const shm = '/dev/shm';
  const otherFs = existsSync(shm) && statSync(shm).dev !== statSync(tmpdir()).dev;
  test.skipIf(!otherFs)('a mirror on another file system than the archive (tmpfs vs /tmp) links within its own store and never into the archive', async () => {
    const { archive, target } = setup(shm);
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const first = await deployToFolder({ target, ...r1 });
    expect(statSync(first.tree).dev).not.toBe(statSync(archive.dir).dev);
    expect(first.transfer.hardlinked).toBe(0);
    const r2 = makeRelease(archive, 2, oneChanged('v2'));
    const second = await deployToFolder({ target, ...r2 });
    await expectClean(target, r2);
    expect(second.transfer.hardlinked + second.transfer.reflinked).toBe(r2.manifest.files.length - 1 + sameMeta(r1, r2).length);
    expectArchiveUntouched(archive, [r1.manifest, r2.manifest]);
  });
});

/** Every file of `tree` (a store tree, not followed) as release `r` has it: the previous tree is never written by a deploy. */
function expectTreeHolds(tree: string, r: ReturnType<typeof makeRelease>): void {
  for (const [path, bytes] of r.bytes) expect(readFileSync(join(tree, path)), path).toEqual(bytes);
}

/** What a defacer with write access to the mirror's store can leave in an older tree. */
const PLANTS = ['folder opened to others', 'same-size page', 'world-writable page', 'symlink for a page', 'extra file', 'extra folder', 'fifo', 'name not UTF-8', 'folder where a page was', 'file where a folder was', 'deep nesting'] as const;
type Plant = (typeof PLANTS)[number];

function plant(tree: string, what: Plant, root: string): void {
  const page = join(tree, MAIN, 'index.html');
  switch (what) {
    case 'folder opened to others':
      chmodSync(join(tree, SUB), 0o777);
      chmodSync(join(tree, MAIN, 'xxgk'), 0o1777);
      break;
    case 'same-size page':
      // A new inode (written in place, the page would be the served tree's too: the hard links' trade-off, tested above).
      writeFileSync(`${page}.new`, Buffer.alloc(statSync(page).size, 'X'));
      renameSync(`${page}.new`, page);
      break;
    case 'world-writable page':
      chmodSync(join(tree, SUB, 'index.html'), 0o666);
      break;
    case 'symlink for a page': {
      const css = join(tree, MAIN, '_astro', 'site.css');
      writeFileSync(join(root, 'planted.css'), readFileSync(css));
      unlinkSync(css);
      symlinkSync(join(root, 'planted.css'), css);
      break;
    }
    case 'extra file':
      writeFileSync(join(tree, SUB, 'bsfw', 'phish.html'), '<form action="https://evil.example">');
      break;
    case 'extra folder':
      mkdirSync(join(tree, MAIN, 'wp-admin', 'x'), { recursive: true });
      writeFileSync(join(tree, MAIN, 'wp-admin', 'x', 'shell.php'), '<?php');
      break;
    case 'fifo':
      execFileSync('mkfifo', [join(tree, MAIN, `pipe-${randomUUID()}.html`)]);
      break;
    case 'name not UTF-8':
      writeFileSync(Buffer.concat([Buffer.from(`${join(tree, MAIN)}/`), Buffer.from([0xff, 0xfe, 0x2e, 0x68])]), 'x');
      mkdirSync(Buffer.concat([Buffer.from(`${join(tree, SUB)}/`), Buffer.from([0xc3, 0x28])]));
      break;
    case 'folder where a page was':
      rmSync(join(tree, SUB, 'bsfw', 'bszn', 'a b.html'));
      mkdirSync(join(tree, SUB, 'bsfw', 'bszn', 'a b.html', 'inner'), { recursive: true });
      break;
    case 'file where a folder was':
      rmSync(join(tree, MAIN, 'xxgk'), { recursive: true });
      writeFileSync(join(tree, MAIN, 'xxgk'), 'not a folder');
      break;
    case 'deep nesting': {
      // Past PATH_MAX from the tree's root (a recursive rm by path fails with ENAMETOOLONG), made with short paths only.
      const at = join(tree, MAIN, 'deep');
      if (existsSync(at) || !existsSync(join(tree, MAIN))) throw Object.assign(new Error('planted already'), { code: 'EEXIST' });
      const chain = join(root, 'chain');
      mkdirSync(chain);
      for (let i = 0; i < 25; i++) {
        const holder = join(root, 'holder');
        mkdirSync(holder);
        renameSync(chain, join(holder, 'n'.repeat(200)));
        renameSync(holder, chain);
      }
      renameSync(chain, at);
      break;
    }
  }
}

describe('recycling: a deploy starts from the tree it would prune', () => {
  test('the third deploy takes the first tree, keeps its unchanged files in place, and the mirror verifies', async () => {
    const { archive, target } = setup();
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const t1 = await deployToFolder({ target, ...r1 });
    const r2 = makeRelease(archive, 2, oneChanged('v2'));
    const t2 = await deployToFolder({ target, ...r2 });
    expect(t2.transfer.kept).toBeUndefined(); // one tree only: nothing to recycle
    const r3 = makeRelease(archive, 3, { ...oneChanged('v3'), [`${SUB}/new.html`]: '<p>新增</p>' });
    const t3 = await deployToFolder({ target, ...r3 });
    await expectClean(target, r3);
    expect(t3.removed).toEqual([t1.tree.split('/').pop()]);
    expect(existsSync(t1.tree)).toBe(false);
    // Every page but the changed and the new one was in the first tree with the same bytes.
    expect(t3.transfer.kept).toBe(r3.manifest.files.length - 2);
    expect(total(t3)).toBe(t3.files);
    const page = `${SUB}/bsfw/bszn/a b.html`;
    expect(ino(join(t3.tree, page))).toBe(ino(join(t2.tree, page)));
    expectTreeHolds(t2.tree, r2);
    expectArchiveUntouched(archive, [r1.manifest, r2.manifest, r3.manifest]);
  });

  test.each(PLANTS)('what a defacer left in the tree to recycle is not carried forward: %s', async (what) => {
    const { root, archive, target } = setup();
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const t1 = await deployToFolder({ target, ...r1 });
    const r2 = makeRelease(archive, 2, oneChanged('v2'));
    const t2 = await deployToFolder({ target, ...r2 });
    plant(t1.tree, what, root);
    const r3 = makeRelease(archive, 3, oneChanged('v3'));
    const t3 = await deployToFolder({ target, ...r3 });
    await expectClean(target, r3);
    expectTreeHolds(t3.tree, r3);
    expectTreeHolds(t2.tree, r2);
    // Every folder of the new tree has the mode a new folder gets.
    const folders = [t3.tree, ...readdirSync(t3.tree, { recursive: true, withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name))];
    for (const folder of folders) expect(statSync(folder).mode & 0o7777, folder).toBe(0o755);
    // The store holds the two trees, nothing a defacer left.
    const store = dirname(t3.tree);
    expect(readdirSync(store).sort()).toEqual([t2.tree, t3.tree].map((t) => t.split('/').pop()).sort());
    expectArchiveUntouched(archive, [r1.manifest, r2.manifest, r3.manifest]);
  });

  test('any sequence of releases, with any tampering of the tree to recycle, leaves exactly each release served', async () => {
    const { root, archive, target } = setup();
    const paths = Object.keys(smallSite('v1'));
    let version = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ variants: fc.array(fc.constantFrom('a', 'b', 'c', 'gone'), { minLength: paths.length, maxLength: paths.length }), plants: fc.subarray([...PLANTS]), keep: fc.integer({ min: 2, max: 3 }) }), { minLength: 1, maxLength: 4 }),
        async (steps) => {
          let previous: { tree: string; release: ReturnType<typeof makeRelease> } | undefined;
          for (const step of steps) {
            const files: Record<string, string> = {};
            paths.forEach((path, i) => {
              if (step.variants[i] !== 'gone' || path.endsWith('index.html')) files[path] = `<p>${path} ${step.variants[i]}</p>`;
            });
            const release = makeRelease(archive, ++version, files);
            const store = join(dirname(target), `.${basename(target)}.sealpress`);
            const current = existsSync(target) ? realpathSync(target) : undefined;
            const older = existsSync(store) ? readdirSync(store).filter((n) => /^\d{10}-/.test(n) && join(store, n) !== current) : [];
            for (const name of older) {
              for (const what of step.plants) {
                try {
                  plant(join(store, name), what, root);
                } catch {
                  // A page this older tree does not have, or a plant made on it already: nothing to plant.
                }
              }
            }
            const report = await deployToFolder({ target, ...release, keep: step.keep });
            await expectClean(target, release);
            expectTreeHolds(report.tree, release);
            expect(total(report)).toBe(report.files);
            if (previous && existsSync(previous.tree)) expectTreeHolds(previous.tree, previous.release);
            previous = { tree: report.tree, release };
          }
        },
      ),
      { numRuns: 25 },
    );
    // Older trees planted with nesting past PATH_MAX defeat the temp folder's recursive rm: a last deploy
    // keeping two trees removes every planted one (a planted tree is never served again).
    await deployToFolder({ target, ...makeRelease(archive, ++version, smallSite('end')), keep: 2 });
    const store = join(dirname(target), `.${basename(target)}.sealpress`);
    expect(readdirSync(store).filter((n) => /^\d{10}-/.test(n))).toHaveLength(2);
  });
});

describe('incremental rsync deploys (to a local destination through /usr/bin/rsync)', () => {
  test('unchanged files are hard-linked on the destination from the release current served, not sent; an altered one is sent again', async () => {
    const { root, archive } = setup();
    const dest = join(root, 'dest');
    const r1 = makeRelease(archive, 1, smallSite('v1'));
    const first = await deployToRsync({ dest, ...r1, workDir: root });
    expect(first.transfer).toEqual({ copied: first.files, reflinked: 0, hardlinked: 0 });

    const page = `${MAIN}/index.html`;
    const good = readFileSync(join(dest, 'current', page));
    writeFileSync(join(dest, first.release, page), Buffer.alloc(good.length, 'X'));
    const r2 = makeRelease(archive, 2, oneChanged('v2'));
    const second = await deployToRsync({ dest, ...r2, workDir: root });
    expect(readlinkSync(join(dest, 'current'))).toBe(second.release);
    await expectClean(join(dest, 'current'), r2);
    // Sent: the changed page, the altered one, the metadata (a new manifest, and trust files written anew).
    const linked = r2.manifest.files.filter((f) => f.path !== CHANGED && f.path !== page);
    expect(second.transfer.hardlinked).toBeGreaterThanOrEqual(linked.length);
    expect(second.transfer.copied + second.transfer.hardlinked).toBe(second.files);
    for (const f of linked) expect(ino(join(dest, second.release, f.path))).toBe(ino(join(dest, first.release, f.path)));
    expect(readFileSync(join(dest, 'current', page))).toEqual(good);
    expect(ino(join(dest, second.release, page))).not.toBe(ino(join(dest, first.release, page)));
    expectArchiveUntouched(archive, [r1.manifest, r2.manifest]);
  });
});
