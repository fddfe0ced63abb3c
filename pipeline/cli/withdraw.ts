/**
 * `sealpress withdraw`: take a published entry off the sites with a signed
 * withdrawal record (错误发布, 已过时, …). The next build leaves it out; the
 * record is kept as the audit trail. To publish the entry again, the approvals
 * the policy requires are signed after the withdrawal.
 */
import { SealpressError } from '../errors/index.ts';
import { command } from './args.ts';
import { SIGN_OPTIONS, signDecision } from './approve.ts';

export const withdraw = command('withdraw', { ...SIGN_OPTIONS, reason: { type: 'string' } }, async ({ values, positionals }, io) => {
  if (positionals.length !== 1) throw new SealpressError('USAGE', { zh: 'withdraw 只能撤下一个条目', en: 'withdraw takes exactly one entry' });
  const reason = values.reason?.trim();
  if (!reason) throw new SealpressError('USAGE', { zh: '必须给出 --reason TEXT（错误发布、已过时……）：撤下理由将保存在签名记录中', en: '--reason TEXT is required (错误发布, 已过时, …): it is kept in the signed record' });
  if ([...reason].length > 500) throw new SealpressError('USAGE', { zh: '--reason 超过 500 个字符', en: '--reason has more than 500 characters' });
  return signDecision(io, { decision: 'withdraw', paths: positionals, values, reason });
});
