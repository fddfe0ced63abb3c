/**
 * The daily loop at the bench's scale (issue 14's targets): the whole
 * `publish` job (gate, build, index, sign, archive, deploy to two folder
 * mirrors, verify each) as the library runs it for `sealpress publish`,
 * process start excluded. First a publish of the built tree, then one with
 * nothing changed, then after a writer edits one sub-site entry and it is
 * submitted and approved again, then the same for an entry the main site
 * adopts (its site and the main site are affected).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { signApproval, type ApprovalItem } from '../../pipeline/approve/index.ts';
import { rebuiltLine } from '../../pipeline/build/index.ts';
import type { DemoPerson, DemoPki } from '../../pipeline/demo/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { APPROVALS_DIR } from '../../pipeline/load/index.ts';
import type { PlanEntry } from '../../pipeline/plan/index.ts';
import { auditRecorder, publish, type PublishSummary } from '../../pipeline/publish/index.ts';
import { assetDigests } from '../../pipeline/validate/index.ts';
import { treePeakSampler } from './build-bench.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function runPublishBench(options: { benchRoot: string; now: Date; pki: DemoPki }): Promise<void> {
  const { benchRoot, now, pki } = options;
  const work = join(benchRoot, '..', 'publish');
  rmSync(work, { recursive: true, force: true });
  const releaser = pki.people.find((p) => p.roles.some((r) => r.role === 'release-signer'));
  if (!releaser?.certPem) throw new Error('bench: the bench PKI has no release signer');
  const audit = auditRecorder(() => {}, { root: benchRoot, log: join(work, 'audit.jsonl'), env: {} });
  const run = async (label: string, target?: string) => {
    const memory = treePeakSampler();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await publish({
      root: benchRoot,
      now,
      signers: [{ key: releaser.keys.privateKey, certPem: releaser.certPem! }],
      archiveDir: join(work, 'archive'),
      offsite: [],
      mirrors: [join(work, 'mirror-a'), join(work, 'mirror-b')],
      expiresInMs: 7 * 86_400_000,
      audit,
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const peak = memory.stop();
    if (!result.ok) throw new Error(`bench publish: configuration invalid: ${JSON.stringify(result.diagnostics.slice(0, 3))}`);
    const summary = result.summary;
    if (!summary.ok) throw new Error(`bench publish v${summary.version}: a mirror failed: ${JSON.stringify(summary.mirrors)}`);
    // On a shared machine the wall time follows the others' load; this process's CPU time (Astro's children excluded) does not.
    console.log(`  ${label}: ${s(ms)}${target ? ` (target ${target})` : ''}, CPU of this process ${s((cpu.user + cpu.system) / 1000)}, load ${loadavg()[0]!.toFixed(1)}, peak RSS ${(peak / 1024 / 1024).toFixed(0)} MB  v${summary.version}, ${summary.files} files; ${steps(summary)}; ${rebuiltLine(summary.sites)}`);
    return ms;
  };
  console.log(`publish, end to end (gate, build, index, sign, archive, deploy to 2 folder mirrors, verify each):`);
  await run('first release of the built tree');
  await run('again, nothing changed');
  const plan = await currentPlan(benchRoot, now);
  const sub = plan.find((e) => e.status === 'publishable' && e.site !== plan[0]?.site && !e.frontMatter?.adopt && e.path.endsWith('.md'));
  const adopted = plan.find((e) => e.status === 'publishable' && e.frontMatter?.adopt === true && e.path.endsWith('.md'));
  if (!sub || !adopted) throw new Error('bench: no sub-site or adopted entry to edit');
  await editAndApprove(benchRoot, now, pki, sub.path, 1);
  await run(`one sub-site entry edited (${sub.site})`, '≤ 10 s');
  await editAndApprove(benchRoot, now, pki, adopted.path, 2);
  await run(`one adopted entry edited (${adopted.site} + the main site)`, '≤ 20 s');
}

function steps(summary: PublishSummary): string {
  const mirrors = summary.mirrors.map((m) => `deploy ${s(m.deployMs ?? m.ms)} (prune ${s(m.pruneMs ?? 0)}) + verify ${s(m.verifyMs ?? 0)} (${Object.entries(m.transfer ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  return [...Object.entries(summary.timings).map(([k, v]) => `${k === 'flush' ? 'of which flush' : k} ${s(v)}`), `mirrors: ${mirrors.join('; ')}`].join(', ');
}

async function currentPlan(root: string, now: Date): Promise<PlanEntry[]> {
  const gate = await runGate({ root, now });
  if (!gate.ok) throw new Error('bench: configuration invalid');
  return gate.plan.entries;
}

/**
 * A writer changes a sentence of the entry; the writer submits the new version
 * and its approvers (the department's, and the office's for 信息公开) approve it,
 * in records of their own beside the batches.
 */
async function editAndApprove(root: string, now: Date, pki: DemoPki, path: string, round: number): Promise<void> {
  writeFileSync(join(root, path), `${readFileSync(join(root, path), 'utf8')}\n本文于第${round}次修订时更正了一处文字。\n`);
  const gate = await runGate({ root, now });
  if (!gate.ok) throw new Error('bench: configuration invalid');
  const entry = gate.plan.entries.find((e) => e.path === path)!;
  const item: ApprovalItem = { path: entry.path, site: entry.site, column: entry.column, digest: entry.digest!, assets: assetDigests(entry.assets) };
  const department = entry.frontMatter!.department;
  const grants = (p: DemoPerson, role: string) => p.roles.some((g) => g.role === role && (g.sites === '*' || g.sites.includes(entry.site)) && (g.departments === '*' || g.departments.includes(department)));
  const writer = pki.people.find((p) => grants(p, 'writer'));
  const approver = pki.approverOf.get(`${entry.site}/${department}`);
  if (!writer || !approver) throw new Error(`bench: nobody to submit or approve ${path}`);
  const signers = [approver, ...(gate.group.columns.get(entry.column)?.category === pki.xxgk ? [pki.office] : [])];
  const at = (minutes: number) => new Date(now.getTime() - 3_600_000 + minutes * 60_000);
  const write = (name: string, bytes: Uint8Array | string) => writeFileSync(join(root, APPROVALS_DIR, entry.site, name), bytes);
  write(`bench-edit-${round}-submit.json`, signApproval({ entries: [item], decision: 'submit', signer: { key: writer.keys.privateKey, certPem: writer.certPem! }, now: at(0), policyVersion: pki.version }));
  signers.forEach((p, i) => write(`bench-edit-${round}-${p.id}.json`, signApproval({ entries: [item], decision: 'approve', signer: { key: p.keys.privateKey, certPem: p.certPem! }, now: at(10 + i), policyVersion: pki.version })));
}
