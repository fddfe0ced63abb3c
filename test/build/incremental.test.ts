/**
 * Incremental builds (pipeline/build/incremental.ts) end to end: one small
 * group (main + 2 sub-sites, real approvals, a copied theme) is changed step by
 * step and built incrementally into one dist/; after every step the whole dist/
 * (every file, by path and bytes) must equal a clean full build of the same
 * input in a fresh folder, and only the sites the change affects are rendered
 * again. The first build is itself a clean full build: the second step (the
 * clock moves, nothing else) compares a second clean build with it, so clean
 * builds are deterministic (and a publish page does not show the gate's clock).
 *
 * The theme is a copy of the package's (src/, astro.config.mjs, public/ and the
 * pipeline/ files they import, node_modules linked), so the last step can change
 * one of its files. All clocks are fixed.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildSites, judgeSite, PACKAGE_ROOT, readBuiltRecord, rebuiltLine, siteDoneLine, themeDigest, toolchainDigest, treeListing, type BuildResult, type RenderInputs } from '../../pipeline/build/index.ts';
import { approveAll, entry, GROUP_YAML, makeRepo, MAIN, NOW, SUB, type TestRepo } from '../helpers/repo.ts';
import { copyThemeInto } from '../helpers/theme.ts';
import { byPath, collectReleaseFiles } from '../../pipeline/release/index.ts';

const SUB2 = '19902000000';
const HOUR = 3_600_000;
const at = (hours: number) => new Date(NOW.getTime() + hours * HOUR);
/** China time with its offset, as writers put it in front matter. */
const iso = (hours: number) => `${new Date(at(hours).getTime() + 8 * HOUR).toISOString().slice(0, 19)}+08:00`;

const SUB2_YAML = `code: "${SUB2}"
name: 测试二市税务局
kind: sub
siteIdCode: "9902000003"
icp: 示ICP备00000001号-3
psb: 示公网安备 99020000000003号
columns: [tzgg, bszn, gzdt]
departments:
  - { id: bgs, name: 办公室 }
administrators:
  - { name: 赵敏, appointed: "2025-05-06", filed: "2025-05-20" }
`;

const P = {
  mainNotice: `content/${MAIN}/tzgg/m-notice.md`,
  mainNews: `content/${MAIN}/gzdt/m-news.md`,
  subNews: `content/${SUB}/gzdt/s-news.md`,
  subNotice: `content/${SUB}/tzgg/s-notice.md`,
  subGuide: `content/${SUB}/bszn/s-guide.md`,
  subAdded: `content/${SUB}/tzgg/s-added.md`,
  sub2News: `content/${SUB2}/gzdt/t-news.md`,
  sub2Embargo: `content/${SUB2}/tzgg/t-embargo.md`,
  sub2Guide: `content/${SUB2}/bszn/t-guide.md`,
};
const SUB_GUIDE = entry({ title: '市局办税指南', department: 'nsfwk' }, '办理步骤如下。\n');

/** Every file under `dir`, by relative path. */
function tree(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.set(relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name)));
  }
  return out;
}

/** The paths that differ between two trees (missing on one side, or other bytes). */
function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((k) => !a.get(k) || !b.get(k) || !a.get(k)!.equals(b.get(k)!)).sort();
}

let repo: TestRepo;
let theme: string;
const scratch: string[] = [];
const holds: { withdrawn?: string } = {};

/** A copy of the package's theme that builds, in a scratch folder. */
function copyTheme(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sealpress-theme-'));
  scratch.push(dir);
  return copyThemeInto(dir);
}

async function approve(): Promise<void> {
  // The demo's holds name the demo's paths; the signer takes any.
  await approveAll(repo, holds as Parameters<typeof approveAll>[1]);
}

/** The incremental build of the repository, into its own dist/. */
async function incremental(now: Date): Promise<Extract<BuildResult, { ok: true }>> {
  const r = await buildSites({ root: repo.root, now, themeRoot: theme, concurrency: 2 });
  if (!r.ok) throw new Error(`config invalid: ${JSON.stringify(r.gate.configDiagnostics)}`);
  return r;
}

/** A clean full build of the same input: a fresh folder, no cache, no earlier build. */
async function clean(now: Date): Promise<Map<string, Buffer>> {
  const root = mkdtempSync(join(tmpdir(), 'sealpress-clean-'));
  scratch.push(root);
  for (const d of ['sites', 'content', 'public']) if (existsSync(join(repo.root, d))) cpSync(join(repo.root, d), join(root, d), { recursive: true });
  const r = await buildSites({ root, now, themeRoot: theme, concurrency: 2, cache: false });
  if (!r.ok) throw new Error('config invalid');
  expect(r.sites.every((s) => s.action === 'rebuilt' && s.reason === 'full build')).toBe(true);
  const out = tree(join(root, 'dist'));
  rmSync(root, { recursive: true, force: true });
  return out;
}

/** What happened to each site: `rebuilt (reason)`, `reused`, `search-refreshed`. */
function actions(r: Extract<BuildResult, { ok: true }>): Record<string, string> {
  return Object.fromEntries(r.sites.map((s) => [s.code, s.action === 'rebuilt' ? `rebuilt (${s.reason})` : s.action]));
}

const dist = () => tree(join(repo.root, 'dist'));

/** The build's listing of every site (what a publish signs) is what a release lists from dist/ now. */
async function expectListed(r: Extract<BuildResult, { ok: true }>, name = 'first build'): Promise<void> {
  const listed = r.sites.flatMap((s) => s.files).sort(byPath);
  expect(listed, name).toEqual(await collectReleaseFiles(join(repo.root, 'dist'), r.sites.map((s) => s.code)));
}

beforeAll(async () => {
  theme = copyTheme();
  repo = makeRepo({
    [`sites/${SUB2}/site.yaml`]: SUB2_YAML,
    [P.mainNotice]: entry({ title: '主站通知', department: 'zcfgc' }, '主站通知正文。\n'),
    [P.mainNews]: entry({ title: '主站动态' }, '主站动态正文。\n'),
    [P.subNews]: entry({ title: '市局动态', adopt: 'true' }, '市局动态正文，主站转载。\n'),
    [P.subNotice]: entry({ title: '市局通知' }, '市局通知正文。\n'),
    [P.subGuide]: SUB_GUIDE,
    [P.sub2News]: entry({ title: '二市动态' }, '二市动态正文。\n'),
    [P.sub2Embargo]: entry({ title: '二市定时通知', publishAt: iso(24) }, '到点发布的通知。\n'),
    [P.sub2Guide]: entry({ title: '二市限时指南', unpublishAt: iso(72) }, '限时有效的指南。\n'),
  });
  await approve();
}, 120_000);

afterAll(() => {
  repo?.cleanup();
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe('an incremental build equals a clean full build, and renders only what a change affects', () => {
  test('after every kind of change', async () => {
    const started = performance.now();
    // The first build renders everything, and is a clean full build.
    const first = await incremental(at(0));
    await expectListed(first);
    expect(actions(first)).toEqual({ [MAIN]: 'rebuilt (not built before)', [SUB]: 'rebuilt (not built before)', [SUB2]: 'rebuilt (not built before)' });
    const built = dist();
    expect([...built.keys()]).toContain(`${MAIN}/pagefind/sites/${SUB2}/pagefind-entry.json`);
    expect([...built.keys()]).toContain(`${MAIN}/gzdt/${SUB}-s-news/index.html`);

    const step = async (name: string, now: Date, expected: Record<string, string>, reference?: Map<string, Buffer>): Promise<Map<string, Buffer>> => {
      const r = await incremental(now);
      expect(actions(r), name).toEqual(expected);
      await expectListed(r, name);
      const got = dist();
      const want = reference ?? (await clean(now));
      expect(differences(got, want), name).toEqual([]);
      return want;
    };

    // Nothing changed but the clock: nothing is rendered; a second clean build at the new clock is byte-identical to the first.
    await step('clock only', at(1), { [MAIN]: 'reused', [SUB]: 'reused', [SUB2]: 'reused' });
    expect(differences(dist(), built)).toEqual([]);

    // Edit a sub-site entry: that site; the main site's copy of its search index follows.
    repo.write(P.sub2News, entry({ title: '二市动态（更新）' }, '二市动态正文，已更新。\n'));
    await approve();
    await step('edit', at(1), { [MAIN]: 'search-refreshed', [SUB]: 'reused', [SUB2]: 'rebuilt (content changed)' });

    // Add an entry to one sub-site, delete one of the main site's.
    repo.write(P.subAdded, entry({ title: '市局新增通知' }, '新增的通知。\n'));
    rmSync(join(repo.root, P.mainNews));
    await approve();
    await step('add + delete', at(1), { [MAIN]: 'rebuilt (content changed)', [SUB]: 'rebuilt (content changed)', [SUB2]: 'reused' });

    // Withdraw a sub-site entry; the clock passes another's embargo.
    holds.withdrawn = P.subNotice;
    await approve();
    await step('withdraw + embargo lapse', at(30), { [MAIN]: 'search-refreshed', [SUB]: 'rebuilt (content changed)', [SUB2]: 'rebuilt (content changed)' });

    // The clock passes an entry's unpublishAt (take-down); the same site's site.yaml changes.
    repo.write(`sites/${SUB2}/site.yaml`, SUB2_YAML.replace('columns:', 'address: 示例市人民路1号\ncolumns:'));
    const beforeAdopt = await step('take-down + site.yaml', at(80), { [MAIN]: 'search-refreshed', [SUB]: 'reused', [SUB2]: 'rebuilt (configuration changed)' });

    // The main site adopts a sub-site entry, then stops adopting it (its bytes as before).
    repo.write(P.subGuide, SUB_GUIDE.replace('---\n办理', 'adopt: true\n---\n办理'));
    await approve();
    await step('adopt', at(80), { [MAIN]: 'rebuilt (content changed)', [SUB]: 'rebuilt (content changed)', [SUB2]: 'reused' });
    expect([...dist().keys()]).toContain(`${MAIN}/bszn/${SUB}-s-guide/index.html`);
    repo.write(P.subGuide, SUB_GUIDE);
    await approve();
    await step('un-adopt', at(80), { [MAIN]: 'rebuilt (content changed)', [SUB]: 'rebuilt (content changed)', [SUB2]: 'reused' }, beforeAdopt);

    // group.yaml: every site.
    repo.write('sites/group.yaml', GROUP_YAML.replace('https://errors.example.gov.cn/report', 'https://errors.example.gov.cn/report-v2'));
    await step('group.yaml', at(80), { [MAIN]: 'rebuilt (configuration changed)', [SUB]: 'rebuilt (configuration changed)', [SUB2]: 'rebuilt (configuration changed)' });

    // The theme: one file of it changes; every site.
    appendFileSync(join(theme, 'src', 'styles', 'site.css'), '\n.incremental-test-mark { color: #123456; }\n');
    await step('theme', at(80), { [MAIN]: 'rebuilt (theme changed)', [SUB]: 'rebuilt (theme changed)', [SUB2]: 'rebuilt (theme changed)' });
    expect(readFileSync(join(repo.root, 'dist', SUB, 'index.html'), 'utf8')).toContain('#123456');
    console.log(`incremental equivalence: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }, 1_500_000);
});

describe('a large site rendered again beside few others is split between builds, byte for byte the site rendered whole', () => {
  test('the main site rendered again alone, in two shares', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sealpress-shares-'));
    scratch.push(root);
    for (const d of ['sites', 'content', 'public']) if (existsSync(join(repo.root, d))) cpSync(join(repo.root, d), join(root, d), { recursive: true });
    const whole = await buildSites({ root, now: at(80), themeRoot: theme, concurrency: 2, cache: false });
    if (!whole.ok) throw new Error('config invalid');
    expect(whole.sites.map((s) => s.builds)).toEqual(whole.sites.map(() => 1));
    const before = tree(join(root, 'dist'));
    // Any site may be split here (the demo's are small): the main site, rendered again alone, takes both cores.
    const split = await buildSites({ root, now: at(80), themeRoot: theme, concurrency: 2, full: true, sites: [MAIN], shardMinEntries: 1 });
    if (!split.ok) throw new Error('config invalid');
    expect(split.sites.map((s) => [s.code, s.action, s.builds])).toEqual([[MAIN, 'rebuilt', 2]]);
    expect(differences(tree(join(root, 'dist')), before)).toEqual([]);
    expect(readdirSync(join(root, '.sealpress', 'out')).filter((n) => n.includes('shard'))).toEqual([]);

    // One share's build fails (a page of it throws): the site fails once, keeps its dist/<code>, and no share's pages are left.
    const drill = copyTheme();
    const route = join(drill, 'src', 'routes', '[...path].astro');
    writeFileSync(route, readFileSync(route, 'utf8').replace("const column = columnOf(entry.data.column);", "if (route.path.includes('m-notice')) throw new Error('share failure drill');\n  const column = columnOf(entry.data.column);"));
    const failing = buildSites({ root, now: at(80), themeRoot: drill, concurrency: 2, full: true, sites: [MAIN], shardMinEntries: 1 });
    await expect(failing).rejects.toThrow(new RegExp(`^${MAIN} failed to build: .*share failure drill`, 's'));
    await expect(failing).rejects.toMatchObject({ code: 'BUILD_FAILED' });
    expect(differences(tree(join(root, 'dist')), before)).toEqual([]);
    expect(readdirSync(join(root, '.sealpress', 'out')).filter((n) => n.includes('shard'))).toEqual([]);
  }, 300_000);
});

describe('the decision, fail closed', () => {
  const inputs: RenderInputs = { toolchain: 't', theme: 'h', config: 'c', content: 'x' };
  const record = { version: 1 as const, code: SUB, dist: '', pages: 3, ...inputs };

  test('a site is reused only with a matching record and its output present', () => {
    const target = join(repo.root, 'dist', SUB);
    expect(judgeSite({ ...record, dist: target }, inputs, target, false)).toEqual({ rebuild: false, reason: 'unchanged' });
    expect(judgeSite({ ...record, dist: target }, inputs, target, true).reason).toBe('full build');
    expect(judgeSite(undefined, inputs, target, false).reason).toBe('not built before');
    expect(judgeSite({ ...record, dist: join(repo.root, 'elsewhere', SUB) }, inputs, target, false).reason).toBe('output missing');
    expect(judgeSite({ ...record, dist: join(repo.root, 'dist', 'nowhere') }, inputs, join(repo.root, 'dist', 'nowhere'), false).reason).toBe('output missing');
    expect(judgeSite({ ...record, dist: target, toolchain: 'other' }, inputs, target, false).reason).toBe('toolchain changed');
    expect(judgeSite({ ...record, dist: target, theme: 'other' }, inputs, target, false).reason).toBe('theme changed');
    expect(judgeSite({ ...record, dist: target, config: 'other' }, inputs, target, false).reason).toBe('configuration changed');
    expect(judgeSite({ ...record, dist: target, content: 'other' }, inputs, target, false).reason).toBe('content changed');
  });

  test('a reused tree must still hash as it was built: a file edited or added, or a link planted, by hand rebuilds the site', () => {
    const target = join(repo.root, 'dist', SUB);
    const tree = mkdtempSync(join(tmpdir(), 'sealpress-tree-'));
    scratch.push(tree);
    cpSync(target, tree, { recursive: true });
    const treeDigest = (dir: string) => treeListing(dir, SUB).digest;
    const built = treeDigest(tree);
    expect(treeDigest(tree)).toBe(built);
    expect(judgeSite({ ...record, dist: target, output: built }, inputs, target, false, () => treeDigest(tree))).toEqual({ rebuild: false, reason: 'unchanged' });
    writeFileSync(join(tree, 'index.html'), `${readFileSync(join(tree, 'index.html'), 'utf8')}<!-- edited -->`);
    expect(judgeSite({ ...record, dist: target, output: built }, inputs, target, false, () => treeDigest(tree)).reason).toBe('output changed');
    const edited = treeDigest(tree);
    writeFileSync(join(tree, 'planted.html'), '<p>x</p>');
    expect(treeDigest(tree)).not.toBe(edited);
    // A record from before output digests were kept is no proof either.
    expect(judgeSite({ ...record, dist: target }, inputs, target, false, () => built).reason).toBe('output changed');
    // A tree a release would refuse (a link to a file outside it) is not reused either: it is rendered again.
    rmSync(join(tree, 'planted.html'));
    expect(treeDigest(tree)).toBe(edited);
    symlinkSync('/etc/passwd', join(tree, 'passwd.html'));
    expect(() => treeDigest(tree)).toThrow(/symbolic link/);
    expect(judgeSite({ ...record, dist: target, output: edited }, inputs, target, false, () => treeDigest(tree)).reason).toBe('output changed');
  });

  test('an unreadable or foreign record is no record', () => {
    const work = mkdtempSync(join(tmpdir(), 'sealpress-built-'));
    scratch.push(work);
    const file = join(work, 'built', `${SUB}.json`);
    cpSync(join(repo.root, '.sealpress', 'built'), join(work, 'built'), { recursive: true });
    expect(readBuiltRecord(work, SUB)?.code).toBe(SUB);
    expect(readBuiltRecord(work, MAIN)?.groupSearch).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(file, '{"version":1,');
    expect(readBuiltRecord(work, SUB)).toBeUndefined();
    writeFileSync(file, JSON.stringify({ ...record, version: 0 }));
    expect(readBuiltRecord(work, SUB)).toBeUndefined();
    writeFileSync(file, JSON.stringify({ ...record, code: MAIN }));
    expect(readBuiltRecord(work, SUB)).toBeUndefined();
  });

  test('the theme digest covers the package files the theme imports, and only those', () => {
    const copy = copyTheme();
    const before = themeDigest(copy);
    appendFileSync(join(copy, 'pipeline', 'cli', 'main.ts'), '\n// not part of the theme\n');
    expect(themeDigest(copy)).toBe(before);
    appendFileSync(join(copy, 'pipeline', 'markup', 'active.ts'), '\n// imported by src/markdown\n');
    const after = themeDigest(copy);
    expect(after).not.toBe(before);
    appendFileSync(join(copy, 'pipeline', 'render', 'search-index.ts'), '\n// how Pagefind runs\n');
    expect(themeDigest(copy)).not.toBe(after);
    // The location counts too: a copy elsewhere is another theme.
    expect(themeDigest(theme)).not.toBe(themeDigest(copyTheme()));
    expect(toolchainDigest(copy)).toBe(toolchainDigest(PACKAGE_ROOT));
  });
});

describe('what build and publish print', () => {
  test('each site rebuilt or reused, and why; then which sites were rebuilt', () => {
    expect(siteDoneLine({ type: 'site-done', code: SUB, pages: 12, durationMs: 8_400, action: 'rebuilt', reason: 'content changed' })).toBe(`build ${SUB}: rebuilt (content changed), 12 pages in 8.4 s`);
    expect(siteDoneLine({ type: 'site-done', code: SUB2, pages: 10, durationMs: 20, action: 'reused', reason: 'unchanged' })).toBe(`build ${SUB2}: reused, 10 pages (unchanged)`);
    expect(siteDoneLine({ type: 'site-done', code: MAIN, pages: 14, durationMs: 300, action: 'search-refreshed', reason: 'sub-site search changed' })).toBe(`build ${MAIN}: pages reused, group search refreshed (sub-site search changed) in 0.3 s`);
    const sites = [
      { code: MAIN, action: 'search-refreshed', reason: 'sub-site search changed' },
      { code: SUB, action: 'rebuilt', reason: 'content changed' },
      { code: SUB2, action: 'reused', reason: 'unchanged' },
    ] as const;
    expect(rebuiltLine(sites)).toBe(`rebuilt 1 of 3 sites: ${SUB} (content changed); group search refreshed on ${MAIN}`);
    expect(rebuiltLine(sites.filter((s) => s.action === 'reused'))).toBe('rebuilt 0 of 1 sites');
  });
});
