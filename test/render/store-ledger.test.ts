/**
 * The content store the pages read is the one the loaders filled in this build,
 * or the build fails (src/loader/store-ledger.ts): Astro saves its store to disk
 * in the background and can leave an earlier, partial save as the file.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { SealpressError } from '../../pipeline/errors/index.ts';
import { renderSite } from '../../pipeline/render/index.ts';
import { ledgerDifference, ledgerOf, type LedgerRecord } from '../../src/loader/store-ledger.ts';
import { copyThemeInto } from '../helpers/theme.ts';
import { makeStage } from './stage.ts';

const scratch = mkdtempSync(join(tmpdir(), 'sealpress-ledger-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const hex = fc.stringMatching(/^[0-9a-f]{16}$/);
const code = fc.constantFrom('19900000000', '19901000000', '19902000000');
const slug = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
/** Records of a few sites, each id once: site records (`<code>`) and entries (`<code>/<column>/<slug>`). */
const records = fc
  .uniqueArray(fc.record({ code, path: fc.option(fc.tuple(fc.constantFrom('tzgg', 'gzdt', '通知'), slug), { nil: undefined }), digest: hex }), {
    selector: (r) => `${r.code}/${r.path?.join('/') ?? ''}`,
    minLength: 1,
    maxLength: 30,
  })
  .map((list) => list.map((r): LedgerRecord => ({ id: r.path ? `${r.code}/${r.path.join('/')}` : r.code, digest: r.digest })));

describe('the ledger of what the loaders stored', () => {
  test('the same records in any order agree; one missing, one more, or one with another digest names its site', () => {
    fc.assert(
      fc.property(records, fc.nat(), hex, (list, pick, other) => {
        const ledger = ledgerOf(list);
        const shuffled = [...list].reverse();
        expect(ledgerDifference('entries', ledger, shuffled)).toBeUndefined();
        const victim = list[pick % list.length] as LedgerRecord;
        const site = victim.id.split('/')[0] as string;
        const without = list.filter((r) => r !== victim);
        const changed = list.map((r) => (r === victim ? { ...r, digest: other } : r));
        const extra = [...list, { id: `${site}/extra/${other}`, digest: other }];
        for (const read of [without, extra, ...(other === victim.digest ? [] : [changed])]) {
          const difference = ledgerDifference('entries', ledger, read);
          expect(difference).toContain(`site ${site}`);
          expect(difference).toContain(`站点 ${site}`);
          // The site's own check finds it too; another site's check does not.
          expect(ledgerDifference('entries', ledger, read.filter((r) => r.id.split('/')[0] === site), site)).toBeDefined();
          for (const c of Object.keys(ledger).filter((c) => c !== site)) expect(ledgerDifference('entries', ledger, read, c)).toBeUndefined();
        }
      }),
    );
  });

  test('an id and a digest cannot be traded between records', () => {
    const ledger = ledgerOf([{ id: '19900000000/a', digest: 'b' }]);
    expect(ledgerDifference('entries', ledger, [{ id: '19900000000/ab', digest: '' }])).toBeDefined();
    expect(ledgerDifference('site', ledgerOf([{ id: '19900000000', digest: 'x' }]), [])).toMatch(/site record of site 19900000000 .*1 loaded, 0 read/);
  });
});

/**
 * A copy of the theme whose content config wraps the two loaders: `after` runs on
 * a collection's store once its loader is done (a drill that makes the store
 * differ from what was loaded), and every change to either store records which
 * timer tick it happened in (a 1 ms interval counts them) into `ticks.json`;
 * preparing each record waits for a timer, as reading a file would.
 */
function drillTheme(name: string, after: string): string {
  const dir = copyThemeInto(join(scratch, name, 'theme'));
  const ticksFile = join(scratch, name, 'ticks.json');
  writeFileSync(
    join(dir, 'src', 'content.config.ts'),
    `import { writeFileSync } from 'node:fs';
import { defineCollection } from 'astro:content';
import type { Loader, LoaderContext } from 'astro/loaders';
import { bundleEntriesLoader, bundleSiteLoader } from './loader/bundle-loader.ts';

let tick = 0;
setInterval(() => tick++, 1).unref();
const changes: { collection: string; tick: number }[] = [];

function drilled(inner: Loader, collection: string): Loader {
  return {
    ...inner,
    load: async (ctx: LoaderContext) => {
      const store = ctx.store;
      const record = () => {
        changes.push({ collection, tick });
        writeFileSync(${JSON.stringify(ticksFile)}, JSON.stringify(changes));
      };
      const watched = { ...store, set: (e: Parameters<typeof store.set>[0]) => (record(), store.set(e)), clear: () => (record(), store.clear()), delete: (id: string) => store.delete(id) };
      // Preparing a record waits for a timer (as reading a file does): only storing must not.
      const parseData: typeof ctx.parseData = async (props) => (await new Promise((r) => setTimeout(r, 2)), ctx.parseData(props));
      await inner.load({ ...ctx, store: watched, parseData });
      ${after}
    },
  };
}

export const collections = {
  entries: defineCollection({ loader: drilled(bundleEntriesLoader(), 'entries') }),
  site: defineCollection({ loader: drilled(bundleSiteLoader(), 'site') }),
};
`,
  );
  return dir;
}

async function build(name: string, after: string): Promise<{ error: SealpressError | undefined; outDir: string; ticks: { collection: string; tick: number }[] }> {
  const stageDir = join(scratch, name, 'stage');
  const outDir = join(scratch, name, 'out');
  makeStage(stageDir);
  const root = drillTheme(name, after);
  let error: SealpressError | undefined;
  try {
    await renderSite({ root, stageDir, outDir, cacheDir: join(scratch, name, 'cache') });
  } catch (e) {
    if (!(e instanceof SealpressError)) throw e;
    error = e;
  }
  return { error, outDir, ticks: JSON.parse(readFileSync(join(scratch, name, 'ticks.json'), 'utf8')) as { collection: string; tick: number }[] };
}

describe('a build whose store is not what was loaded fails, and writes nothing', () => {
  test('the store changes once: both collections, in one tick of the timers (no save can begin in between)', { timeout: 180_000 }, async () => {
    const { error, outDir, ticks } = await build('plain', '');
    expect(error).toBeUndefined();
    expect(new Set(ticks.map((t) => t.collection))).toEqual(new Set(['entries', 'site']));
    expect(new Set(ticks.map((t) => t.tick)).size).toBe(1);
    expect(existsSync(join(outDir, 'index.html'))).toBe(true);
  });

  test.for([
    { name: 'entry-lost', collection: 'entries', after: `if (collection === 'entries') store.delete(store.keys()[0] as string);`, message: /entries of site 19900000000 .*differ from what this build loaded \(\d+ loaded, \d+ read\)/ },
    {
      name: 'entry-stale',
      collection: 'entries',
      after: `if (collection === 'entries') { const [first] = store.values(); if (first) store.set({ ...first, data: first.data, digest: 'an earlier load' }); }`,
      message: /entries of site 19900000000 .*differ from what this build loaded/,
    },
    { name: 'site-lost', collection: 'site', after: `if (collection === 'site') store.clear();`, message: /site record of site 19900000000 .*differ from what this build loaded \(1 loaded, 0 read\)/ },
  ])('$name: the build fails naming the site, nothing is written', { timeout: 180_000 }, async ({ name, after, message }) => {
    const { error, outDir } = await build(name, after);
    expect(error?.code).toBe('BUILD_FAILED');
    expect(error?.message).toMatch(message);
    expect(error?.message).toContain('Astro 写出的内容存储不完整或已过时');
    expect(existsSync(outDir)).toBe(false);
  });
});
