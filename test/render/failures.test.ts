/**
 * A bundle the renderer cannot trust fails the build with a message naming the
 * file, and nothing is written to the output dir (fail closed).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { SealpressError } from '../../pipeline/errors/index.ts';
import { renderSite } from '../../pipeline/render/index.ts';
import type { SiteBundle } from '../../pipeline/stage/bundle.ts';
import { makeStage, REPO_ROOT } from './stage.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealpress-render-fail-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function failure(name: string, prepare: (stageDir: string) => void): Promise<{ error: SealpressError; outDir: string }> {
  const stageDir = join(scratch, name, 'stage');
  const outDir = join(scratch, name, 'out');
  prepare(stageDir);
  try {
    await renderSite({ root: REPO_ROOT, stageDir, outDir, cacheDir: join(scratch, name, 'cache') });
  } catch (error) {
    if (error instanceof SealpressError) return { error, outDir };
    throw error;
  }
  throw new Error(`${name}: the build succeeded`);
}

const mdEntry = (bundle: SiteBundle) => bundle.entries.find((e) => e.format === 'md')!;

describe('refused bundles', () => {
  test('no bundle.json', async () => {
    const { error, outDir } = await failure('missing', () => undefined);
    expect(error.code).toBe('PLAN_MISSING');
    expect(error.message).toContain('bundle.json');
    expect(existsSync(outDir)).toBe(false);
  });

  test.for([
    {
      name: 'not-json',
      prepare: (dir: string) => { makeStage(dir); writeFileSync(join(dir, 'bundle.json'), '{"version":1,'); },
      message: /bundle\.json is not valid JSON/,
    },
    {
      name: 'wrong-version',
      prepare: (dir: string) => makeStage(dir, { mutate: (b) => { (b as { version: number }).version = 2; } }),
      message: /bundle\.json has version 2; this renderer reads version 1/,
    },
    {
      name: 'malformed-field',
      prepare: (dir: string) => makeStage(dir, { mutate: (b) => { mdEntry(b).date = '昨天'; } }),
      message: /bundle\.json is malformed:\n\s+- entries\.0\.date/,
    },
    {
      name: 'draft-in-publish',
      prepare: (dir: string) => makeStage(dir, { mutate: (b) => { mdEntry(b).draft = true; } }),
      message: /a draft entry in a publish bundle/,
    },
    {
      name: 'mdx-import',
      prepare: (dir: string) => {
        makeStage(dir);
        writeFileSync(join(dir, 'entries', 'bszn', 'e-invoice-guide.mdx'), 'import fs from "node:fs"\n\n{fs.readFileSync("/etc/passwd", "utf8")}\n');
      },
      message: /import\/export is not allowed in an entry/,
    },
    {
      name: 'script-in-markdown',
      prepare: (dir: string) => makeStage(dir, { mutate: (b) => { mdEntry(b).body = '正文\n\n<script>alert(1)</script>\n'; } }),
      message: /Cannot render content\/19900000000\/tzgg\/2025-iit-annual-settlement\.md[\s\S]*<script> is not allowed/,
    },
  ])('$name: build fails, naming the problem; nothing is written', { timeout: 120_000 }, async ({ name, prepare, message }) => {
    const { error, outDir } = await failure(name, prepare);
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.message).toMatch(message);
    expect(existsSync(outDir)).toBe(false);
  });
});
