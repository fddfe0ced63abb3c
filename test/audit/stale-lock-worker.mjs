// A separate process appending to one audit log while stale locks keep
// appearing, for the lock-breaking test: node stale-lock-worker.mjs LOG NAME
// COUNT START_MS GO_AT_MS DEAD_PID [AUDIT_MODULE]. Before each append it may
// leave a lock of DEAD_PID (a process that died holding the lock), so the
// workers keep judging locks stale and breaking them at the same moments; the
// test then checks that the chain never forked. AUDIT_MODULE (default: the
// project's pipeline/audit/index.ts) lets the same run be made against
// another copy of the code.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const [log, name, count, start, goAt, deadPid, module] = process.argv.slice(2);
const { appendAudit } = await import(module ? pathToFileURL(module).href : '../../pipeline/audit/index.ts');
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(goAt) - Date.now())));
for (let i = 0; i < Number(count); i++) {
  if (Math.random() < 0.5) {
    try {
      writeFileSync(`${log}.lock`, `${deadPid} ${hostname()} dead-${randomUUID()} ${new Date().toISOString()}`, { flag: 'wx' });
    } catch {
      /* someone holds it: fine */
    }
  }
  await appendAudit(log, { action: 'verify', actor: name, outcome: 'ok', details: { n: i } }, new Date(Number(start) + i), { lockTimeoutMs: 20_000 });
}
