/**
 * `sealpress publish`: the whole job for CI in one command (gate, build,
 * index, manifest, sign, archive, deploy, verify), an exit code and a JSON
 * summary.
 */
import { resolve } from 'node:path';
import { DEFAULT_EXPIRES_DAYS, publishJob, publishLines, publishProgressLines } from '../publish/index.ts';
import { command } from './args.ts';
import { EXIT } from './exit.ts';
import { configInvalid, langOf, printResult, reportError } from './output.ts';
import { releaseJob, SIGNER_OPTIONS } from './release-common.ts';

export const publish = command(
  'publish',
  {
    ...SIGNER_OPTIONS,
    mirror: { type: 'string', multiple: true },
    offsite: { type: 'string', multiple: true },
    archive: { type: 'string' },
    'expires-in': { type: 'string' },
    json: { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    'trust-anchor': { type: 'string' },
    'audit-log': { type: 'string' },
  },
  async ({ values }, io) => {
    const job = releaseJob(values, io, DEFAULT_EXPIRES_DAYS);
    const { audit } = job;
    if (job.mirrors.length === 0) io.err('note: no --mirror given: the release is built, signed and archived, and deployed nowhere');
    let result;
    try {
      result = await publishJob({
        ...job,
        offsite: (values.offsite ?? []).map((o) => (o.startsWith('rsync:') ? o : resolve(o))),
        ...(values['no-cache'] ? { cache: false } : {}),
        onProgress: (event) => {
          for (const line of publishProgressLines(event, langOf(io))) io.err(line);
        },
      });
    } catch (error) {
      return audit.settle(reportError(io, 'publish', error));
    }
    if (!result.ok) return audit.settle(configInvalid(io, job.root, result.diagnostics, { zh: 'sealpress publish：站群配置（sites/）有误；请按上面列出的错误修改。未发布任何内容。', en: 'sealpress publish: the site group configuration (sites/) is invalid; fix the errors above. Nothing was published.' }));
    const s = result.summary;
    printResult(io, values.json, { json: s, lines: publishLines(s, langOf(io)) });
    return audit.settle(s.ok ? EXIT.OK : EXIT.MIRROR);
  },
);
