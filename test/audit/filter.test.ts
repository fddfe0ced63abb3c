/** filterAudit over a generated history, each filter checked against a count made independently. */
import { describe, expect, test } from 'vitest';
import { filterAudit, type AuditFilter } from '../../pipeline/audit/index.ts';
import { history, MAIN, SUB, T0 } from './helpers.ts';

// 60 entries, one hour apart from 2026-11-01 09:00 China time; the kinds cycle every 6 (helpers.ts event()).
const { entries } = history(60);
const hour = (i: number) => new Date(T0 + i * 3600_000);

const CASES: { name: string; filter: AuditFilter; expected: number[] }[] = [
  { name: 'no filter', filter: {}, expected: entries.map((e) => e.seq) },
  { name: 'action approve', filter: { action: 'approve' }, expected: entries.filter((_, i) => i % 6 === 1 || i % 6 === 2).map((e) => e.seq) },
  { name: 'person ap-bgs', filter: { person: 'ap-bgs' }, expected: entries.filter((_, i) => i % 6 === 1).map((e) => e.seq) },
  // Gate runs name both sites; approvals by ap-bgs and withdrawals name the main site.
  { name: `site ${SUB}`, filter: { site: SUB }, expected: entries.filter((_, i) => [0, 2, 4].includes(i % 6)).map((e) => e.seq) },
  { name: `site ${MAIN}`, filter: { site: MAIN }, expected: entries.filter((_, i) => [0, 1, 3].includes(i % 6)).map((e) => e.seq) },
  // n7 is approved at i=7 (seq 8) and withdrawn at i=9 (seq 10).
  { name: 'one entry by path', filter: { entry: `content/${MAIN}/tzgg/n7.md` }, expected: [8, 10] },
  { name: 'one entry with ./', filter: { entry: `./content/${MAIN}/tzgg/n7.md` }, expected: [8, 10] },
  { name: 'a folder', filter: { entry: `content/${SUB}/tzgg/` }, expected: entries.filter((_, i) => i % 6 === 4).map((e) => e.seq) },
  { name: 'a path that is only a prefix of a file is not a folder', filter: { entry: `content/${MAIN}/tzgg/n1` }, expected: [] },
  { name: 'from (inclusive)', filter: { from: hour(50) }, expected: entries.slice(50).map((e) => e.seq) },
  { name: 'to (inclusive)', filter: { to: hour(9) }, expected: entries.slice(0, 10).map((e) => e.seq) },
  { name: 'a window and an action', filter: { from: hour(12), to: hour(23), action: 'release' }, expected: [18, 24] },
  { name: 'person and site that never meet', filter: { person: 'ap-bgs', site: SUB }, expected: [] },
];

describe('filterAudit', () => {
  test.for(CASES)('$name', ({ filter, expected }) => {
    expect(filterAudit(entries, filter).map((e) => e.seq)).toEqual(expected);
  });
});
