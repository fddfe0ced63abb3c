/**
 * verifyAuditLog / verifyAuditFile against each kind of tampering, on a
 * 20-entry history built with the library's own entry code at fixed times.
 * Every case runs twice: over the bytes (pure) and streamed from a file, and
 * both must name the same first bad line with the same code.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { chinaInstant, entryLine, GENESIS_PREV, MAX_LINE_BYTES, verifyAuditFile, verifyAuditLog, type AuditProblemCode, type AuditSeal, type AuditVerifyResult } from '../../pipeline/audit/index.ts';
import { bytesOf, history, rehashed, T0, tempDir } from './helpers.ts';

const N = 20;
const good = history(N);
const L = good.lines;
const E = good.entries;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

let fileNo = 0;
function both(bytes: Uint8Array, seals: AuditSeal[] = []): AuditVerifyResult {
  const pure = verifyAuditLog(bytes, { seals });
  const streamed = verifyAuditFile(tmp.file(`log-${fileNo++}.jsonl`, bytes), { seals });
  expect(streamed).toEqual(pure);
  return pure;
}

/** Line k (1-based) replaced. */
const replace = (k: number, line: string | Uint8Array) => L.map((l, i) => (i === k - 1 ? line : l));
const sealOf = (seq: number, source = `release v${seq}`): AuditSeal => ({ seq, hash: E[seq - 1]!.hash, source });

describe('an untouched log', () => {
  test('verifies: n entries, head = last entry, chain from 64 zeros', () => {
    const r = both(bytesOf(L));
    expect(r).toEqual({ ok: true, entries: N, head: { seq: N, hash: E[N - 1]!.hash }, sealsMatched: 0 });
    expect(E[0]!.prev).toBe(GENESIS_PREV);
    expect(E.slice(1).every((e, i) => e.prev === E[i]!.hash)).toBe(true);
  });

  test('an empty log verifies with no head', () => {
    expect(both(new Uint8Array())).toEqual({ ok: true, entries: 0, sealsMatched: 0 });
  });

  test('release seals found in the log pass and are counted', () => {
    expect(both(bytesOf(L), [sealOf(5), sealOf(12), sealOf(N)])).toMatchObject({ ok: true, sealsMatched: 3 });
  });

  test('a 5,000-entry log crossing the 1 MiB read chunks verifies streamed as from bytes', () => {
    const big = history(5000, (i) => T0 + i * 1000);
    const bytes = bytesOf(big.lines);
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    expect(both(bytes)).toMatchObject({ ok: true, entries: 5000, head: { seq: 5000 } });
  });
});

const K = 7;
const forged = rehashed(E[K - 1]!, { outcome: 'refused', details: { forged: true } });
const inserted = rehashed(E[K - 1]!, { actor: 'mallory', entries: ['content/19900000000/tzgg/secret.md'] });
/** The whole history regenerated with other content: every hash recomputed, consistent from the start. */
const rewritten = history(N, (i) => T0 + i * 3600_000 + 1);
const invalidUtf8 = Buffer.from(L[K - 1]!, 'utf8');
invalidUtf8[invalidUtf8.indexOf(Buffer.from('"action"')) + 2] = 0xff;
const crlf = L.map((l) => l.replace('\n', '\r\n'));
const backwards = history(N, (i) => T0 + i * 3600_000 - (i === K - 1 ? 3 * 3600_000 : 0));

interface Case {
  name: string;
  bytes: Uint8Array;
  seals?: AuditSeal[];
  code: AuditProblemCode;
  line: number;
  seq?: number;
  message?: RegExp;
}

const CASES: Case[] = [
  { name: 'a field of entry 7 edited by hand', bytes: bytesOf(replace(K, L[K - 1]!.replace('"outcome":"ok"', '"outcome":"no"'))), code: 'AUDIT_EDITED', line: K, seq: K, message: /edited/ },
  { name: 'entry 7 edited and its hash recomputed', bytes: bytesOf(replace(K, entryLine(forged))), code: 'AUDIT_CHAIN_BROKEN', line: K, seq: K, message: /not the prev recorded by seq 8 \(line 8\)/ },
  { name: 'entry 7 deleted', bytes: bytesOf(L.filter((_, i) => i !== K - 1)), code: 'AUDIT_GAP', line: K, seq: K + 1, message: /seq 7 is missing/ },
  { name: 'entries 7–9 deleted', bytes: bytesOf(L.filter((_, i) => i < K - 1 || i > K + 1)), code: 'AUDIT_GAP', line: K, seq: K + 3, message: /3 entries were deleted/ },
  { name: 'the first entry deleted', bytes: bytesOf(L.slice(1)), code: 'AUDIT_GAP', line: 1, seq: 2 },
  { name: 'entries 7 and 8 swapped', bytes: bytesOf([...L.slice(0, K - 1), L[K]!, L[K - 1]!, ...L.slice(K + 1)]), code: 'AUDIT_REORDERED', line: K, seq: K + 1, message: /comes before seq 7 \(line 8\)/ },
  { name: 'entry 3 moved to the end', bytes: bytesOf([...L.slice(0, 2), ...L.slice(3), L[2]!]), code: 'AUDIT_REORDERED', line: 3, seq: 4 },
  { name: 'entry 12 moved before entry 4', bytes: bytesOf([...L.slice(0, 3), L[11]!, ...L.slice(3, 11), ...L.slice(12)]), code: 'AUDIT_REORDERED', line: 4, seq: 12 },
  { name: 'a forged entry with a recomputed hash inserted before entry 7', bytes: bytesOf([...L.slice(0, K - 1), entryLine(inserted), ...L.slice(K - 1)]), code: 'AUDIT_INSERTED', line: K, seq: K, message: /inserted: .*the chain continues from line 8/ },
  { name: 'a forged entry inserted after entry 7 (claiming seq 8)', bytes: bytesOf([...L.slice(0, K), entryLine(rehashed(E[K]!, { actor: 'mallory' })), ...L.slice(K)]), code: 'AUDIT_INSERTED', line: K + 1, seq: K + 1 },
  { name: 'entry 7 repeated', bytes: bytesOf([...L.slice(0, K), L[K - 1]!, ...L.slice(K)]), code: 'AUDIT_DUPLICATE', line: K + 1, seq: K },
  { name: 'the last line cut in the middle', bytes: bytesOf([...L.slice(0, N - 1), L[N - 1]!.slice(0, 40)]), code: 'AUDIT_TRUNCATED', line: N, message: /incomplete/ },
  { name: 'the last line without its newline', bytes: bytesOf([...L.slice(0, N - 1), L[N - 1]!.trimEnd()]), code: 'AUDIT_TRUNCATED', line: N },
  { name: 'the last 3 entries removed, with a seal of entry 20', bytes: bytesOf(L.slice(0, N - 3)), seals: [sealOf(10), sealOf(N, 'release v4')], code: 'AUDIT_TRUNCATED', line: N - 2, seq: N, message: /release v4 sealed the log at seq 20, but it ends at seq 17/ },
  { name: 'the whole log removed, with a seal', bytes: new Uint8Array(), seals: [sealOf(3)], code: 'AUDIT_TRUNCATED', line: 1, seq: 3 },
  { name: 'the whole log rewritten consistently, with a seal of entry 10', bytes: bytesOf(rewritten.lines), seals: [sealOf(10)], code: 'AUDIT_SEAL_MISMATCH', line: 10, seq: 10, message: /release v10 sealed seq 10/ },
  { name: 'two seals that disagree on entry 5', bytes: bytesOf(L), seals: [sealOf(5, 'v1'), { seq: 5, hash: 'a'.repeat(64), source: 'v2' }], code: 'AUDIT_SEAL_MISMATCH', line: 5, seq: 5, message: /v1 and v2 \(which disagree\)/ },
  { name: 'broken JSON on line 5', bytes: bytesOf(replace(5, '{"seq":5,"at":\n')), code: 'AUDIT_MALFORMED', line: 5, message: /not valid JSON/ },
  { name: 'line 5 re-encoded with spaces (same content)', bytes: bytesOf(replace(5, `${JSON.stringify(JSON.parse(L[4]!), null, 1).replaceAll('\n', '')}\n`)), code: 'AUDIT_NONCANONICAL', line: 5, seq: 5 },
  { name: 'line 5 re-encoded with keys in another order', bytes: bytesOf(replace(5, `${JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(L[4]!) as object).reverse()))}\n`)), code: 'AUDIT_NONCANONICAL', line: 5, seq: 5 },
  { name: 'CRLF line endings', bytes: bytesOf(crlf), code: 'AUDIT_NONCANONICAL', line: 1, seq: 1 },
  { name: 'invalid UTF-8 in entry 7', bytes: bytesOf(replace(K, invalidUtf8)), code: 'AUDIT_MALFORMED', line: K, message: /UTF-8/ },
  { name: 'a duplicate key in entry 4', bytes: bytesOf(replace(4, L[3]!.replace('{"action":', '{"action":"gate","action":'))), code: 'AUDIT_MALFORMED', line: 4, message: /duplicate key/ },
  { name: 'a byte-order mark before the first entry', bytes: bytesOf(['\uFEFF', ...L]), code: 'AUDIT_MALFORMED', line: 1 },
  { name: 'an empty line between entries 9 and 10', bytes: bytesOf([...L.slice(0, 9), '\n', ...L.slice(9)]), code: 'AUDIT_MALFORMED', line: 10, message: /empty line/ },
  { name: 'an entry without seq', bytes: bytesOf(replace(2, L[1]!.replace(/"seq":2,/, ''))), code: 'AUDIT_MALFORMED', line: 2, message: /seq is not a positive whole number/ },
  { name: 'a line longer than any entry', bytes: bytesOf(replace(3, `${'x'.repeat(MAX_LINE_BYTES + 10)}\n`)), code: 'AUDIT_MALFORMED', line: 3, message: /at most 16384/ },
  { name: 'a JSON array instead of an entry', bytes: bytesOf(replace(6, '[1,2,3]\n')), code: 'AUDIT_MALFORMED', line: 6 },
  { name: 'entry 7 dated 3 hours before entry 6 (a consistent chain)', bytes: bytesOf(backwards.lines), code: 'AUDIT_TIME_BACKWARDS', line: K, seq: K, message: /before that of seq 6/ },
];

describe('tampering is detected and the first bad entry named', () => {
  test.for(CASES)('$name → $code at line $line', (c) => {
    const r = both(c.bytes, c.seals ?? []);
    expect(r.ok).toBe(false);
    expect(r.firstBad).toMatchObject({ code: c.code, line: c.line, ...(c.seq !== undefined ? { seq: c.seq } : {}) });
    if (c.message) expect(r.firstBad?.problem).toMatch(c.message);
    // Entries before the damage are still counted as verified.
    expect(r.entries).toBeLessThanOrEqual(N);
  });
});

describe('the honest limit: what only a seal can see', () => {
  test.for([
    { name: 'the tail cut off at a line boundary', bytes: bytesOf(L.slice(0, N - 3)), seal: sealOf(N), code: 'AUDIT_TRUNCATED' },
    { name: 'the whole log rewritten with recomputed hashes', bytes: bytesOf(rewritten.lines), seal: sealOf(N), code: 'AUDIT_SEAL_MISMATCH' },
    { name: 'the last entry rewritten with a recomputed hash', bytes: bytesOf(replace(N, entryLine(rehashed(E[N - 1]!, { outcome: 'failed' })))), seal: sealOf(N), code: 'AUDIT_SEAL_MISMATCH' },
  ])('$name passes the chain alone and fails against the release seal', ({ bytes, seal, code }) => {
    expect(both(bytes).ok).toBe(true);
    const sealed = both(bytes, [seal]);
    expect(sealed.ok).toBe(false);
    expect(sealed.firstBad?.code).toBe(code);
  });
});

describe('onEntry hands on only confirmed entries (what `audit show` prints as fact)', () => {
  const mallory = (e: (typeof E)[number], at = Date.parse(e.at) - 1000) => entryLine(rehashed(e, { actor: 'mallory', at: chinaInstant(at) }));
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  test.for([
    { name: 'an untouched log: every entry, the last at the end of the log', lines: L, shown: upTo(N), code: undefined, line: undefined, lines2: undefined },
    { name: 'a forged entry inserted before the genuine last one', lines: [...L.slice(0, N - 1), mallory(E[N - 1]!), L[N - 1]!], shown: upTo(N - 1), code: 'AUDIT_INSERTED', line: N, lines2: [N, N + 1] },
    { name: 'a forged entry appended after the genuine last one', lines: [...L, mallory(E[N - 1]!, Date.parse(E[N - 1]!.at) + 1000)], shown: upTo(N - 1), code: 'AUDIT_INSERTED', line: N, lines2: [N, N + 1] },
    { name: 'a forged entry inserted before entry 7, the chain going on from the genuine one', lines: [...L.slice(0, K - 1), mallory(E[K - 1]!), ...L.slice(K - 1)], shown: upTo(K - 1), code: 'AUDIT_INSERTED', line: K, lines2: [K, K + 1] },
    { name: 'entry 7 rewritten with a recomputed hash (the link after it breaks)', lines: replace(K, entryLine(forged)), shown: upTo(K - 1), code: 'AUDIT_CHAIN_BROKEN', line: K, lines2: undefined },
    { name: 'line 10 edited (entry 9 is vouched for by nothing else)', lines: replace(10, L[9]!.replace('"outcome":"ok"', '"outcome":"no"')), shown: upTo(8), code: 'AUDIT_EDITED', line: 10, lines2: undefined },
    { name: 'the last line cut (entry 19 is vouched for by nothing else)', lines: [...L.slice(0, N - 1), L[N - 1]!.slice(0, 40)], shown: upTo(N - 2), code: 'AUDIT_TRUNCATED', line: N, lines2: undefined },
  ])('$name', ({ lines, shown, code, line, lines2 }) => {
    const seen: number[] = [];
    const pure = verifyAuditLog(bytesOf(lines), { onEntry: (e) => seen.push(e.seq) });
    const streamedSeen: number[] = [];
    const streamed = verifyAuditFile(tmp.file(`shown-${fileNo++}.jsonl`, bytesOf(lines)), { onEntry: (e) => streamedSeen.push(e.seq) });
    expect(streamed).toEqual(pure);
    expect(streamedSeen).toEqual(seen);
    expect(seen).toEqual(shown);
    // Nothing from mallory is ever handed on.
    expect(pure.entries).toBe(shown.length);
    expect(pure.head?.seq).toBe(shown.at(-1));
    if (code === undefined) expect(pure.ok).toBe(true);
    else {
      expect(pure.firstBad).toMatchObject({ code, line });
      expect(pure.firstBad?.lines).toEqual(lines2);
      if (lines2) expect(pure.firstBad?.problem).toContain(`lines ${lines2[0]} and ${lines2[1]}`);
    }
  });
});
