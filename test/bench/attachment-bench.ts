/**
 * Issue 12's speed target, measured: 1,000 mixed attachments totalling at
 * least 300 MB (attachments.ts), attached to approved entries, checked by the
 * real gate cold (no facts cache, as on a clean CI checkout) and warm (the
 * facts cache on, nothing changed: no document is read again). Each gate run
 * is a process of its own (gate-once.ts), so its peak memory is the whole
 * process's, reading workers included, and not the generator's.
 *
 * Targets: cold under 60 s on 2 cores, peak memory under 1 GB, warm under 2 s.
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAttachments } from './attachments.ts';
import { generateGroup, signGroup } from './generate.ts';

const GATE_ONCE = fileURLToPath(new URL('./gate-once.ts', import.meta.url));

interface GateRun {
  ms: number;
  /** CPU time of all the process's threads (user + system). */
  cpuMs: number;
  maxRss: number;
  publishable?: number;
  pending?: number;
  refused?: number;
  attachmentFindings: number;
  findingsDigest: string;
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One gate run in a process of its own (gate-once.ts): its time and CPU, with no other run's heap behind it. */
export function gateOnce(root: string, now: Date, mode: 'cold' | 'warm'): GateRun {
  const out = execFileSync(process.execPath, ['--import', 'tsx', GATE_ONCE, root, now.toISOString(), mode], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!) as GateRun;
}

export async function runAttachmentBench(options: { root: string; now: Date; files: number; runs: number }): Promise<void> {
  const perEntry = 4;
  const entries = Math.ceil(options.files / perEntry);
  console.log(`attachments: generating ${entries} entries with ${perEntry} attachments each…`);
  let t = performance.now();
  const group = generateGroup(options.root, { entries: 0, subSites: 3 });
  const made = generateAttachments(options.root, { sites: group.sites, entries, perEntry });
  console.log(`  ${made.files} files, ${mb(made.bytes)} (${made.traps} planted traps) in ${s(performance.now() - t)}:`);
  for (const [kind, k] of Object.entries(made.kinds).sort((a, b) => b[1].bytes - a[1].bytes)) console.log(`    ${kind.padEnd(5)} ${String(k.files).padStart(4)} files  ${mb(k.bytes).padStart(7)}`);

  // Approved as writers and approvers would: this first gate run also leaves the facts cache the warm runs use.
  t = performance.now();
  const signed = await signGroup(options.root, options.now, { cache: true });
  console.log(`  signed ${signed.records} approval records (${signed.people} people) in ${s(performance.now() - t)}`);

  const cold: GateRun[] = [];
  const warm: GateRun[] = [];
  for (let i = 0; i < options.runs; i++) cold.push(gateOnce(options.root, options.now, 'cold'));
  for (let i = 0; i < options.runs; i++) warm.push(gateOnce(options.root, options.now, 'warm'));
  const best = (runs: GateRun[]) => Math.min(...runs.map((r) => r.ms));
  const peak = (runs: GateRun[]) => Math.max(...runs.map((r) => r.maxRss));
  const first = cold[0]!;
  // A warm run must judge exactly as a cold one: the cache holds facts, never a different answer.
  const same = [...cold, ...warm].every((r) => r.findingsDigest === first.findingsDigest && r.attachmentFindings === first.attachmentFindings);
  const bestCold = best(cold);
  console.log(`gate over ${made.files} attachments, ${mb(made.bytes)} (${entries} entries: ${first.publishable ?? 0} publishable, ${first.refused ?? 0} refused, ${first.attachmentFindings} findings inside attachments):`);
  const cpu = (runs: GateRun[]) => s(Math.min(...runs.map((r) => r.cpuMs)));
  console.log(`  cold (no cache):     best ${s(bestCold)}  runs ${cold.map((r) => s(r.ms)).join(', ')}  ${((made.files / bestCold) * 1000).toFixed(1)} files/s  ${((made.bytes / MB / bestCold) * 1000).toFixed(1)} MB/s  peak memory ${mb(peak(cold))}  CPU ${cpu(cold)}`);
  console.log(`  warm (facts cache):  best ${s(best(warm))}  runs ${warm.map((r) => s(r.ms)).join(', ')}  peak memory ${mb(peak(warm))}  CPU ${cpu(warm)}`);
  console.log(`  CPU: all threads' user + system time (on a busy machine wall time is longer; the load average when the runs ended: ${loadavg()[0]!.toFixed(1)})`);
  console.log(`  peak memory is the whole gate process's (getrusage maxrss: the main thread and its reading workers); warm runs ${same ? 'found exactly what cold runs found' : 'FOUND SOMETHING ELSE THAN COLD RUNS'}`);
  console.log(`  targets: cold < 60 s ${bestCold < 60_000 ? 'met' : 'MISSED'}, warm < 2 s ${best(warm) < 2_000 ? 'met' : 'MISSED'}, peak < 1 GB ${peak([...cold, ...warm]) < 1024 * MB ? 'met' : 'MISSED'}`);
  if (!same) process.exitCode = 1;
}

/** The bench's own folder for this part. */
export const attachmentBenchRoot = (root: string) => join(root, '.sealpress', 'bench', 'attachments');
