/**
 * `npm run bench`: generate a site group (1 main + 20 sub-sites, 10,000 entries
 * by default), run the gate and the build, and print the figures: gate time,
 * build time, pages per second, peak memory, and a plain `astro build` of the
 * same pages for comparison. Then issue 12's attachments (attachment-bench.ts):
 * 1,000 mixed documents of over 300 MB checked by the gate cold and warm, with
 * the gate process's peak memory, reading workers included.
 *
 * The gate is measured warm twice: in this process after its cold runs, and in a
 * process of its own each time, as `sealpress build` runs it (gate-once.ts).
 *
 * The gate is measured on two corpora side by side (generate.ts): `plain`, the
 * one earlier figures were taken on, and `realistic`, with links, tables,
 * lists, pictures, components and attachments in the demo's shares. The build
 * runs on the one `--corpus` names (plain by default).
 *
 *   npm run bench -- [--entries N] [--sub-sites N] [--corpus plain|realistic] [--gate-only] [--no-baseline]
 *   npm run bench -- --attachments [--files N] [--runs N]   the attachments alone
 *   npm run bench -- --no-attachments                       everything but them
 *   npm run bench -- --release-only [--dist DIR]            the release and mirror figures alone, on a tree
 *                                                           built before (default: the bench group's dist/)
 *   npm run bench -- --publish-only [--entries N]           generate and sign the group, then the publish
 *                                                           figures alone (its first publish builds every site)
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runGate } from '../../pipeline/gate/index.ts';
import { loadContent } from '../../pipeline/load/index.ts';
import { needsTree } from '../../pipeline/parse/index.ts';
import { summarise } from '../../pipeline/plan/index.ts';
import { buildReport, loadHistory } from '../../pipeline/report/index.ts';
import { attachmentBenchRoot, gateOnce, runAttachmentBench } from './attachment-bench.ts';
import type { DemoPki } from '../../pipeline/demo/index.ts';
import { demoShares, generateGroup, PLAIN_SHARES, signGroup, type CorpusShares } from './generate.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '10000' },
    'sub-sites': { type: 'string', default: '20' },
    corpus: { type: 'string', default: 'plain' },
    'gate-only': { type: 'boolean', default: false },
    'no-baseline': { type: 'boolean', default: false },
    attachments: { type: 'boolean', default: false },
    'no-attachments': { type: 'boolean', default: false },
    files: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '2' },
    'release-only': { type: 'boolean', default: false },
    dist: { type: 'string' },
    'publish-only': { type: 'boolean', default: false },
  },
});
const entries = Number(values.entries);
const subSites = Number(values['sub-sites']);
const NOW = new Date('2026-11-27T12:00:00+08:00');
const benchRoot = join(ROOT, '.sealpress', 'bench', 'repo');

const attachmentBench = () => runAttachmentBench({ root: attachmentBenchRoot(ROOT), now: NOW, files: Number(values.files), runs: Number(values.runs) });
if (values['release-only']) {
  const distDir = resolve(values.dist ?? join(benchRoot, 'dist'));
  const codes = readdirSync(distDir, { withFileTypes: true }).filter((d) => d.isDirectory() && /^\d{11}$/.test(d.name)).map((d) => d.name).sort();
  const { releaseBench } = await import('./build-bench.ts');
  await releaseBench(distDir, codes);
  process.exit();
}
if (values['publish-only']) {
  console.log(`generating the plain corpus: 1 main + ${subSites} sub-sites, ${entries} entries…`);
  generateGroup(benchRoot, { entries, subSites });
  const { pki: signedPki } = await signGroup(benchRoot, NOW);
  const { runPublishBench } = await import('./publish-bench.ts');
  await runPublishBench({ benchRoot, now: NOW, pki: signedPki });
  process.exit();
}
if (values.attachments) {
  await attachmentBench();
  process.exit();
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

if (values.corpus !== 'plain' && values.corpus !== 'realistic') throw new Error('--corpus is plain or realistic');
const realisticShares = demoShares(join(ROOT, 'content'));
const pct = (x: number) => `${Math.round(x * 100)}%`;
const sharesLine = (sh: CorpusShares) => `links ${pct(sh.link)}, tables ${pct(sh.table)}, lists ${pct(sh.list)}, pictures ${pct(sh.image)}, components ${pct(sh.component)}, attachments ${pct(sh.attachment)}`;

let pki: DemoPki | undefined;
/** Generate and sign one corpus, then time the gate on it cold and warm; returns the plan of the last cold run. */
async function gateFigures(corpus: 'plain' | 'realistic', root: string) {
  console.log(`generating the ${corpus} corpus: 1 main + ${subSites} sub-sites, ${entries} entries (${sharesLine(corpus === 'plain' ? PLAIN_SHARES : realisticShares)})…`);
  let t = performance.now();
  const generated = generateGroup(root, { entries, subSites, ...(corpus === 'realistic' ? { shares: realisticShares } : {}) });
  console.log(`  ${mb(generated.bytes)} of content in ${s(performance.now() - t)}`);
  // Writers submit and approvers sign the corpus: one writer and one approver per site and department, batches of at most 500 entries.
  t = performance.now();
  const signed = await signGroup(root, NOW);
  pki = signed.pki;
  console.log(`  signed ${signed.signatures} approvals of ${entries} entries in ${signed.records} batch records (RSA-3072, ${signed.people} people) in ${s(performance.now() - t)}`);

  // Cold: no facts cache, as on a clean CI checkout. Warm: the cache from the run before.
  const approvalMs: number[] = [];
  // CPU time of the gate's threads: what a run costs whatever else the machine is doing, so sizes compare.
  const coldCpu: number[] = [];
  const warmCpu: number[] = [];
  const timeGate = async (cache: boolean) => {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const result = await runGate({ root, now: NOW, cache });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    (cache ? warmCpu : coldCpu).push((cpu.user + cpu.system) / 1000);
    if (!result.ok) throw new Error(`bench config invalid: ${JSON.stringify(result.configDiagnostics.slice(0, 3))}`);
    approvalMs.push(result.timings.approvals);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return { ms, plan: result.plan };
  };
  const cold: number[] = [];
  let plan;
  for (let i = 0; i < 3; i++) {
    const r = await timeGate(false);
    cold.push(r.ms);
    plan = r.plan;
  }
  await timeGate(true);
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push((await timeGate(true)).ms);
  const counts = summarise(plan!);
  console.log(`gate on the ${corpus} corpus (load+parse+validate+attachments+approvals+plan), ${entries} entries, ${counts.publishable} publishable:`);
  console.log(`  cold (no cache):     best ${s(Math.min(...cold))}  runs ${cold.map(s).join(', ')}  ${((entries / Math.min(...cold)) * 1000).toFixed(0)} entries/s; CPU best ${s(Math.min(...coldCpu))} (${((Math.min(...coldCpu) / entries) * 1000).toFixed(0)} µs an entry)`);
  console.log(`  warm (facts cache):  best ${s(Math.min(...warm))}  runs ${warm.map(s).join(', ')}; CPU best ${s(Math.min(...warmCpu.slice(1)))}`);
  // As `sealpress build` runs it: a process of its own, whose heap holds no earlier run (the runs above follow three cold ones in this process).
  const fresh = [0, 1, 2].map(() => gateOnce(root, NOW, 'warm'));
  console.log(`  warm, a process each: best ${s(Math.min(...fresh.map((r) => r.ms)))}  runs ${fresh.map((r) => s(r.ms)).join(', ')}; CPU best ${s(Math.min(...fresh.map((r) => r.cpuMs)))}`);
  console.log(`  of which approval verification (trust material, every record, every entry's decision): best ${s(Math.min(...approvalMs))}`);
  const parsed = loadContent(root, { maxEntryBytes: 1 << 20 }).entries.filter((e) => needsTree(e.format, Buffer.from(e.bytes!).toString('utf8'))).length;
  console.log(`  ${parsed} of ${entries} entries needed the Markdown parser (the others hold no [ or <); peak RSS ${mb(peakRss)}`);
}

const otherCorpus = values.corpus === 'plain' ? 'realistic' : 'plain';
// The other corpus first, in a folder of its own; the one the build uses last, at benchRoot.
await gateFigures(otherCorpus, `${benchRoot}-${otherCorpus}`);
await gateFigures(values.corpus, benchRoot);

// The report over the gate's plan (gate excluded: it is timed above): history (one git log; the
// approval times come with the plan), every figure, and the JSON text.
{
  const gate = await runGate({ root: benchRoot, now: NOW, cache: true });
  if (!gate.ok) throw new Error('bench config invalid');
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const history = await loadHistory(benchRoot, gate.plan);
    const model = buildReport({ group: gate.group, plan: gate.plan, now: NOW, period: { from: '2026-01-01', to: '2026-11-27' }, history });
    size = JSON.stringify(model).length;
    times.push(performance.now() - t0);
  }
  console.log(`report (JSON model, gate excluded), ${gate.plan.entries.length} entries, ${gate.group.sites.size} sites: best ${s(Math.min(...times))}  runs ${times.map(s).join(', ')}  ${(size / 1024).toFixed(0)} KB`);
}
// The whole command as the office runs it: process start, the gate (facts cache warm), history, figures, JSON out.
{
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [join(ROOT, 'pipeline/cli/bin.js'), 'report', '--root', benchRoot, '--format', 'json', '--now', NOW.toISOString()], { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, SEALPRESS_AUDIT_LOG: join(benchRoot, '.sealpress', 'bench-audit.jsonl') } });
    times.push(performance.now() - t0);
  }
  console.log(`sealpress report --format json (whole command, facts cache warm): best ${s(Math.min(...times))}  runs ${times.map(s).join(', ')}`);
}
clearInterval(sampler);

if (!values['gate-only']) {
  const { runBuildBench } = await import('./build-bench.ts');
  // The build bench signs the group again (its incremental step re-approves): the publish bench signs with that PKI.
  const resigned = await runBuildBench({ root: ROOT, benchRoot, now: NOW, baseline: !values['no-baseline'] });
  const { runPublishBench } = await import('./publish-bench.ts');
  await runPublishBench({ benchRoot, now: NOW, pki: resigned ?? pki! });
}

if (!values['no-attachments']) await attachmentBench();
