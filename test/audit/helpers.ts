/** Audit logs built in memory with the library's own entry code, at fixed times. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entryHash, entryLine, nextEntry, type AuditEntry, type AuditEvent } from '../../pipeline/audit/index.ts';

export const T0 = Date.parse('2026-11-01T09:00:00+08:00');
export const MAIN = '19900000000';
export const SUB = '19901000000';

/** The i-th event (0-based) of a varied history: people, sites, entries, actions. */
export function event(i: number): AuditEvent {
  const kinds: AuditEvent[] = [
    { action: 'gate', actor: 'ci', sites: [MAIN, SUB], outcome: i % 4 === 0 ? 'refused' : 'ok', details: { command: 'check', entries: 58, publishable: 44 } },
    { action: 'approve', actor: 'ap-bgs', sites: [MAIN], entries: [`content/${MAIN}/tzgg/n${i}.md`], outcome: 'ok', details: { record: `content/_approvals/${MAIN}/r${i}.json` } },
    { action: 'approve', actor: 'ap-sub', sites: [SUB], entries: [`content/${SUB}/gzdt/n${i}.md`], outcome: 'refused', details: { problems: 1 } },
    { action: 'withdraw', actor: 'office-1', sites: [MAIN], entries: [`content/${MAIN}/tzgg/n${i - 2}.md`], outcome: 'ok', details: { reason: '已过时' } },
    { action: 'waive', actor: 'sa-1', sites: [SUB], entries: [`content/${SUB}/tzgg/arrears.md`], outcome: 'ok' },
    { action: 'release', actor: 'release-1', outcome: 'ok', details: { version: i } },
  ];
  return kinds[i % kinds.length]!;
}

/** A log of n entries, one hour apart from T0: the entries and their lines. */
export function history(n: number, at: (i: number) => number = (i) => T0 + i * 3600_000): { entries: AuditEntry[]; lines: string[] } {
  const entries: AuditEntry[] = [];
  for (let i = 0; i < n; i++) entries.push(nextEntry(entries.at(-1), event(i), new Date(at(i))));
  return { entries, lines: entries.map(entryLine) };
}

export const bytesOf = (lines: readonly (string | Uint8Array)[]): Uint8Array => Buffer.concat(lines.map((l) => (typeof l === 'string' ? Buffer.from(l, 'utf8') : Buffer.from(l))));

/** An entry with fields changed and its hash recomputed (what a forger with the code would write). */
export function rehashed(entry: AuditEntry, change: Partial<AuditEntry>): AuditEntry {
  const { hash: _h, ...body } = { ...entry, ...change };
  return { ...body, hash: entryHash(body) };
}

export function tempDir(): { dir: string; cleanup: () => void; file: (name: string, bytes?: Uint8Array | string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'sealpress-audit-'));
  return {
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
    file: (name, bytes) => {
      const p = join(dir, name);
      if (bytes !== undefined) writeFileSync(p, bytes);
      return p;
    },
  };
}
