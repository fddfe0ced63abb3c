/**
 * How to make a freshly written tree durable before it is switched in
 * (issue 14): an fsync per file on the main thread (what build/incremental.ts
 * did), fsyncs many at once on the thread pool, or one syncfs(2) of the file
 * system (`sync --file-system`). Two trees of the bench's shape: one written
 * (every page dirty, as Astro leaves a site), and one of hard links to a
 * clean tree with its folders new (as a deploy leaves a mirror tree, where
 * only the folders were fsynced).
 *
 *   npx tsx test/bench/flush-bench.ts [--files 29000] [--per-folder 12] [--size 7300] [--dir DIR]
 *
 * The tree is written under DIR (default .sealpress/bench/flush), on the file
 * system of the checkout: the one dist/ and the mirrors are on in the benches.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { flushTree, fsyncTree, syncDir } from '../../pipeline/fs/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '29000' },
    'per-folder': { type: 'string', default: '12' },
    size: { type: 'string', default: '7300' },
    dir: { type: 'string' },
  },
});
const files = Number(values.files);
const perFolder = Number(values['per-folder']);
const size = Number(values.size);
const base = values.dir ?? join(ROOT, '.sealpress', 'bench', 'flush');
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function writeTree(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < files; i++) {
    const folder = join(dir, `f${Math.floor(i / perFolder)}`);
    if (i % perFolder === 0) mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `p${i}.html`), Buffer.alloc(size, i % 251));
  }
}

function linkTree(from: string, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (let i = 0; i < files; i++) {
    const folder = `f${Math.floor(i / perFolder)}`;
    if (i % perFolder === 0) mkdirSync(join(dir, folder), { recursive: true });
    linkSync(join(from, folder, `p${i}.html`), join(dir, folder, `p${i}.html`));
  }
}

function fsyncEachSync(dir: string, filesToo: boolean): void {
  const entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  const sync = (path: string) => {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  };
  if (filesToo) for (const e of entries) if (e.isFile()) sync(join(e.parentPath, e.name));
  for (const e of entries) if (e.isDirectory()) sync(join(e.parentPath, e.name));
  sync(dir);
}

async function foldersInParallel(dir: string, concurrency: number): Promise<void> {
  const dirs = [...readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isDirectory()).map((e) => join(e.parentPath, e.name)), dir];
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < dirs.length) await syncDir(dirs[next++]!);
  }));
}

const settle = () => execFileSync('sync', ['--file-system', base]);

async function time(label: string, prepare: () => void, flush: () => Promise<unknown> | unknown): Promise<void> {
  prepare();
  const t = performance.now();
  await flush();
  console.log(`  ${label}: ${s(performance.now() - t)}`);
}

mkdirSync(base, { recursive: true });
const written = join(base, 'written');
const clean = join(base, 'clean');
const linked = join(base, 'linked');
console.log(`flush of ${files} files in ${Math.ceil(files / perFolder)} folders, ${size} bytes each (${((files * size) / 1e6).toFixed(0)} MB), under ${base}:`);
console.log('a written tree (every page dirty, as a build leaves it):');
await time('fsync of each file and folder, one after another on the main thread (before)', () => writeTree(written), () => fsyncEachSync(written, true));
for (const n of [4, 16, 64]) await time(`fsync of each file and folder, ${n} at once on the thread pool`, () => writeTree(written), () => fsyncTree(written, n));
await time('one syncfs (sync --file-system)', () => writeTree(written), () => flushTree(written, { method: 'syncfs' }));
console.log('a tree of hard links to a clean tree, its folders new (as a deploy leaves it):');
writeTree(clean);
settle();
await time('fsync of each folder, 8 at once (before)', () => linkTree(clean, linked), () => foldersInParallel(linked, 8));
await time('fsync of each file and folder, 16 at once on the thread pool', () => linkTree(clean, linked), () => fsyncTree(linked, 16));
await time('one syncfs (sync --file-system)', () => linkTree(clean, linked), () => flushTree(linked, { method: 'syncfs' }));
rmSync(base, { recursive: true, force: true });
