/**
 * Issue 5: "a reader of a mirror sees the old release or the new one, never a
 * mix, even if the process is killed at any moment. Prove it: a test kills the
 * deploy at random points many times and checks each time."
 *
 * The two releases share half their pages, which a deploy links from the tree
 * it replaces instead of copying them (tree.ts).
 *
 * Each run deploys release 2 over release 1 in a child process, kills it with
 * SIGKILL after a random delay spread over the deploy's measured duration, and
 * checks that the target is exactly release 1 or exactly release 2. Then a
 * normal deploy (of release 1, to reset) must succeed and leave no leftovers.
 * The seed is printed; set MIRROR_KILL_SEED to replay a run.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { deployToFolder, inspectFolder, inspectFolderMeta, storePaths, TREE_NAME } from '../../pipeline/mirror/index.ts';
import { MAIN, makeArchive, makeRelease, manyFiles, sha256, tempDir } from './fixtures.ts';

const CHILD = fileURLToPath(new URL('./deploy-child.ts', import.meta.url));
const RUNS = Number(process.env.MIRROR_KILL_RUNS ?? 32);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let tmp: ReturnType<typeof tempDir>;
let target: string;
let r1: ReturnType<typeof makeRelease>;
let r2: ReturnType<typeof makeRelease>;
let configPath: string;

beforeAll(async () => {
  tmp = tempDir('sealpress-kill-');
  const archive = makeArchive(join(tmp.dir, 'archive'));
  const v1 = manyFiles(300, 'v1');
  const v2 = manyFiles(300, 'v2');
  // Half the pages (the odd ones; never index.html and asset.css) are the same in both releases, so every deploy
  // links them from the tree it replaces: the kills land in linking as well as in copying.
  for (const path of Object.keys(v2)) if (/\/f\d*[13579]\.html$/.test(path)) v2[path] = v1[path]!;
  r1 = makeRelease(archive, 1, v1);
  r2 = makeRelease(archive, 2, v2);
  target = join(tmp.dir, 'www', 'mirror');
  writeFileSync(join(tmp.dir, 'manifest2.json'), JSON.stringify(r2.manifest));
  writeFileSync(join(tmp.dir, 'envelope2.json'), r2.envelopeBytes);
  configPath = join(tmp.dir, 'child.json');
  writeFileSync(configPath, JSON.stringify({ target, archive: archive.dir, manifest: join(tmp.dir, 'manifest2.json'), envelope: join(tmp.dir, 'envelope2.json') }));
});
afterAll(() => tmp.cleanup());

/** Runs the child; kills it `delayMs` after it says "start" (never, when undefined). */
function runChild(delayMs: number | undefined): Promise<{ killed: boolean; deployMs: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let startedAt = 0;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (startedAt === 0 && out.includes('start\n')) {
        startedAt = performance.now();
        if (delayMs !== undefined) setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, deployMs: performance.now() - startedAt });
      else if (code === 0) resolve({ killed: false, deployMs: performance.now() - startedAt });
      else reject(new Error(`deploy child failed (${code}): ${err}`));
    });
  });
}

async function whichRelease(): Promise<1 | 2 | 'mixed'> {
  for (const [n, r] of [[1, r1], [2, r2]] as const) {
    const got = await inspectFolder(target, r.manifest);
    if (got.modified.length === 0 && got.missing.length === 0 && got.extra.length === 0) {
      expect(await inspectFolderMeta(target, r.manifest, r.envelopeBytes, r.trustFiles)).toEqual([]);
      return n;
    }
  }
  return 'mixed';
}

describe('a deploy killed at any moment never leaves a mixed mirror', () => {
  test('SIGKILL at random points of the deploy, then a normal deploy cleans up', { timeout: 240_000 }, async () => {
    await deployToFolder({ target, ...r1 });
    // Calibrate: how long a whole deploy of release 2 takes in the child, from "start". It is fsync-bound
    // and varies two-fold on a busy machine, so take the longest of three and spread the kills a bit past it.
    const durations: number[] = [];
    for (let i = 0; i < 3; i++) {
      await deployToFolder({ target, ...r1 });
      const calibration = await runChild(undefined);
      expect(calibration.killed).toBe(false);
      expect(await whichRelease()).toBe(2);
      durations.push(calibration.deployMs);
    }
    const span = Math.max(...durations) * 1.2;

    const seed = Number(process.env.MIRROR_KILL_SEED ?? Math.floor(Math.random() * 2 ** 31));
    console.log(`kill test: seed ${seed}, ${RUNS} runs, deploys took ${durations.map((d) => d.toFixed(0)).join('/')} ms, delays in [0, ${span.toFixed(0)}) ms`);
    const random = mulberry32(seed);
    const outcomes = { old: 0, new: 0, leftovers: 0, killedMidway: 0 };
    const { store } = storePaths(target);
    for (let run = 0; run < RUNS; run++) {
      await deployToFolder({ target, ...r1 });
      const delay = random() * span;
      const { killed } = await runChild(delay);
      if (killed) outcomes.killedMidway++;
      const seen = await whichRelease();
      expect(seen, `run ${run} (delay ${delay.toFixed(1)} ms, seed ${seed}) left a mixed mirror`).not.toBe('mixed');
      if (seen === 1) outcomes.old++;
      else outcomes.new++;
      const debris = readdirSync(store).filter((n) => !TREE_NAME.test(n));
      if (debris.length > 0) outcomes.leftovers++;

      // The next normal deploy succeeds (a dead process's lock is taken over) and removes everything left.
      await deployToFolder({ target, ...r1 });
      expect(await whichRelease()).toBe(1);
      const left = readdirSync(store);
      expect(left.filter((n) => !TREE_NAME.test(n)), `run ${run}: leftovers after cleanup`).toEqual([]);
      expect(left.length).toBeLessThanOrEqual(2);
    }
    console.log(`kill test: ${JSON.stringify(outcomes)}`);
    // The kills must have landed inside deploys, on both sides of the switch, or the test proved nothing.
    expect(outcomes.killedMidway).toBeGreaterThan(RUNS / 3);
    expect(outcomes.leftovers).toBeGreaterThan(0);
    expect(outcomes.old).toBeGreaterThan(0);
    expect(outcomes.new).toBeGreaterThan(0);
  });

  test('a reader in another process reading during many switches always gets whole files of one release', { timeout: 120_000 }, async () => {
    await deployToFolder({ target, ...r1 });
    const index = `${MAIN}/index.html`;
    const asset = `${MAIN}/asset.css`;
    const stop = join(tmp.dir, 'stop-reader');
    const variants = {
      index: { [sha256(r1.bytes.get(index)!)]: 1, [sha256(r2.bytes.get(index)!)]: 2 },
      asset: { [sha256(r1.bytes.get(asset)!)]: 1, [sha256(r2.bytes.get(asset)!)]: 2 },
    };
    // Plain node, sync reads in a tight loop: a real concurrent reader, like a web server's worker.
    const script = `
      const fs = require('node:fs'), path = require('node:path'), crypto = require('node:crypto');
      const [target, stop, variantsJson] = process.argv.slice(1);
      const v = JSON.parse(variantsJson);
      const h = (p) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
      const r = { reads: 0, pairs: 0, retired: 0, bad: [], seen: {} };
      while (!fs.existsSync(stop)) {
        let tree;
        try {
          const i = v.index[h(path.join(target, '${index}'))], a = v.asset[h(path.join(target, '${asset}'))];
          if (i === undefined || a === undefined) r.bad.push('torn or foreign file');
          r.seen[i] = true; r.reads++;
          tree = fs.realpathSync(target);
          const pi = v.index[h(path.join(tree, '${index}'))], pa = v.asset[h(path.join(tree, '${asset}'))];
          if (pi !== pa) r.bad.push('pair from two releases: ' + pi + '/' + pa);
          r.pairs++;
        } catch (e) {
          // A tree held across two switches is retired (the mirror keeps the current tree and the one before):
          // its folder is gone as a whole, never emptied in place. A file missing from a tree still there is a fault.
          if (e.code === 'ENOENT' && tree !== undefined && !fs.existsSync(tree) && fs.realpathSync(target) !== tree) r.retired++;
          else r.bad.push(String(e.code || e.message));
        }
        if (r.bad.length > 20) break;
      }
      process.stdout.write(JSON.stringify(r));
    `;
    const reader = spawn(process.execPath, ['-e', script, target, stop, JSON.stringify(variants)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((resolve) => reader.on('exit', () => resolve()));
    for (let i = 0; i < 16; i++) await deployToFolder({ target, ...(i % 2 === 0 ? r2 : r1) });
    writeFileSync(stop, '');
    await exited;
    const result = JSON.parse(out) as { reads: number; pairs: number; retired: number; bad: string[]; seen: Record<string, boolean> };
    console.log(`reader: ${result.reads} reads, ${result.pairs} pairs during 16 switches, ${result.retired} pairs from a tree retired meanwhile`);
    expect(result.bad).toEqual([]);
    expect(result.reads).toBeGreaterThan(16);
    expect(Object.keys(result.seen).sort()).toEqual(['1', '2']);
    expect(existsSync(stop)).toBe(true);
  });
});
