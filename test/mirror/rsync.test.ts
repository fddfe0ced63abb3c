import { existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { deployToRsync, inspectFolder, inspectFolderMeta, joinDest, parseListing } from '../../pipeline/mirror/index.ts';
import { makeArchive, makeRelease, smallSite, tempDir } from './fixtures.ts';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function setup() {
  const t = tempDir('sealpress-rsync-test-');
  cleanup = t.cleanup;
  return { root: t.dir, archive: makeArchive(join(t.dir, 'archive')), dest: join(t.dir, 'dest') };
}

describe('deployToRsync (to a local destination through /usr/bin/rsync)', () => {
  test('uploads the complete tree, then switches current; previous kept, older pruned', async () => {
    const { root, archive, dest } = setup();
    const reports = [];
    for (const v of [1, 2, 3]) {
      const r = makeRelease(archive, v, smallSite(`v${v}`));
      reports.push(await deployToRsync({ dest, ...r, workDir: root }));
      expect(lstatSync(join(dest, 'current')).isSymbolicLink()).toBe(true);
      expect(readlinkSync(join(dest, 'current'))).toBe(reports.at(-1)!.release);
      expect(await inspectFolder(join(dest, 'current'), r.manifest)).toMatchObject({ modified: [], missing: [], extra: [] });
      expect(await inspectFolderMeta(join(dest, 'current'), r.manifest, r.envelopeBytes, r.trustFiles)).toEqual([]);
    }
    expect(reports[1]!.previous).toBe(reports[0]!.release);
    expect(reports[2]!.removed).toEqual([reports[0]!.release.split('/').pop()]);
    expect(readdirSync(join(dest, '.sealpress/releases')).sort()).toEqual(reports.slice(1).map((r) => r.release.split('/').pop()).sort());
    // The local work folder is gone.
    expect(readdirSync(root).sort()).toEqual(['archive', 'dest']);
  });

  test('a real folder named current on the destination is refused, not replaced', async () => {
    const { root, archive, dest } = setup();
    mkdirSync(join(dest, 'current'), { recursive: true });
    writeFileSync(join(dest, 'current', 'index.html'), 'theirs');
    await expect(deployToRsync({ dest, ...makeRelease(archive, 1, smallSite('v1')), workDir: root })).rejects.toMatchObject({ code: 'TARGET_NOT_OURS' });
    expect(readdirSync(join(dest, 'current'))).toEqual(['index.html']);
  });

  test.for([
    { name: 'temp dir', args: ['--temp-dir=/tmp'] },
    { name: 'backup', args: ['-b'] },
    { name: 'delay updates', args: ['--delay-updates'] },
  ])('refuses the rsync option that breaks the atomic switch: $name', async ({ args }) => {
    const { root, archive, dest } = setup();
    await expect(deployToRsync({ dest, ...makeRelease(archive, 1, smallSite('v1')), workDir: root, rsyncArgs: args })).rejects.toMatchObject({ code: 'TARGET_INVALID' });
    expect(existsSync(dest)).toBe(false);
  });

  test('an rsync that cannot reach the destination is RSYNC_FAILED', async () => {
    const { root, archive } = setup();
    await expect(deployToRsync({ dest: join(root, 'no/such/deep/dest'), ...makeRelease(archive, 1, smallSite('v1')), workDir: root })).rejects.toMatchObject({ code: 'RSYNC_FAILED' });
  });

  test.for([
    { dest: 'host:', rel: 'current', want: 'host:current' },
    { dest: 'host:/srv/www', rel: 'current', want: 'host:/srv/www/current' },
    { dest: '/srv/www/', rel: '', want: '/srv/www/' },
    { dest: '/srv/www', rel: '', want: '/srv/www/' },
  ])('joinDest($dest, $rel)', ({ dest, rel, want }) => {
    expect(joinDest(dest, rel)).toBe(want);
  });

  test('parseListing reads rsync --list-only lines', () => {
    const text = [
      'drwxr-xr-x          4,096 2026/11/27 12:00:00 .',
      'lrwxrwxrwx             46 2026/11/27 12:00:00 current -> .sealpress/releases/0000000002-0123456789abcdef',
      'drwxr-xr-x          4,096 2026/11/27 12:00:00 a b',
    ].join('\n');
    expect(parseListing(text)).toEqual([
      { name: '.', type: 'd', link: null },
      { name: 'current', type: 'l', link: '.sealpress/releases/0000000002-0123456789abcdef' },
      { name: 'a b', type: 'd', link: null },
    ]);
  });
});
