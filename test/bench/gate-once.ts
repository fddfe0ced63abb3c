/**
 * One gate run in a process of its own, for the attachment benchmark
 * (attachment-bench.ts): its time, and the peak memory of the whole process,
 * the reading workers included (they are threads of it: getrusage's maxrss
 * counts them), printed as one line of JSON.
 *
 *   node --import tsx test/bench/gate-once.ts <root> <now> cold|warm
 */
import { createHash } from 'node:crypto';
import { runGate } from '../../pipeline/gate/index.ts';

const [root, now, mode] = process.argv.slice(2);
if (!root || !now || (mode !== 'cold' && mode !== 'warm')) throw new Error('usage: gate-once.ts <root> <now> cold|warm');
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const result = await runGate({ root, now: new Date(now), cache: mode === 'warm' });
const ms = performance.now() - t0;
// CPU time of every thread of the process: what the run costs whatever else the machine is doing.
const cpu = process.cpuUsage(cpu0);
if (!result.ok) throw new Error(`bench config invalid: ${JSON.stringify(result.configDiagnostics.slice(0, 3))}`);
const status: Record<string, number> = {};
const findings: string[] = [];
for (const e of result.plan.entries) {
  status[e.status] = (status[e.status] ?? 0) + 1;
  for (const f of e.findings) if (f.location !== undefined) findings.push(`${f.file} ${f.location} ${f.rule}`);
}
console.log(
  JSON.stringify({
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRss: process.resourceUsage().maxRSS * 1024,
    ...status,
    // Findings inside attachments, and a digest of them: a warm run must find exactly what a cold one did.
    attachmentFindings: findings.length,
    findingsDigest: createHash('sha256').update(findings.sort().join('\n')).digest('hex').slice(0, 16),
  }),
);
