/**
 * Micro-benchmark of approval verification (not a test): n entries, each
 * approved by two people (a department approver and the office), RSA-3072
 * keys as in production. Times prepareRecords (parse + verify every record
 * once) and decide (every entry), serially and with the signature checks in
 * worker threads. Target: 10,000 entries × 2 signatures < 1 s.
 *
 *     npx tsx test/trust/bench-verify.ts [n] [batchSize]
 *
 * batchSize 1 (the default) is the worst case: one record, so one RSA
 * verification, per entry and approver (2n signatures). A batch approval
 * covers batchSize entries with one signature.
 */
import { pathToFileURL } from 'node:url';
import { decide, prepareRecords, prepareRecordsParallel, signApproval, type ApprovalEntry, type ApprovalRecordFile, type PreparedRecords } from '../../pipeline/approve/index.ts';
import { itemOf, MAIN, makeTestPki, NOW, sha256, xxgkEntry } from './pki.ts';

export interface BenchTiming {
  prepareMs: number;
  decideMs: number;
  totalMs: number;
  /** Wall time of prepareRecords per record (one signature each), µs. */
  perSignatureUs: number;
  approved: number;
}

export interface BenchResult {
  n: number;
  batchSize: number;
  records: number;
  bits: number;
  signMs: number;
  serial: BenchTiming;
  parallel: BenchTiming;
}

export async function benchVerify(n: number, options: { batchSize?: number; bits?: number; log?: (line: string) => void } = {}): Promise<BenchResult> {
  const batchSize = options.batchSize ?? 1;
  const bits = options.bits ?? 3072;
  const log = options.log ?? (() => {});
  const pki = await makeTestPki({ bits });
  const trust = pki.trust();
  const entries: ApprovalEntry[] = Array.from({ length: n }, (_, i) =>
    xxgkEntry({
      path: `content/${MAIN}/tzgg/entry-${String(i).padStart(5, '0')}.md`,
      digest: sha256(`entry ${i}`),
      assets: [{ path: `content/${MAIN}/tzgg/files/attachment-${i}.pdf`, digest: sha256(`asset ${i}`) }],
    }),
  );

  const records: ApprovalRecordFile[] = [];
  const signedAt = new Date('2026-09-30T08:00:00Z');
  const s0 = performance.now();
  for (const [who, signer] of [
    ['zhang', pki.people.zhang.signer],
    ['li', pki.people.li.signer],
  ] as const) {
    for (let i = 0; i < n; i += batchSize) {
      const batch = entries.slice(i, i + batchSize);
      records.push({ file: `approvals/${who}-${i}.dsse.json`, bytes: signApproval({ entries: batch.map(itemOf), decision: 'approve', signer, now: signedAt, policyVersion: 1 }) });
    }
    log(`signed ${records.length} records`);
  }
  const signMs = performance.now() - s0;

  const time = async (prepare: () => PreparedRecords | Promise<PreparedRecords>): Promise<BenchTiming> => {
    const t0 = performance.now();
    const prepared = await prepare();
    const t1 = performance.now();
    let approved = 0;
    for (const e of entries) if (decide(e, prepared, NOW).status === 'approved') approved++;
    const t2 = performance.now();
    return { prepareMs: t1 - t0, decideMs: t2 - t1, totalMs: t2 - t0, perSignatureUs: ((t1 - t0) * 1000) / records.length, approved };
  };
  const serial = await time(() => prepareRecords(records, trust));
  const parallel = await time(() => prepareRecordsParallel(records, trust));
  return { n, batchSize, records: records.length, bits, signMs, serial, parallel };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 10_000);
  const batchSize = Number(process.argv[3] ?? 1);
  const r = await benchVerify(n, { batchSize, log: (l) => console.error(l) });
  const show = (name: string, t: BenchTiming) =>
    `${name}: prepareRecords ${t.prepareMs.toFixed(0)} ms (${t.perSignatureUs.toFixed(1)} µs/record), decide ${t.decideMs.toFixed(0)} ms, total ${t.totalMs.toFixed(0)} ms, ${t.approved} approved`;
  console.log(`${r.n} entries, ${r.records} records (batch ${r.batchSize}), RSA-${r.bits}, signed in ${(r.signMs / 1000).toFixed(1)} s`);
  console.log(show('  serial  ', r.serial));
  console.log(show('  parallel', r.parallel));
}
