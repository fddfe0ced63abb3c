/**
 * pipeline/fs/durable's whole-tree flush: one syncfs through `sync
 * --file-system` on Linux, fsyncs of every file and folder otherwise or when
 * `sync` cannot run; nothing is followed or changed either way.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { flushTree, fsyncTree } from '../../pipeline/fs/index.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealpress-flush-'));
  mkdirSync(join(dir, 'tree', 'a', 'b'), { recursive: true });
  writeFileSync(join(dir, 'tree', 'index.html'), 'index');
  writeFileSync(join(dir, 'tree', 'a', 'b', 'page.html'), 'page');
  // A link out of the tree, and one to nothing: neither is opened.
  writeFileSync(join(dir, 'outside.txt'), 'outside');
  symlinkSync(join(dir, 'outside.txt'), join(dir, 'tree', 'a', 'out'));
  symlinkSync(join(dir, 'nowhere'), join(dir, 'tree', 'dangling'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('flushTree', () => {
  test.skipIf(process.platform !== 'linux')('on Linux, one syncfs of the file system', async () => {
    expect(await flushTree(join(dir, 'tree'))).toBe('syncfs');
    expect(readFileSync(join(dir, 'tree', 'a', 'b', 'page.html'), 'utf8')).toBe('page');
  });

  test('fsync of every file and folder, links not followed', async () => {
    expect(await flushTree(join(dir, 'tree'), { method: 'fsync', concurrency: 2 })).toBe('fsync');
    await fsyncTree(join(dir, 'tree'), 1);
    expect(readFileSync(join(dir, 'outside.txt'), 'utf8')).toBe('outside');
  });

  test('a tree that is not there is an error, not a silent success', async () => {
    await expect(flushTree(join(dir, 'missing'), { method: 'fsync' })).rejects.toMatchObject({ code: 'ENOENT' });
  });

  // Last: once `sync` cannot be run, this process does not try it again.
  test('without a `sync` program, every file and folder is fsynced instead', async () => {
    const path = process.env.PATH;
    process.env.PATH = join(dir, 'no-such-bin');
    try {
      expect(await flushTree(join(dir, 'tree'))).toBe('fsync');
    } finally {
      process.env.PATH = path;
    }
  });
});
