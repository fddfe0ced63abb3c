/**
 * appendAudit and auditHead on real files in a temp folder, at fixed times:
 * the chain they write verifies, they read only the tail, they refuse to
 * extend a damaged tail or to go back in time (leaving the file unchanged),
 * the lock keeps two processes from forking the chain, and a stale lock of a
 * dead process is broken, by one process at a time, never taking a live one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, symlinkSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { appendAudit, AuditError, auditHead, auditLogPath, DEFAULT_AUDIT_LOG, entryLine, GENESIS_PREV, MAX_LISTED_ENTRIES, parseLine, verifyAuditFile, verifyAuditLog, type AuditErrorCode, type AuditEvent } from '../../pipeline/audit/index.ts';
import { bytesOf, event, history, rehashed, T0, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
let log: string;
beforeEach(() => {
  tmp = tempDir();
  log = join(tmp.dir, 'audit', 'log.jsonl');
});
afterEach(() => tmp.cleanup());

const at = (i: number) => new Date(T0 + i * 60_000);

async function fill(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await appendAudit(log, event(i), at(i));
}

async function refusal(code: AuditErrorCode, run: () => Promise<unknown>): Promise<AuditError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuditError);
  expect((error as AuditError).code).toBe(code);
  return error as AuditError;
}

describe('appendAudit', () => {
  test('writes a chain that verifies; the head is the last entry', async () => {
    expect(auditHead(log)).toBeUndefined();
    const first = await appendAudit(log, event(0), at(0));
    expect(first).toMatchObject({ seq: 1, prev: GENESIS_PREV, at: '2026-11-01T09:00:00.000+08:00' });
    await fill(300);
    const r = verifyAuditFile(log);
    expect(r).toMatchObject({ ok: true, entries: 301 });
    expect(auditHead(log)).toEqual(r.head);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(301);
    // Each line is exactly what the library encodes: canonical, self-hashed.
    for (const line of lines.slice(0, 20)) expect(parseLine(Buffer.from(line)).ok).toBe(true);
  });

  test('the default log is under the repository, unless $SEALPRESS_AUDIT_LOG or an explicit path says otherwise', () => {
    expect(auditLogPath('/repo', undefined, {})).toBe(join('/repo', DEFAULT_AUDIT_LOG));
    expect(auditLogPath('/repo', undefined, { SEALPRESS_AUDIT_LOG: '/var/log/sealpress.jsonl' })).toBe('/var/log/sealpress.jsonl');
    expect(auditLogPath('/repo', '/x/log.jsonl', { SEALPRESS_AUDIT_LOG: '/var/log/sealpress.jsonl' })).toBe('/x/log.jsonl');
  });

  test('reads only the tail: damage in the middle does not stop appending, verify finds it', async () => {
    await fill(10);
    const lines = readFileSync(log, 'utf8').split('\n');
    lines[2] = lines[2]!.replace('"actor":"', '"actor":"x');
    writeFileSync(log, lines.join('\n'));
    await appendAudit(log, event(10), at(10));
    expect(verifyAuditFile(log).firstBad).toMatchObject({ line: 3, code: 'AUDIT_EDITED' });
  });

  test.for([
    { name: 'an edited last line', damage: (bytes: string) => bytes.replace(/"outcome":"ok"(?=[^\n]*\n$)/, '"outcome":"no"'), code: 'AUDIT_EDITED' },
    { name: 'a cut last line', damage: (bytes: string) => bytes.slice(0, -30), code: 'incomplete' },
    { name: 'a last line of garbage', damage: (bytes: string) => `${bytes}not json\n`, code: 'AUDIT_MALFORMED' },
    { name: 'a last line longer than any entry', damage: (bytes: string) => `${bytes}${'x'.repeat(20_000)}\n`, code: 'longer than' },
  ])('refuses to append after $name, and leaves the log as it was', async ({ damage, code }) => {
    await fill(5);
    const before = damage(readFileSync(log, 'utf8'));
    writeFileSync(log, before);
    const error = await refusal('AUDIT_TAIL_CORRUPT', () => appendAudit(log, event(5), at(5)));
    expect(error.message).toContain(code);
    expect(error.message).toMatch(/sealpress audit verify/);
    expect(() => auditHead(log)).toThrow(AuditError);
    expect(readFileSync(log, 'utf8')).toBe(before);
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  test('refuses a time before the last entry beyond the skew; within the skew is fine', async () => {
    await fill(3);
    const last = at(2).getTime();
    await appendAudit(log, event(3), new Date(last - 60_000));
    const size = readFileSync(log).length;
    const error = await refusal('AUDIT_CLOCK', () => appendAudit(log, event(4), new Date(last - 7 * 60_000)));
    expect(error.message).toMatch(/fix the system clock/);
    expect(readFileSync(log).length).toBe(size);
    expect(verifyAuditFile(log).ok).toBe(true);
  });

  // Each entry a second after the one before, appended from a clock `minutes` off the true time.
  test.for([
    { name: 'clocks 4 and then 8 minutes behind, one after the other', minutes: [0, -4, -8], refusedAt: undefined },
    { name: 'a clock drifting 4 minutes further back at each of 6 appends', minutes: [0, -4, -8, -12, -16, -20], refusedAt: undefined },
    { name: 'a clock 4 minutes ahead, then a correct one', minutes: [4, 0, 0], refusedAt: undefined },
    { name: 'a clock 6 minutes behind the entry before it', minutes: [0, 0, -6], refusedAt: 3 },
    { name: 'a clock 10 minutes ahead, then a correct one', minutes: [10, 0], refusedAt: 2 },
  ])('append and verify agree on time: $name', async ({ minutes, refusedAt }) => {
    const time = (i: number) => T0 + i * 1000 + minutes[i]! * 60_000;
    let refused: number | undefined;
    for (const [i] of minutes.entries()) {
      try {
        await appendAudit(log, event(i), new Date(time(i)));
      } catch (error) {
        expect((error as AuditError).code).toBe('AUDIT_CLOCK');
        refused = i + 1;
        break;
      }
    }
    expect(refused).toBe(refusedAt);
    // What append accepted, verify accepts (the log it wrote verifies, however far the clocks drifted in total)…
    expect(verifyAuditFile(log)).toMatchObject({ ok: true, entries: (refusedAt ?? minutes.length + 1) - 1 });
    // …and what append refused, verify names at the same entry when a log holds it anyway.
    const all = verifyAuditLog(bytesOf(history(minutes.length, time).lines));
    expect(all.ok ? undefined : all.firstBad).toEqual(refusedAt === undefined ? undefined : expect.objectContaining({ code: 'AUDIT_TIME_BACKWARDS', seq: refusedAt }));
  });

  const big: AuditEvent = { action: 'approve', outcome: 'ok', entries: Array.from({ length: MAX_LISTED_ENTRIES + 1 }, (_, i) => `content/x/y/${i}.md`) };
  test.for([
    { name: 'an action that is not a token', event: { action: 'Gate; rm -rf', outcome: 'ok' } },
    { name: 'a missing outcome', event: { action: 'gate' } as unknown as AuditEvent },
    { name: `more than ${MAX_LISTED_ENTRIES} entries listed`, event: big },
    { name: 'details over the line size', event: { action: 'gate', outcome: 'ok', details: { blob: 'x'.repeat(20_000) } } },
    { name: 'a value JSON cannot carry', event: { action: 'gate', outcome: 'ok', details: { n: Number.NaN } } },
    { name: 'an empty actor', event: { action: 'gate', outcome: 'ok', actor: '' } },
  ])('refuses $name and writes nothing', async ({ event: bad }) => {
    await refusal('AUDIT_EVENT_INVALID', () => appendAudit(log, bad, at(0)));
    expect(existsSync(log)).toBe(false);
  });

  test('refuses a log that is a symlink (its target could be anywhere)', async () => {
    const elsewhere = tmp.file('elsewhere.jsonl', '');
    const link = tmp.file('link.jsonl');
    symlinkSync(elsewhere, link);
    await refusal('AUDIT_IO', () => appendAudit(link, event(0), at(0)));
    expect(readFileSync(elsewhere, 'utf8')).toBe('');
  });

  test('a forged last line with a recomputed hash is accepted as the tail (only verify can judge the chain)', async () => {
    await fill(3);
    const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
    const last = JSON.parse(lines[2]!) as Parameters<typeof rehashed>[0];
    lines[2] = entryLine(rehashed(last, { prev: 'f'.repeat(64) })).trimEnd();
    writeFileSync(log, `${lines.join('\n')}\n`);
    await appendAudit(log, event(3), at(3));
    expect(verifyAuditFile(log).firstBad).toMatchObject({ code: 'AUDIT_CHAIN_BROKEN', line: 2 });
  });
});

describe('the lock', () => {
  test('a lock held by a live process makes the append wait, then fail naming the holder', async () => {
    await fill(1);
    writeFileSync(`${log}.lock`, `${process.pid} ${hostname()} other-token 2026-11-01T01:00:00.000Z`);
    const error = await refusal('AUDIT_LOCKED', () => appendAudit(log, event(1), at(1), { lockTimeoutMs: 150 }));
    expect(error.message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect(error.message).toMatch(/remove that file/);
    expect(verifyAuditFile(log).entries).toBe(1);
  });

  test('a lock from another host is never broken automatically', async () => {
    await fill(1);
    writeFileSync(`${log}.lock`, `1 some-other-host token 2026-11-01T01:00:00.000Z`);
    await refusal('AUDIT_LOCKED', () => appendAudit(log, event(1), at(1), { lockTimeoutMs: 100 }));
  });

  test('a stale lock of a process that died on this host is broken', async () => {
    await fill(1);
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeFileSync(`${log}.lock`, `${dead} ${hostname()} dead-token 2026-11-01T01:00:00.000Z`);
    await appendAudit(log, event(1), at(1), { lockTimeoutMs: 2000 });
    expect(verifyAuditFile(log)).toMatchObject({ ok: true, entries: 2 });
    expect(existsSync(`${log}.lock`)).toBe(false);
  });

  test('a stale lock is not broken while another process is breaking it (holds <log>.lock.break)', async () => {
    await fill(1);
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    const stale = `${dead} ${hostname()} dead-token 2026-11-01T01:00:00.000Z`;
    writeFileSync(`${log}.lock`, stale);
    // The breaker (alive: this process's pid) judged it stale and is removing it: a second breaker must wait, or it
    // could remove the fresh lock a third process takes right after.
    writeFileSync(`${log}.lock.break`, `${process.pid} ${hostname()} breaker-token 2026-11-01T01:00:00.000Z`);
    const error = await refusal('AUDIT_LOCKED', () => appendAudit(log, event(1), at(1), { lockTimeoutMs: 150 }));
    expect(error.file).toBe(`${log}.lock.break`);
    expect(error.message).toMatch(/remove .*lock\.break/);
    expect(readFileSync(`${log}.lock`, 'utf8')).toBe(stale);
    expect(verifyAuditFile(log).entries).toBe(1);
    // Once the breaker is done, the stale lock is broken and nothing is left behind.
    unlinkSync(`${log}.lock.break`);
    await appendAudit(log, event(1), at(1), { lockTimeoutMs: 2000 });
    expect(verifyAuditFile(log)).toMatchObject({ ok: true, entries: 2 });
    expect(readdirSync(join(tmp.dir, 'audit')).sort()).toEqual(['log.jsonl']);
  });

  test('an empty lock is never broken automatically, however old (its creator may be writing it now)', async () => {
    await fill(1);
    writeFileSync(`${log}.lock`, '');
    const old = new Date(Date.now() - 10 * 60_000);
    utimesSync(`${log}.lock`, old, old);
    const error = await refusal('AUDIT_LOCKED', () => appendAudit(log, event(1), at(1), { lockTimeoutMs: 150 }));
    expect(error.message).toMatch(/remove that file/);
    expect(existsSync(`${log}.lock`)).toBe(true);
    expect(verifyAuditFile(log).entries).toBe(1);
  });

  test('eight processes appending while stale locks keep appearing: one chain, nothing lost, no lock left', async () => {
    const worker = fileURLToPath(new URL('./stale-lock-worker.mjs', import.meta.url));
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    const goAt = String(Date.now() + 6000);
    const run = (name: string) =>
      new Promise<{ code: number | null; err: string }>((done) => {
        const child = spawn(process.execPath, [worker, log, name, '150', String(T0), goAt, String(dead)], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => done({ code, err }));
      });
    const names = Array.from({ length: 8 }, (_, i) => `worker-${i}`);
    const results = await Promise.all(names.map(run));
    // Before breaking was serialised, a breaker could put back a lock its holder had released (every worker then
    // waited for it: AUDIT_LOCKED) or remove a fresh one while a third process took the lock (a fork).
    for (const r of results) expect(r.code, r.err).toBe(0);
    expect(verifyAuditFile(log)).toMatchObject({ ok: true, entries: 8 * 150 });
    const entries = readFileSync(log, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { actor: string; details: { n: number } });
    for (const name of names) expect(entries.filter((e) => e.actor === name).map((e) => e.details.n)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(readdirSync(join(tmp.dir, 'audit')).sort()).toEqual(['log.jsonl']);
  }, 120_000);

  test('two processes appending 200 entries each at once: one chain of 400, nothing lost', async () => {
    await fill(1);
    const worker = fileURLToPath(new URL('./append-worker.mjs', import.meta.url));
    // Both start appending at the same instant, well after both have loaded.
    const goAt = String(Date.now() + 8000);
    const run = (name: string) =>
      new Promise<{ code: number | null; err: string }>((done) => {
        const child = spawn(process.execPath, [worker, log, name, '200', String(T0 + 3600_000), goAt], { stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', (code) => done({ code, err }));
      });
    const results = await Promise.all([run('worker-a'), run('worker-b')]);
    for (const r of results) expect(r.code, r.err).toBe(0);
    const r = verifyAuditFile(log);
    expect(r).toMatchObject({ ok: true, entries: 401, head: { seq: 401 } });
    const entries = readFileSync(log, 'utf8').trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as { actor: string; details: { n: number } });
    for (const name of ['worker-a', 'worker-b']) {
      // Each worker's entries are all there, in its own order.
      expect(entries.filter((e) => e.actor === name).map((e) => e.details.n)).toEqual(Array.from({ length: 200 }, (_, i) => i));
    }
    // Interleaved, not one after the other: the lock was contended.
    const switches = entries.slice(1).filter((e, i) => e.actor !== entries[i]!.actor).length;
    expect(switches).toBeGreaterThan(1);
    expect(existsSync(`${log}.lock`)).toBe(false);
  }, 120_000);
});

describe('auditHead', () => {
  test('reads the last line of a large log without reading the rest', async () => {
    await fill(2);
    // A valid-looking head after 5 MB of damage the head does not see.
    const lines = readFileSync(log, 'utf8');
    writeFileSync(log, `${'garbage\n'.repeat(650_000)}${lines}`);
    expect(auditHead(log)?.seq).toBe(2);
    truncateSync(log, readFileSync(log).length - 1);
    expect(() => auditHead(log)).toThrow(/incomplete/);
    appendFileSync(log, '\n');
    expect(auditHead(log)?.seq).toBe(2);
  });
});
