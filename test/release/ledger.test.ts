/**
 * The release ledger (the gate's memory, Trust model 10): read strictly as
 * hostile input, built and read back, carried forward so that nothing is ever
 * forgotten, and trust versions compared only upward.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { buildManifest, carryLedger, readManifest, RELEASE_TRUST_FILES, trustRollbacks, withdrawalsByEntry, type LedgerWithdrawal, type ReleaseLedger } from '../../pipeline/release/index.ts';
import { MAIN, SUB } from './fixture.ts';

const H = (c: string) => c.repeat(64);
const TRUST = Object.fromEntries(RELEASE_TRUST_FILES.map((n, i) => [n, H(String(i))])) as Record<(typeof RELEASE_TRUST_FILES)[number], string>;
const VERSIONS = { root: 1, roster: 2, policy: 1, revocations: 3 };

const w = (over: Partial<LedgerWithdrawal> = {}): LedgerWithdrawal => ({
  entry: `content/${MAIN}/tzgg/a.md`,
  site: MAIN,
  signedAt: '2026-10-20T01:00:00.000Z',
  signer: 'ap-00-bgs',
  record: `content/_approvals/${MAIN}/w.json`,
  sha256: H('a'),
  ...over,
});

function manifest(ledger: unknown): Record<string, unknown> {
  return {
    type: 'release',
    format: 1,
    version: 2,
    group: '示例网站群',
    createdAt: '2026-10-01T01:00:00Z',
    expires: '2026-10-08T01:00:00Z',
    trust: { ...TRUST },
    sites: [
      { code: MAIN, name: '省局', domain: 'www.tax.example.gov.cn' },
      { code: SUB, name: '市局', domain: '19901000000.tax.example.gov.cn' },
    ],
    files: [],
    entries: [],
    ...(ledger === undefined ? {} : { ledger }),
  };
}

describe('readManifest: the ledger', () => {
  test('a manifest without a ledger (made before it existed) reads as no memory', () => {
    const read = readManifest(manifest(undefined));
    expect(read.ok && read.value.ledger).toBe(undefined);
  });

  test('a valid ledger reads back as written', () => {
    const ledger = { withdrawals: [w(), w({ entry: `content/${SUB}/gzdt/b.md`, site: SUB, sha256: H('b') })], trust: VERSIONS };
    const read = readManifest(manifest(ledger));
    expect(read.ok && read.value.ledger).toEqual(ledger);
  });

  const bad = (name: string, ledger: unknown, problem: RegExp) => ({ name, ledger, problem });
  test.for([
    bad('not an object', [], /ledger/),
    bad('an unknown field', { withdrawals: [], trust: VERSIONS, forget: true }, /forget/),
    bad('no trust versions', { withdrawals: [] }, /ledger\.trust/),
    bad('a trust document missing', { withdrawals: [], trust: { root: 1, roster: 1, policy: 1 } }, /revocations/),
    bad('an unknown trust document', { withdrawals: [], trust: { ...VERSIONS, ca: 1 } }, /ca/),
    bad('a version 0', { withdrawals: [], trust: { ...VERSIONS, revocations: 0 } }, /revocations/),
    bad('a fractional version', { withdrawals: [], trust: { ...VERSIONS, policy: 1.5 } }, /policy/),
    bad('no withdrawals list', { trust: VERSIONS }, /withdrawals/),
    bad('an unknown field in a withdrawal', { withdrawals: [{ ...w(), approvedAgain: true }], trust: VERSIONS }, /approvedAgain/),
    bad('a withdrawal without its digest', { withdrawals: [{ ...w(), sha256: undefined }], trust: VERSIONS }, /sha256/),
    bad('an upper-case digest', { withdrawals: [w({ sha256: H('A') })], trust: VERSIONS }, /sha256/),
    bad('an entry path with ..', { withdrawals: [w({ entry: `content/${MAIN}/../x/a.md` })], trust: VERSIONS }, /entry/),
    bad('an entry outside content/', { withdrawals: [w({ entry: `sites/${MAIN}/tzgg/a.md` })], trust: VERSIONS }, /entry/),
    bad('a record outside content/', { withdrawals: [w({ record: '/tmp/w.json' })], trust: VERSIONS }, /record/),
    bad('a site not the entry\'s', { withdrawals: [w({ site: SUB })], trust: VERSIONS }, /site/),
    bad('a signing time without an offset', { withdrawals: [w({ signedAt: '2026-10-20T01:00:00' })], trust: VERSIONS }, /signedAt/),
    bad('a bad signer id', { withdrawals: [w({ signer: '../x' })], trust: VERSIONS }, /signer/),
    bad('the same withdrawal twice', { withdrawals: [w(), w({ record: `content/_approvals/${MAIN}/x.json` })], trust: VERSIONS }, /twice/),
    bad('out of order', { withdrawals: [w({ entry: `content/${MAIN}/tzgg/b.md`, sha256: H('b') }), w()], trust: VERSIONS }, /order/),
  ])('refused: $name', ({ ledger, problem }) => {
    const read = readManifest(manifest(ledger));
    expect(read.ok).toBe(false);
    expect(!read.ok && read.problems.join('\n')).toMatch(problem);
  });

  test('buildManifest carries the ledger into the manifest it checks', () => {
    const ledger: ReleaseLedger = { withdrawals: [w()], trust: VERSIONS };
    const built = buildManifest({ version: 1, group: 'g', createdAt: '2026-10-01T01:00:00Z', expires: '2026-10-02T01:00:00Z', trust: TRUST, sites: [{ code: MAIN, name: '省局', domain: 'www.tax.example.gov.cn' }], files: [], entries: [], ledger });
    expect(built.ledger).toEqual(ledger);
  });
});

describe('carryLedger: the memory only grows', () => {
  test('a remembered withdrawal is kept when its record is no longer seen; a new one is added; duplicates once', () => {
    const old: ReleaseLedger = { withdrawals: [w()], trust: VERSIONS };
    const fresh = w({ entry: `content/${SUB}/gzdt/b.md`, site: SUB, sha256: H('b') });
    const next = carryLedger(old, [fresh, fresh], VERSIONS)!;
    expect(next.withdrawals).toEqual([w(), fresh]);
    // The same signed bytes moved to another file: remembered once, at the path first seen.
    expect(carryLedger(next, [w({ record: `content/_approvals/${MAIN}/moved.json` })], VERSIONS)!.withdrawals).toEqual([w(), fresh]);
  });

  test('trust versions: the higher of remembered and current, per document', () => {
    const next = carryLedger({ withdrawals: [], trust: { root: 2, roster: 1, policy: 5, revocations: 3 } }, [], { root: 1, roster: 4, policy: 5, revocations: 2 })!;
    expect(next.trust).toEqual({ root: 2, roster: 4, policy: 5, revocations: 3 });
  });

  test('without current trust versions (the trust material did not verify) the remembered ones are kept; with neither there is no ledger', () => {
    expect(carryLedger({ withdrawals: [w()], trust: VERSIONS }, [], undefined)).toEqual({ withdrawals: [w()], trust: VERSIONS });
    expect(carryLedger(undefined, [w()], undefined)).toBe(undefined);
  });

  test('trustRollbacks: lower is a rollback, equal or higher is not', () => {
    expect(trustRollbacks(VERSIONS, VERSIONS)).toEqual([]);
    expect(trustRollbacks({ ...VERSIONS, policy: 9 }, VERSIONS)).toEqual([]);
    expect(trustRollbacks({ ...VERSIONS, revocations: 2 }, VERSIONS)).toEqual([{ doc: 'revocations', have: 2, remembered: 3 }]);
  });

  test('withdrawalsByEntry groups by entry with the signing time in ms', () => {
    const by = withdrawalsByEntry({ withdrawals: [w()], trust: VERSIONS });
    expect(by.get(w().entry)).toEqual([{ ...w(), atMs: Date.parse(w().signedAt) }]);
    expect(withdrawalsByEntry(undefined).size).toBe(0);
  });

  test('property: any sequence of releases, each seeing some withdrawals, remembers every one ever seen, and its manifest reads', () => {
    const arbW = fc.record({
      entry: fc.constantFrom(`content/${MAIN}/tzgg/a.md`, `content/${MAIN}/gzdt/b.md`, `content/${SUB}/gzdt/c.md`),
      n: fc.integer({ min: 0, max: 5 }),
    }).map(({ entry, n }) => w({ entry, site: entry.split('/')[1]!, sha256: createHash('sha256').update(`${entry}${n}`).digest('hex'), record: `content/_approvals/r${n}.json` }));
    const arbVersions = fc.record({ root: fc.integer({ min: 1, max: 4 }), roster: fc.integer({ min: 1, max: 4 }), policy: fc.integer({ min: 1, max: 4 }), revocations: fc.integer({ min: 1, max: 4 }) });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(arbW, { maxLength: 4 }), arbVersions), { minLength: 1, maxLength: 6 }), (runs) => {
        let ledger: ReleaseLedger | undefined;
        const ever = new Set<string>();
        const highest = { root: 0, roster: 0, policy: 0, revocations: 0 };
        for (const [seen, versions] of runs) {
          ledger = carryLedger(ledger, seen, versions)!;
          for (const s of seen) ever.add(`${s.entry} ${s.sha256}`);
          for (const d of Object.keys(highest) as (keyof typeof highest)[]) highest[d] = Math.max(highest[d], versions[d]);
          expect(new Set(ledger.withdrawals.map((x) => `${x.entry} ${x.sha256}`))).toEqual(ever);
          expect(ledger.trust).toEqual(highest);
          expect(readManifest(manifest(ledger)).ok).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
