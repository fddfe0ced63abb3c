/**
 * `sealpress verify TARGET`: check a mirror (a folder or an http(s) base URL)
 * against its signed release manifest; `--restore` repairs a folder mirror from
 * the archive and verifies it again.
 */
import { resolve } from 'node:path';
import { SealpressError } from '../errors/index.ts';
import { isUrl, verifiedCode, verifyJson, verifyLines, verifyRound, type VerifyReport, type VerifyRoundOptions } from '../publish/index.ts';
import { clock, command } from './args.ts';
import { langOf, printResult, reportError, type Io } from './output.ts';

export const VERIFY_OPTIONS = {
  site: { type: 'string' },
  archive: { type: 'string' },
  state: { type: 'string' },
  'trust-anchor': { type: 'string' },
  json: { type: 'boolean' },
  'audit-log': { type: 'string' },
} as const;

export const verify = command('verify', { ...VERIFY_OPTIONS, restore: { type: 'boolean' } }, async ({ values, positionals }, io) => {
  const { root, target } = verifyTarget(values, positionals, 'verify');
  if (values.restore && isUrl(target)) throw new SealpressError('USAGE', { zh: '--restore 只能修复文件夹镜像；请改为恢复网站服务器上的文件夹', en: '--restore repairs folder mirrors only; restore the web server\'s folder instead' });
  const outcome = await verifyRound({ ...roundOptions(values, root, target, io), now: clock(values.now), asOf: values.now, restore: values.restore === true });
  if ('code' in outcome) return outcome.settle(outcome.code);
  printReport(io, outcome.report, values.json === true);
  return outcome.settle(verifiedCode(outcome.report));
});

type VerifyValues = { root?: string | undefined; site?: string | undefined; archive?: string | undefined; state?: string | undefined; 'trust-anchor'?: string | undefined; 'audit-log'?: string | undefined };

/** The repository and the one TARGET (a folder, made absolute, or a URL) of `verify` and `watch`. */
export function verifyTarget(values: VerifyValues, positionals: string[], name: string): { root: string; target: string } {
  if (positionals.length !== 1) throw new SealpressError('USAGE', { zh: `${name} 只接受一个 TARGET（文件夹或 http(s):// 网址）`, en: `${name} takes exactly one TARGET (a folder or an http(s):// URL)` });
  return { root: resolve(values.root ?? '.'), target: isUrl(positionals[0]!) ? positionals[0]! : resolve(positionals[0]!) };
}

/** What `verify` and `watch` give every round (pipeline/publish verifyRound). */
export function roundOptions(values: VerifyValues, root: string, target: string, io: Io): Omit<VerifyRoundOptions, 'now' | 'restore'> {
  return { target, root, site: values.site, archive: values.archive, state: values.state, trustAnchor: values['trust-anchor'], auditLog: values['audit-log'], env: process.env, warn: io.err, failed: (error) => reportError(io, 'verify', error) };
}

export function printReport(io: Io, report: VerifyReport, json: boolean): void {
  printResult(io, json, { json: verifyJson(report, langOf(io)), lines: verifyLines(report, langOf(io)) });
}
