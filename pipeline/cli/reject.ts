/**
 * `sealpress reject`: an approver says no (驳回) to the current version of one
 * or more entries, with a reason the writer reads in `check` and in the
 * preview. The record binds the bytes like an approval; once the entry
 * changes, the rejection is history. `sealpress review` signs the same record
 * from the desk.
 */
import { SealpressError } from '../errors/index.ts';
import { command } from './args.ts';
import { SIGN_OPTIONS, signDecision } from './approve.ts';

export const reject = command('reject', { ...SIGN_OPTIONS, reason: { type: 'string' } }, async ({ values, positionals }, io) => {
  const reason = values.reason?.trim();
  if (!reason) throw new SealpressError('USAGE', '--reason TEXT is required (what the writer must change): it is kept in the signed record and shown to the writer');
  if ([...reason].length > 500) throw new SealpressError('USAGE', '--reason has more than 500 characters');
  return signDecision(io, { decision: 'reject', paths: positionals, values, reason });
});
