/**
 * What the preview is given, staged by the library (no dev server): an
 * embargoed entry as a draft, a refused one never, under .sealpress/preview/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { stagePreview } from '../../pipeline/build/index.ts';
import { runGate } from '../../pipeline/gate/index.ts';
import { approvedRepo, entry, MAIN, NOW, type TestRepo } from '../helpers/repo.ts';

const LIVE = `content/${MAIN}/bszn/live.md`;
const LATER = `content/${MAIN}/bszn/later.md`; // embargoed past NOW: pending
const BAD = `content/${MAIN}/bszn/bad.md`; // refused: unknown department
let repo: TestRepo;

beforeAll(async () => {
  repo = await approvedRepo({
    [LIVE]: entry({ title: '现行指南' }),
    [LATER]: entry({ title: '将来的指南', publishAt: '2027-01-01T00:00:00+08:00' }),
    [BAD]: entry({ title: '部门不对', department: 'nope' }),
  });
}, 120_000);
afterAll(() => repo.cleanup());

test('the preview stage holds the live entry and the embargoed one as a draft, never the refused one', async () => {
  const gate = await runGate({ root: repo.root, now: NOW, cache: false });
  if (!gate.ok) throw new Error('config');
  const staged = stagePreview(repo.root, gate, MAIN);
  expect(staged.stageDir).toBe(join(repo.root, '.sealpress', 'preview', MAIN));
  expect(staged).toMatchObject({ entries: 2, drafts: 1 });
  const bundle = JSON.parse(readFileSync(join(staged.stageDir, 'bundle.json'), 'utf8')) as { mode: string; entries: { source: string; draft: boolean }[] };
  expect(bundle.mode).toBe('preview');
  expect(bundle.entries.map((e) => [e.source, e.draft]).sort()).toEqual([
    [LATER, true],
    [LIVE, false],
  ]);
  expect(existsSync(join(repo.root, 'dist'))).toBe(false);
});
