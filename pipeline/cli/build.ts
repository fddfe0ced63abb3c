import { resolve } from 'node:path';
import { buildJob, rebuiltLine, siteDoneLine } from '../build/index.ts';
import { summarise } from '../plan/index.ts';
import { actRecorder } from '../publish/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, printLeftOut } from './output.ts';

export const BUILD_HELP = `Usage: sealpress build [--site CODE]... [--jobs N] [--json] [--no-cache] [--trust-anchor FP] [--root DIR] [--now ISO]

Gate the content, then build every site (or the given ones) into dist/<code>/
with Astro and index it with Pagefind. Only entries the gate plans as
publishable are rendered; refused and pending entries are listed and left out.
Each site is built aside and swapped into dist/<code> whole.

Options:
  --site CODE   build this site only (repeatable)
  --jobs N      sites built at once (default: number of cores)
  --json        print a JSON summary on stdout
  --no-cache    parse every entry again instead of reusing .sealpress/cache, and
                render every site again (by default a site whose content,
                configuration, theme and toolchain did not change since its
                last build is reused as it is in dist/)
  --trust-anchor FP  SHA-256 fingerprint of the group CA, pinned from outside the
                repository (default: $SEALPRESS_TRUST_ANCHOR)
  --root DIR    the repository (default: the current folder)
  --now ISO     the gate's clock (default: now)

The gate run is recorded in the audit log (sealpress audit --help): action gate,
the count of entries per status, the sites built or the failure.

Exit codes: 0 built, 2 usage or configuration error, 3 a site failed to build
(dist/ keeps the previous version of that site), 5 the run could not be
recorded in the audit log.`;

export const build = command(BUILD_HELP, { 'trust-anchor': { type: 'string' }, site: { type: 'string', multiple: true }, jobs: { type: 'string' }, json: { type: 'boolean' }, 'no-cache': { type: 'boolean' } }, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs > 0)) {
    io.err(`sealpress: --jobs must be a positive whole number, found "${values.jobs}"`);
    return EXIT.CONFIG;
  }
  const now = clock(values.now);
  const { result, code } = await buildJob({
    root,
    now,
    cache: !values['no-cache'],
    ...trustAnchor(values['trust-anchor']),
    ...(values.site ? { sites: values.site } : {}),
    ...(jobs ? { concurrency: jobs } : {}),
    env: process.env,
    record: actRecorder(io.err, { root, now: values.now }),
    note: io.err,
    onProgress: (event) => {
      if (event.type === 'gate') {
        const c = summarise(event.plan);
        io.err(`gate: ${event.plan.entries.length} entries in ${event.durationMs.toFixed(0)} ms: ${c.publishable} publishable, ${c.pending} pending, ${c.refused} refused, ${c.unpublished} unpublished, ${c.withdrawn} withdrawn`);
      } else if (event.type === 'site-start') io.err(`build ${event.code}: ${event.entries} entries…`);
      else io.err(siteDoneLine(event));
    },
  });
  if (!result.ok) configInvalid(io, root, result.gate.configDiagnostics, 'sealpress: the site group configuration (sites/) is invalid; fix the errors above. Nothing was built.');
  else {
    printLeftOut(io, result.plan);
    if (values.json) io.out(JSON.stringify({ gateMs: Math.round(result.gateMs), summary: summarise(result.plan), sites: result.sites.map((s) => ({ ...s, outDir: s.outDir })) }, null, 2));
    else {
      for (const s of result.sites) io.out(`${s.code}: ${s.pages} pages, ${s.entries} entries → ${s.outDir} (${s.action}: ${s.reason})`);
      io.out(rebuiltLine(result.sites));
    }
  }
  return code;
});
