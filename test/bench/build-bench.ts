/**
 * The build half of the benchmark: the full sealpress build of the generated
 * group (gate, stage, one Astro build per site, Pagefind), then, for
 * comparison, one plain `astro build` of the same entries with Astro's own
 * glob loader and a minimal layout (no gate, no search, no list pages).
 */
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSites } from '../../pipeline/build/index.ts';

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const met = (ok: boolean) => (ok ? 'met' : 'MISSED');

function countHtml(dir: string): number {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.html')).length;
}

/** Peak resident memory of the node processes and Pagefind's indexer (its own binary) together, sampled from /proc (Linux). */
export function treePeakSampler(): { stop: () => number } {
  let peak = 0;
  const sample = () => {
    let total = 0;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        if (!/^Name:\s*(node|pagefind)/m.test(status)) continue;
        total += Number(/VmRSS:\s*(\d+)/.exec(status)?.[1] ?? 0) * 1024;
      } catch {
        // the process ended between listing and reading
      }
    }
    peak = Math.max(peak, total);
  };
  const timer = setInterval(sample, 200);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

/** Returns the PKI the group was signed with again (the incremental step re-approves), for the benches after it. */
export async function runBuildBench(options: { root: string; benchRoot: string; now: Date; baseline: boolean }): Promise<import('../../pipeline/demo/index.ts').DemoPki | undefined> {
  const { benchRoot, now } = options;
  const distDir = join(benchRoot, 'dist');
  rmSync(join(benchRoot, '.sealpress', 'cache'), { recursive: true, force: true });
  const memory = treePeakSampler();
  const t0 = performance.now();
  const result = await buildSites({ root: benchRoot, now, distDir, concurrency: 2, full: true });
  const total = performance.now() - t0;
  const peak = memory.stop();
  if (!result.ok) throw new Error('bench build: config invalid');
  const pages = result.sites.reduce((n, x) => n + x.pages, 0);
  console.log(`sealpress build (gate + stage + ${result.sites.length} sites shared between 2 Astro builds at once + Pagefind per site, cold cache):`);
  console.log(`  ${s(total)} total, gate ${s(result.gateMs)}, ${pages} pages, ${((pages / total) * 1000).toFixed(0)} pages/s`);
  console.log(`  Pagefind ${s(result.sites.reduce((n, x) => n + x.indexMs, 0))} of it; peak RSS of all node processes and Pagefind ${(peak / 1024 / 1024).toFixed(0)} MB`);
  // Issue 14: 2 GB at 10,000 entries, 4 GB at 50,000.
  const peakTarget = result.plan.entries.length >= 50_000 ? 4 : 2;
  console.log(`  target: peak memory ≤ ${peakTarget} GB ${met(peak <= peakTarget * 1024 ** 3)}`);
  const pki = await incrementalBench(benchRoot, distDir, now, result.plan, result.group.main);
  await releaseBench(distDir, result.sites.map((x) => x.code));

  if (!options.baseline) return pki;
  const base = join(benchRoot, '..', 'baseline');
  writeBaseline(base, join(benchRoot, 'content'));
  // Node's default heap first, as a user runs it; stock Astro compiles its whole content store into one module, which
  // at 50,000 entries runs out of that heap: then once more with a bigger one, so that there is a figure to compare with.
  const plain = async (heapMb?: number) => {
    rmSync(join(base, 'dist'), { recursive: true, force: true });
    rmSync(join(base, 'node_modules', '.astro'), { recursive: true, force: true });
    const memory2 = treePeakSampler();
    const t1 = performance.now();
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const child = spawn(process.execPath, [...(heapMb ? [`--max-old-space-size=${heapMb}`] : []), join(options.root, 'node_modules/astro/astro.js'), 'build', '--silent'], { cwd: base, stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    });
    return { ms: performance.now() - t1, peak: memory2.stop(), ...exit };
  };
  console.log(`plain astro build of the same entries (glob loader, one build, no gate/search/list pages):`);
  let base1 = await plain();
  if (base1.code !== 0) {
    console.log(`  failed with Node's default heap after ${s(base1.ms)} (${base1.signal ? `signal ${base1.signal}` : `exit code ${base1.code}`}, peak RSS ${(base1.peak / 1024 / 1024).toFixed(0)} MB); again with --max-old-space-size=8192:`);
    base1 = await plain(8192);
  }
  if (base1.code !== 0) {
    console.log(`  failed again after ${s(base1.ms)} (${base1.signal ? `signal ${base1.signal}` : `exit code ${base1.code}`}): no figure to compare with`);
    console.log(`target: full build ≤ 1.0x a plain astro build: not measurable (the plain build fails)`);
    return pki;
  }
  const baseMs = base1.ms;
  const basePages = countHtml(join(base, 'dist'));
  console.log(`  ${s(baseMs)}, ${basePages} pages, ${((basePages / baseMs) * 1000).toFixed(0)} pages/s, peak RSS ${(base1.peak / 1024 / 1024).toFixed(0)} MB`);
  const ratio = total / baseMs;
  console.log(`ratio sealpress / plain: ${ratio.toFixed(2)}x total time; per page ${(((total / pages) / (baseMs / basePages))).toFixed(2)}x`);
  console.log(`target: full build ≤ 1.0x a plain astro build ${met(ratio <= 1)}`);
  return pki;
}

/**
 * The daily loop (issue 14): the build again with nothing changed, then with
 * one entry of one sub-site edited (and approved again, not timed).
 */
async function incrementalBench(benchRoot: string, distDir: string, now: Date, plan: import('../../pipeline/plan/index.ts').Plan, main: string): Promise<import('../../pipeline/demo/index.ts').DemoPki | undefined> {
  const { rebuiltLine } = await import('../../pipeline/build/index.ts');
  const { signGroup } = await import('./generate.ts');
  const timed = async (what: string) => {
    const t = performance.now();
    const r = await buildSites({ root: benchRoot, now, distDir, concurrency: 2 });
    if (!r.ok) throw new Error('bench build: config invalid');
    console.log(`  ${what}: ${s(performance.now() - t)} (gate ${s(r.gateMs)}); ${rebuiltLine(r.sites)}`);
  };
  console.log('sealpress build again (incremental):');
  await timed('nothing changed');
  const target = plan.entries.find((e) => e.status === 'publishable' && e.site !== main && !e.frontMatter?.adopt);
  if (!target) return undefined;
  const file = join(benchRoot, target.path);
  writeFileSync(file, `${readFileSync(file, 'utf8')}\n本条已更新。\n`);
  const { pki } = await signGroup(benchRoot, now, { cache: true });
  await timed(`one entry edited (${target.path})`);
  return pki;
}

function writeBaseline(dir: string, content: string): void {
  rmSync(dir, { recursive: true, force: true });
  const w = (path: string, text: string) => {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  w(
    'astro.config.mjs',
    `import mdx from '@astrojs/mdx';\nimport remarkCjkFriendly from 'remark-cjk-friendly';\nexport default { integrations: [mdx()], markdown: { remarkPlugins: [remarkCjkFriendly], syntaxHighlight: false }, build: { format: 'directory' }, devToolbar: { enabled: false } };\n`,
  );
  w(
    'src/content.config.ts',
    `import { defineCollection } from 'astro:content';\nimport { glob } from 'astro/loaders';\nexport const collections = { entries: defineCollection({ loader: glob({ pattern: '**/*.{md,mdx}', base: ${JSON.stringify(content)} }) }) };\n`,
  );
  w('src/components/Callout.astro', `---\nconst { title } = Astro.props;\n---\n<aside><strong>{title}</strong><slot /></aside>\n`);
  w(
    'src/pages/[...slug].astro',
    `---\nimport { getCollection, render } from 'astro:content';\nimport Callout from '../components/Callout.astro';\nexport async function getStaticPaths() {\n  return (await getCollection('entries')).map((entry) => ({ params: { slug: entry.id }, props: { entry } }));\n}\nconst { entry } = Astro.props;\nconst { Content } = await render(entry);\n---\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{entry.data.title}</title></head><body><main><h1>{entry.data.title}</h1><p>{entry.data.date}</p><Content components={{ Callout }} /></main></body></html>\n`,
  );
}

/**
 * The release side at the same scale (issue 5: verifying hashes at close to
 * the disk's speed): list and hash every output file for the manifest, then
 * inspect the tree against it as `verify` does, beside a plain `cat` of the
 * same files for the disk's (here: the page cache's) speed.
 */
export async function releaseBench(distDir: string, codes: string[]): Promise<void> {
  const { collectReleaseFiles } = await import('../../pipeline/release/index.ts');
  const { inspectFolder } = await import('../../pipeline/mirror/index.ts');
  const t0 = performance.now();
  const files = await collectReleaseFiles(distDir, codes);
  const collectMs = performance.now() - t0;
  const bytes = files.reduce((n, f) => n + f.size, 0);
  const mb = bytes / 1e6;
  const manifest = { type: 'release', format: 1, version: 1, group: 'bench', createdAt: new Date().toISOString(), expires: new Date(Date.now() + 86_400_000).toISOString(), trust: {}, sites: codes.map((code) => ({ code, name: code, domain: `${code}.example` })), files, entries: [] } as unknown as import('../../pipeline/release/index.ts').ReleaseManifest;
  const t1 = performance.now();
  const report = await inspectFolder(distDir, manifest);
  const inspectMs = performance.now() - t1;
  if (report.modified.length + report.missing.length > 0) throw new Error('bench: the tree changed between listing and inspecting');
  const t2 = performance.now();
  execFileSync('sh', ['-c', 'find . -type f -print0 | xargs -0 cat > /dev/null'], { cwd: distDir });
  const catMs = performance.now() - t2;
  console.log(`release (${files.length} files, ${mb.toFixed(0)} MB): manifest listing+hashing ${s(collectMs)} (${(mb / (collectMs / 1000)).toFixed(0)} MB/s); verify (inspect) ${s(inspectMs)} (${(mb / (inspectMs / 1000)).toFixed(0)} MB/s, ${((files.length / inspectMs) * 1000).toFixed(0)} files/s); cat of the same files ${s(catMs)} (${(mb / (catMs / 1000)).toFixed(0)} MB/s)`);
  await mirrorBench(distDir, codes, files);
}

/**
 * The same tree as a real release, signed with the test PKI (the bench group's own keys were thrown
 * away when it was generated): archive it, deploy it to a folder mirror, and verify the mirror
 * end to end (signature, trust documents, the manifest copy in every site, every file).
 */
async function mirrorBench(distDir: string, codes: string[], files: import('../../pipeline/release/index.ts').ManifestFile[]): Promise<void> {
  const { archiveRelease, collectReleaseFiles, ReleaseArchive, SeenVersions, signRelease } = await import('../../pipeline/release/index.ts');
  const { deployToFolder } = await import('../../pipeline/mirror/index.ts');
  const { verifyTarget } = await import('../../pipeline/publish/index.ts');
  const { makeReleaseFixture, NOW: FIXTURE_NOW } = await import('../release/fixture.ts');
  const fx = await makeReleaseFixture();
  const trust = fx.trustFiles();
  const entries = codes.flatMap((code, i) => Array.from({ length: 10 }, (_, k) => ({ path: `content/${code}/gzdt/e${i}-${k}.md`, site: code, sha256: 'c'.repeat(64), approvals: ['d'.repeat(64)] })));
  const manifest = fx.manifest(trust, { files, sites: codes.map((code) => ({ code, name: code, domain: `${code}.example` })), entries });
  const envelope = signRelease(manifest, [fx.chen]);
  const work = mkdtempSync(join(tmpdir(), 'sealpress-bench-mirror-'));
  try {
    const archive = new ReleaseArchive(join(work, 'archive'));
    let t = performance.now();
    await archiveRelease(archive, distDir, manifest, envelope, trust);
    const archiveMs = performance.now() - t;
    t = performance.now();
    await deployToFolder({ target: join(work, 'mirror'), manifest, envelopeBytes: envelope, trustFiles: trust, objects: archive });
    const deployMs = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      const r = await verifyTarget({ target: join(work, 'mirror'), now: FIXTURE_NOW, anchorFingerprint: fx.pki.ca.fingerprint, seen: new SeenVersions(join(work, 'seen.json')) });
      times.push(performance.now() - t);
      if (!r.ok) throw new Error(`bench: the deployed mirror does not verify: ${JSON.stringify(r.problems)}`);
    }
    const mb = files.reduce((n, f) => n + f.size, 0) / 1e6;
    console.log(`mirror: archive (first release, every object fsynced) ${s(archiveMs)}; atomic deploy to a folder ${s(deployMs)}; verify of the whole mirror best ${s(Math.min(...times))} (${(mb / (Math.min(...times) / 1000)).toFixed(0)} MB/s)  runs ${times.map(s).join(', ')}; manifest ${(envelope.length / 1e6).toFixed(1)} MB, copied into each of ${codes.length} sites`);

    // The daily loop: one page changed. List and hash the tree again, archive the second release, deploy it over the first.
    const page = files.find((f) => f.path.endsWith('.html'))!;
    appendFileSync(join(distDir, ...page.path.split('/')), '<!-- changed -->');
    t = performance.now();
    const files2 = await collectReleaseFiles(distDir, codes);
    const listMs = performance.now() - t;
    const manifest2 = fx.manifest(trust, { version: manifest.version + 1, files: files2, sites: manifest.sites, entries });
    const envelope2 = signRelease(manifest2, [fx.chen]);
    t = performance.now();
    const archived2 = await archiveRelease(archive, distDir, manifest2, envelope2, trust);
    const archive2Ms = performance.now() - t;
    t = performance.now();
    const deployed2 = await deployToFolder({ target: join(work, 'mirror'), manifest: manifest2, envelopeBytes: envelope2, trustFiles: trust, objects: archive });
    const deploy2Ms = performance.now() - t;
    const r2 = await verifyTarget({ target: join(work, 'mirror'), now: FIXTURE_NOW, anchorFingerprint: fx.pki.ca.fingerprint, seen: new SeenVersions(join(work, 'seen.json')) });
    if (!r2.ok) throw new Error(`bench: the second release does not verify on the mirror: ${JSON.stringify(r2.problems)}`);
    const how = Object.entries(deployed2.transfer).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`mirror, second release with one page changed: listing+hashing ${s(listMs)}; archive ${s(archive2Ms)} (${archived2.objectsAdded} object(s) added); deploy ${s(deploy2Ms)} (${how}); verified`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
