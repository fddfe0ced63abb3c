/**
 * pipeline/fs/lock, the one lock of the audit log, the verifier's memory and
 * the folder mirrors, between real processes: two holders never overlap, a
 * lock left by a killed process is taken over (and nothing of it is left
 * behind), a live holder is never displaced, and locks that cannot be judged
 * (another host's, an empty one) are never broken automatically.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { acquireLock, acquireLockSync, type LockOutcome } from '../../pipeline/fs/index.ts';

const WORKER = fileURLToPath(new URL('./lock-worker.mjs', import.meta.url));

let dir: string;
let lock: string;
const children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealpress-lock-'));
  lock = join(dir, 'state.lock');
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function worker(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, [WORKER, lock, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

/** Resolves when the child writes `word` on a line of its stdout. */
function says(child: ChildProcess, word: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.split('\n').includes(word)) resolve();
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code, signal) => reject(new Error(`worker ended (${code ?? signal}) before saying ${word}: ${err}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; err: string }> {
  return new Promise((resolve) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, err }));
  });
}

function held(outcome: LockOutcome) {
  if (!outcome.ok) throw new Error(`the lock was not taken: ${outcome.reason}`);
  return outcome.lock;
}

describe('two processes contending', () => {
  test('never hold the lock at once: no update is lost, no hold overlaps another', async () => {
    writeFileSync(`${lock}.count`, '0');
    const goAt = String(Date.now() + 4000);
    const runs = [worker('count', '150', goAt), worker('count', '150', goAt)];
    const results = await Promise.all(runs.map(exited));
    for (const r of results) expect(r.code, r.err).toBe(0);
    expect(readFileSync(`${lock}.count`, 'utf8')).toBe('300');
    const trace = readFileSync(`${lock}.trace`, 'utf8').trimEnd().split('\n');
    expect(trace).toHaveLength(600);
    for (let i = 0; i < trace.length; i += 2) {
      const [pid, what] = trace[i]!.split(' ');
      expect(what).toBe('in');
      expect(trace[i + 1]).toBe(`${pid} out`);
    }
    // Contended, not one after the other: the holders alternated.
    const holders = trace.filter((_, i) => i % 2 === 0).map((l) => l.split(' ')[0]);
    expect(holders.slice(1).filter((h, i) => h !== holders[i]).length).toBeGreaterThan(1);
    expect(readdirSync(dir).sort()).toEqual(['state.lock.count', 'state.lock.trace']);
  }, 120_000);
});

describe('a holder that is killed', () => {
  test('its lock is taken over by the next process, which waits for nothing', async () => {
    const child = worker('hold');
    await says(child, 'held');
    const before = readFileSync(lock, 'utf8');
    expect(before.split(' ').slice(0, 2)).toEqual([String(child.pid), hostname()]);
    child.kill('SIGKILL');
    await exited(child);
    const started = Date.now();
    const lockHeld = held(await acquireLock(lock, { timeoutMs: 5000 }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(readFileSync(lock, 'utf8')).not.toBe(before);
    lockHeld.release();
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);

  // A kill can land anywhere: between writing the draft and linking it, holding the lock, after the release.
  test.for([3, 17, 41, 90, 160, 250])('killed %i ms into taking and releasing in a loop: the next taker succeeds and nothing is left behind', { timeout: 30_000 }, async (delay) => {
    const child = worker('churn');
    await says(child, 'start');
    await new Promise((resolve) => setTimeout(resolve, delay));
    child.kill('SIGKILL');
    await exited(child);
    const lockHeld = held(acquireLockSync(lock, { timeoutMs: 5000 }));
    lockHeld.release();
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('a live holder', () => {
  test('is never displaced: the taker waits, then gives up naming it, and the lock is untouched', async () => {
    const child = worker('hold');
    await says(child, 'held');
    const content = readFileSync(lock, 'utf8');
    for (const outcome of [await acquireLock(lock, { timeoutMs: 300 }), acquireLockSync(lock, { timeoutMs: 0 })]) {
      expect(outcome).toMatchObject({ ok: false, reason: 'held', file: lock });
      expect(outcome.ok === false && outcome.reason === 'held' && outcome.holder).toContain(`pid ${child.pid} on ${hostname()}`);
    }
    expect(readFileSync(lock, 'utf8')).toBe(content);
    // Once it releases, the lock is free at once.
    const done = exited(child);
    child.stdin!.end();
    expect((await done).code).toBe(0);
    held(await acquireLock(lock, { timeoutMs: 1000 })).release();
  }, 30_000);

  test.for([
    { name: 'a lock of another host (a shared volume)', content: () => `1 some-other-host token 2026-11-01T01:00:00.000Z` },
    { name: 'an empty lock', content: () => '' },
    { name: 'a lock of this host whose pid is not a number', content: () => `x ${hostname()} token` },
  ])('$name is never broken automatically', async ({ content }) => {
    writeFileSync(lock, content());
    expect(await acquireLock(lock, { timeoutMs: 100 })).toMatchObject({ ok: false, reason: 'held', file: lock });
    expect(readFileSync(lock, 'utf8')).toBe(content());
  });

  test('a stale lock is not broken while its break lock is held, and the outcome names the break lock', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeFileSync(lock, `${dead} ${hostname()} dead-token 2026-11-01T01:00:00.000Z`);
    writeFileSync(`${lock}.break`, `${process.pid} ${hostname()} breaker 2026-11-01T01:00:00.000Z`);
    expect(await acquireLock(lock, { timeoutMs: 100 })).toMatchObject({ ok: false, reason: 'breaking', file: `${lock}.break`, lock });
    rmSync(`${lock}.break`);
    held(await acquireLock(lock, { timeoutMs: 100 })).release();
    expect(readdirSync(dir)).toEqual([]);
  });

  test('releasing removes only our own lock, never one taken since by another', async () => {
    const mine = held(await acquireLock(lock));
    writeFileSync(lock, `${process.pid} ${hostname()} someone-else 2026-11-01T01:00:00.000Z`);
    mine.release();
    expect(readFileSync(lock, 'utf8')).toContain('someone-else');
  });
});

test('a lock in a folder that cannot be written is an io outcome naming the file, not a wait', async () => {
  const missing = join(dir, 'no', 'such', 'folder', 'x.lock');
  const outcome = await acquireLock(missing, { timeoutMs: 5000 });
  expect(outcome).toMatchObject({ ok: false, reason: 'io' });
  expect(outcome.ok === false && outcome.reason === 'io' && outcome.file.startsWith(missing)).toBe(true);
});
