/**
 * `sealpress watch TARGET --interval S`: verify a mirror periodically; when it
 * does not match, record the incident in the audit log and (folders, unless
 * --no-restore) restore it from the archive. Defacement is found within one
 * interval and repaired without a person at the keyboard.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SealpressError } from '../errors/index.ts';
import { isUrl } from '../publish/index.ts';
import { command } from './args.ts';
import { EXIT } from './exit.ts';
import type { Io } from './output.ts';
import { printReport, runVerify, VERIFY_OPTIONS } from './verify.ts';

export const WATCH_HELP = `Usage: sealpress watch TARGET [--interval S] [--count N] [--no-restore] [--site CODE]
                      [--archive DIR] [--state FILE] [--trust-anchor FP] [--json]
                      [--audit-log FILE] [--root DIR]

Verify a mirror every S seconds (as \`sealpress verify\` does). Each time it does
not match, the incident is written to the audit log, and a folder mirror is
restored from the archive (unless --no-restore) and verified again.

Options:
  --interval S    seconds between checks (default 300)
  --count N       stop after N checks (default: run until stopped)
  --no-restore    only report and record; do not repair
  (and the options of \`sealpress verify\`)

Exit codes: 0 stopped after --count checks with the mirror matching at the
last check, 1 it did not match at the last check, 2 usage error, 3 the archive
or the mirror could not be read at the last check, 5 a check or restore could
not be recorded in the audit log.`;

export const watch = command(WATCH_HELP, { ...VERIFY_OPTIONS, interval: { type: 'string' }, count: { type: 'string' }, 'no-restore': { type: 'boolean' } }, async ({ values, positionals }, io) => {
  if (positionals.length !== 1) throw new SealpressError('USAGE', 'watch takes exactly one TARGET (a folder or an http(s):// URL)');
  if (values.now !== undefined) throw new SealpressError('USAGE', 'watch checks on the real clock, round after round; use `sealpress verify --now ISO` for one check at a given time');
  const interval = values.interval === undefined ? 300 : Number(values.interval);
  if (!(Number.isFinite(interval) && interval > 0)) throw new SealpressError('USAGE', `--interval must be a positive number of seconds, found "${values.interval}"`);
  const count = values.count === undefined ? Infinity : Number(values.count);
  if (!(count === Infinity || (Number.isInteger(count) && count > 0))) throw new SealpressError('USAGE', `--count must be a positive whole number, found "${values.count}"`);
  const root = resolve(values.root ?? '.');
  const target = isUrl(positionals[0]!) ? positionals[0]! : resolve(positionals[0]!);
  const restore = !values['no-restore'] && !isUrl(target);
  // The exit code of the last round: a mismatch (1), or the table's for the error that stopped the round.
  let last: number = EXIT.REFUSED;
  let unrecorded = false;
  for (let round = 1; round <= count; round++) {
    // A failed round (an unreadable archive, a refused restore) is printed and recorded; watching goes on.
    const outcome = await runVerify({ target, root, now: new Date(), values, restore }, io);
    if (outcome.settle(EXIT.OK) === EXIT.AUDIT) unrecorded = true;
    if ('code' in outcome) {
      last = outcome.code;
      if (round < count) await sleep(interval * 1000);
      continue;
    }
    const { report } = outcome;
    last = report.ok ? EXIT.OK : EXIT.REFUSED;
    if (!report.ok || report.restored || values.json) printReport(io, report, values.json === true);
    else io.err(`${new Date().toISOString()} OK ${target}: release v${report.version}`);
    if (round < count) await sleep(interval * 1000);
  }
  return unrecorded ? EXIT.AUDIT : last;
});
