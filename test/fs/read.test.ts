/**
 * pipeline/fs reads and hashes: a file someone else controls is read only if
 * it is a plain file within the cap, judged on the open descriptor; a link is
 * never followed, whatever it points to.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { hashFileSync, readCappedSync, readPlainSync, sha256Hex } from '../../pipeline/fs/index.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealpress-read-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, bytes: Uint8Array | string) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

describe('readCappedSync', () => {
  test('reads a file up to the cap, refuses one byte more (EFBIG, with its size and the cap)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(3000), (bytes, cap) => {
        const path = file('f.bin', bytes);
        if (bytes.length <= cap) expect(Buffer.compare(readCappedSync(path, cap), Buffer.from(bytes))).toBe(0);
        else expect(() => readCappedSync(path, cap)).toThrow(expect.objectContaining({ code: 'EFBIG', size: bytes.length, limit: cap, path }));
      }),
      { numRuns: 200 },
    );
  });

  test.for([
    { name: 'a link to a small plain file beside it', target: () => file('real.json', '{}') },
    { name: 'a link to a file outside the folder', target: () => '/etc/hostname' },
    { name: 'a link to a folder', target: () => dir },
    { name: 'a dangling link', target: () => join(dir, 'nowhere') },
  ])('refuses $name (ELOOP), never reading through it', ({ target }) => {
    const link = join(dir, 'trust.json');
    symlinkSync(target(), link);
    expect(() => readCappedSync(link, 1 << 20)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
    expect(readPlainSync(link, 1 << 20)).toMatchObject({ ok: false, problem: 'not-plain', detail: expect.stringMatching(/symlink/) });
    expect(() => hashFileSync(link)).toThrow(expect.objectContaining({ code: 'ELOOP' }));
  });

  test('refuses a folder, and a FIFO without blocking on it (EFTYPE)', () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const path of [folder, fifo]) {
      expect(() => readCappedSync(path, 100)).toThrow(expect.objectContaining({ code: 'EFTYPE' }));
      expect(readPlainSync(path, 100)).toMatchObject({ ok: false, problem: 'not-plain' });
    }
  });

  test('readPlainSync tells a missing file from one too large', () => {
    expect(readPlainSync(join(dir, 'absent'), 10)).toMatchObject({ ok: false, problem: 'missing' });
    expect(readPlainSync(file('big', 'x'.repeat(11)), 10)).toMatchObject({ ok: false, problem: 'too-large', size: 11, detail: 'it is 11 bytes; the limit is 10' });
    expect(readPlainSync(file('ok', 'x'.repeat(10)), 10)).toMatchObject({ ok: true });
  });
});

describe('hashing', () => {
  test('sha256Hex and hashFileSync agree with the published test vector and with each other', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 64 }), (bytes, chunk) => {
        const path = file('h.bin', bytes);
        expect(hashFileSync(path, Buffer.alloc(chunk))).toEqual({ sha256: sha256Hex(bytes), size: bytes.length });
      }),
      { numRuns: 100 },
    );
  });
});
