/**
 * `sealpress watch TARGET --interval S`: verify a mirror periodically; when it
 * does not match, record the incident in the audit log and (folders, unless
 * --no-restore) restore it from the archive. Defacement is found within one
 * interval and repaired without a person at the keyboard.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SealpressError } from '../errors/index.ts';
import { isUrl, verifyRound, watchMirror } from '../publish/index.ts';
import { command } from './args.ts';
import { printReport, roundOptions, VERIFY_OPTIONS, verifyTarget } from './verify.ts';

export const watch = command('watch', { ...VERIFY_OPTIONS, interval: { type: 'string' }, count: { type: 'string' }, 'no-restore': { type: 'boolean' } }, async ({ values, positionals }, io) => {
  const { root, target } = verifyTarget(values, positionals, 'watch');
  if (values.now !== undefined) throw new SealpressError('USAGE', { zh: 'watch 按实际时间一轮轮检查；如需在指定时间检查一次，请用 `sealpress verify --now ISO`', en: 'watch checks on the real clock, round after round; use `sealpress verify --now ISO` for one check at a given time' });
  const interval = values.interval === undefined ? 300 : Number(values.interval);
  if (!(Number.isFinite(interval) && interval > 0)) throw new SealpressError('USAGE', { zh: `--interval 应为正数秒，实际为“${values.interval}”`, en: `--interval must be a positive number of seconds, found "${values.interval}"` });
  const count = values.count === undefined ? Infinity : Number(values.count);
  if (!(count === Infinity || (Number.isInteger(count) && count > 0))) throw new SealpressError('USAGE', { zh: `--count 应为正整数，实际为“${values.count}”`, en: `--count must be a positive whole number, found "${values.count}"` });
  const restore = !values['no-restore'] && !isUrl(target);
  return watchMirror({
    rounds: count,
    intervalMs: interval * 1000,
    clock: () => new Date(),
    sleep,
    round: (now) => verifyRound({ ...roundOptions(values, root, target, io), now, restore }),
    onReport: (report, at) => {
      if (!report.ok || report.restored || values.json) printReport(io, report, values.json === true);
      else io.err(`${at.toISOString()} OK ${target}: release v${report.version}`);
    },
  });
});
