import { resolve } from 'node:path';
import { CHECK_RULES, toSarif } from '../check/index.ts';
import { RULES, type Diagnostic } from '../diagnostics/index.ts';
import { allFindings, checkText, findingJson, verdictJson } from '../gate/index.ts';
import { actRecorder, checkJob, repoPaths } from '../publish/index.ts';
import { clock, command, oneOf, trustAnchor } from './args.ts';
import { configInvalid, langOf, printDiagnostics, reportError } from './output.ts';
import { TOOL_INFORMATION_URI, TOOL_VERSION } from './exit.ts';

export const check = command(
  'check',
  { 'trust-anchor': { type: 'string' }, site: { type: 'string' }, format: { type: 'string' }, 'no-cache': { type: 'boolean' }, archive: { type: 'string' } },
  async ({ values, positionals }, io) => {
    const root = resolve(values.root ?? '.');
    const paths = positionals.length > 0 ? repoPaths(root, process.cwd(), positionals) : undefined;
    const format = oneOf('format', values.format, ['text', 'json', 'sarif'] as const, 'text');
    const now = clock(values.now);
    const r = await checkJob({ root, now, cache: !values['no-cache'], trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor, archive: values.archive, site: values.site, paths, env: process.env, record: actRecorder(io.err, { root, now: values.now, env: process.env }) });
    // Code-review tools show every finding, of every entry, at its position; a configuration error too.
    const sarif = (findings: readonly Diagnostic[]) => io.out(JSON.stringify(toSarif(findings, { toolVersion: TOOL_VERSION, informationUri: TOOL_INFORMATION_URI, rules: [...RULES, ...CHECK_RULES], lang: langOf(io) }), null, 2));
    if (r.kind === 'memory') reportError(io, 'check', r.error);
    else if (r.kind === 'config') {
      if (format === 'json') io.out(JSON.stringify({ error: 'CONFIG_INVALID', diagnostics: r.diagnostics.map((d) => findingJson(d, langOf(io))) }, null, 2));
      else if (format === 'sarif') sarif(r.diagnostics);
      else configInvalid(io, root, r.diagnostics, { zh: 'sealpress：站群配置（sites/）有误；请按上面列出的错误修改。未进行任何判定。', en: 'sealpress: the site group configuration (sites/) is invalid; fix the errors above. Nothing was judged.' });
    } else if (r.kind === 'unknown-site') io.err(langOf(io) === 'zh' ? `sealpress：--site ${values.site} 不是本站群的站点（${r.sites.join(', ')}）` : `sealpress: --site ${values.site} is not a site of the group (${r.sites.join(', ')})`);
    else if (format === 'sarif') sarif(allFindings(r));
    else if (format === 'json') io.out(JSON.stringify(verdictJson(r.plan, r.verdict, r.memory, r.dir, langOf(io)), null, 2));
    else {
      const { findings, summary } = checkText(r, langOf(io));
      printDiagnostics(io, root, findings);
      for (const line of summary) io.out(line);
    }
    return r.code;
  },
);
