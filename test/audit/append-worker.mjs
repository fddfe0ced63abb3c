// A separate process appending to one audit log, for the concurrency test:
// node append-worker.mjs LOG NAME COUNT START_MS. Each entry names the worker
// and its own counter, so the test can check that no entry was lost or forked.
import { register } from 'tsx/esm/api';

register();
const { appendAudit } = await import('../../pipeline/audit/index.ts');
const [log, name, count, start] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  await appendAudit(log, { action: 'verify', actor: name, outcome: 'ok', details: { n: i } }, new Date(Number(start) + i), { lockTimeoutMs: 60_000 });
}
