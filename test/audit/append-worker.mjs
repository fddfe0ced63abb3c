// A separate process appending to one audit log, for the concurrency test:
// node append-worker.mjs LOG NAME COUNT START_MS GO_AT_MS. Each entry names the
// worker and its own counter, so the test can check that no entry was lost or
// forked. Both workers wait for the same wall-clock instant GO_AT_MS after
// loading, so a slow start of one cannot make them run one after the other.
import { register } from 'tsx/esm/api';

register();
const { appendAudit } = await import('../../pipeline/audit/index.ts');
const [log, name, count, start, goAt] = process.argv.slice(2);
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(goAt) - Date.now())));
for (let i = 0; i < Number(count); i++) {
  await appendAudit(log, { action: 'verify', actor: name, outcome: 'ok', details: { n: i } }, new Date(Number(start) + i), { lockTimeoutMs: 60_000 });
  // A little work between appends, as a command has: back to back, the holder would retake the lock before a waiter's next try.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 4));
}
