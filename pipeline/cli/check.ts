import { resolve } from 'node:path';
import { CHECK_RULES, toSarif } from '../check/index.ts';
import { RULES, type Diagnostic } from '../diagnostics/index.ts';
import { memoryNote, verdictJson } from '../gate/index.ts';
import { actRecorder, checkJob } from '../publish/index.ts';
import { clock, command, oneOf, trustAnchor } from './args.ts';
import { configInvalid, printDiagnostics, reportError } from './output.ts';
import { TOOL_INFORMATION_URI, TOOL_VERSION } from './exit.ts';

export const CHECK_HELP = `Usage: sealpress check [--site CODE] [--format text|json|sarif] [--no-cache] [--trust-anchor FP]
                      [--archive DIR] [--root DIR] [--now ISO]

Run the gate (load, parse, validate, plan) over content/ and report every entry
that will not be published, with file:line:column, rule id, message and fix.

When the release archive holds releases, the gate uses the memory of the latest
(its signature verified): a withdrawal it remembers stays in force when the
record file was deleted (WITHDRAWAL_MISSING), and an older trust document than
it was gated under is refused (TRUST_ROLLBACK). Without an archive the gate
knows only the files in front of it, and says so.

Options:
  --site CODE      report only this site's entries (the group is still loaded)
  --format FORMAT  text (default); json: one object
                   { entries: [{ path, site, column, status, findings: [...] }], summary, approvals };
                   a finding inside an attached file names it (attachment) and
                   its place in it (location: Sheet2（隐藏） › C14, 第3页, 属性 › 作者);
                   sarif: SARIF 2.1.0 for code-review tools
  --no-cache       parse every entry again instead of reusing .sealpress/cache
  --trust-anchor FP  SHA-256 fingerprint of the group CA, pinned from outside the
                   repository (default: $SEALPRESS_TRUST_ANCHOR, else the committed CA, with a warning)
  --archive DIR    the release archive whose latest release the gate remembers
                   (default: $SEALPRESS_ARCHIVE, else .sealpress/archive)
  --root DIR       the repository (default: the current folder)
  --now ISO        the gate's clock, e.g. 2026-11-27T09:00:00+08:00 (default: now)

Every run is recorded in the audit log (sealpress audit --help): action gate,
the sites judged and the count of entries per status.

Exit codes: 0 nothing refused, 1 something refused, 2 usage or configuration
error, 3 the archive's latest release cannot be read or does not verify
(MEMORY_UNVERIFIED), 5 the run could not be recorded in the audit log.`;

export const check = command(
  CHECK_HELP,
  { 'trust-anchor': { type: 'string' }, site: { type: 'string' }, format: { type: 'string' }, 'no-cache': { type: 'boolean' }, archive: { type: 'string' } },
  async ({ values }, io) => {
    const root = resolve(values.root ?? '.');
    const format = oneOf('format', values.format, ['text', 'json', 'sarif'] as const, 'text');
    const now = clock(values.now);
    const r = await checkJob({ root, now, cache: !values['no-cache'], trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor, archive: values.archive, site: values.site, env: process.env, record: actRecorder(io.err, { root, now: values.now }) });
    // Code-review tools show every finding, of every entry, at its position; a configuration error too.
    const sarif = (findings: readonly Diagnostic[]) => io.out(JSON.stringify(toSarif(findings, { toolVersion: TOOL_VERSION, informationUri: TOOL_INFORMATION_URI, rules: [...RULES, ...CHECK_RULES] }), null, 2));
    if (r.kind === 'memory') reportError(io, 'check', r.error);
    else if (r.kind === 'config') {
      if (format === 'json') io.out(JSON.stringify({ error: 'CONFIG_INVALID', diagnostics: r.diagnostics }, null, 2));
      else if (format === 'sarif') sarif(r.diagnostics);
      else configInvalid(io, root, r.diagnostics, 'sealpress: the site group configuration (sites/) is invalid; fix the errors above. Nothing was judged.');
    } else if (r.kind === 'unknown-site') io.err(`sealpress: --site ${values.site} is not a site of the group (${r.sites.join(', ')})`);
    else if (format === 'sarif') sarif([...r.plan.diagnostics, ...r.verdict.entries.flatMap((e) => e.findings)]);
    else if (format === 'json') io.out(JSON.stringify(verdictJson(r.plan, r.verdict, r.memory, r.dir), null, 2));
    else {
      const { plan, verdict } = r;
      const { counts } = verdict;
      printDiagnostics(io, root, r.configDiagnostics);
      printDiagnostics(io, root, plan.diagnostics);
      for (const e of verdict.entries) {
        // A publishable entry is shown only for what a writer should still see (a warning, a waiver).
        if (e.status === 'publishable' && !e.findings.some((f) => f.severity !== 'info' || f.suppressed)) continue;
        printDiagnostics(io, root, e.findings);
      }
      io.out('');
      io.out(`${verdict.entries.length} entries: ${counts.publishable} publishable, ${counts.pending} pending, ${counts.refused} refused, ${counts.unpublished} unpublished, ${counts.withdrawn} withdrawn`);
      io.out(`${plan.approvals.verified ? 'approvals' : 'warning'}: ${plan.approvals.note}`);
      io.out(memoryNote(r.memory, r.dir));
    }
    return r.code;
  },
);
