/**
 * pipeline/fs/digests: the digests of the build's files, remembered by inode,
 * size and modification time. What a user would notice: a page changed by hand
 * is hashed again (so a reused site is rebuilt, the release lists the new
 * bytes), a file just written is never trusted on its time alone, and a damaged
 * cache file costs a read, never a wrong digest.
 */
import { linkSync, mkdtempSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { FileDigests, hashFileSync } from '../../pipeline/fs/index.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealpress-digests-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A modification time well in the past (seconds since the epoch): the file is not "racy". */
const aged = (path: string, seconds: number): void => utimesSync(path, seconds, seconds);

describe('FileDigests', () => {
  test('every digest is the file bytes\' SHA-256, whatever is written, linked or renamed in between', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.constantFrom('write', 'link', 'rename'), text: fc.string({ maxLength: 12 }), file: fc.nat(3) }), { minLength: 1, maxLength: 25 }),
        (steps) => {
          const cache = new FileDigests();
          const paths = [0, 1, 2, 3].map((i) => join(dir, `f${i}`));
          for (const p of paths) rmSync(p, { force: true });
          writeFileSync(paths[0]!, 'start');
          aged(paths[0]!, 1_000_000);
          let clock = 1_000_000;
          for (const { op, text, file } of steps) {
            const path = paths[file]!;
            if (op === 'write' || path === paths[0]) writeFileSync(path, text);
            else if (op === 'link') {
              rmSync(path, { force: true });
              linkSync(paths[0]!, path);
            } else {
              // Replaced by another file of the same name (an editor's save): a new inode.
              writeFileSync(`${path}.new`, text);
              renameSync(`${path}.new`, path);
            }
            // Each change at its own time, as a clock would give it.
            clock += 1;
            aged(path, clock);
            for (const p of paths) {
              try {
                expect(cache.hash(p)).toEqual(hashFileSync(p));
              } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  test('a file written moments ago is read again, even when a second write keeps its time', () => {
    const cache = new FileDigests();
    const page = join(dir, 'page.html');
    writeFileSync(page, '<p>第一版</p>');
    const now = Date.now() / 1000;
    aged(page, now);
    expect(cache.hash(page).sha256).toBe(hashFileSync(page).sha256);
    // Written again within the clock's tick: same size, same time.
    writeFileSync(page, '<p>第二版</p>');
    aged(page, now);
    expect(cache.hash(page).sha256).toBe(hashFileSync(page).sha256);
  });

  test('a saved cache serves a new process; a damaged or foreign one is ignored', () => {
    const page = join(dir, 'page.html');
    const file = join(dir, 'cache', 'digests.json');
    writeFileSync(page, 'old bytes');
    aged(page, 2_000_000);
    const first = new FileDigests();
    const old = first.hash(page).sha256;
    first.save(file);
    // The same size and time with other bytes (a time set back on purpose): only a remembered digest answers `old`.
    writeFileSync(page, 'new bytes');
    aged(page, 2_000_000);
    const second = new FileDigests();
    second.load(file);
    expect(second.hash(page).sha256).toBe(old);

    for (const damaged of ['{', '{"format":99,"files":[]}', JSON.stringify({ format: 1, files: [[`0:0`, '9', '1', 'z'.repeat(64)]] }), '\u0000']) {
      writeFileSync(file, damaged);
      const third = new FileDigests();
      third.load(file);
      expect(third.hash(page).sha256).toBe(hashFileSync(page).sha256);
    }
  });

  test('a saved cache keeps only what the run used', () => {
    const [a, b] = [join(dir, 'a'), join(dir, 'b')];
    writeFileSync(a, 'a');
    writeFileSync(b, 'b');
    aged(a, 3_000_000);
    aged(b, 3_000_000);
    const cache = new FileDigests();
    cache.hash(a);
    cache.hash(b);
    cache.save(join(dir, 'one.json'));
    cache.hash(a);
    cache.save(join(dir, 'two.json'));
    writeFileSync(b, 'B');
    aged(b, 3_000_000);
    const later = new FileDigests();
    later.load(join(dir, 'two.json'));
    expect(later.hash(b).sha256).toBe(hashFileSync(b).sha256);
  });

  test('a run that learnt nothing new leaves the saved file as it is; one that did writes it again', () => {
    const page = join(dir, 'page.html');
    const file = join(dir, 'digests.json');
    writeFileSync(page, 'bytes');
    aged(page, 4_000_000);
    const first = new FileDigests();
    first.hash(page);
    first.save(file);
    const written = statSync(file).ino;
    const second = new FileDigests();
    second.load(file);
    second.hash(page);
    second.save(file);
    expect(statSync(file).ino).toBe(written);
    writeFileSync(page, 'other');
    aged(page, 4_000_001);
    second.hash(page);
    second.save(file);
    expect(statSync(file).ino).not.toBe(written);
    const third = new FileDigests();
    third.load(file);
    expect(third.hash(page).sha256).toBe(hashFileSync(page).sha256);
  });

  test('a link or a missing file is refused as hashFileSync refuses it', () => {
    writeFileSync(join(dir, 'target'), 'x');
    symlinkSync(join(dir, 'target'), join(dir, 'link'));
    const cache = new FileDigests();
    expect(() => cache.hash(join(dir, 'link'))).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(() => cache.hash(join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
