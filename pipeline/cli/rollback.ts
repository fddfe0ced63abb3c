/**
 * `sealpress rollback --to VERSION`: publish an earlier release's content again
 * as a new, higher version, signed anew (verifiers never see a version go
 * backwards), and deploy it to the mirrors.
 */
import { SealpressError } from '../errors/index.ts';
import { DEFAULT_EXPIRES_DAYS, rollbackJob, rollbackLines } from '../publish/index.ts';
import { command } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, langOf, printResult, reportError } from './output.ts';
import { releaseJob, SIGNER_OPTIONS } from './release-common.ts';

export const rollback = command(
  'rollback',
  {
    ...SIGNER_OPTIONS,
    to: { type: 'string' },
    mirror: { type: 'string', multiple: true },
    archive: { type: 'string' },
    'expires-in': { type: 'string' },
    json: { type: 'boolean' },
    'trust-anchor': { type: 'string' },
    'audit-log': { type: 'string' },
  },
  async ({ values }, io) => {
    const to = Number(values.to);
    if (values.to === undefined || !Number.isInteger(to) || to < 1) throw new SealpressError('USAGE', { zh: `必须给出 --to VERSION：发布版本号（从 1 起的整数），实际为“${values.to ?? ''}”`, en: `--to VERSION is required: a release version (a whole number from 1), found "${values.to ?? ''}"` });
    const job = releaseJob(values, io, DEFAULT_EXPIRES_DAYS);
    let result;
    try {
      result = await rollbackJob({ ...job, to });
    } catch (error) {
      return job.audit.settle(reportError(io, 'rollback', error));
    }
    if (!result.ok) return job.audit.settle(configInvalid(io, job.root, result.diagnostics, { zh: 'sealpress rollback：站群配置（sites/）有误；请按上面列出的错误修改。未发布任何内容。', en: 'sealpress rollback: the site group configuration (sites/) is invalid; fix the errors above. Nothing was published.' }));
    const { summary } = result;
    printResult(io, values.json, { json: summary, lines: rollbackLines(summary, langOf(io)) });
    return job.audit.settle(summary.ok ? EXIT.OK : EXIT.MIRROR);
  },
);
