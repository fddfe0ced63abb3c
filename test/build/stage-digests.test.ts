/**
 * A build judges each site's stage from memory (plannedStageDigests) and writes
 * only the stages of the sites it renders again. The digests from memory must be
 * exactly those of the stage once written and read back (stageDigests): a
 * difference would reuse a site whose stage changed, or render one that did not.
 */
import fc from 'fast-check';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { plannedStageDigests, stageDigests } from '../../pipeline/build/incremental.ts';
import { sha256Hex } from '../../pipeline/fs/index.ts';
import { writeStage, type SiteStage } from '../../pipeline/stage/index.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealpress-stage-digests-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const segment = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,8}$/);
const text = fc.string({ unit: fc.constantFrom('a', '税', '务', '\n', '\r\n', '"', '\\', '\u2028', '😀', '\uFEFF', ' ') });
/** JSON-like values as the bundle holds them, with keys left undefined (JSON drops them) and CJK text. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(text, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.constant(undefined)),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(fc.oneof(segment, text), tie('node'), { maxKeys: 3 })),
})).node;

const stageCase = fc.record({
  mode: fc.constantFrom('publish', 'preview'),
  generatedAt: fc.constantFrom('2026-01-01T00:00:00.000Z', '2027-06-30T12:00:00.000Z'),
  entries: fc.array(fc.record({ id: segment, title: text, body: fc.option(text, { nil: undefined }), extra: value }), { maxLength: 4 }),
  site: value,
  /** Shared public files; a hidden name or a link is never staged. */
  shared: fc.array(fc.record({ path: fc.array(fc.oneof(segment, segment.map((s) => `.${s}`)), { minLength: 1, maxLength: 3 }), bytes: text, link: fc.boolean() }), { maxLength: 5 }),
  /** Entry assets, one of them perhaps at a shared file's path. */
  assets: fc.array(fc.record({ dir: segment, name: segment, ext: fc.constantFrom('png', 'pdf', 'docx'), bytes: fc.uint8Array({ maxLength: 40 }) }), { maxLength: 3 }),
  overrideShared: fc.boolean(),
  mdx: fc.array(fc.record({ id: segment, text }), { maxLength: 3 }),
});

const MAGIC: Record<string, Buffer> = { png: Buffer.from('89504e470d0a1a0a', 'hex'), pdf: Buffer.from('%PDF-1.7\n'), docx: Buffer.from('504b0304', 'hex') };
let n = 0;
type StageCase = typeof stageCase extends fc.Arbitrary<infer T> ? T : never;

function materialise(c: StageCase): { root: string; stage: SiteStage } {
  const root = join(scratch, `case-${n++}`);
  mkdirSync(join(root, 'public'), { recursive: true });
  const taken = new Set<string>();
  const files: string[] = [];
  for (const f of c.shared) {
    const rel = f.path.join('/');
    // A path that is a prefix of another's would need a file and a folder of one name.
    if ([...taken].some((t) => t === rel || t.startsWith(`${rel}/`) || rel.startsWith(`${t}/`))) continue;
    taken.add(rel);
    const path = join(root, 'public', ...f.path);
    mkdirSync(dirname(path), { recursive: true });
    if (f.link) symlinkSync('/etc/hostname', path);
    else {
      writeFileSync(path, f.bytes);
      files.push(rel);
    }
  }
  const assets = c.assets.map((a, i) => {
    const source = `content/${a.dir}/${i}-${a.name}.${a.ext}`;
    mkdirSync(join(root, dirname(source)), { recursive: true });
    // Bytes of the file's kind (a file a browser would run as a page is never staged: test/check/active-files.test.ts).
    const bytes = Buffer.concat([MAGIC[a.ext]!, a.bytes]);
    writeFileSync(join(root, source), bytes);
    const plain = files.find((f) => !f.includes('/.') && !f.startsWith('.'));
    // The asset's URL: its own place under /assets/, or (once) the path of a shared public file it then replaces.
    const url = c.overrideShared && i === 0 && plain ? `/${plain}` : `/assets/${sha256Hex(bytes).slice(0, 16)}/${encodeURIComponent(`附件-${a.name}`)}.${a.ext}`;
    return { source, digest: sha256Hex(bytes), url };
  });
  const bundle = { version: 1, mode: c.mode, generatedAt: c.generatedAt, site: c.site, entries: c.entries };
  return { root, stage: { bundle: bundle as unknown as SiteStage['bundle'], files: c.mdx.map((m, i) => ({ path: `entries/${m.id}-${i}.mdx`, text: m.text })), assets } };
}

describe('a stage digested from memory is the stage written and read back', () => {
  test('for any bundle, shared public files, assets and MDX modules', () => {
    fc.assert(
      fc.property(stageCase, (c) => {
        const { root, stage } = materialise(c);
        const planned = plannedStageDigests(root, stage);
        const stageDir = join(root, '.sealpress', 'stage', 'site');
        writeStage(root, stageDir, stage);
        expect(planned).toEqual(stageDigests(stageDir));
      }),
      { numRuns: 150 },
    );
  });

  test('a change anywhere in the stage changes the digests', () => {
    const { root, stage } = materialise({ mode: 'publish', generatedAt: '2026-01-01T00:00:00.000Z', entries: [{ id: 'a', title: '通知', body: '正文', extra: null }], site: { name: '税务局' }, shared: [{ path: ['css', 'x.css'], bytes: 'a{}', link: false }], assets: [{ dir: 'd', name: 'n', ext: 'pdf', bytes: new Uint8Array([1, 2]) }], overrideShared: false, mdx: [{ id: 'm', text: '# 标题' }] });
    const base = plannedStageDigests(root, stage);
    const variants: [string, SiteStage][] = [
      ['an entry', { ...stage, bundle: { ...stage.bundle, entries: [{ ...stage.bundle.entries[0]!, title: '通知（更正）' }] } }],
      ['the site', { ...stage, bundle: { ...stage.bundle, site: { ...stage.bundle.site, name: '税务局（新）' } } }],
      ['an MDX module', { ...stage, files: [{ ...stage.files[0]!, text: '# 新标题' }] }],
      ['an asset', { ...stage, assets: [{ ...stage.assets[0]!, digest: sha256Hex('other') }] }],
    ];
    for (const [name, variant] of variants) expect(plannedStageDigests(root, variant), name).not.toEqual(base);
    writeFileSync(join(root, 'public', 'css', 'x.css'), 'a{color:red}');
    expect(plannedStageDigests(root, stage).content, 'a shared public file').not.toBe(base.content);
    // The clock counts on a preview only (its pages show it).
    expect(plannedStageDigests(root, { ...stage, bundle: { ...stage.bundle, generatedAt: '2030-01-01T00:00:00.000Z' } }).config).toBe(plannedStageDigests(root, stage).config);
  });
});
