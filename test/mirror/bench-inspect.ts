/**
 * Benchmark of inspectFolder: builds a tree of FILES files (≈ TOTAL_MB) in a
 * temp folder, then reports inspectFolder's MB/s and files/s next to a raw
 * read of the same files (node, no hashing) and `xargs cat > /dev/null`.
 * The files were just written, so the page cache holds them: this measures the
 * CPU side (hashing, syscalls); on a cold cache the disk sets the pace.
 *
 *     npx tsx test/mirror/bench-inspect.ts [files] [total MB]
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectFolder } from '../../pipeline/mirror/index.ts';
import { RELEASE_FORMAT, type ReleaseManifest } from '../../pipeline/release/manifest.ts';

const FILES = Number(process.argv[2] ?? 20_000);
const TOTAL = Number(process.argv[3] ?? 500) * 1024 * 1024;
const CODE = '19900000000';

const dir = mkdtempSync(join(tmpdir(), 'sealpress-bench-inspect-'));
try {
  const pool = randomBytes(8 * 1024 * 1024);
  const mean = TOTAL / FILES;
  const files: ReleaseManifest['files'] = [];
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    // Sizes from 0.2× to 1.8× the mean, so small pages and larger assets mix.
    const size = Math.round(mean * (0.2 + 1.6 * (((i * 7919) % 1000) / 1000)));
    const start = (i * 4099) % (pool.length - size);
    const data = pool.subarray(start, start + size);
    const path = `${CODE}/d${i % 100}/s${i % 7}/f${i}.html`;
    mkdirSync(join(dir, CODE, `d${i % 100}`, `s${i % 7}`), { recursive: true });
    writeFileSync(join(dir, path), data);
    files.push({ path, size, sha256: createHash('sha256').update(data).digest('hex') });
    bytes += size;
  }
  files.sort((a, b) => (a.path < b.path ? -1 : 1));
  const manifest = {
    type: 'release', format: RELEASE_FORMAT, version: 1, group: 'bench', createdAt: '2026-11-27T12:00:00+08:00', expires: '2026-12-27T12:00:00+08:00',
    trust: {} as ReleaseManifest['trust'], sites: [{ code: CODE, name: 'bench', domain: 'x' }], files, entries: [],
  } satisfies ReleaseManifest;
  const mb = bytes / 1024 / 1024;
  console.log(`tree: ${FILES} files, ${mb.toFixed(0)} MB in ${dir}`);

  const rate = (label: string, ms: number): void => console.log(`${label.padEnd(34)} ${ms.toFixed(0).padStart(6)} ms  ${(mb / (ms / 1000)).toFixed(0).padStart(5)} MB/s  ${(FILES / (ms / 1000)).toFixed(0).padStart(6)} files/s`);

  // Raw read, same shape as inspectFolder's loop (open, fstat, read to EOF, close; 16 at once) without hashing.
  const rawRead = async (): Promise<number> => {
    const t = performance.now();
    let next = 0;
    const buffers = Array.from({ length: 16 }, () => Buffer.allocUnsafe(1 << 20));
    await Promise.all(buffers.map(async (buffer) => {
      while (next < files.length) {
        const f = files[next++]!;
        const h = await open(join(dir, f.path), 'r');
        await h.stat();
        let pos = 0;
        for (;;) {
          const { bytesRead } = await h.read(buffer, 0, buffer.length, pos);
          if (bytesRead === 0) break;
          pos += bytesRead;
        }
        await h.close();
      }
    }));
    return performance.now() - t;
  };

  for (let round = 1; round <= 2; round++) {
    console.log(`-- round ${round}`);
    const t = performance.now();
    const list = files.map((f) => join(dir, f.path)).join('\0');
    const cat = spawnSync('xargs', ['-0', 'cat'], { input: list, stdio: ['pipe', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
    if (cat.status !== 0) throw new Error('xargs cat failed');
    rate('xargs cat > /dev/null', performance.now() - t);
    rate('node raw read (16 at once)', await rawRead());
    const r = await inspectFolder(dir, manifest);
    if (r.modified.length + r.missing.length + r.extra.length > 0) throw new Error('bench tree does not match its manifest');
    rate('inspectFolder', r.ms);
  }
  const h = performance.now();
  createHash('sha256').update(pool).update(pool).update(pool).update(pool).digest();
  console.log(`sha256 alone, one core: ${(32 / ((performance.now() - h) / 1000)).toFixed(0)} MB/s`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
