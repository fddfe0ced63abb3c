import { resolve } from 'node:path';
import { buildJob, buildProgressLine, buildSummary } from '../build/index.ts';
import { leftOutLines } from '../plan/index.ts';
import { actRecorder } from '../publish/index.ts';
import { clock, command, trustAnchor } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, langOf, printResult } from './output.ts';

export const build = command('build', { 'trust-anchor': { type: 'string' }, site: { type: 'string', multiple: true }, jobs: { type: 'string' }, json: { type: 'boolean' }, 'no-cache': { type: 'boolean' } }, async ({ values }, io) => {
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
    record: actRecorder(io.err, { root, now: values.now, env: process.env }),
    note: io.err,
    onProgress: (event) => io.err(buildProgressLine(event, langOf(io))),
  });
  if (!result.ok) configInvalid(io, root, result.gate.configDiagnostics, { zh: 'sealpress：站群配置（sites/）有误；请按上面列出的错误修改。未构建任何站点。', en: 'sealpress: the site group configuration (sites/) is invalid; fix the errors above. Nothing was built.' });
  else {
    for (const line of leftOutLines(result.plan, langOf(io))) io.err(line);
    printResult(io, values.json, buildSummary(result, langOf(io)));
  }
  return code;
});
