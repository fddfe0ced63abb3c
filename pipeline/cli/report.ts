import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { actRecorder } from '../publish/index.ts';
import { REPORT_FORMATS, reportJob, reportPeriod } from '../report/index.ts';
import { clock, command, oneOf, trustAnchor } from './args.ts';
import { configInvalid, langOf } from './output.ts';

export const report = command('report', {
  site: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  sheet: { type: 'string' },
  'no-sheet': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  'no-cache': { type: 'boolean' },
  'trust-anchor': { type: 'string' },
}, async ({ values }, io) => {
  const root = resolve(values.root ?? '.');
  const now = clock(values.now);
  const format = oneOf('format', values.format, REPORT_FORMATS, 'json');
  const { from, to } = reportPeriod(values.from, values.to, now);
  if (values.sheet !== undefined && values['no-sheet']) throw new SealpressError('USAGE', { zh: '--sheet 与 --no-sheet 不能同时使用', en: '--sheet and --no-sheet exclude each other' });

  const r = await reportJob({
    root,
    now,
    from,
    to,
    format,
    site: values.site,
    sheet: values.sheet,
    noSheet: values['no-sheet'],
    cache: !values['no-cache'],
    cacheDir: values['cache-dir'],
    trustAnchor: trustAnchor(values['trust-anchor']).trustAnchor,
    env: process.env,
    record: actRecorder(io.err, { root, now: values.now, env: process.env }),
    note: io.err,
    lang: langOf(io),
    output: (text, model) => {
      if (values.out === undefined) return io.out(text.replace(/\n$/, ''));
      const out = resolve(values.out);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, text);
      io.err(`report written to ${out} (${format}, ${model.sites.length} site${model.sites.length === 1 ? '' : 's'}, ${from} to ${to})`);
    },
  });
  if (r.kind === 'sheet-invalid') return configInvalid(io, root, r.diagnostics, { zh: `sealpress：考核表 ${r.file} 有误；请按上面列出的错误修改。未生成报告。`, en: `sealpress: the assessment sheet ${r.file} is invalid; fix the errors above. No report was written.` });
  if (r.kind === 'config') configInvalid(io, root, r.diagnostics, { zh: 'sealpress：站群配置（sites/）有误；请按上面列出的错误修改。未生成报告。', en: 'sealpress: the site group configuration (sites/) is invalid; fix the errors above. No report was written.' });
  if (r.kind === 'unknown-site') io.err(`sealpress: --site ${values.site} is not a site of the group (${r.sites.join(', ')})`);
  return r.code;
});
