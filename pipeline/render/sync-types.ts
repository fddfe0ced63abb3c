/**
 * syncTypes: generate Astro's types (`<root>/.astro/types.d.ts`, the typings of
 * `astro:content` and `*.astro` imports) so `tsc` can check src/. Builds never
 * write to `<root>/.astro/` (each uses its own root, see build-root.ts), so the
 * types come from this separate `astro sync` over an empty bundle: the types
 * depend on the collection schemas, not on any content.
 *
 *   npx tsx pipeline/render/sync-types.ts     (then: tsc -p . --noEmit)
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SealpressError } from '../errors/index.ts';
import { BUNDLE_VERSION, type SiteBundle } from '../stage/bundle.ts';
import { astroEnv, finished, spawnAstro } from './astro-process.ts';

function emptyBundle(): SiteBundle {
  const main = { code: '0', name: 'types', kind: 'main' as const, url: 'https://example.invalid/' };
  return {
    version: BUNDLE_VERSION,
    mode: 'publish',
    generatedAt: '2000-01-01T00:00:00+00:00',
    approvalsVerified: false,
    group: { name: 'types', errorReportUrl: 'https://example.invalid/', main, categories: [] },
    site: { ...main, domain: 'example.invalid', siteIdCode: '0', icp: '-', psb: '-', columns: [] },
    sites: [main],
    entries: [],
  };
}

export async function syncTypes(opts: { root: string }): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'sealpress-types-'));
  try {
    const stageDir = join(scratch, 'stage');
    mkdirSync(join(stageDir, 'public'), { recursive: true });
    writeFileSync(join(stageDir, 'bundle.json'), JSON.stringify(emptyBundle()));
    const env = astroEnv({ stageDir, cacheDir: join(scratch, 'cache'), homeDir: scratch, tmpDir: scratch, mode: 'development' });
    const result = await finished(spawnAstro(opts.root, ['sync', '--root', opts.root], opts.root, env));
    if (result.code !== 0) {
      throw new SealpressError('BUILD_FAILED', `astro sync failed (exit code ${String(result.code)}):\n${(result.stderr || result.stdout).trim().split('\n').slice(-30).join('\n')}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await syncTypes({ root: fileURLToPath(new URL('../..', import.meta.url)) });
}
