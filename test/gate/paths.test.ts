import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runGate } from '../../pipeline/gate/index.ts';
import { approveAll, entry, makeRepo, MAIN, NOW, png, SUB, type TestRepo } from '../helpers/repo.ts';

let repo: TestRepo | undefined;
const outside: string[] = [];
afterEach(() => {
  repo?.cleanup();
  for (const d of outside.splice(0)) rmSync(d, { recursive: true, force: true });
});

function secretOutside(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sealpress-outside-'));
  outside.push(dir);
  writeFileSync(join(dir, 'secret.md'), entry({ title: '外部文件' }));
  writeFileSync(join(dir, 'secret.png'), png(4, 4));
  return dir;
}

async function gate() {
  await approveAll(repo!);
  const result = await runGate({ root: repo!.root, now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.configDiagnostics));
  return result.plan;
}

const E = `content/${MAIN}/tzgg`;

describe('hostile paths are refused and nothing behind them is read', () => {
  test('an entry that is a symlink to a file outside the repo', async () => {
    const dir = secretOutside();
    repo = makeRepo();
    mkdirSync(join(repo.root, E), { recursive: true });
    symlinkSync(join(dir, 'secret.md'), join(repo.root, E, 'leak.md'));
    const e = (await gate()).entries.find((x) => x.path === `${E}/leak.md`)!;
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toEqual(['path-hostile']);
    expect(e.digest).toBeUndefined();
    expect(e.body).toBeUndefined();
  });

  test('a symlink to another entry inside the repo is refused too', async () => {
    repo = makeRepo({ [`${E}/real.md`]: entry({}) });
    symlinkSync(join(repo.root, E, 'real.md'), join(repo.root, E, 'copy.md'));
    const plan = await gate();
    expect(plan.entries.find((x) => x.path === `${E}/copy.md`)?.status).toBe('refused');
    expect(plan.entries.find((x) => x.path === `${E}/real.md`)?.status).toBe('publishable');
  });

  test('a column folder that is a symlink to outside', async () => {
    const dir = secretOutside();
    repo = makeRepo();
    mkdirSync(join(repo.root, `content/${MAIN}`), { recursive: true });
    symlinkSync(dir, join(repo.root, `content/${MAIN}/gzdt`));
    const plan = await gate();
    expect(plan.entries).toEqual([]);
    expect(plan.diagnostics.filter((d) => d.rule === 'path-hostile')).toMatchObject([{ rule: 'path-hostile', file: `content/${MAIN}/gzdt`, severity: 'error' }]);
  });

  test('content/ itself linked outside the repo', async () => {
    const dir = secretOutside();
    repo = makeRepo({}, {});
    rmSync(join(repo.root, 'content'), { recursive: true });
    symlinkSync(dir, join(repo.root, 'content'));
    const plan = await gate();
    expect(plan.entries).toEqual([]);
    expect(plan.diagnostics.map((d) => d.rule)).toContain('path-hostile');
  });

  test.for([
    { name: 'parent escape to another site', src: `../../../${SUB}/tzgg/img.png`, rule: 'asset-hostile' },
    { name: 'escape out of the repo', src: '../../../../../../etc/passwd', rule: 'asset-hostile' },
    { name: 'absolute file path', src: '/etc/passwd', rule: 'asset-hostile' },
    { name: 'encoded parent escape', src: '..%2F..%2F..%2F..%2Fsites%2Fgroup.yaml', rule: 'asset-hostile' },
    { name: 'file URL', src: 'file:///etc/passwd', rule: 'asset-hostile' },
    { name: 'hot-linked image', src: 'https://example.com/a.png', rule: 'asset-hostile' },
    { name: 'missing file', src: './nope.png', rule: 'asset-missing' },
  ])('front-matter image: $name', async ({ src, rule }) => {
    repo = makeRepo({ [`${E}/x.md`]: entry({ images: `  - { src: "${src}", alt: 图 }` }), [`content/${SUB}/tzgg/img.png`]: png(2, 2) });
    const e = (await gate()).entries[0]!;
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toContain(rule);
    expect(e.findings.find((f) => f.rule === rule)?.line).toBe(8);
  });

  test('an asset that is a symlink to a file outside the repo', async () => {
    const dir = secretOutside();
    repo = makeRepo({ [`${E}/x.md`]: entry({ images: '  - { src: ./x/pic.png, alt: 图 }' }) });
    mkdirSync(join(repo.root, E, 'x'));
    symlinkSync(join(dir, 'secret.png'), join(repo.root, E, 'x/pic.png'));
    const e = (await gate()).entries[0]!;
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toContain('asset-hostile');
    expect(e.assets).toEqual([]);
  });

  test('an asset under a symlinked folder', async () => {
    const dir = secretOutside();
    repo = makeRepo({ [`${E}/x.md`]: entry({ images: '  - { src: ./x/secret.png, alt: 图 }' }) });
    symlinkSync(dir, join(repo.root, E, 'x'));
    const plan = await gate();
    const e = plan.entries[0]!;
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toContain('asset-hostile');
  });

  test('body images and links resolve the same way', async () => {
    repo = makeRepo({ [`${E}/x.md`]: entry({}, `正文\n\n![图](../../../${SUB}/tzgg/img.png)\n`), [`content/${SUB}/tzgg/img.png`]: png(2, 2) });
    const e = (await gate()).entries[0]!;
    expect(e.status).toBe('refused');
    expect(e.findings[0]).toMatchObject({ rule: 'asset-hostile', line: 10 });
  });
});

describe('sizes and layout', () => {
  test('an entry over the size limit is refused without being read', async () => {
    repo = makeRepo({ [`${E}/big.md`]: entry({}, '很长的正文。'.repeat(1000)) });
    const e = (await gate()).entries[0]!;
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toEqual(['file-too-large']);
    expect(e.digest).toBeUndefined();
  });

  test('an asset over the size limit', async () => {
    repo = makeRepo({ [`${E}/x.md`]: entry({ attachments: '  - { src: ./x/big.csv, title: 大文件 }' }), [`${E}/x/big.csv`]: 'a,b\n'.repeat(4000) });
    expect((await gate()).entries[0]!.findings.map((f) => f.rule)).toContain('file-too-large');
  });

  test.for([
    { name: 'upper case', file: 'Notice.md' },
    { name: 'Chinese', file: '通知.md' },
    { name: 'spaces', file: 'a b.md' },
    { name: 'leading hyphen', file: '-x.md' },
    { name: 'all digits (collides with list page 2)', file: '2.md' },
  ])('a file name that is not a slug: $name', async ({ file }) => {
    repo = makeRepo({ [`${E}/${file}`]: entry({}) });
    const e = (await gate()).entries[0]!;
    expect(e.status).toBe('refused');
    expect(e.findings.map((f) => f.rule)).toContain('path-layout');
  });

  test('x.md and x.mdx in one column would share a URL', async () => {
    repo = makeRepo({ [`${E}/x.md`]: entry({}), [`${E}/x.mdx`]: entry({}) });
    const plan = await gate();
    expect(plan.entries.map((e) => e.status)).toEqual(['refused', 'refused']);
    expect(plan.entries[0]!.findings.map((f) => f.rule)).toContain('slug-duplicate');
  });

  test('files beside entries are assets, not entries', async () => {
    repo = makeRepo({ [`${E}/x.md`]: entry({}), [`${E}/x/readme.md`]: '# 附件', [`${E}/x/data.csv`]: 'a,b' });
    expect((await gate()).entries.map((e) => e.path)).toEqual([`${E}/x.md`]);
  });
});

describe('asset references are rewritten to content-addressed URLs', () => {
  test('body image and front-matter attachment', async () => {
    repo = makeRepo({
      [`${E}/x.md`]: entry({ attachments: '  - { src: ./x/表 1.csv, title: 表 }' }, '见图：\n\n![柱状图](./x/chart.png "图一")\n\n[下载](<./x/表 1.csv>)\n'),
      [`${E}/x/chart.png`]: png(64, 32),
      [`${E}/x/表 1.csv`]: 'a,b\n1,2\n',
    });
    const e = (await gate()).entries[0]!;
    expect(e.status).toBe('publishable');
    const chart = e.assets.find((a) => a.path.endsWith('chart.png'))!;
    expect(chart).toMatchObject({ width: 64, height: 32, role: 'body' });
    expect(chart.url).toMatch(/^\/assets\/[0-9a-f]{16}\/chart\.png$/);
    expect(e.body).toContain(`![柱状图](${chart.url} "图一")`);
    const csv = e.assets.find((a) => a.role === 'attachment')!;
    expect(e.body).toContain(`[下载](${encodeURI(csv.url)})`);
    expect(e.body).not.toContain('./x/');
  });
});
